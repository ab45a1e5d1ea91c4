"""A widget that draws an image scaled to fit, optionally with a heat map over part of it."""

from __future__ import annotations

from PySide6.QtCore import QRect, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPalette
from PySide6.QtWidgets import QSizePolicy, QWidget


class ImageView(QWidget):
    """Draws ``base`` scaled to fit (aspect ratio kept, centred, smooth) and ``overlay`` over it.

    The overlay is drawn with opacity ``alpha`` into ``region`` (a rectangle in ``base`` pixels; the
    whole image by default), so a heat map of any resolution lands on the part of the photo the model
    saw. :meth:`composite` renders the same picture at the base image's resolution (for saving).
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._base: QImage | None = None
        self._overlay: QImage | None = None
        self._region: QRect | None = None
        self._alpha = 0.5
        self._placeholder = ""
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(120, 80)

    def sizeHint(self) -> QSize:
        return QSize(480, 360)

    def set_placeholder(self, text: str) -> None:
        """Text shown when there is no image."""
        self._placeholder = text
        self.update()

    def placeholder(self) -> str:
        """The text shown when there is no image (see :meth:`set_placeholder`)."""
        return self._placeholder

    def set_image(self, base: QImage | None, overlay: QImage | None = None, alpha: float = 0.5,
                  region: QRect | None = None) -> None:
        """Show ``base`` (``None`` clears) with ``overlay`` at opacity ``alpha`` (0..1) over ``region``."""
        self._base, self._overlay, self._region = base, overlay, region
        self._alpha = float(min(1.0, max(0.0, alpha)))
        self.update()

    def set_alpha(self, alpha: float) -> None:
        """Change the overlay opacity (0..1) without recomputing anything."""
        self._alpha = float(min(1.0, max(0.0, alpha)))
        self.update()

    @property
    def alpha(self) -> float:
        return self._alpha

    def has_image(self) -> bool:
        return self._base is not None and not self._base.isNull()

    def _paint(self, painter: QPainter, target: QRectF) -> None:
        assert self._base is not None
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, True)
        painter.drawImage(target, self._base)
        if self._overlay is not None and self._alpha > 0:
            bw, bh = self._base.width(), self._base.height()
            region = self._region or QRect(0, 0, bw, bh)
            sx, sy = target.width() / bw, target.height() / bh
            dest = QRectF(target.x() + region.x() * sx, target.y() + region.y() * sy,
                          region.width() * sx, region.height() * sy)
            painter.setOpacity(self._alpha)
            painter.drawImage(dest, self._overlay)
            painter.setOpacity(1.0)

    def composite(self) -> QImage:
        """The picture at the base image's resolution (RGB888); a null image when empty."""
        if not self.has_image():
            return QImage()
        out = QImage(self._base.size(), QImage.Format.Format_RGB888)
        out.fill(QColor("black"))
        painter = QPainter(out)
        self._paint(painter, QRectF(0, 0, out.width(), out.height()))
        painter.end()
        return out

    def paintEvent(self, event) -> None:  # noqa: N802 - Qt's name
        painter = QPainter(self)
        painter.fillRect(self.rect(), self.palette().color(QPalette.ColorRole.Base))
        if not self.has_image():
            painter.setPen(self.palette().color(QPalette.ColorRole.PlaceholderText))
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap,
                             self._placeholder)
            return
        bw, bh = self._base.width(), self._base.height()
        scale = min(self.width() / bw, self.height() / bh)
        w, h = bw * scale, bh * scale
        self._paint(painter, QRectF((self.width() - w) / 2, (self.height() - h) / 2, w, h))
