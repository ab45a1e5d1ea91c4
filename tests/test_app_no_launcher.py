"""Open and Show in folder without a launcher (the offscreen platform has none, like a bare X session where
``QDesktopServices.openUrl`` returns False): a message gives the photo's path, and its Copy Path button
copies it. Offscreen, tiny model, a real photo."""

from __future__ import annotations

from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtCore import QUrl

from catdog_gui.app import open_reveal
from catdog_gui.app.main_window import MainWindow

RUN_TIMEOUT = 120_000


def test_no_launcher_says_where_the_photo_is(qtbot, tiny_model_path, cat_photos, monkeypatch):
    assert not QDesktopServices.openUrl(QUrl.fromLocalFile(str(cat_photos[0])))  # no launcher here
    w = MainWindow(tiny_model_path, [str(cat_photos[0])])
    qtbot.addWidget(w)
    w.show()
    qtbot.waitUntil(lambda: w.results.rowCount() == 1 and not w.running, timeout=RUN_TIMEOUT)
    w.select_row(0)
    path = w.current_result().path
    monkeypatch.setattr(open_reveal, "_freedesktop_show_items", lambda p: False)  # no file manager on D-Bus

    for act in (w.open_current, w.show_current_in_folder):
        QGuiApplication.clipboard().setText("")
        assert not act()
        box = w.launch_box
        qtbot.waitUntil(box.isVisible, timeout=5000)
        assert path in box.text() and "could be started" in box.text()
        copy = next(b for b in box.buttons() if b.text() == "Copy Path")
        copy.click()
        assert QGuiApplication.clipboard().text() == path
        qtbot.waitUntil(lambda b=box: not b.isVisible(), timeout=5000)
