"""The gallery: a grid of large thumbnails over the same (sorted, filtered) rows as the table, each with its
verdict as a coloured badge. Thumbnails come from their own :class:`ThumbnailProvider` at the screen's device
pixel ratio (``size * ratio`` device pixels), so they are sharp on HiDPI screens.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPalette
from PySide6.QtWidgets import QListView, QStyle, QStyledItemDelegate, QStyleOptionViewItem

from catdog_gui.app.i18n import label_text
from catdog_gui.core.results import UNCERTAIN, Status
from catdog_gui.core.verdicts import effective_label
from catdog_gui.core.pathtext import visible_text
from catdog_gui.app.results_model import NAME, RESULT_ROLE
from catdog_gui.app.thumbnails import ThumbnailProvider

__all__ = ["GalleryView", "badge_colour", "image_rect", "tile_box"]

TILE = 160  # thumbnail box side, device-independent pixels
_PALETTE = [QColor(46, 125, 50), QColor(21, 101, 192), QColor(123, 31, 162), QColor(0, 131, 143)]
UNCERTAIN_COLOUR = QColor(230, 145, 0)
ERROR_COLOUR = QColor(198, 40, 40)


def badge_colour(result, labels, threshold: float) -> QColor:
    """The badge colour: one colour per class (in the model's label order), amber for uncertain, red for errors."""
    if result.status != Status.OK:
        return ERROR_COLOUR
    verdict = effective_label(result, threshold)  # a person's mark wins over the model
    if verdict == UNCERTAIN:
        return UNCERTAIN_COLOUR
    index = list(labels).index(verdict) if verdict in labels else 0
    return _PALETTE[index % len(_PALETTE)]


def tile_box(item_rect: QRect) -> QRect:
    """The TILE x TILE box a thumbnail is centred in, inside an item's rectangle (view coordinates)."""
    rect = item_rect.adjusted(4, 4, -4, -4)
    return QRect(rect.x() + (rect.width() - TILE) // 2, rect.y() + 4, TILE, TILE)


def image_rect(box: QRect, pix) -> QRect:
    """Where the thumbnail ``pix`` (or, when ``None``, the empty box) is drawn inside ``box``."""
    if pix is None:
        return QRect(box)
    size = pix.deviceIndependentSize().toSize()
    target = QRect(0, 0, size.width(), size.height())
    target.moveCenter(box.center())
    return target



def confidence_text(confidence: float) -> str:
    """A badge's confidence, one decimal as in the table: 0.997 -> "99.7%" (never rounded up to 100%)."""
    return f"{confidence:.1%}"

class _TileDelegate(QStyledItemDelegate):
    def __init__(self, view: GalleryView) -> None:
        super().__init__(view)
        self.view = view

    def sizeHint(self, option, index) -> QSize:  # noqa: N802 - Qt's name
        return QSize(TILE + 16, TILE + 16 + option.fontMetrics.height() + 6)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index) -> None:
        r = index.data(RESULT_ROLE)
        if r is None:
            return
        painter.save()
        rect = option.rect.adjusted(4, 4, -4, -4)
        if option.state & QStyle.StateFlag.State_Selected:
            painter.fillRect(rect, option.palette.color(QPalette.ColorRole.Highlight))
        box = tile_box(option.rect)
        pix = self.view.thumbnails.get(r.path) if r.status == Status.OK else None
        image = image_rect(box, pix)
        if pix is not None:
            painter.drawPixmap(image, pix)
        else:
            painter.fillRect(box, option.palette.color(QPalette.ColorRole.AlternateBase))
        # the verdict badge, on the thumbnail's top left corner
        colour = badge_colour(r, self.view.labels, self.view.threshold)
        text = (label_text(r.person_label or r.label) if r.status == Status.OK else self.tr("error"))
        if r.status == Status.OK and colour == UNCERTAIN_COLOUR:
            text = f"{label_text(r.label)}?"
        if r.person_label and r.status == Status.OK:
            text += " ✎"  # marked by hand
        elif r.status == Status.OK and not math.isnan(r.confidence):
            text += " " + confidence_text(r.confidence)
        fm = option.fontMetrics
        badge = QRect(image.x() + 4, image.y() + 4, fm.horizontalAdvance(text) + 12, fm.height() + 4)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(colour)
        painter.drawRoundedRect(badge, 6, 6)
        painter.setPen(QColor(255, 255, 255))
        painter.drawText(badge, int(Qt.AlignmentFlag.AlignCenter), text)
        # the file name under the thumbnail
        name_rect = QRect(rect.x(), box.bottom() + 4, rect.width(), fm.height() + 2)
        role = (QPalette.ColorRole.HighlightedText if option.state & QStyle.StateFlag.State_Selected
                else QPalette.ColorRole.Text)
        painter.setPen(option.palette.color(role))
        painter.drawText(name_rect, int(Qt.AlignmentFlag.AlignCenter),
                         fm.elidedText(visible_text(r.name), Qt.TextElideMode.ElideMiddle, name_rect.width() - 4))
        painter.restore()


class GalleryView(QListView):
    """Large thumbnails in a grid, over ``model`` (the results proxy); shares the table's selection model
    when :meth:`share_selection` is given one, so both views follow the same current photo."""

    def __init__(self, model, parent=None) -> None:
        super().__init__(parent)
        self.labels: tuple[str, ...] = ()
        self.threshold = 0.8
        self.thumbnails = ThumbnailProvider(size=TILE, max_items=600, parent=self)
        self.thumbnails.ready.connect(lambda _path: self.viewport().update())
        self.setViewMode(QListView.ViewMode.IconMode)
        self.setResizeMode(QListView.ResizeMode.Adjust)
        self.setMovement(QListView.Movement.Static)
        self.setUniformItemSizes(True)
        self.setSelectionMode(QListView.SelectionMode.ExtendedSelection)
        self.setSpacing(2)
        self.setModel(model)
        self.setModelColumn(NAME)
        self.setItemDelegate(_TileDelegate(self))

    def set_labels(self, labels, threshold: float) -> None:
        self.labels, self.threshold = tuple(labels), threshold
        self.viewport().update()

    def _usable_width(self) -> int:
        """The width tiles may take, px: the view's inside less a vertical scroll bar's, whether one shows or
        not (a grid that depended on it would make the scroll bar come and go)."""
        return self.width() - 2 * self.frameWidth() - self.verticalScrollBar().sizeHint().width() - 4

    def grid_columns(self) -> int:
        """Tiles per row at the view's width."""
        return max(1, self._usable_width() // (TILE + 20))

    def resizeEvent(self, event) -> None:  # noqa: N802
        # The columns share the whole width (the tiles stay TILE wide, centred in their cells): a fixed grid
        # left an empty strip of up to a tile's width at the right edge.
        grid = QSize(self._usable_width() // self.grid_columns(), TILE + 16 + self.fontMetrics().height() + 6)
        if grid != self.gridSize():
            self.setGridSize(grid)
        super().resizeEvent(event)

    def shutdown(self) -> None:
        self.thumbnails.shutdown()
