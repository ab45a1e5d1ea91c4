"""Drag and drop: turn dropped URLs into local paths, and the drop zone widget."""

from __future__ import annotations

import os
from urllib.parse import unquote_to_bytes

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QMimeData, Qt, QUrl, Signal
from PySide6.QtWidgets import QFrame, QLabel, QVBoxLayout, QWidget


def local_path(url: QUrl) -> str:
    """The path of a local ``file:`` URL, byte for byte.

    A file manager percent-encodes a file name's raw bytes (RFC 8089, RFC 3986 section 2.1). Qt decodes
    them as UTF-8 and turns a name that is not valid UTF-8 (``chat%E9.jpg``, Latin-1) into one with U+FFFD,
    a file that does not exist; on POSIX the escapes are decoded to the raw bytes instead and those become
    the name as Python spells it (``os.fsdecode``, PEP 383), the name the CLI gets for the same file. URLs
    with a host (``file://server/share``) and Windows, whose names are always Unicode, keep Qt's path.
    """
    if os.name == "posix" and not url.host():
        return os.fsdecode(unquote_to_bytes(url.path(QUrl.ComponentFormattingOption.FullyEncoded)))
    return url.toLocalFile()


def split_urls(mime: QMimeData) -> tuple[list[str], list[str]]:
    """``(local paths, other URLs)`` of a drop; other URLs are web addresses a browser may drag."""
    local, remote = [], []
    for url in mime.urls():
        if url.isLocalFile():
            local.append(local_path(url))
        elif not url.isEmpty():
            remote.append(url.toString())
    return local, remote


def non_local_message(urls: list[str]) -> str:
    """What to tell a user who dropped web addresses instead of files."""
    shown = "\n".join(u if len(u) <= 100 else u[:97] + "…" for u in urls[:3])
    more = ""
    if len(urls) > 3:
        more = "\n" + QCoreApplication.translate("DropZone", "(and {n} more)").format(n=len(urls) - 3)
    return QCoreApplication.translate(
        "DropZone", "Only files on this computer can be classified, and this drop holds a web address:\n\n"
        "{urls}\n\nSave the image to a folder first (in the browser: right-click, Save Image As…), "
        "then drop the saved file or folder here.").format(urls=shown + more)


# translated where shown (QT_TRANSLATE_NOOP only marks them for pyside6-lupdate)
COMPACT_TEXT = QT_TRANSLATE_NOOP("DropZone", "Drop more photos or folders here · Ctrl+O files · Ctrl+Shift+O folder")
FULL_TEXT = QT_TRANSLATE_NOOP("DropZone", "Drop photos or folders here\n"
                                          "or use File ▸ Open Files (Ctrl+O) / Open Folder (Ctrl+Shift+O)")


class DropZone(QFrame):
    """A dashed area that says where to drop photos; the main window handles the drop itself."""

    clicked = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("DropZone")
        self.setAcceptDrops(False)  # the drop is handled by the window, which accepts drops anywhere
        self._compact = False
        self._text = ""
        self.label = QLabel()
        self.label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.label.setWordWrap(True)
        self._layout = QVBoxLayout(self)
        self._layout.addWidget(self.label)
        self.set_hover(False)
        self.set_text(self.tr(FULL_TEXT))

    def set_text(self, text: str) -> None:
        """The text shown while the zone is full size (a slim bar shows one short line instead)."""
        self._text = text
        if not self._compact:
            self.label.setText(text)

    def set_compact(self, on: bool) -> None:
        """A slim one-line bar (once there are results, the table gets the room) or the full-size zone."""
        if on == self._compact:
            return
        self._compact = on
        margin = 3 if on else 9
        self._layout.setContentsMargins(9, margin, 9, margin)
        self.setMinimumHeight(0 if on else 64)
        self.setMaximumHeight(self.fontMetrics().height() + 2 * margin + 6 if on else 90)
        self.label.setText(self.tr(COMPACT_TEXT) if on else self._text)

    def set_hover(self, on: bool) -> None:
        colour = "palette(highlight)" if on else "palette(mid)"
        self.setStyleSheet(f"#DropZone {{ border: 2px dashed {colour}; border-radius: 8px; }}")

    def mousePressEvent(self, event) -> None:  # noqa: N802 - Qt's name
        self.clicked.emit()
        super().mousePressEvent(event)
