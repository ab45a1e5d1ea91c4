"""Copy/Move to Folders take the rows Write Tags takes (tester 10, finding 2), and Undo Last Sort after
``catdog-classify --undo-sort`` (finding 3): offscreen, the tiny exported model on real photos."""

from __future__ import annotations

import re
import shutil

import pytest
from PySide6.QtCore import QItemSelectionModel
from PySide6.QtWidgets import QDialog, QMessageBox

from catdog_gui import cli
from catdog_gui.app.main_window import MainWindow
from catdog_gui.app.results_model import NAME
from catdog_gui.app.sort_scope import SortConfirm, prefers_selection, row_scope
from catdog_gui.app.tag_actions import TagOptions
from catdog_gui.app.workers import MISSING

RUN_TIMEOUT = 120_000


@pytest.fixture
def album(tmp_path, cat_photos, dog_photos):
    """``a_1..a_3.jpg`` (cats) and ``b_1..b_3.jpg`` (dogs), real photos, in ``tmp_path/album``."""
    src = tmp_path / "album"
    src.mkdir()
    for prefix, photos in (("a", cat_photos), ("b", dog_photos)):
        for i, p in enumerate(photos[:3], 1):
            shutil.copy(p, src / f"{prefix}_{i}.jpg")
    return src


def _window(qtbot, model, folder, rows: int) -> MainWindow:
    w = MainWindow(model, [str(folder)])
    qtbot.addWidget(w)
    w.show()
    qtbot.waitUntil(lambda: w.results.rowCount() == rows and not w.running, timeout=RUN_TIMEOUT)
    return w


def _select(w: MainWindow, *names: str) -> None:
    """Select the rows of ``names`` (a click on the first, Ctrl+clicks on the others)."""
    rows = {w.proxy.index(i, NAME).data(): i for i in range(w.proxy.rowCount())}
    w.select_row(rows[names[0]])
    for name in names[1:]:
        w.table.selectionModel().select(w.proxy.index(rows[name], NAME), QItemSelectionModel.SelectionFlag.Select
                                        | QItemSelectionModel.SelectionFlag.Rows)


def _wait_sort(qtbot, w: MainWindow) -> None:
    qtbot.waitUntil(lambda: w.sort_worker is None, timeout=RUN_TIMEOUT)


def test_write_tags_and_sort_choose_by_one_rule(qapp):
    for selected, shown in ((0, 5), (1, 5), (2, 3), (3, 3), (1, 1), (0, 0)):
        dialog = TagOptions(shown, selected, None)
        assert dialog.only_selected.isChecked() == prefers_selection(selected, shown), (selected, shown)


def test_a_selection_partly_hidden_by_the_filter_sorts_only_its_visible_rows(qtbot, tiny_model_path, album,
                                                                             tmp_path):
    w = _window(qtbot, tiny_model_path, album, 6)
    _select(w, "a_1.jpg", "b_1.jpg")
    w.filter_bar.search.setText("a_")  # b_1 hidden: one selected row is left visible, of three shown
    assert w.proxy.rowCount() == 3
    scope = row_scope(w)
    assert (scope.n_selected, scope.n_shown) == (1, 3)
    tags = w.tag_actions  # Write Tags counts (and would preselect) the same rows
    assert (len(tags._rows(True)), len(tags._rows(False))) == (1, 3)
    target = tmp_path / "out"
    assert w.sort_into("copy", str(target), confirm=False)
    _wait_sort(qtbot, w)
    assert [p.name for p in target.rglob("*.jpg")] == ["a_1.jpg"]  # not all three shown


def test_one_selected_row_the_summary_names_the_set_and_the_user_may_switch(qtbot, tiny_model_path, album,
                                                                           tmp_path, monkeypatch):
    w = _window(qtbot, tiny_model_path, album, 6)
    _select(w, "b_2.jpg")
    target = tmp_path / "sorted"
    asked = []

    def answer(box: SortConfirm, switch: bool) -> int:
        assert box.ok_button.text() == "Move" and box.ok_button.isDefault()  # Enter moves, Escape cancels
        asked.append((box.text(), box.only_selected.text(), box.all_shown.text(), box.selected_chosen()))
        if switch:
            box.all_shown.click()
            asked.append((box.text(), box.selected_chosen()))
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(SortConfirm, "exec", lambda box: answer(box, False))
    assert w.sort_into("move", str(target))
    _wait_sort(qtbot, w)
    text, selected_text, shown_text, chose_selected = asked[0]
    assert re.match(rf"Move 1 selected photo(\(s\))? into {re.escape(str(target))}:", text)
    assert (selected_text, shown_text, chose_selected) == ("Selected rows (1)", "All rows shown (6)", True)
    assert [p.name for p in target.rglob("*.jpg")] == ["b_2.jpg"]  # one photo moved, not six
    assert sorted(p.name for p in album.glob("*.jpg")) == ["a_1.jpg", "a_2.jpg", "a_3.jpg", "b_1.jpg", "b_3.jpg"]

    _select(w, "a_1.jpg")
    monkeypatch.setattr(SortConfirm, "exec", lambda box: answer(box, True))
    assert w.sort_into("move", str(target))
    _wait_sort(qtbot, w)
    assert asked[1][0].startswith("Move 1 selected photo")
    text, chose_selected = asked[2]
    assert text.startswith("Move all 5 shown photo") and not chose_selected  # b_2 is already in its folder
    assert not list(album.glob("*.jpg")) and len(list(target.rglob("*.jpg"))) == 6


def test_undo_last_sort_after_the_cli_undid_it(qtbot, tiny_model_path, album, monkeypatch, capsys):
    w = _window(qtbot, tiny_model_path, album, 6)
    w.table.clearSelection()
    assert w.sort_into("move", str(album), confirm=False)  # into the folder itself, the dialog's default
    _wait_sort(qtbot, w)
    assert not list(album.glob("*.jpg")) and w.undo_sort_action.isEnabled()
    assert cli.main(["--undo-sort", str(album)]) == 0
    assert "Undone: moved 6 photos back" in capsys.readouterr().out
    (album / "b_3.jpg").unlink()  # one photo removed since
    said = []
    monkeypatch.setattr(QMessageBox, "information", staticmethod(lambda _parent, title, text: said.append(
        (title, text))))
    monkeypatch.setattr(QMessageBox, "critical", staticmethod(lambda *_a: pytest.fail("an error box")))

    assert not w.undo_last_sort()
    title, text = said[0]
    assert title == "Undo last sort"
    assert text.startswith(f"Nothing to undo in {album}: the last sort into it was already undone (for example "
                           "with catdog-classify --undo-sort).")
    assert "5 photo" in text and "back where they were before the sort" in text
    assert "1 photo" in text and "no longer found" in text
    assert not w.undo_sort_action.isEnabled()
    rows = {r.name: r for r in w.results.results}
    for name in ("a_1.jpg", "a_2.jpg", "a_3.jpg", "b_1.jpg", "b_2.jpg"):
        assert rows[name].path == str(album / name) and rows[name].ok  # followed its file back
    assert not rows["b_3.jpg"].ok and rows["b_3.jpg"].error == MISSING
    assert w.tally.errors == 1 and w.tally.total == 6  # the counts see it too
