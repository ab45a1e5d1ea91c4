"""File ▸ Copy to Folders… / Move to Folders… / Undo Last Sort: offscreen, the tiny exported
model on real photos. The summary is shown before anything is written; moved rows follow their files."""

from __future__ import annotations

import filecmp
import os
import re
import shutil
from pathlib import Path

from PySide6.QtCore import QItemSelectionModel
from PySide6.QtWidgets import QDialog, QMessageBox

from catdog_gui.app.main_window import MainWindow
from catdog_gui.app.results_model import NAME
from catdog_gui.app.sort_scope import SortConfirm

RUN_TIMEOUT = 120_000


def classified_window(qtbot, model, folder, rows):
    w = MainWindow(model, [str(folder)])
    qtbot.addWidget(w)
    w.show()
    qtbot.waitUntil(lambda: w.results.rowCount() == rows and not w.running, timeout=RUN_TIMEOUT)
    return w


def test_summary_first_then_move_and_undo(qtbot, tiny_model_path, cat_photos, dog_photos, tmp_path, monkeypatch):
    src = tmp_path / "photos"
    src.mkdir()
    for p in cat_photos[:3] + dog_photos[:3]:
        shutil.copy(p, src / p.name)
    (src / "broken.jpg").write_bytes(b"not a photo")
    originals = {p.name: (src / p.name).read_bytes() for p in src.iterdir()}
    w = classified_window(qtbot, tiny_model_path, src, 7)
    target = tmp_path / "sorted"

    asked = []

    def cancel(box):
        asked.append(box.text())
        return QDialog.DialogCode.Rejected

    monkeypatch.setattr(SortConfirm, "exec", cancel)
    assert w.sort_into("move", str(target)) is False
    assert not target.exists()  # nothing written before the user agrees
    t = w.tally
    text = asked[0]
    # no row selected: all rows shown, and the summary says so
    assert re.match(rf"Move all 6 shown photo(s|\(s\)) into {re.escape(str(target))}", text) and "1 unreadable photo stays" in text
    for label, n in t.per_class.items():
        if n:
            assert f"{label}/    {n}" in text
    if t.uncertain:
        assert f"uncertain/    {t.uncertain}" in text

    assert w.sort_into("move", str(target), confirm=False)
    qtbot.waitUntil(lambda: w.sort_worker is None, timeout=RUN_TIMEOUT)
    moved = {r.name: r.path for r in w.results.results if r.status == "ok"}
    for name, path in moved.items():
        folder = os.path.basename(os.path.dirname(path))
        assert os.path.dirname(os.path.dirname(path)) == str(target) and folder in ("cat", "dog", "uncertain")
        assert Path(path).read_bytes() == originals[name] and not (src / name).exists()
    assert (src / "broken.jpg").exists()
    assert w.undo_sort_action.isEnabled()

    assert w.undo_last_sort()
    for r in w.results.results:
        assert os.path.dirname(r.path) == str(src) and Path(r.path).read_bytes() == originals[r.name]
    assert not w.undo_sort_action.isEnabled()


def test_copy_takes_only_the_selected_rows(qtbot, tiny_model_path, data_dir, tmp_path):
    w = classified_window(qtbot, tiny_model_path, data_dir / "photos-fullsize" / "dog", 60)
    w.select_row(3)
    w.table.selectionModel().select(w.proxy.index(7, NAME), QItemSelectionModel.SelectionFlag.Select
                                    | QItemSelectionModel.SelectionFlag.Rows)
    chosen = w.selected_results()
    assert len(chosen) == 2
    target = tmp_path / "out"
    assert w.sort_into("copy", str(target), confirm=False)
    qtbot.waitUntil(lambda: w.sort_worker is None, timeout=RUN_TIMEOUT)
    copies = sorted(p for p in target.rglob("*.jpg"))
    assert sorted(p.name for p in copies) == sorted(r.name for r in chosen)
    for r in chosen:
        copy = next(p for p in copies if p.name == r.name)
        assert filecmp.cmp(r.path, copy, shallow=False) and os.path.exists(r.path)


def test_a_mark_by_hand_wins_in_counts_filter_sort_and_tags(qtbot, tiny_model_path, cat_photos, tmp_path):
    src = tmp_path / "photos"
    src.mkdir()
    for p in cat_photos[:3]:
        shutil.copy(p, src / p.name)
    w = classified_window(qtbot, tiny_model_path, src, 3)
    w.tally.threshold = 0.0  # every row confident, whatever the tiny model says
    w.tally.clear()
    w.tally.add(w.results.results)
    marked = w.results.result(0)
    other = "dog" if marked.label == "cat" else "cat"
    before = dict(w.tally.per_class)
    w.table.selectRow(next(i for i in range(3) if w.proxy.index(i, NAME).data() == marked.name))
    assert w.mark_selected(other) == 1
    assert w.tally.per_class[other] == before[other] + 1 and w.tally.per_class[marked.label] == before[marked.label] - 1
    assert f"{other} <b>{w.tally.per_class[other]}</b>" in w.summary.text()
    w.filter_bar.select(other)  # the class button shows the marked photo
    shown = {w.proxy.index(i, NAME).data() for i in range(w.proxy.rowCount())}
    assert marked.name in shown and len(shown) == w.tally.per_class[other]
    w.filter_bar.select("all")
    w.table.clearSelection()
    target = tmp_path / "sorted"
    assert w.sort_into("copy", str(target), confirm=False)
    qtbot.waitUntil(lambda: w.sort_worker is None, timeout=RUN_TIMEOUT)
    assert (target / other / marked.name).exists() and not (target / marked.label / marked.name).exists()
    w.tag_actions.write(w.results.results)
    qtbot.waitUntil(lambda: not w.tag_actions.busy, timeout=RUN_TIMEOUT)
    from catdog_gui.core.xmp import read_verdict

    v = read_verdict(marked.path)
    assert (v.verdict, v.source) == (other, "hand")


