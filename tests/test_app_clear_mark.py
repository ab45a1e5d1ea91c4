"""Clear Mark on a photo whose mark by hand is in its XMP tags (tester 10, finding 1). Before, the clear never
reached the tags: Write Tags kept the hand verdict ("kept: set by hand to dog"), quitting asked nothing, a
re-classification brought the mark back from the tags, and Copy to Folders put the photo into the model's folder
with a sidecar still saying "Dog, set by hand" (so catdog-classify --skip-tagged moved it to dog/). Now the clear
is the person's newer word: Write Tags replaces the hand verdict with the model's, quitting asks until then, a
re-classification keeps it cleared, and a sort writes it into the tags first. Offscreen, tiny model, real photos."""

from __future__ import annotations

import shutil

from PySide6.QtCore import QTimer

from catdog_gui.app.main_window import MainWindow
from catdog_gui.app.results_model import RESULT_ROLE
from catdog_gui.core.verdicts import effective_label
from catdog_gui.core.xmp import SOURCE_HAND, SOURCE_MODEL, read_verdict, sidecar_path

RUN_TIMEOUT = 120_000


def _opened(qtbot, tiny_model_path, folder, n: int) -> MainWindow:
    w = MainWindow(tiny_model_path, [str(folder)])
    qtbot.addWidget(w)
    w.show()
    qtbot.waitUntil(lambda: w.results.rowCount() == n and not w.running, timeout=RUN_TIMEOUT)
    return w


def _clear(w: MainWindow, photo) -> None:
    """Select ``photo``'s row and press Clear Mark (Ctrl+0)."""
    w.select_row(next(i for i in range(w.proxy.rowCount()) if w.proxy.index(i, 0).data(RESULT_ROLE).path == str(photo)))
    assert w.current_result().path == str(photo)
    assert w.mark_selected(None) == 1


def _answer_quit(w: MainWindow, seen: list) -> None:
    """Press Esc in the quit question once it is open, noting its text."""
    def later():
        box = w.quit_question.box
        if box is None or not box.isVisible():
            QTimer.singleShot(20, later)
            return
        seen.append(box.text())
        box.reject()
    QTimer.singleShot(0, later)


def test_mark_write_clear_write_gives_the_models_verdict(qtbot, tiny_model_path, cat_photos, tmp_path):
    folder = tmp_path / "photos"
    folder.mkdir()
    for p in cat_photos[:2]:
        shutil.copy(p, folder / p.name)
    w = _opened(qtbot, tiny_model_path, folder, 2)
    w.select_row(0)
    photo = w.current_result().path
    assert w.mark_selected("dog") == 1
    with qtbot.waitSignal(w.tag_actions.finished, timeout=RUN_TIMEOUT):
        w.tag_actions.write([w.current_result()])
    assert read_verdict(photo).source == SOURCE_HAND and read_verdict(photo).label == "dog"

    assert w.mark_selected(None) == 1
    assert "XMP tags still hold it" in w.statusBar().currentMessage()
    with qtbot.waitSignal(w.tag_actions.finished, timeout=RUN_TIMEOUT) as done:
        w.tag_actions.write([w.current_result()])
    assert [o.action for o in done.args[0]] == ["written"]  # not "kept: set by hand to dog"
    tagged = read_verdict(photo)
    row = w.current_result()
    assert tagged.source == SOURCE_MODEL and tagged.label == row.label
    assert tagged.verdict == effective_label(row, w.threshold)
    assert w.unsaved_marks() == 0 and w.cleared_marks() == 0
    w.close()


def test_quitting_with_a_cleared_mark_still_in_the_tags_asks(qtbot, tiny_model_path, hand_tagged):
    folder, marked, _other = hand_tagged
    w = _opened(qtbot, tiny_model_path, folder, 2)
    assert w.results.person_label(str(marked)) == "dog" and w.unsaved_marks() == 0
    _clear(w, marked)
    assert w.unsaved_marks() == 1 and w.cleared_marks() == 1
    seen: list[str] = []
    _answer_quit(w, seen)
    assert not w.close()  # Esc: the window stays
    assert w.isVisible() and len(seen) == 1
    assert "mark by hand cleared" in seen[0] and "XMP tags still hold it" in seen[0]
    w.marks.cleared.clear()  # (let the test's window close)
    w.close()


