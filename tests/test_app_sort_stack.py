"""File ▸ Undo Last Sort with two sorts into one folder: the second sort's summary says the first stays undoable,
each undo undoes one sort (newest first), and the menu item stays enabled while an earlier sort is left."""

from __future__ import annotations

import shutil
from pathlib import Path

from PySide6.QtWidgets import QDialog

from catdog_gui.app.main_window import MainWindow
from catdog_gui.app.sort_scope import SortConfirm

RUN_TIMEOUT = 120_000


def _sorted_by(qtbot, model, folder: Path, rows: int, target: Path) -> MainWindow:
    """A window that classified ``folder`` (``rows`` photos) and moved them into ``target``."""
    w = MainWindow(model, [str(folder)])
    qtbot.addWidget(w)
    qtbot.waitUntil(lambda: w.results.rowCount() == rows and not w.running, timeout=RUN_TIMEOUT)
    assert w.sort_into("move", str(target))
    qtbot.waitUntil(lambda: w.sort_worker is None, timeout=RUN_TIMEOUT)
    return w


def test_undo_last_sort_undoes_one_sort_at_a_time(qtbot, tiny_model_path, data_dir, tmp_path, monkeypatch):
    fullsize = data_dir / "photos-fullsize"
    first, second, target = tmp_path / "first", tmp_path / "second", tmp_path / "sorted"
    (first / "sub").mkdir(parents=True)
    second.mkdir()
    cats, dogs = sorted((fullsize / "cat").glob("*.jpg")), sorted((fullsize / "dog").glob("*.jpg"))
    for i, p in enumerate(cats[:4]):
        shutil.copy(p, (first / "sub" if i % 2 else first) / p.name)
    for p in dogs[:2]:
        shutil.copy(p, second / p.name)
    before = {p: p.read_bytes() for p in list(first.rglob("*.jpg")) + list(second.glob("*.jpg"))}
    asked = []
    monkeypatch.setattr(SortConfirm, "exec", lambda box: asked.append(box.text()) or QDialog.DialogCode.Accepted)

    _sorted_by(qtbot, tiny_model_path, first, 4, target)
    assert "earlier sort" not in asked[0]
    w = _sorted_by(qtbot, tiny_model_path, second, 2, target)
    # "1 earlier sort(s)" until the English catalogue has this string's plural forms
    assert "1 earlier sort" in asked[1] and "Undo Last Sort undoes this one first" in asked[1]
    assert not any(p.exists() for p in before)

    assert w.undo_last_sort()
    said = w.statusBar().currentMessage()
    assert said.startswith("Undone: moved 2 photos back · 1 earlier sort") and said.endswith("Undo Last Sort again.")
    assert w.undo_sort_action.isEnabled()
    assert all(p.read_bytes() == data for p, data in before.items() if p.parent == second)
    assert not any(p.exists() for p in before if p.parent != second)
    assert w.undo_last_sort()
    assert w.statusBar().currentMessage() == "Undone: moved 4 photos back"
    assert not w.undo_sort_action.isEnabled()
    assert all(p.read_bytes() == data for p, data in before.items())
    assert not target.exists()
