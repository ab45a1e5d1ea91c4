"""The app's icon as a ``QIcon`` (window title bar, task bar, dialogs), from ``resources/icons``."""

from __future__ import annotations

from PySide6.QtGui import QIcon

from catdog_gui.resources import icon_png_paths, resource_path

__all__ = ["app_icon"]


def app_icon() -> QIcon:
    """Every PNG size of the catdog icon (16..512, drawn from ``resources/icons/catdog.svg`` by
    ``scripts/make_icons.py``), so that each place picks a size drawn for it; the SVG when no PNG is there.
    An empty ``QIcon`` (``isNull()``) when the resources are missing."""
    icon = QIcon()
    for path in icon_png_paths():
        icon.addFile(str(path))
    if icon.isNull() and resource_path("icons", "catdog.svg").is_file():
        icon.addFile(str(resource_path("icons", "catdog.svg")))
    return icon
