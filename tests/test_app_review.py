"""Open, reveal, review: Enter or a double-click opens the photo, the right-click menu,
copy path, and a verdict corrected by hand that the CSV keeps beside the model's. Offscreen, tiny model,
real photos. The desktop's launcher is the one thing replaced: it would start a real viewer."""

from __future__ import annotations

import csv
import shutil

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices, QGuiApplication

from catdog_gui.app import open_reveal
from catdog_gui.app.main_window import MainWindow
from catdog_gui.app.results_model import CONFIDENCE, NAME, PREDICTION, RESULT_ROLE

RUN_TIMEOUT = 120_000


def test_open_copy_and_mark_by_hand(qtbot, tiny_model_path, cat_photos, tmp_path, monkeypatch):
    src = tmp_path / "photos"
    src.mkdir()
    for p in cat_photos[:4]:
        shutil.copy(p, src / p.name)
    opened: list[QUrl] = []
    monkeypatch.setattr(QDesktopServices, "openUrl", staticmethod(lambda url: opened.append(url) or True))
    w = MainWindow(tiny_model_path, [str(src)])
    qtbot.addWidget(w)
    w.show()
    qtbot.waitUntil(lambda: w.results.rowCount() == 4 and not w.running, timeout=RUN_TIMEOUT)

    # Enter on a row opens its photo; a double-click too
    w.select_row(1)
    w.table.setFocus()
    qtbot.keyClick(w.table, Qt.Key.Key_Return)
    assert [u.toLocalFile() for u in opened] == [w.current_result().path]
    rect = w.table.visualRect(w.proxy.index(2, NAME))
    qtbot.mouseClick(w.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())  # as a hand does:
    qtbot.mouseDClick(w.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())  # press, then double
    assert opened[-1].toLocalFile() == w.proxy.index(2, NAME).data(RESULT_ROLE).path

    # "Show in folder" without a file manager on D-Bus opens the folder
    monkeypatch.setattr(open_reveal, "_freedesktop_show_items", lambda path: False)
    assert w.show_current_in_folder()
    assert opened[-1].toLocalFile() == str(src)

    # the menu offers the actions; copy path puts the paths on the clipboard
    texts = [a.text() for a in w.row_menu().actions() if a.text()]
    assert texts[:3] == ["&Open", "Show in &Folder", "&Copy Path"]
    assert "Mark as cat" in texts and "Mark as dog" in texts
    assert w.copy_paths() == w.current_result().path == QGuiApplication.clipboard().text()

    # a verdict corrected by hand: shown in the table, and the CSV keeps both labels
    target = w.current_result()
    other = "dog" if target.label == "cat" else "cat"
    assert w.mark_selected(other) == 1
    row = next(i for i in range(4) if w.proxy.index(i, NAME).data() == target.name)
    assert w.proxy.index(row, PREDICTION).data() == f"{other} ✎"
    # the confidence beside the mark is the model's, for its own label: said so ("cat 99.8%")
    assert w.proxy.index(row, CONFIDENCE).data() == f"{target.label} {target.confidence:.1%}"
    assert w.mark_selected(target.label) == 1  # a mark that agrees: the confidence is the mark's own
    assert w.proxy.index(row, PREDICTION).data() == f"{target.label} ✓"
    assert w.proxy.index(row, CONFIDENCE).data() == f"{target.confidence:.1%}"
    assert w.mark_selected(other) == 1
    # the detail pane and the status bar say the mark too (they said the model's verdict and the run's counts)
    qtbot.waitUntil(lambda: w.detail.explanation is not None, timeout=RUN_TIMEOUT)
    w.detail.show_result(w.current_result())
    assert w.detail.verdict.text().startswith(f"<b>{other}</b> — marked by hand; the model says {target.label} ")
    assert w.statusBar().currentMessage() == f"1 photo marked by hand as {other}"
    out = tmp_path / "out.csv"
    assert w.export_csv(str(out)) == 4
    with open(out, encoding="utf-8-sig", newline="") as f:
        rows = {r["path"]: r for r in csv.DictReader(f)}
    assert rows[target.path]["top_label"] == target.label and rows[target.path]["label_by_person"] == other
    assert rows[target.path]["label"] == target.verdict(w.threshold)  # "uncertain" below the threshold
    assert all(r["label_by_person"] == "" for p, r in rows.items() if p != target.path)
