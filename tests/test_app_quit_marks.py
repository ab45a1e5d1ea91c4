"""Quitting with marks by hand that were neither exported nor written to tags asks first: Export CSV… (then
quits once the file is written), Quit Without Saving, or Cancel (Esc, keeps the window). Before, the marks
were lost on quit without a word. Offscreen, tiny model, real photos."""

from __future__ import annotations

import csv

from PySide6.QtWidgets import QFileDialog


RUN_TIMEOUT = 120_000


def test_quit_with_unsaved_marks_asks_and_export_keeps_them(classified_window, answer_quit, qtbot, tiny_model_path, cat_photos, tmp_path,
                                                            monkeypatch):
    w = classified_window(cat_photos[:3], tmp_path / "photos")
    w.select_row(1)
    marked = w.current_result().path
    assert w.mark_selected("dog") == 1
    assert w.unsaved_marks() == 1

    seen: list[str] = []
    answer_quit(w, None, seen)  # Esc: nothing is lost, the window stays
    assert not w.close()
    assert w.isVisible() and w.results.rowCount() == 3 and w.results.person_label(marked) == "dog"
    assert seen == ["1 photo marked by hand has not been exported or written to tags."]

    out = tmp_path / "marks.csv"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(out), "CSV files (*.csv)"))
    answer_quit(w, "Export CSV…", seen)
    assert w.close()
    assert not w.isVisible() and len(seen) == 2
    with open(out, encoding="utf-8-sig", newline="") as f:
        rows = {r["path"]: r["label_by_person"] for r in csv.DictReader(f)}
    assert rows == {r.path: ("dog" if r.path == marked else "") for r in w.results.results}


def test_marks_written_to_tags_quit_without_a_question_and_discard_quits(classified_window, answer_quit, qtbot, tiny_model_path, dog_photos,
                                                                        tmp_path):
    w = classified_window(dog_photos[:3], tmp_path / "photos")
    w.select_row(0)
    marked = w.current_result().path
    assert w.mark_selected("cat") == 1
    with qtbot.waitSignal(w.tag_actions.finished, timeout=RUN_TIMEOUT) as done:
        assert w.tag_actions.write(w.results.results)
    assert marked in {o.path for o in done.args[0] if o.action == "written"}  # (the tiny model's rows are uncertain)
    assert w.unsaved_marks() == 0

    # a mark cleared while the tags hold it is to lose too (Write Tags would replace it), as a new mark is;
    # "Quit Without Saving" drops both
    assert w.mark_selected(None) == 1 and w.unsaved_marks() == 1
    w.select_row(2)
    assert w.mark_selected("cat") == 1 and w.unsaved_marks() == 2
    seen: list[str] = []
    answer_quit(w, "Quit Without Saving", seen)
    assert w.close()
    assert not w.isVisible() and len(seen) == 1


def test_undoing_the_tag_write_makes_the_marks_unsaved_again(classified_window, answer_quit, qtbot, tiny_model_path, dog_photos, tmp_path):
    w = classified_window(dog_photos[:2], tmp_path / "photos")
    w.select_row(0)
    w.mark_selected("cat")
    with qtbot.waitSignal(w.tag_actions.finished, timeout=RUN_TIMEOUT):
        w.tag_actions.write(w.results.results)
    assert w.unsaved_marks() == 0
    with qtbot.waitSignal(w.tag_actions.finished, timeout=RUN_TIMEOUT) as undone:
        assert w.tag_actions.undo()
    assert {o.action for o in undone.args[0]} == {"undone"}
    assert w.unsaved_marks() == 1
    seen: list[str] = []
    answer_quit(w, "Quit Without Saving", seen)
    assert w.close() and len(seen) == 1


def test_a_mark_that_differs_from_the_photos_tags_says_how_to_update_them(classified_window, answer_quit, qtbot, tiny_model_path, dog_photos,
                                                                          tmp_path):
    """Tagged, then marked otherwise by hand: the status bar says the tags still hold another verdict (a sort
    would carry them along); marked as the tags say: nothing to update."""
    from catdog_gui.core.xmp import read_verdict

    w = classified_window(dog_photos[:2], tmp_path / "photos")
    w.select_row(0)
    photo = w.current_result().path
    assert w.mark_selected("dog") == 1
    with qtbot.waitSignal(w.tag_actions.finished, timeout=RUN_TIMEOUT):
        w.tag_actions.write([w.current_result()])
    assert read_verdict(photo).verdict == "dog"
    w.statusBar().clearMessage()
    assert w.mark_selected("cat") == 1
    assert w.statusBar().currentMessage() == ("1 photo marked by hand still carries another verdict in its XMP "
                                              "tags: Tags ▸ Write Tags… updates it")
    w.statusBar().clearMessage()
    assert w.mark_selected("dog") == 1
    assert w.statusBar().currentMessage() == "1 photo marked by hand as dog"  # the tags agree: no hint
    answer_quit(w, "Quit Without Saving", [])  # the first mark was written; the later ones are not lost silently
    assert w.close()


def test_quit_question_writes_tags_then_quits_and_a_dry_run_stays(classified_window, answer_quit, qtbot, tiny_model_path, cat_photos, tmp_path,
                                                                  monkeypatch):
    """The question's Write Tags… opens Tags ▸ Write Tags…; once every mark is in the tags the window closes.
    A dry run stores nothing, so the window stays and the marks are still unsaved."""
    from PySide6.QtWidgets import QDialog

    from catdog_gui.app import tag_actions
    from catdog_gui.core.xmp import read_verdict

    w = classified_window(cat_photos[:2], tmp_path / "photos")
    w.select_row(1)
    marked = w.current_result().path
    assert w.mark_selected("dog") == 1

    def dry(dialog):
        dialog.dry_run.setChecked(True)
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(tag_actions.TagOptions, "exec", dry)
    seen: list[str] = []
    answer_quit(w, "Write Tags…", seen)
    with qtbot.waitSignal(w.tag_actions.finished, timeout=RUN_TIMEOUT):
        assert not w.close()
    qtbot.wait(50)
    assert w.isVisible() and w.unsaved_marks() == 1 and read_verdict(marked) is None
    w.tag_actions.last_message.close()

    monkeypatch.setattr(tag_actions.TagOptions, "exec", lambda dialog: QDialog.DialogCode.Accepted)
    answer_quit(w, "Write Tags…", seen)
    assert not w.close()  # not yet: the write runs first
    qtbot.waitUntil(lambda: not w.isVisible(), timeout=RUN_TIMEOUT)
    assert read_verdict(marked).verdict == "dog" and len(seen) == 2
