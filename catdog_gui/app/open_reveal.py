"""Open a photo in the system's viewer, or show it in the file manager.

- :func:`open_file`: ``QDesktopServices.openUrl`` on the file (the viewer the desktop associates).
- :func:`show_in_folder`: the file manager with the file selected where the platform can: Windows
  ``explorer /select,``; macOS ``open -R``; Linux and BSD the freedesktop ``org.freedesktop.FileManager1``
  D-Bus ``ShowItems`` call (Nautilus, Dolphin, Nemo, Caja, Thunar...), else the folder opened.
"""

from __future__ import annotations

import os
import sys

from PySide6.QtCore import QProcess, QUrl
from PySide6.QtGui import QDesktopServices

__all__ = ["open_file", "show_in_folder"]


def open_file(path: str) -> bool:
    """Open ``path`` with the desktop's default application; returns whether the desktop accepted it."""
    return QDesktopServices.openUrl(QUrl.fromLocalFile(path))


def _freedesktop_show_items(path: str) -> bool:
    try:
        from PySide6.QtDBus import QDBusConnection, QDBusInterface, QDBusMessage
    except ImportError:
        return False
    bus = QDBusConnection.sessionBus()
    if not bus.isConnected():
        return False
    iface = QDBusInterface("org.freedesktop.FileManager1", "/org/freedesktop/FileManager1",
                           "org.freedesktop.FileManager1", bus)
    if not iface.isValid():
        return False
    reply = iface.call("ShowItems", [QUrl.fromLocalFile(path).toString()], "")
    return reply.type() != QDBusMessage.MessageType.ErrorMessage


def show_in_folder(path: str) -> bool:
    """Show ``path`` in the file manager (selected where possible); returns whether something was started."""
    path = os.path.abspath(path)
    if sys.platform == "win32":
        return QProcess.startDetached("explorer", [f"/select,{os.path.normpath(path)}"])[0]
    if sys.platform == "darwin":
        return QProcess.startDetached("open", ["-R", path])[0]
    if _freedesktop_show_items(path):
        return True
    return QDesktopServices.openUrl(QUrl.fromLocalFile(os.path.dirname(path)))
