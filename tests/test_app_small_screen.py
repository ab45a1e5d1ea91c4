"""A first window on a 1600x1000 screen at QT_SCALE_FACTOR=2 (800x500 logical), English and Korean, in a real
X server (Xvfb): the file names are readable (the name column gets its width first, names elided in the middle
with the extension kept), every column fits without a side scroll bar, the flow tabs show whole, and the run's
message has the room the provider line leaves. Tiny model, real photos with long names."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QApplication

from catdog_gui.app.main_window import NAME_WIDTH
from catdog_gui.app.name_delegate import elide_name, fit_confidence

NAMES = ("IMG_20240612_143015.jpg", "abyssinian_on_the_sofa.jpg", "corgi_in_the_garden.jpeg", "cat.134.jpg")

SCRIPT = """
import sys
from PySide6.QtCore import QModelIndex
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QStyleOptionViewItem
app = QApplication(sys.argv)
from catdog_gui.app.i18n import install_translators
install_translators(app, sys.argv[1])
from catdog_gui.app.main_window import MainWindow
from catdog_gui.app.results_model import NAME
w = MainWindow(sys.argv[2], [sys.argv[3]])
w.show()
QTest.qWaitForWindowExposed(w)
while w.running or w.results.rowCount() < 4:
    QTest.qWait(50)
w.select_row(0)
while w.detail.explanation is None:
    QTest.qWait(50)
QTest.qWait(300)
header = w.table.horizontalHeader()
print("name", header.sectionSize(NAME))
print("columns", sum(header.sectionSize(c) for c in range(header.count())), "viewport", w.table.viewport().width())
print("scrollbar", w.table.horizontalScrollBar().isVisible())
delegate = w.table.itemDelegateForColumn(NAME)
for row in range(4):
    index = w.proxy.index(row, NAME)
    option = QStyleOptionViewItem()
    option.rect = w.table.visualRect(index)
    option.widget = w.table
    option.font = w.table.font()
    option.fontMetrics = w.table.fontMetrics()
    delegate.initStyleOption(option, index)
    print("shown", repr(option.text), repr(index.data()))
bar = w.detail.tabs.tabBar()
fm = bar.fontMetrics()
print("tabs", all(bar.tabRect(i).width() >= fm.horizontalAdvance(bar.tabText(i)) and bar.tabRect(i).right() <= bar.width()
                  for i in range(bar.count())))
print("screen", w.screen().availableGeometry().width())
w.shutdown()
"""


@pytest.mark.skipif(shutil.which("xvfb-run") is None, reason="needs Xvfb (xvfb-run) for a 1600x1000 screen")
@pytest.mark.parametrize("language", ["en", "ko"])
def test_scale_two_on_a_1600x1000_screen(language, tiny_model_path, cat_photos, tmp_path):
    folder = tmp_path / "photos"
    folder.mkdir()
    for name, photo in zip(NAMES, cat_photos):
        shutil.copy(photo, folder / name)
    root = Path(__file__).resolve().parents[1]
    env = {**os.environ, "QT_QPA_PLATFORM": "xcb", "QT_SCALE_FACTOR": "2", "PYTHONPATH": str(root)}
    done = subprocess.run(["xvfb-run", "-a", "-s", "-screen 0 1600x1000x24", sys.executable, "-c", SCRIPT,
                           language, str(tiny_model_path), str(folder)],
                          capture_output=True, text=True, timeout=240, env=env, cwd=root)
    out = done.stdout
    assert done.returncode == 0, done.stderr[-2000:]
    assert "screen 800" in out, out  # the scale took
    lines = dict(line.split(" ", 1) for line in out.splitlines() if " " in line and not line.startswith("shown"))
    assert int(lines["name"]) >= NAME_WIDTH, out
    assert lines["scrollbar"] == "False" and lines["tabs"] == "True", out
    for line in (x for x in out.splitlines() if x.startswith("shown")):
        shown, name = (s.strip("'") for s in line[len("shown "):].rsplit(" ", 1))
        stem, ext = os.path.splitext(name)
        assert shown.endswith(ext) and shown.count("…") <= 1, out
        assert len(shown) >= 10 or shown == name, out  # a readable start and end, not "a…f"


def test_elide_name_keeps_the_extension(qapp):
    metrics = QFontMetrics(QApplication.font())
    name = "IMG_20240612_143015.jpg"
    full = metrics.horizontalAdvance(name)
    assert elide_name(metrics, name, full) == name
    for width in (full * 3 // 4, full // 2):
        shown = elide_name(metrics, name, width)
        assert shown.startswith("IMG") and shown.endswith("5.jpg") and "…" in shown, shown
        assert metrics.horizontalAdvance(shown) <= width
    assert elide_name(metrics, name, metrics.horizontalAdvance("I….jpg") - 1).count("…") == 1


def test_fit_confidence_keeps_the_number(qapp):
    """A row marked by hand against the model says whose confidence it is ("cat 99.8%"); a cell too narrow for
    that shows the number whole ("99.8%"), not a middle-elided "ca…8%"."""
    metrics = QFontMetrics(QApplication.font())
    text = "cat 99.8%"
    assert fit_confidence(metrics, text, metrics.horizontalAdvance(text)) == text
    assert fit_confidence(metrics, text, metrics.horizontalAdvance(text) - 1) == "99.8%"
    assert fit_confidence(metrics, "99.8%", metrics.horizontalAdvance("99.8%")) == "99.8%"
    assert fit_confidence(metrics, "cat 99.8%", metrics.horizontalAdvance("99.8%") - 1) == "99%"  # not "9…%"
