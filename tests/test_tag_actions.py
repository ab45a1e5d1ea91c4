"""catdog_gui.app.tag_actions: Tags ▸ Write Tags… writes the table's verdicts as XMP, Undo puts things back."""

from __future__ import annotations

import os
import shutil

import pytest

pytest.importorskip("pytestqt")

from PySide6.QtWidgets import QDialog  # noqa: E402

from catdog_gui.app import tag_actions  # noqa: E402
from catdog_gui.app.main_window import MainWindow  # noqa: E402
from catdog_gui.core.xmp import read_verdict, sidecar_path  # noqa: E402

RUN_TIMEOUT = 120_000


@pytest.fixture
def tagged_window(qtbot, tiny_model_path, cat_photos, dog_photos, tmp_path):
    folder = tmp_path / "pets"
    folder.mkdir()
    for p in cat_photos[:2] + dog_photos[:2]:
        shutil.copyfile(p, folder / p.name)
    w = MainWindow(tiny_model_path)
    qtbot.addWidget(w)
    actions = getattr(w, "tag_actions", None) or tag_actions.install(w)
    w.classify([str(folder)])
    qtbot.waitUntil(lambda: w.results.rowCount() == 4 and not w.running, timeout=RUN_TIMEOUT)
    return w, actions, folder


def test_write_then_undo(qtbot, tagged_window):
    w, actions, folder = tagged_window
    menus = [a.text() for a in w.menuBar().actions()]
    assert "&Tags" in menus and menus[-1] == "&Help"
    assert not actions.undo_action.isEnabled()
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    rows = [w.results.result(i) for i in range(w.results.rowCount())]
    with qtbot.waitSignal(actions.finished, timeout=RUN_TIMEOUT) as done:
        assert actions.write(rows, tag_uncertain=True)
    assert [o.action for o in done.args[0]] == ["written"] * 4
    for r in rows:  # the tiny model's verdicts, read back from the sidecars
        v = read_verdict(r.path)
        assert v.label == r.label and v.confidence == pytest.approx(r.confidence, abs=5e-5)
    assert actions.undo_action.isEnabled() and "4 written" in w.statusBar().currentMessage()
    with qtbot.waitSignal(actions.finished, timeout=RUN_TIMEOUT) as undone:
        assert actions.undo()
    assert [o.action for o in undone.args[0]] == ["undone"] * 4
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before  # the sidecars are gone again
    assert not actions.undo_action.isEnabled() and not actions.undo()


def test_dialog_choices_and_dry_run(qtbot, tagged_window, monkeypatch):
    w, actions, folder = tagged_window
    w.select_row(0)

    def choose(dialog):
        assert dialog.all_shown.text() == "All rows shown (4)" and dialog.only_selected.isEnabled()
        dialog.only_selected.setChecked(True)
        dialog.mode.setCurrentIndex(dialog.mode.findData("embed"))
        dialog.uncertain.setChecked(True)
        dialog.dry_run.setChecked(True)
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(tag_actions.TagOptions, "exec", choose)
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    with qtbot.waitSignal(actions.finished, timeout=RUN_TIMEOUT) as done:
        actions.ask_and_write()
    (outcome,) = done.args[0]
    assert outcome.action == "would write" and outcome.target == w.current_result().path
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before
    assert "would write" in actions.last_message.detailedText()
    assert w.statusBar().currentMessage().endswith("(dry run: nothing written)")  # it read like a write (tester 7)
    actions.last_message.close()
    assert not actions.undo_action.isEnabled()
    assert not any((folder / (p + ".xmp")).exists() for p in before)
    assert sidecar_path(outcome.path) not in [str(p) for p in folder.iterdir()]


@pytest.mark.parametrize("undo_the_sort_first", [False, True])
def test_undo_write_tags_follows_a_move_to_folders(qtbot, tagged_window, tmp_path, undo_the_sort_first):
    """Write tags, Move to Folders (the sidecars go along), then Undo Write Tags: the sidecars are removed
    where they now are (or, after Undo Last Sort, back where they started), not reported missing."""
    w, actions, folder = tagged_window
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    rows = [w.results.result(i) for i in range(w.results.rowCount())]
    with qtbot.waitSignal(actions.finished, timeout=RUN_TIMEOUT):
        assert actions.write(rows, tag_uncertain=True)
    assert len(list(folder.glob("*.xmp"))) == 4
    target = tmp_path / "sorted"
    assert w.sort_into("move", str(target), confirm=False)
    qtbot.waitUntil(lambda: w.sort_worker is None, timeout=RUN_TIMEOUT)
    moved = sorted(target.rglob("*.xmp"))
    assert len(moved) == 4 and not list(folder.glob("*.xmp"))
    assert all(sidecar_path(o.path, "append") == o.target or os.path.splitext(o.path)[0] + ".xmp" == o.target
               for o in actions.journal)
    if undo_the_sort_first:
        assert w.undo_last_sort()
        assert len(list(folder.glob("*.xmp"))) == 4
    with qtbot.waitSignal(actions.finished, timeout=RUN_TIMEOUT) as undone:
        assert actions.undo()
    assert [o.action for o in undone.args[0]] == ["undone"] * 4
    assert not list(target.rglob("*.xmp")) and not list(folder.glob("*.xmp"))
    if undo_the_sort_first:
        assert {p.name: p.read_bytes() for p in folder.iterdir()} == before