def test_undo_last_sort_after_a_restart(qtbot, tiny_model_path, cat_photos, tmp_path):
    from PySide6.QtCore import QSettings

    src = tmp_path / "photos"
    src.mkdir()
    for p in cat_photos[:2]:
        shutil.copy(p, src / p.name)
    settings = QSettings(str(tmp_path / "catdog.ini"), QSettings.Format.IniFormat)
    w = MainWindow(tiny_model_path, [str(src)], settings=settings)
    qtbot.addWidget(w)
    qtbot.waitUntil(lambda: w.results.rowCount() == 2 and not w.running, timeout=RUN_TIMEOUT)
    target = tmp_path / "sorted"
    assert w.sort_into("move", str(target), confirm=False)
    qtbot.waitUntil(lambda: w.sort_worker is None, timeout=RUN_TIMEOUT)
    assert list(src.iterdir()) == []
    w.close()
    settings.sync()
    again = MainWindow(tiny_model_path, [], settings=QSettings(str(tmp_path / "catdog.ini"),
                                                               QSettings.Format.IniFormat))
    qtbot.addWidget(again)
    assert again.undo_sort_action.isEnabled()
    assert again.undo_last_sort()
    assert sorted(p.name for p in src.iterdir()) == sorted(p.name for p in cat_photos[:2])
    assert again.statusBar().currentMessage() == "Undone: moved 2 photos back"
    assert not target.exists() and not again.undo_sort_action.isEnabled()


def test_a_filter_that_hides_every_row_says_so(qtbot, tiny_model_path, cat_photos, tmp_path, monkeypatch):
    src = tmp_path / "photos"
    src.mkdir()
    for p in cat_photos[:4]:
        shutil.copy(p, src / p.name)
    (src / "broken.jpg").write_bytes(b"not a photo")
    w = classified_window(qtbot, tiny_model_path, src, 5)
    said = []
    monkeypatch.setattr(QMessageBox, "information", staticmethod(lambda _parent, _title, text: said.append(text)))
    w.filter_bar.search.setText("no such name")
    assert w.proxy.rowCount() == 0
    assert not w.sort_into("copy", str(tmp_path / "out"), confirm=False)
    assert said[-1] == "No rows are shown: clear the filter to sort all 4 photos."
    w.filter_bar.search.setText("broken")
    assert w.proxy.rowCount() == 1
    assert not w.sort_into("move", str(tmp_path / "out"), confirm=False)
    assert said[-1] == "The rows shown have no classified photos: clear the filter to sort all 4 photos."
    assert not (tmp_path / "out").exists() and len(list(src.iterdir())) == 5
    w.clear_results()
    assert not w.sort_into("copy", str(tmp_path / "out"), confirm=False)
    assert said[-1] == "There are no classified photos to sort."


def test_copying_the_same_rows_twice_says_they_were_already_there(qtbot, tiny_model_path, cat_photos, dog_photos,
                                                                 tmp_path):
    src, target = tmp_path / "photos", tmp_path / "out"
    src.mkdir()
    for p in cat_photos[:6]:
        shutil.copy(p, src / p.name)
    w = classified_window(qtbot, tiny_model_path, src, 6)
    assert w.sort_into("copy", str(target), confirm=False)  # every row (none selected)
    qtbot.waitUntil(lambda: w.sort_worker is None, timeout=RUN_TIMEOUT)
    assert not w.sort_into("copy", str(target), confirm=False)  # nothing to do: no sort, no step to undo
    assert len(list(target.rglob("*.jpg"))) == 6  # no "name (1).jpg" beside each
    assert w.statusBar().currentMessage() == f"Nothing to copy: the photos are already in {target}"
    # one photo replaced meanwhile by another under its name: classified again first (app/changed_files.py),
    # then copied (as "name (1).jpg", or into its new verdict's folder), the others skipped
    shutil.copy(dog_photos[0], src / cat_photos[0].name)
    assert w.sort_into("copy", str(target), confirm=False)
    qtbot.waitUntil(lambda: w.statusBar().currentMessage().startswith("Copied"), timeout=RUN_TIMEOUT)
    assert w.statusBar().currentMessage() == (
        f"Copied 1 photo into {target} (5 photos already there with the same content, skipped)")
    assert len(list(target.rglob("*.jpg"))) == 7
    assert w.undo_last_sort() and len(list(target.rglob("*.jpg"))) == 6  # the newest real sort, the only copy
    assert w.undo_last_sort() and not list(target.rglob("*.jpg"))  # then the first: the no-op was no step
