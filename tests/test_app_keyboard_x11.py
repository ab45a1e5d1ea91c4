"""The keyboard paths with real key presses (xdotool through an X server, Xvfb), as a person types them: Ctrl+F
puts the focus in the search box, Ctrl+E there exports (the line edit does not take it), Shift+F10 and the
Menu key open the row menu. Tiny model, real photos."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = """
import subprocess, sys
from PySide6.QtCore import QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
app = QApplication(sys.argv)
from catdog_gui.app.main_window import MainWindow
w = MainWindow(sys.argv[1], sys.argv[2:])
w.show()
QTest.qWaitForWindowExposed(w)
while w.running or w.results.rowCount() < 2:
    QTest.qWait(50)
w.activateWindow()
QTest.qWait(300)
w.table.setFocus()
w.select_row(0)
QTest.qWait(200)
def key(k):
    subprocess.Popen(["xdotool", "key", "--clearmodifiers", k])
key("ctrl+f"); QTest.qWait(800)
print("ctrl+f", w.filter_bar.search.hasFocus())
subprocess.run(["xdotool", "type", "cat"]); QTest.qWait(500)
exports = []
w.export_action.triggered.disconnect()
w.export_action.triggered.connect(lambda *_: exports.append(1))
key("ctrl+e"); QTest.qWait(800)
print("ctrl+e", len(exports), w.filter_bar.search.text())
for k in ("shift+F10", "Menu"):
    w.table.setFocus(); QTest.qWait(200)
    seen = []
    def close():
        popup = app.activePopupWidget()
        seen.append(type(popup).__name__)
        if popup is not None:
            popup.close()
    QTimer.singleShot(1200, close)
    key(k); QTest.qWait(2000)
    print(k, seen)
w.shutdown()
"""


@pytest.mark.skipif(shutil.which("xvfb-run") is None or shutil.which("xdotool") is None,
                    reason="needs Xvfb (xvfb-run) and xdotool for real key presses")
def test_real_key_presses(tiny_model_path, cat_photos):
    root = Path(__file__).resolve().parents[1]
    env = {**os.environ, "QT_QPA_PLATFORM": "xcb", "PYTHONPATH": str(root)}
    done = subprocess.run(["xvfb-run", "-a", sys.executable, "-c", SCRIPT, str(tiny_model_path),
                           *map(str, cat_photos[:2])], capture_output=True, text=True, timeout=240, env=env, cwd=root)
    out = done.stdout
    assert done.returncode == 0, done.stderr[-2000:]
    assert "ctrl+f True" in out, out
    assert "ctrl+e 1 cat" in out, out  # exported once, and the key typed nothing
    assert "shift+F10 ['QMenu']" in out and "Menu ['QMenu']" in out, out
