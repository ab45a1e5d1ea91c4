"""Follow the system's light or dark colour scheme.

Qt reports the desktop's scheme through ``QStyleHints.colorScheme()`` (Qt 6.5+: GNOME/KDE portals,
Windows, macOS) and signals changes with ``colorSchemeChanged``. Native styles on macOS and Windows 11
draw both schemes themselves; elsewhere (Fusion, the default on Linux) :class:`ThemeFollower` sets a dark
palette when the scheme is dark and the style's standard palette when it is light. ``catdog-gui --theme
dark|light`` forces one. The dark colours are the widely used Fusion dark palette (window #353535, base
#2a2a2a, highlight #2a82da), with disabled text dimmed.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette

__all__ = ["SCHEMES", "ThemeFollower", "dark_palette", "is_dark"]

SCHEMES = ("system", "light", "dark")


def dark_palette() -> QPalette:
    """A dark palette for the Fusion style (all roles of the Active/Inactive groups, dimmed Disabled text)."""
    p = QPalette()
    window, base, text = QColor(53, 53, 53), QColor(42, 42, 42), QColor(230, 230, 230)
    for role, colour in ((QPalette.ColorRole.Window, window), (QPalette.ColorRole.WindowText, text),
                         (QPalette.ColorRole.Base, base), (QPalette.ColorRole.AlternateBase, QColor(60, 60, 60)),
                         (QPalette.ColorRole.ToolTipBase, QColor(25, 25, 25)), (QPalette.ColorRole.ToolTipText, text),
                         (QPalette.ColorRole.Text, text), (QPalette.ColorRole.Button, window),
                         (QPalette.ColorRole.ButtonText, text), (QPalette.ColorRole.BrightText, QColor(255, 80, 80)),
                         (QPalette.ColorRole.Link, QColor(80, 160, 240)),
                         (QPalette.ColorRole.Highlight, QColor(42, 130, 218)),
                         (QPalette.ColorRole.HighlightedText, QColor(255, 255, 255)),
                         (QPalette.ColorRole.PlaceholderText, QColor(160, 160, 160)),
                         (QPalette.ColorRole.Mid, QColor(90, 90, 90)), (QPalette.ColorRole.Dark, QColor(35, 35, 35)),
                         (QPalette.ColorRole.Light, QColor(75, 75, 75)),
                         (QPalette.ColorRole.Midlight, QColor(65, 65, 65)),
                         (QPalette.ColorRole.Shadow, QColor(20, 20, 20))):
        p.setColor(role, colour)
    for role in (QPalette.ColorRole.Text, QPalette.ColorRole.ButtonText, QPalette.ColorRole.WindowText):
        p.setColor(QPalette.ColorGroup.Disabled, role, QColor(127, 127, 127))
    return p


def is_dark(palette: QPalette) -> bool:
    """Whether ``palette``'s window background is dark (HSL lightness below one half)."""
    return palette.color(QPalette.ColorRole.Window).lightness() < 128


def relative_luminance(colour: QColor) -> float:
    """WCAG 2 relative luminance of ``colour`` (sRGB), in [0, 1]."""
    def linear(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4
    return 0.2126 * linear(colour.redF()) + 0.7152 * linear(colour.greenF()) + 0.0722 * linear(colour.blueF())


def contrast_ratio(a: QColor, b: QColor) -> float:
    """WCAG 2 contrast ratio of two colours, from 1 (same) to 21 (black on white); 4.5 is the minimum for text."""
    la, lb = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def error_colour(palette: QPalette) -> QColor:
    """The red of an error row's text: dark red on a light palette, a light red on a dark one, both readable
    (contrast at least 4.5:1) on the palette's Base and AlternateBase."""
    return QColor(255, 140, 140) if is_dark(palette) else QColor(180, 30, 30)


class ThemeFollower(QObject):
    """Keeps the application's palette in step with the system's scheme (or ``scheme`` when forced).

    Args:
        app: the ``QApplication``; the follower is its child.
        scheme: ``"system"`` (default: follow the desktop, live), ``"light"`` or ``"dark"``.

    Raises:
        ValueError: unknown ``scheme``.
    """

    def __init__(self, app, scheme: str = "system") -> None:
        super().__init__(app)
        if scheme not in SCHEMES:
            raise ValueError(f"unknown theme {scheme!r}; expected one of {', '.join(SCHEMES)}")
        self.app, self.scheme = app, scheme
        self._native = sys.platform == "darwin"  # macOS' style draws both schemes itself
        self._light = app.palette()
        hints = QGuiApplication.styleHints()
        if scheme == "system" and hasattr(hints, "colorSchemeChanged"):
            hints.colorSchemeChanged.connect(lambda *_: self.apply())
        self.apply()

    def wanted_dark(self) -> bool:
        if self.scheme != "system":
            return self.scheme == "dark"
        hints = QGuiApplication.styleHints()
        scheme = hints.colorScheme() if hasattr(hints, "colorScheme") else Qt.ColorScheme.Unknown
        if scheme == Qt.ColorScheme.Unknown:
            return is_dark(self._light)  # the platform theme may already hand Qt a dark palette
        return scheme == Qt.ColorScheme.Dark

    def apply(self) -> None:
        """Set the palette for the scheme wanted now."""
        dark = self.wanted_dark()
        if self._native and self.scheme == "system":
            return
        if dark:
            if self.app.style().name().lower() != "fusion":
                self.app.setStyle("Fusion")
            self.app.setPalette(dark_palette())
        else:
            self.app.setPalette(self.app.style().standardPalette() if is_dark(self._light) else self._light)
