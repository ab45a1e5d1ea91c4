"""A widget that draws an image scaled to fit, optionally with a heat map over part of it."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRect, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QCursor, QImage, QPainter, QPalette
from PySide6.QtWidgets import QSizePolicy, QWidget

# Zoom per wheel notch (120 eighths of a degree, Qt's ``angleDelta`` unit), as image viewers such as Eye of GNOME.
WHEEL_STEP = 1.25
# How far an arrow key moves a zoomed picture: this fraction of the view's width or height.
KEY_PAN = 0.1
# The closest zoom: this many screen pixels per photo pixel (or the fitted view, when that is closer already).
MAX_PIXEL_SCALE = 8.0


_ARROWS = {Qt.Key.Key_Left: (-1, 0), Qt.Key.Key_Right: (1, 0), Qt.Key.Key_Up: (0, -1), Qt.Key.Key_Down: (0, 1)}


class ImageView(QWidget):
    """Draws ``base`` scaled to fit (aspect ratio kept, centred, smooth) and ``overlay`` over it.

    The overlay is drawn with opacity ``alpha`` into ``region`` (a rectangle in ``base`` pixels; the
    whole image by default), so a heat map of any resolution lands on the part of the photo the model
    saw. :meth:`composite` renders the same picture at the base image's resolution (for saving).

    Zoom and pan, for panoramas and small details: the wheel zooms about the pointer (x1.25 a notch, from
    the fitted view, 1, to :data:`MAX_PIXEL_SCALE` screen pixels per photo pixel), dragging moves a
    zoomed picture, and a double-click toggles between the fitted view and one that fills the widget
    (a 20000 x 300 panorama: its full height, scrolled sideways). The keyboard does the same when the view
    has the focus (Tab reaches it): + / = and - zoom about the centre, the arrow keys move by
    :data:`KEY_PAN` of the view, F toggles fill and fit, 0 fits. A new image keeps the view (as the same
    fraction of a picture of another size); :meth:`reset_view` fits it again, for a new photo.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._base: QImage | None = None
        self._overlay: QImage | None = None
        self._region: QRect | None = None
        self._alpha = 0.5
        self._placeholder = ""
        self._zoom = 1.0  # 1 = fitted; the scale is the fitted scale times this
        self._centre: QPointF | None = None  # the base pixel shown at the widget's centre (None: the image's)
        self._drag: tuple[QPointF, QPointF] | None = None  # (pointer, centre) where a drag started
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(120, 80)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)  # Tab reaches it: the keys below zoom and move
        self.setToolTip(self.tr("Scroll or +/− to zoom · drag or arrow keys to move · double-click or F to fill or fit"
                                " · 0 fits"))

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
        """Show ``base`` (``None`` clears) with ``overlay`` at opacity ``alpha`` (0..1) over ``region``.

        The zoom and the part shown are kept (a new colour map or class; the same map alone or over the photo,
        at another size: the same fraction of the picture, as far as the closest zoom allows); a new photo
        calls :meth:`reset_view`."""
        if base is None or base.isNull() or not self.has_image():
            self._zoom, self._centre, self._drag = 1.0, None, None
        elif base.size() != self._base.size():
            self._drag = None
            if self._centre is not None:
                self._centre = QPointF(self._centre.x() * base.width() / self._base.width(),
                                       self._centre.y() * base.height() / self._base.height())
        self._base, self._overlay, self._region = base, overlay, region
        if self.has_image():
            self._zoom = min(self._zoom, max(1.0, MAX_PIXEL_SCALE / self._fit_scale()))
        self._update_cursor()
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

    # -- zoom and pan ---------------------------------------------------------------------------------
    def zoom(self) -> float:
        """The zoom relative to the fitted view (1.0 = fitted, the default)."""
        return self._zoom

    def reset_view(self) -> None:
        """Back to the fitted, centred view."""
        self._zoom, self._centre, self._drag = 1.0, None, None
        self._update_cursor()
        self.update()

    def image_rect(self) -> QRectF:
        """Where the image is drawn, in widget pixels (larger than the widget when zoomed); empty without one."""
        if not self.has_image():
            return QRectF()
        bw, bh = self._base.width(), self._base.height()
        scale = self._fit_scale() * self._zoom
        w, h = bw * scale, bh * scale
        cx, cy = self._clamped_centre(scale)
        return QRectF(self.width() / 2 - cx * scale, self.height() / 2 - cy * scale, w, h)

    def zoom_at(self, factor: float, anchor: QPointF | None = None) -> None:
        """Multiply the zoom by ``factor`` (clamped to 1 .. the closest zoom), keeping the photo pixel under
        ``anchor`` (widget pixels; the centre by default) where it is."""
        if not self.has_image():
            return
        anchor = anchor if anchor is not None else QPointF(self.width() / 2, self.height() / 2)
        before = self.image_rect()
        fit = self._fit_scale()
        closest = max(1.0, MAX_PIXEL_SCALE / fit)
        new_zoom = min(closest, max(1.0, self._zoom * factor))
        if new_zoom == self._zoom:
            return
        old_scale, scale = fit * self._zoom, fit * new_zoom
        # the photo pixel under the anchor, before and after: keep it there
        px = (anchor.x() - before.x()) / old_scale
        py = (anchor.y() - before.y()) / old_scale
        self._zoom = new_zoom
        self._centre = QPointF(px - (anchor.x() - self.width() / 2) / scale,
                               py - (anchor.y() - self.height() / 2) / scale)
        self._centre = QPointF(*self._clamped_centre(scale))
        self._update_cursor()
        self.update()

    def _fit_scale(self) -> float:
        bw, bh = self._base.width(), self._base.height()
        return min(self.width() / bw, self.height() / bh)

    def _clamped_centre(self, scale: float) -> tuple[float, float]:
        """The centre in photo pixels, kept so the photo covers the widget on each axis where it is larger
        than the widget (and centred on an axis where it is smaller)."""
        bw, bh = self._base.width(), self._base.height()
        c = self._centre or QPointF(bw / 2, bh / 2)
        out = []
        for value, size, view in ((c.x(), bw, self.width()), (c.y(), bh, self.height())):
            half = view / 2 / scale
            out.append(size / 2 if size * scale <= view else min(size - half, max(half, value)))
        return out[0], out[1]

    def _update_cursor(self) -> None:
        if self._drag is not None:
            self.setCursor(QCursor(Qt.CursorShape.ClosedHandCursor))
        elif self.has_image() and self._zoom > 1.0:
            self.setCursor(QCursor(Qt.CursorShape.OpenHandCursor))
        else:
            self.unsetCursor()

    def wheelEvent(self, event) -> None:  # noqa: N802 - Qt's name
        steps = event.angleDelta().y() / 120
        if not self.has_image() or steps == 0:
            event.ignore()
            return
        self.zoom_at(WHEEL_STEP ** steps, event.position())
        event.accept()

    def mousePressEvent(self, event) -> None:  # noqa: N802 - Qt's name
        if event.button() == Qt.MouseButton.LeftButton and self.has_image() and self._zoom > 1.0:
            scale = self._fit_scale() * self._zoom
            self._drag = (event.position(), QPointF(*self._clamped_centre(scale)))
            self._update_cursor()
            event.accept()
            return
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event) -> None:  # noqa: N802 - Qt's name
        if self._drag is None:
            super().mouseMoveEvent(event)
            return
        start, centre = self._drag
        scale = self._fit_scale() * self._zoom
        delta = event.position() - start
        self._centre = QPointF(centre.x() - delta.x() / scale, centre.y() - delta.y() / scale)
        self.update()

    def mouseReleaseEvent(self, event) -> None:  # noqa: N802 - Qt's name
        if self._drag is not None and event.button() == Qt.MouseButton.LeftButton:
            self._drag = None
            self._update_cursor()
            return
        super().mouseReleaseEvent(event)

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt's name
        key = event.key()
        if not self.has_image():
            super().keyPressEvent(event)
            return
        if key in (Qt.Key.Key_Plus, Qt.Key.Key_Equal):
            self.zoom_at(WHEEL_STEP)
        elif key in (Qt.Key.Key_Minus, Qt.Key.Key_Underscore):
            self.zoom_at(1 / WHEEL_STEP)
        elif key == Qt.Key.Key_0:
            self.reset_view()
        elif key == Qt.Key.Key_F:
            self._toggle_fill(QPointF(self.width() / 2, self.height() / 2))
        elif key in _ARROWS and self._zoom > 1.0:
            dx, dy = _ARROWS[key]
            step = QPointF(dx * KEY_PAN * self.width(), dy * KEY_PAN * self.height())
            self._pan_by(step)
        else:
            super().keyPressEvent(event)  # arrows of a fitted picture, Tab...: the parent's
            return
        event.accept()

    def _pan_by(self, delta: QPointF) -> None:
        """Move the visible part by ``delta`` widget pixels (right/down: shows more of the right/bottom)."""
        scale = self._fit_scale() * self._zoom
        cx, cy = self._clamped_centre(scale)
        self._centre = QPointF(cx + delta.x() / scale, cy + delta.y() / scale)
        self.update()

    def _toggle_fill(self, anchor: QPointF) -> None:
        if self._zoom > 1.0:
            self.reset_view()
            return
        bw, bh = self._base.width(), self._base.height()
        fill = max(self.width() / bw, self.height() / bh) / self._fit_scale()
        self.zoom_at(fill if fill > 1.0001 else 2.0, anchor)

    def mouseDoubleClickEvent(self, event) -> None:  # noqa: N802 - Qt's name
        """Fitted view <-> filling the widget (about the pointer)."""
        if self.has_image():
            self._toggle_fill(event.position())

    def paintEvent(self, event) -> None:  # noqa: N802 - Qt's name
        painter = QPainter(self)
        painter.fillRect(self.rect(), self.palette().color(QPalette.ColorRole.Base))
        if not self.has_image():
            painter.setPen(self.palette().color(QPalette.ColorRole.PlaceholderText))
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap,
                             self._placeholder)
            return
        self._paint(painter, self.image_rect())
        if self.hasFocus():  # where the keys go, for keyboard use
            painter.setOpacity(1.0)
            painter.setPen(self.palette().color(QPalette.ColorRole.Highlight))
            painter.drawRect(self.rect().adjusted(0, 0, -1, -1))