def test_uncertain_rows_left_untagged_are_counted(qtbot, tagged_window):
    """Without 'Also tag uncertain photos' the status bar says how many chosen photos were left untagged
    (as catdog-classify's summary does): '4 chosen, 2 written' alone read as if two had failed."""
    w, actions, folder = tagged_window
    rows = [w.results.result(i) for i in range(w.results.rowCount())]
    threshold = w.threshold
    uncertain = sum(r.confidence < threshold for r in rows)
    assert 0 < uncertain <= 4  # the tiny model is unsure of some photos at the model's threshold
    with qtbot.waitSignal(actions.finished, timeout=RUN_TIMEOUT) as done:
        assert actions.write(rows)
    assert len(done.args[0]) == 4 - uncertain
    assert sum(p.suffix == ".xmp" for p in folder.iterdir()) == 4 - uncertain
    message = w.statusBar().currentMessage()
    assert f"{uncertain} uncertain not tagged" in message, message


def test_uncertain_rows_that_keep_an_earlier_verdict_are_named(qtbot, tagged_window):
    """A photo an earlier write tagged Cat or Dog that this write finds uncertain keeps that tag (a photo
    manager still shows it): the status bar counts such photos and the report names them, as catdog-classify's
    summary does."""
    w, actions, folder = tagged_window
    rows = [w.results.result(i) for i in range(w.results.rowCount())]
    uncertain = [r.path for r in rows if r.confidence < w.threshold]
    assert uncertain  # the tiny model is unsure of some photos at the model's threshold
    w.set_threshold(0.5)  # every row decisive: all four tagged Cat or Dog
    with qtbot.waitSignal(actions.finished, timeout=RUN_TIMEOUT):
        assert actions.write(rows)
    assert all(not read_verdict(p).uncertain for p in uncertain)
    w.set_threshold(None)  # the model's threshold again: the same photos uncertain, their tags left alone
    with qtbot.waitSignal(actions.finished, timeout=RUN_TIMEOUT):
        assert actions.write(rows)
    message = w.statusBar().currentMessage()
    n = len(uncertain)
    assert f"{n} uncertain not tagged" in message and f"{n} of them keep an earlier Cat/Dog tag" in message, message
    details = actions.last_message.detailedText()
    assert all(f"keeps an earlier tag: {p}" in details for p in uncertain), details
    actions.last_message.close()
    with qtbot.waitSignal(actions.finished, timeout=RUN_TIMEOUT):  # the uncertain ones tagged Uncertain now
        assert actions.write(rows, tag_uncertain=True)
    assert all(read_verdict(p).uncertain for p in uncertain)
    assert "keep an earlier" not in w.statusBar().currentMessage()


def test_the_report_counts_in_plural_forms(qtbot, tiny_model_path, cat_photos, tmp_path):
    """Embedding into BMP photos (no XMP in that format) fails for each: the status bar says '1 error' for
    one and '3 errors' for three, not '3 error'; the photos that took the tag are counted beside them."""
    from PIL import Image

    folder = tmp_path / "mixed"
    folder.mkdir()
    shutil.copyfile(cat_photos[0], folder / "a.jpg")
    for i, p in enumerate(cat_photos[1:4]):
        with Image.open(p) as im:
            im.convert("RGB").save(folder / f"b{i}.bmp")
    w = MainWindow(tiny_model_path)
    qtbot.addWidget(w)
    actions = getattr(w, "tag_actions", None) or tag_actions.install(w)
    w.classify([str(folder)])
    qtbot.waitUntil(lambda: w.results.rowCount() == 4 and not w.running, timeout=RUN_TIMEOUT)
    rows = sorted((w.results.result(i) for i in range(4)), key=lambda r: r.name)
    assert [r.status for r in rows] == ["ok"] * 4
    with qtbot.waitSignal(actions.finished, timeout=RUN_TIMEOUT) as done:
        assert actions.write(rows[:2], mode="embed", tag_uncertain=True)
    assert [o.action for o in done.args[0]] == ["written", "error"]
    message = w.statusBar().currentMessage()
    assert message == "Tags: 1 written, 1 error", message
    actions.last_message.close()
    with qtbot.waitSignal(actions.finished, timeout=RUN_TIMEOUT) as done:
        assert actions.write(rows, mode="embed", tag_uncertain=True)
    assert [o.action for o in done.args[0]] == ["unchanged", "error", "error", "error"]
    message = w.statusBar().currentMessage()
    assert message == "Tags: 1 unchanged, 3 errors", message
    assert actions.last_message.detailedText().count("error: ") == 3
    actions.last_message.close()


def test_the_dialog_says_rows_with_errors_get_no_tag(qtbot, tiny_model_path, cat_photos, tmp_path, monkeypatch):
    """'All rows shown (2)' while the table showed 3 rows read as a wrong count (tester 5): the row with an
    error is shown but has no verdict to tag, and the dialog says so, counting the rows as the table does."""
    folder = tmp_path / "pets"
    folder.mkdir()
    for p in cat_photos[:2]:
        shutil.copyfile(p, folder / p.name)
    (folder / "broken.jpg").write_bytes(cat_photos[0].read_bytes()[:200])
    w = MainWindow(tiny_model_path, [str(folder)])
    qtbot.addWidget(w)
    actions = getattr(w, "tag_actions", None) or tag_actions.install(w)
    qtbot.waitUntil(lambda: w.results.rowCount() == 3 and not w.running, timeout=RUN_TIMEOUT)
    seen = []
    monkeypatch.setattr(tag_actions.TagOptions, "exec",
                        lambda dialog: seen.append(dialog.all_shown.text()) or QDialog.DialogCode.Rejected)
    actions.ask_and_write()
    assert seen == ["All rows shown (3; 1 with an error gets no tag)"]  # the table's 3 rows (tester 6)