def test_a_reclassification_keeps_the_mark_cleared(qtbot, tiny_model_path, hand_tagged):
    folder, marked, _other = hand_tagged
    w = _opened(qtbot, tiny_model_path, folder, 2)
    _clear(w, marked)
    assert w.set_speed(tta=not w.tta)  # Model ▸ Fast/Accurate: every photo is classified again
    qtbot.waitUntil(lambda: w.results.rowCount() == 2 and not w.running, timeout=RUN_TIMEOUT)
    assert w.results.person_label(str(marked)) == ""  # not read back from the tags
    assert w.cleared_marks() == 1
    assert read_verdict(marked).source == SOURCE_HAND  # nothing written yet
    w.marks.cleared.clear()
    w.close()


def test_sorting_a_photo_with_a_cleared_mark_writes_it_first(qtbot, tiny_model_path, hand_tagged, tmp_path):
    folder, marked, _other = hand_tagged
    w = _opened(qtbot, tiny_model_path, folder, 2)
    _clear(w, marked)
    folder_name = effective_label(w.current_result(), w.tally.threshold)  # the model's verdict
    assert folder_name != "dog"
    out = tmp_path / "sorted"
    assert w.sort_into("copy", str(out), confirm=False)
    qtbot.waitUntil(lambda: w.sort_worker is None, timeout=RUN_TIMEOUT)
    copy = out / folder_name / marked.name
    assert copy.is_file() and not (out / "dog" / marked.name).exists()
    assert (out / folder_name / (marked.name + ".xmp")).is_file()
    tagged = read_verdict(copy)  # the sidecar that came along says the folder's verdict
    assert tagged.source == SOURCE_MODEL and tagged.verdict == folder_name
    assert read_verdict(marked).verdict == folder_name and w.unsaved_marks() == 0
    w.close()


def test_sorting_a_photo_with_an_unwritten_mark_writes_it_first(qtbot, tiny_model_path, hand_tagged, tmp_path):
    """The same for a mark not yet written over other tags: the sidecar carried along says the folder's."""
    folder, marked, _other = hand_tagged
    w = _opened(qtbot, tiny_model_path, folder, 2)
    _clear(w, marked)
    assert w.mark_selected("cat") == 1
    out = tmp_path / "sorted"
    assert w.sort_into("move", str(out), confirm=False)
    qtbot.waitUntil(lambda: w.sort_worker is None, timeout=RUN_TIMEOUT)
    moved = out / "cat" / marked.name
    assert moved.is_file() and sidecar_path(moved) == str(out / "cat" / (marked.name + ".xmp"))
    tagged = read_verdict(moved)
    assert tagged.source == SOURCE_HAND and tagged.verdict == "cat"
    assert w.unsaved_marks() == 0  # the mark is in the tags now, at the photo's new place
    w.close()


def test_a_sort_stops_when_the_verdict_cannot_reach_the_tags(qtbot, tiny_model_path, hand_tagged, tmp_path,
                                                               monkeypatch):
    """If the shown verdict cannot be written into a photo's tags first (here its sidecar refuses the write), the
    sort does not start: the old "dog, set by hand" sidecar would travel into the model's folder, where
    catdog-classify trusts it. The window says why, and nothing is copied."""
    from catdog_gui.app import tag_actions
    from catdog_gui.core.xmp import TagOutcome

    folder, marked, _other = hand_tagged
    w = _opened(qtbot, tiny_model_path, folder, 2)
    _clear(w, marked)
    real = tag_actions.write_verdict

    def refused(path, *args, **kwargs):
        if str(path) == str(marked):
            return TagOutcome(path=str(path), target=sidecar_path(path), action="error", reason="Permission denied")
        return real(path, *args, **kwargs)

    monkeypatch.setattr(tag_actions, "write_verdict", refused)
    said: list[str] = []
    monkeypatch.setattr(w, "_error", lambda title, text: said.append(text))
    out = tmp_path / "sorted"
    started = w.sort_into("copy", str(out), confirm=False)
    qtbot.waitUntil(lambda: w.sort_worker is None, timeout=RUN_TIMEOUT)
    cleared = w.cleared_marks()
    w.marks.cleared.clear()  # (let the test's window close whatever happened)
    w.close()
    assert not started and not out.exists()
    assert len(said) == 1 and "Nothing was copied" in said[0]
    assert f"{marked.name}.xmp: Permission denied" in said[0]
    assert read_verdict(marked).source == SOURCE_HAND  # the tags unchanged, the mark still to write
    assert cleared == 1
