"""The main window's first size, and what it remembers between launches (``QSettings``).

The first window is sized to fit the screen's available geometry (the screen less task bars and docks,
in device-independent pixels, so at a scale factor of 2 a 1600x1000 screen offers 800x500). After that
the window's geometry, its splitter, the table's column widths, the gallery or table view (View ▸ Gallery),
the colour map, the CAM's opacity and visibility, and the last folder opened are kept in ``QSettings`` (on Linux ``~/.config/catdog/catdog.conf``).
"""

from __future__ import annotations

import contextlib

from PySide6.QtCore import QByteArray, QRect, QSettings, QSize

__all__ = ["PREFERRED_SIZE", "WindowState", "initial_geometry"]

PREFERRED_SIZE = QSize(1280, 800)
SCREEN_FRACTION = 0.9  # leave room for the window frame and title bar the window manager adds


def initial_geometry(available: QRect, preferred: QSize = PREFERRED_SIZE, minimum: QSize | None = None) -> QRect:
    """The first window's geometry: ``preferred``, shrunk to ``SCREEN_FRACTION`` of ``available`` (not
    below ``minimum``, not above ``available``), centred in ``available``. Logical pixels throughout."""
    minimum = QSize(0, 0) if minimum is None else minimum
    w = min(preferred.width(), int(available.width() * SCREEN_FRACTION))
    h = min(preferred.height(), int(available.height() * SCREEN_FRACTION))
    w = min(max(w, minimum.width()), available.width())
    h = min(max(h, minimum.height()), available.height())
    rect = QRect(0, 0, w, h)
    rect.moveCenter(available.center())
    return rect


def _bytes(value) -> QByteArray | None:
    if isinstance(value, QByteArray) and not value.isEmpty():
        return value
    if isinstance(value, (bytes, bytearray)) and value:
        return QByteArray(bytes(value))
    return None


class WindowState:
    """Save and restore the main window's layout and choices in ``settings``.

    Args:
        settings: where to keep them (``QSettings()`` of the application, or a file in tests).
    """

    def __init__(self, settings: QSettings) -> None:
        self.settings = settings

    # -- last folder ---------------------------------------------------------------------------------
    @property
    def last_folder(self) -> str:
        """The folder of the last photos or folder opened ("" before the first)."""
        return str(self.settings.value("files/last_folder", "") or "")

    @last_folder.setter
    def last_folder(self, folder: str) -> None:
        self.settings.setValue("files/last_folder", folder)

    # -- window --------------------------------------------------------------------------------------
    def restore(self, window) -> bool:
        """Apply saved state to ``window`` (a ``MainWindow``); returns whether a geometry was restored."""
        s = self.settings
        header = window.table.horizontalHeader()
        state = _bytes(s.value(f"table/header_{header.count()}"))
        if state is not None:
            header.restoreState(state)
        splitter = _bytes(s.value("window/splitter"))
        if splitter is not None:
            window.splitter.restoreState(splitter)
        gallery = s.value("view/gallery")
        if gallery is not None:  # View ▸ Gallery, or the table
            window.show_gallery(str(gallery).lower() in ("true", "1"))
        detail = window.detail
        cmap = s.value("view/colormap")
        if cmap and detail.cmap_combo.findText(str(cmap)) >= 0:
            detail.cmap_combo.setCurrentText(str(cmap))
        opacity = s.value("view/cam_opacity")
        if opacity is not None:
            with contextlib.suppress(TypeError, ValueError):
                detail.opacity.setValue(int(opacity))
        show_cam = s.value("view/show_cam")
        if show_cam is not None:
            detail.show_cam.setChecked(str(show_cam).lower() in ("true", "1"))
        geometry = _bytes(s.value("window/geometry"))
        return geometry is not None and window.restoreGeometry(geometry)

    def save(self, window) -> None:
        """Write ``window``'s current state."""
        s = self.settings
        header = window.table.horizontalHeader()
        s.setValue("window/geometry", window.saveGeometry())
        s.setValue("window/splitter", window.splitter.saveState())
        s.setValue(f"table/header_{header.count()}", header.saveState())
        s.setValue("view/gallery", window.views.currentWidget() is window.gallery)
        s.setValue("view/colormap", window.detail.cmap_combo.currentText())
        s.setValue("view/cam_opacity", window.detail.opacity.value())
        s.setValue("view/show_cam", window.detail.show_cam.isChecked())
        s.sync()
