"""Drag and drop: turn dropped URLs into local paths, and the drop zone widget."""

from __future__ import annotations

from PySide6.QtCore import QMimeData, Qt, Signal
from PySide6.QtWidgets import QFrame, QLabel, QVBoxLayout, QWidget


def split_urls(mime: QMimeData) -> tuple[list[str], list[str]]:
    """``(local paths, other URLs)`` of a drop; other URLs are web addresses a browser may drag."""
    local, remote = [], []
    for url in mime.urls():
        if url.isLocalFile():
            local.append(url.toLocalFile())
        elif not url.isEmpty():
            remote.append(url.toString())
    return local, remote


def non_local_message(urls: list[str]) -> str:
    """What to tell a user who dropped web addresses instead of files."""
    shown = "\n".join(u if len(u) <= 100 else u[:97] + "…" for u in urls[:3])
    more = f"\n(and {len(urls) - 3} more)" if len(urls) > 3 else ""
    return ("Only files on this computer can be classified, and this drop holds a web address:\n\n"
            f"{shown}{more}\n\nSave the image to a folder first (in the browser: right-click, Save Image As…), "
            "then drop the saved file or folder here.")


class DropZone(QFrame):
    """A dashed area that says where to drop photos; the main window handles the drop itself."""

    clicked = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("DropZone")
        self.setAcceptDrops(False)  # the drop is handled by the window, which accepts drops anywhere
        self.label = QLabel()
        self.label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.label.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.label)
        self.set_hover(False)
        self.set_text("Drop photos or folders here\nor use File ▸ Open Files (Ctrl+O) / Open Folder (Ctrl+Shift+O)")

    def set_text(self, text: str) -> None:
        self.label.setText(text)

    def set_hover(self, on: bool) -> None:
        colour = "palette(highlight)" if on else "palette(mid)"
        self.setStyleSheet(f"#DropZone {{ border: 2px dashed {colour}; border-radius: 8px; }}")

    def mousePressEvent(self, event) -> None:  # noqa: N802 - Qt's name
        self.clicked.emit()
        super().mousePressEvent(event)
