"""Drops are accepted as a copy, never as the move Qt proposes: the app only reads the files, and a source told
they were moved (a file list, a mail or photo app) may delete its own. A drop of web addresses only is refused.
Offscreen, tiny model, a real photo."""

from __future__ import annotations

from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QMessageBox

from catdog_gui.app.main_window import MainWindow

RUN_TIMEOUT = 120_000
COPY_OR_MOVE = Qt.DropAction.CopyAction | Qt.DropAction.MoveAction


def drag(w: MainWindow, urls: list[QUrl], offered=COPY_OR_MOVE) -> list[tuple[bool, Qt.DropAction]]:
    """Drag-enter, drag-move and drop ``urls`` on ``w``, the source offering ``offered`` and Qt proposing a move
    (as an X11 drag does with no key held; offscreen, Shift makes Qt propose it); returns (accepted, action)
    of the three events."""
    mime = QMimeData()
    mime.setUrls(urls)
    args = (offered, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.ShiftModifier)
    events = [QDragEnterEvent(QPoint(50, 50), *args), QDragMoveEvent(QPoint(60, 60), *args),
              QDropEvent(QPointF(60, 60), *args)]
    answers = []
    for event in events:
        assert event.proposedAction() == Qt.DropAction.MoveAction
        QApplication.sendEvent(w, event)
        answers.append((event.isAccepted(), event.dropAction()))
    return answers


def test_a_drop_is_a_copy_not_a_move(qtbot, tiny_model_path, cat_photos, monkeypatch):
    w = MainWindow(tiny_model_path)
    qtbot.addWidget(w)
    w.show()
    assert drag(w, [QUrl.fromLocalFile(str(cat_photos[0]))]) == [(True, Qt.DropAction.CopyAction)] * 3
    qtbot.waitUntil(lambda: w.results.rowCount() == 1 and not w.running, timeout=RUN_TIMEOUT)

    # a source offering only a move or a link: linked, never moved
    linked = drag(w, [QUrl.fromLocalFile(str(cat_photos[0]))],
                  Qt.DropAction.MoveAction | Qt.DropAction.LinkAction)
    assert linked == [(True, Qt.DropAction.LinkAction)] * 3
    qtbot.waitUntil(lambda: not w.running, timeout=RUN_TIMEOUT)

    # web addresses only: the drop is refused (the source keeps its items) and the message says why
    warned = []
    monkeypatch.setattr(QMessageBox, "warning", staticmethod(lambda *a, **k: warned.append(a[2])))
    *_, (accepted, _action) = drag(w, [QUrl("https://example.com/cat.jpg")])
    assert not accepted
    qtbot.waitUntil(lambda: bool(warned), timeout=5000)
    assert "example.com" in warned[0] and w.results.rowCount() == 1
