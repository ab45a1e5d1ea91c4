"""A sensible minimum window size (every control in view, nothing overlapping) that still fits a small
screen, and long file names elided in the middle so rows stay distinguishable. Offscreen, tiny model,
real photos from pets-ood-val."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QRect, QSize, Qt

from catdog_gui.app.main_window import FRAME_ALLOWANCE, MINIMUM_SIZE, MainWindow, minimum_size
from catdog_gui.app.results_model import NAME

RUN_TIMEOUT = 120_000
LONG = "cat_photo_from_the_big_family_album_summer_holiday_at_the_lake_{:04d}.jpg"


def test_minimum_size_keeps_every_control_and_names_are_elided_in_the_middle(qtbot, tiny_model_path, data_dir,
                                                                             tmp_path):
    src = tmp_path / "photos"
    src.mkdir()
    for i, p in enumerate(sorted((data_dir / "pets-ood-val" / "cat").glob("*.jpg"))[:3]):
        shutil.copy(p, src / LONG.format(i))
    w = MainWindow(tiny_model_path, [str(src)])
    qtbot.addWidget(w)
    w.show()
    qtbot.waitUntil(lambda: w.results.rowCount() == 3 and not w.running, timeout=RUN_TIMEOUT)
    available = w.screen().availableGeometry()
    room = available.size() - FRAME_ALLOWANCE
    assert w.minimumWidth() >= min(MINIMUM_SIZE.width(), room.width())
    assert w.minimumHeight() >= min(MINIMUM_SIZE.height(), room.height())
    assert w.minimumWidth() <= available.width() and w.minimumHeight() <= available.height()

    w.resize(500, 350)  # as small as a person drags it
    qtbot.wait(50)
    assert w.width() >= min(800, room.width()) and w.height() >= min(560, room.height())
    w.select_row(0)
    qtbot.waitUntil(lambda: w.detail.explanation is not None, timeout=RUN_TIMEOUT)
    bar = w.detail.tabs.tabBar()
    assert bar.isVisible() and bar.height() > 0 and bar.width() > 0
    central = w.centralWidget()

    def box(widget):
        return QRect(widget.mapTo(central, widget.rect().topLeft()), widget.size())
    parts = [box(x) for x in (w.drop_zone, w.filter_bar, w.splitter)]
    for a, b in zip(parts, parts[1:]):
        assert a.bottom() < b.top(), (a, b)  # stacked, not overlapping
    assert all(central.rect().contains(p) for p in parts)
    assert not box(w.table).intersects(box(w.detail))

    # the Name column elides in the middle: at 1024x700 the numbers at the end still tell the rows apart
    w.resize(1024, 700)
    qtbot.wait(50)
    assert w.table.textElideMode() == Qt.TextElideMode.ElideMiddle
    width = w.table.horizontalHeader().sectionSize(NAME) - 8
    fm = w.table.fontMetrics()
    shown = [fm.elidedText(w.proxy.index(i, NAME).data(), w.table.textElideMode(), width) for i in range(3)]
    assert all("…" in s for s in shown), (width, shown)
    assert len(set(shown)) == 3 and all(s.endswith(".jpg") for s in shown)
    # every tab title of the detail view shows whole in the 380-pixel pane a 1024x700 screen leaves it under X11
    # with its window frame (they were "E…", "Mi…", "Ex…")
    w.splitter.setSizes([w.splitter.width() - 380, 380])
    qtbot.wait(50)
    bar = w.detail.tabs.tabBar()
    for i in range(bar.count()):
        needed = bar.fontMetrics().horizontalAdvance(bar.tabText(i))
        assert bar.tabRect(i).width() > needed, (bar.tabText(i), bar.tabRect(i).width(), needed)
    assert bar.tabRect(bar.count() - 1).right() <= bar.width()


def test_minimum_size_fits_small_screens():
    assert minimum_size(QSize(1920, 1040), QSize(700, 440)) == MINIMUM_SIZE
    at_scale_2 = minimum_size(QSize(800, 500), QSize(776, 444))  # 1600x1000 at QT_SCALE_FACTOR=2
    assert at_scale_2.width() <= 800 and at_scale_2.height() <= 500
    assert at_scale_2.width() >= 776 and at_scale_2.height() >= 436


SHRINK = """
import subprocess, sys
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
app = QApplication(sys.argv)
from catdog_gui.app.main_window import MainWindow
w = MainWindow(sys.argv[1])
w.show(); QTest.qWait(1000)
subprocess.run(["xdotool", "windowsize", str(int(w.winId())), "300", "200"], check=True)
QTest.qWait(1000)
print("size", w.width(), w.height(), "minimum", w.minimumWidth(), w.minimumHeight(), flush=True)
w.shutdown()
"""


@pytest.mark.skipif(shutil.which("xvfb-run") is None or shutil.which("xdotool") is None,
                    reason="needs Xvfb (xvfb-run) and xdotool to resize the window from outside Qt")
def test_a_window_made_smaller_from_outside_grows_back_to_its_minimum(tiny_model_path):
    """Without a window manager X11 takes any size (``xdotool windowsize <id> 300 200``): the window grows
    back to its minimum instead of clipping every control."""
    root = Path(__file__).resolve().parents[1]
    env = {**os.environ, "QT_QPA_PLATFORM": "xcb", "PYTHONPATH": str(root)}
    done = subprocess.run(["xvfb-run", "-a", "-s", "-screen 0 1400x900x24", sys.executable, "-c", SHRINK,
                           str(tiny_model_path)], capture_output=True, text=True, timeout=240, env=env, cwd=root)
    assert done.returncode == 0, done.stderr[-2000:]
    line = next(x for x in done.stdout.splitlines() if x.startswith("size"))
    _, width, height, _, min_width, min_height = line.split()
    assert (int(min_width), int(min_height)) == (MINIMUM_SIZE.width(), MINIMUM_SIZE.height())
    assert (int(width), int(height)) == (int(min_width), int(min_height)), line
