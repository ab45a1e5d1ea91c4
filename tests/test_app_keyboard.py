"""Keyboard paths of the main window: Ctrl+F to the search box and Escape back to the results, Ctrl+E
(Export CSV…) while the search box has the focus, Shift+F10 for the row menu. Offscreen, tiny model,
real photos, QTest key events."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from PySide6.QtCore import QEvent, Qt, QTimer
from PySide6.QtGui import QKeyEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QFileDialog, QMenu

from catdog_gui.app.main_window import MainWindow

RUN_TIMEOUT = 120_000


def window_with_rows(qtbot, model, photos, tmp_path) -> MainWindow:
    folder = tmp_path / "in"
    folder.mkdir()
    for p in photos:
        shutil.copy(p, folder / p.name)
    w = MainWindow(model, [str(folder)])
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    w.activateWindow()
    qtbot.waitUntil(lambda: w.results.rowCount() == len(photos) and not w.running, timeout=RUN_TIMEOUT)
    return w


def test_search_box_keys(qtbot, tiny_model_path, cat_photos, dog_photos, tmp_path, monkeypatch):
    w = window_with_rows(qtbot, tiny_model_path, cat_photos[:2] + dog_photos[:1], tmp_path)
    search = w.filter_bar.search
    w.table.setFocus()
    qtbot.waitUntil(w.table.hasFocus)

    QTest.keyClick(w.table, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(search.hasFocus)
    QTest.keyClicks(search, dog_photos[0].stem)
    assert w.proxy.rowCount() == 1

    # Ctrl+E exports while one types in the search box
    asked = []
    out = tmp_path / "typed.csv"
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        staticmethod(lambda *a, **k: asked.append(1) or (str(out), "")))
    QTest.keyClick(search, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    assert asked == [1] and out.is_file() and search.hasFocus()
    assert search.text() == dog_photos[0].stem  # the key typed nothing

    select_all = QKeyEvent(QEvent.Type.ShortcutOverride, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    select_all.setAccepted(False)
    QApplication.sendEvent(search, select_all)
    assert select_all.isAccepted()  # text editing keys stay the line edit's

    # Escape: back to the table, the filter kept
    QTest.keyClick(search, Qt.Key.Key_Escape)
    qtbot.waitUntil(w.table.hasFocus)
    assert w.proxy.rowCount() == 1 and search.text() == dog_photos[0].stem

    # in the gallery Escape goes back to the gallery
    w.gallery_action.setChecked(True)
    QTest.keyClick(w.gallery, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(search.hasFocus)
    assert search.selectedText() == dog_photos[0].stem  # selected: typing replaces the old search
    QTest.keyClick(search, Qt.Key.Key_Escape)
    qtbot.waitUntil(w.gallery.hasFocus)
    w.shutdown()


def test_tab_leaves_the_table_for_the_detail_view(qtbot, tiny_model_path, cat_photos, tmp_path):
    """Tab moved cell by cell and then to the next row, changing the photo, and never left the table (tester 6):
    it goes on to the detail view now; arrows still move between rows."""
    w = window_with_rows(qtbot, tiny_model_path, cat_photos[:3], tmp_path)
    w.select_row(0)
    w.table.setFocus()
    qtbot.waitUntil(w.table.hasFocus)
    chosen = w.current_result()
    QTest.keyClick(w.table, Qt.Key.Key_Down)
    assert w.current_result() is not chosen
    w.select_row(0)
    QTest.keyClick(w.table, Qt.Key.Key_Tab)
    focus = QApplication.focusWidget()
    assert focus is not w.table and w.current_result() is chosen
    assert w.detail.isAncestorOf(focus), focus  # the next stop: the detail view's controls


def test_shift_f10_opens_the_row_menu(qtbot, tiny_model_path, cat_photos, tmp_path):
    w = window_with_rows(qtbot, tiny_model_path, cat_photos[:3], tmp_path)
    w.table.setFocus()
    w.select_row(2)
    seen: list = []

    def close_popup():
        popup = QApplication.activePopupWidget()
        if popup is None:  # not open yet (a loaded machine): look again
            QTimer.singleShot(100, close_popup)
            return
        # where the menu is, against the row, while it is open (the window may still move under load later)
        seen.append((popup, w.table.visualRect(w.table.currentIndex()),
                     w.table.viewport().mapFromGlobal(popup.pos())))
        popup.close()

    QTimer.singleShot(300, close_popup)
    QTest.keyClick(w.table, Qt.Key.Key_F10, Qt.KeyboardModifier.ShiftModifier)
    qtbot.waitUntil(lambda: bool(seen))
    menu, rect, at = seen[0]
    assert isinstance(menu, QMenu) and menu is w.keyboard.last_menu
    assert "&Open" in [a.text() for a in menu.actions()]
    assert rect.top() <= at.y() <= rect.bottom() + 1  # under the current row, not at the mouse
    assert w.table.currentIndex().row() == 2
    w.shutdown()


# On X11 a line edit takes Ctrl+E as "end of line" (Qt's X11 key bindings; offscreen has Windows' bindings):
# run the same keys in a real X server (Xvfb), where File > Export CSV... was dead in the search box.
X11_SCRIPT = """
import sys
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
app = QApplication(sys.argv)
assert QKeySequence("Ctrl+E") in QKeySequence.keyBindings(QKeySequence.StandardKey.MoveToEndOfLine)
from catdog_gui.app.main_window import MainWindow
w = MainWindow(sys.argv[1])
w.show()
QTest.qWaitForWindowExposed(w)
w.activateWindow()
assert QTest.qWaitForWindowActive(w)
exports = []
w.export_action.triggered.disconnect()
w.export_action.triggered.connect(lambda *_: exports.append(1))
search = w.filter_bar.search
QTest.keyClick(w, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
QTest.keyClicks(search, "cat")
QTest.keyClick(search, Qt.Key.Key_Home)
QTest.keyClick(search, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
print("exports", len(exports), "focus", search.hasFocus(), "text", search.text(), "cursor", search.cursorPosition())
w.shutdown()
"""


@pytest.mark.skipif(shutil.which("xvfb-run") is None, reason="needs Xvfb (xvfb-run) for Qt's X11 key bindings")
def test_ctrl_e_exports_from_the_search_box_on_x11(tiny_model_path):
    root = Path(__file__).resolve().parents[1]
    env = {**os.environ, "QT_QPA_PLATFORM": "xcb", "PYTHONPATH": str(root)}
    done = subprocess.run(["xvfb-run", "-a", sys.executable, "-c", X11_SCRIPT, str(tiny_model_path)],
                          capture_output=True, text=True, timeout=120, env=env, cwd=root)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "exports 1 focus True text cat cursor 0" in done.stdout, done.stdout + done.stderr[-2000:]


def test_mark_by_hand_from_the_keyboard(qtbot, tiny_model_path, cat_photos, tmp_path):
    """Mark as cat / dog was only in the row menu, with no key (tester 6): Ctrl+1 / Ctrl+2 mark the selected
    photo as the model's first / second label, Ctrl+0 clears the mark; the Tags menu and the row menu list them
    with their keys."""
    w = window_with_rows(qtbot, tiny_model_path, cat_photos[:2], tmp_path)
    w.select_row(0)
    w.table.setFocus()
    qtbot.waitUntil(w.table.hasFocus)
    path = w.current_result().path
    first, second = w.engine.info.labels[:2]
    QTest.keyClick(w.table, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    assert w.results.person_label(path) == second
    QTest.keyClick(w.table, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    assert w.results.person_label(path) == first
    QTest.keyClick(w.table, Qt.Key.Key_0, Qt.KeyboardModifier.ControlModifier)
    assert w.results.person_label(path) == "" and w.unsaved_marks() == 0
    listed = {a.text(): a.shortcut().toString() for a in w.tag_actions.menu.actions() if a.text()}
    assert listed[f"Mark as {first}"] == "Ctrl+1" and listed[f"Mark as {second}"] == "Ctrl+2"
    assert listed["Clear Mark"] == "Ctrl+0"
    row_menu = [a.text() for a in w.row_menu().actions() if a.text()]
    assert row_menu[-3:] == [f"Mark as {first}", f"Mark as {second}", "Clear Mark"]


def test_keyboard_marks_only_what_is_shown_and_classified(qtbot, tiny_model_path, cat_photos, tmp_path):
    """Tester 7: Tab into the table showed no highlighted row though Ctrl+1 would mark the current photo; a photo
    that could not be read took a mark (and the CSV exported it); Ctrl+1 with nothing to mark said nothing;
    Ctrl+G from the detail view left the focus there."""
    w = window_with_rows(qtbot, tiny_model_path, cat_photos[:2], tmp_path)
    broken = tmp_path / "in" / "broken.jpg"
    broken.write_bytes(b"not a photo")
    w.classify([str(broken)])
    qtbot.waitUntil(lambda: w.results.rowCount() == 3 and not w.running, timeout=RUN_TIMEOUT)
    w.select_row(0)
    w.table.selectionModel().clearSelection()  # current row, nothing selected (as after a filter or Shift+Tab)
    w.filter_bar.search.setFocus()
    qtbot.waitUntil(w.filter_bar.search.hasFocus)
    w.table.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(w.table.hasFocus)
    assert [r.path for r in w.selected_results()] == [w.current_result().path]

    row = next(i for i in range(3) if w.proxy.index(i, 1).data(Qt.ItemDataRole.DisplayRole) == "broken.jpg")
    w.select_row(row)
    QTest.keyClick(w.table, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    assert w.results.person_label(str(broken)) == "" and w.unsaved_marks() == 0
    assert w.statusBar().currentMessage() == "Select a classified photo to mark it"

    w.filter_bar.search.setFocus()
    qtbot.waitUntil(w.filter_bar.search.hasFocus)
    w.gallery_action.trigger()  # Ctrl+G from elsewhere: the arrows move in the gallery
    qtbot.waitUntil(w.gallery.hasFocus)
