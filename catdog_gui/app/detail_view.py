"""The detail view: why the model decided, for the selected photo.

- The photo upright, scaled to fit, with the class activation map of a chosen class over it
  (colour-mapped, opacity slider, show/hide toggle, normalisation stated).
- The verdict: predicted class and confidence, a bar per class, provider and inference time.
- One tab per flow (entry, middle, exit): the map's shape, the top-K channels by mean activation as
  labelled heatmap tiles plus the channel-mean map; clicking a tile shows it large, optionally over the
  photo.
- Save the current visualisation as PNG, or copy it to the clipboard.

The model runs off the GUI thread (:class:`~catdog_gui.app.workers.ExplainRunner`); colour-mapping the
small maps happens here, and moving the opacity slider only repaints.
"""

from __future__ import annotations

import html
import math
from pathlib import Path

import numpy as np
from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QRect, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QGuiApplication, QIcon, QImage, QPainter, QPixmap
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QListView,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QSlider,
    QSpinBox,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from catdog_gui.app.core_text import error_text, uncertain_text
from catdog_gui.app.i18n import flow_title, label_text
from catdog_gui.app.image_view import ImageView
from catdog_gui.app.images import to_qimage
from catdog_gui.app.workers import ExplainRunner
from catdog_gui.core import visualize
from catdog_gui.core.explain import FLOW_OUTPUTS, Explanation
from catdog_gui.core.results import Status
from catdog_gui.core.pathtext import visible_text

COLORMAPS = ("inferno", "viridis", "magma", "plasma", "cividis")
NORMALISATION_TEXT = QT_TRANSLATE_NOOP("DetailView", "Normalisation: min–max per map")  # shown translated
# longest side of a heat map image, whatever the photo's size (a 1x1 photo's CAM was one pixel); the view scales it
# smoothly over the photo
HEAT_MAX = 512
TILE = 72
MEAN_ITEM = -1  # item data of the channel-mean tile


def heat_image(m: np.ndarray, size: tuple[int, int], cmap: str) -> QImage:
    """``(h, w)`` map -> colour-mapped ``QImage`` of ``size`` = (height, width), min–max normalised."""
    return to_qimage(visualize.colorize(visualize.normalize_map(visualize.upsample(
        np.asarray(m, dtype=np.float32), size)), cmap))


def score_text(mean_activation: float) -> str:
    """A tile's score as shown under it, in the grid image and in its tooltip: two decimals, always."""
    return f"{float(mean_activation):.2f}"


def colorbar(cmap: str, width: int = 120, height: int = 12) -> QImage:
    """A horizontal legend of ``cmap``: the lowest value of each map on the left, the highest on the right."""
    ramp = np.tile(np.linspace(0.0, 1.0, width, dtype=np.float32), (height, 1))
    return to_qimage(visualize.colorize(ramp, cmap))


def _icon(image: QImage) -> QIcon:
    """An icon that shows the tile's true colours when selected (no highlight tint over the heatmap).

    A tile narrower than :data:`TILE` (a portrait photo's maps) is centred on a transparent ``TILE``-wide
    canvas: the grid wraps a caption at its icon's width, so a narrow icon cut "channel" to "chan…".
    """
    pix = QPixmap.fromImage(image)
    if pix.width() < TILE:
        canvas = QPixmap(TILE, pix.height())
        canvas.fill(Qt.GlobalColor.transparent)
        painter = QPainter(canvas)
        painter.drawPixmap((TILE - pix.width()) // 2, 0, pix)
        painter.end()
        pix = canvas
    icon = QIcon(pix)
    icon.addPixmap(pix, QIcon.Mode.Selected)
    return icon


# The most elongated a map drawn on its own gets (long side : short side). A 20000 x 300 panorama's 16 x 16 map
# drawn at 67:1 is a line of a few pixels with nothing readable on it; at 4:1 it still reads as wide.
MAX_MAP_ASPECT = 4.0


def _region_hw(exp: Explanation, fmap_hw: tuple[int, int]) -> tuple[float, float]:
    """(height, width) of the part of the photo the model saw, which every map covers.

    With ``resize="squash"`` that is the whole photo stretched onto the model's square input, so a
    7 x 7 map drawn square would misplace what it shows; maps are drawn at this aspect ratio instead,
    but never more elongated than :data:`MAX_MAP_ASPECT`. Falls back to ``fmap_hw`` (the map's own
    shape) when the region is unknown.
    """
    _left, _top, rw, rh = exp.region
    h, w = (rh, rw) if rw > 0 and rh > 0 else fmap_hw
    return max(h, w / MAX_MAP_ASPECT), max(w, h / MAX_MAP_ASPECT)


def _fit(size: tuple[int, int], longest: int, grow: bool = False) -> tuple[int, int]:
    """(height, width) scaled so the longer side is at most ``longest`` (exactly, when ``grow``)."""
    h, w = size
    s = longest / max(h, w)
    if not grow:
        s = min(1.0, s)
    return max(1, round(h * s)), max(1, round(w * s))


class FlowTab(QWidget):
    """One flow's maps: shape, top-K channel tiles plus the channel-mean map, a large view."""

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.name = name
        self._exp: Explanation | None = None
        self._cmap = COLORMAPS[0]
        self._alpha = 0.5
        self._indices: np.ndarray = np.zeros(0, np.int64)
        self._means: np.ndarray = np.zeros(0, np.float32)
        self._tiles: list[QImage] = []
        self._mean_tile: QImage | None = None
        self._selected = MEAN_ITEM
        self._build_widgets()
        self._lay_out()
        self.k_spin.valueChanged.connect(self._rebuild)
        self.over_photo.toggled.connect(self._show_large)
        self.grid.currentItemChanged.connect(self._on_item)

    def _build_widgets(self) -> None:
        """The shape line, Top K and Over photo controls, the tile grid and the large view."""
        self.shape_label = QLabel()
        self.shape_label.setWordWrap(True)  # wraps in a narrow window instead of widening it
        self.k_spin = QSpinBox()
        self.k_spin.setRange(1, 256)
        self.k_spin.setValue(16)
        self.k_spin.setToolTip(self.tr("How many channels to show: the K most active by mean activation"))
        self.over_photo = QCheckBox(self.tr("Over photo"))
        self.over_photo.setToolTip(self.tr("Draw the large map over the photo"))
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)

        self.grid = QListWidget()
        self.grid.setViewMode(QListView.ViewMode.IconMode)
        self.grid.setResizeMode(QListView.ResizeMode.Adjust)
        self.grid.setMovement(QListView.Movement.Static)
        self.grid.setUniformItemSizes(True)
        self._fit_cells(TILE)
        self.grid.setWordWrap(True)
        self.large = ImageView()
        self.large_caption = QLabel()
        self.large_caption.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.large_caption.setWordWrap(True)
        self.large_caption.setToolTip(self.tr("Each map covers the part of the photo the model saw (all of it when the"
                                              " model squashes photos to its input size), so it is drawn with that"
                                              " part's shape"))

    def _lay_out(self) -> None:
        controls = QHBoxLayout()
        controls.addWidget(self.shape_label, 1)
        controls.addStretch()  # takes the shape line's room while it is hidden: Top K keeps its own width
        controls.addWidget(QLabel(self.tr("Top K:")))
        controls.addWidget(self.k_spin)
        controls.addWidget(self.over_photo)
        right = QWidget()
        rl = QVBoxLayout(right)
        rl.setContentsMargins(0, 0, 0, 0)
        rl.addWidget(self.large, 1)
        rl.addWidget(self.large_caption)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(self.grid)
        self.splitter.addWidget(right)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.addLayout(controls)
        layout.addWidget(self.message)
        layout.addWidget(self.splitter, 1)
        self.message.hide()

    # -- public --------------------------------------------------------------------------------------
    def set_explanation(self, exp: Explanation | None, cmap: str, alpha: float) -> None:
        self._exp, self._cmap, self._alpha = exp, cmap, alpha
        self._selected = MEAN_ITEM
        self.large.reset_view()  # a new photo starts fitted, whatever its size
        self._rebuild()

    def set_cmap(self, cmap: str) -> None:
        self._cmap = cmap
        self._rebuild()

    def set_alpha(self, alpha: float) -> None:
        self._alpha = alpha
        self.large.set_alpha(alpha)

    def available(self) -> bool:
        return self._exp is not None and self.name in self._exp.flows

    def tile_images(self) -> list[QImage]:
        """The channel tiles shown now (not the channel-mean tile), best first."""
        return list(self._tiles)

    def channel_indices(self) -> list[int]:
        return [int(i) for i in self._indices]

    def select_channel(self, channel: int) -> None:
        """Show ``channel`` large (``MEAN_ITEM`` for the channel-mean map), as a click does."""
        for i in range(self.grid.count()):
            if self.grid.item(i).data(Qt.ItemDataRole.UserRole) == channel:
                self.grid.setCurrentRow(i)
                return
        raise ValueError(f"channel {channel} is not among the tiles shown")

    def grid_image(self) -> QImage:
        """The mean map and the K tiles with their labels, as one image (for Save / Copy)."""
        if not self.available():
            return QImage()
        tiles = [(self._mean_tile, self.tr("mean"))] + [
            (img, f"#{i}  {score_text(m)}") for img, i, m in zip(self._tiles, self._indices, self._means)]
        cell, cap, pad = 128, 18, 6
        cols = max(1, math.ceil(math.sqrt(len(tiles))))
        rows = math.ceil(len(tiles) / cols)
        title_h = 24
        out = QImage(cols * (cell + pad) + pad, title_h + rows * (cell + cap + pad) + pad,
                     QImage.Format.Format_RGB888)
        out.fill(QColor("white"))
        p = QPainter(out)
        p.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, True)
        p.setPen(QColor("black"))
        p.drawText(QRect(pad, 0, out.width() - 2 * pad, title_h), Qt.AlignmentFlag.AlignVCenter,
                   f"{flow_title(self.name)}  {self.shape_label.text()}  "
                   f"({QCoreApplication.translate('DetailView', NORMALISATION_TEXT).lower()})")
        for n, (img, text) in enumerate(tiles):
            r, c = divmod(n, cols)
            x, y = pad + c * (cell + pad), title_h + r * (cell + cap + pad)
            th, tw = _fit((img.height(), img.width()), cell, grow=True)  # keep the tile's aspect ratio
            p.drawImage(QRect(x + (cell - tw) // 2, y + (cell - th) // 2, tw, th), img)
            p.drawText(QRect(x, y + cell, cell, cap), Qt.AlignmentFlag.AlignCenter, text)
        p.end()
        return out

    def current_image(self) -> QImage:
        return self.grid_image()

    # -- private -------------------------------------------------------------------------------------
    def _rebuild(self) -> None:
        self.grid.blockSignals(True)
        self.grid.clear()
        self.grid.blockSignals(False)
        self._tiles, self._mean_tile = [], None
        self._indices, self._means = np.zeros(0, np.int64), np.zeros(0, np.float32)
        exp = self._exp
        if exp is None:
            self._set_message(self.tr("Select a photo to see its feature maps."))
            return
        fmap = exp.flows.get(self.name)
        if fmap is None:
            self._set_message(self.tr("This model has no '{output}' output, so the {flow} cannot be shown. Export "
                                      "the model with the full contract to see it.").format(
                output=self.name, flow=flow_title(self.name).lower()))
            return
        self._set_message(None)
        c, h, w = fmap.shape
        self.shape_label.setText(self.tr("{c} × {h} × {w} (channels × height × width)").format(c=c, h=h, w=w))
        k = min(self.k_spin.value(), c)
        self._indices, self._means = visualize.top_channels(fmap, k)
        tile_hw = _fit(_region_hw(exp, (h, w)), TILE, grow=True)  # the photo's aspect ratio
        self._fit_cells(tile_hw[0])
        self._mean_tile = heat_image(fmap.mean(axis=0), tile_hw, self._cmap)
        item = QListWidgetItem(_icon(self._mean_tile), self.tr("channel\nmean"))
        item.setData(Qt.ItemDataRole.UserRole, MEAN_ITEM)
        item.setToolTip(self.tr("Mean over all channels"))
        self.grid.addItem(item)
        for i, m in zip(self._indices, self._means):
            img = heat_image(fmap[int(i)], tile_hw, self._cmap)
            self._tiles.append(img)
            item = QListWidgetItem(_icon(img), f"#{int(i)}\n{score_text(m)}")
            item.setData(Qt.ItemDataRole.UserRole, int(i))
            item.setToolTip(self.tr("Channel {channel}: mean activation {score} over the photo.\n"
                                    "Tiles are ordered by it, most active first; each tile is scaled to its own "
                                    "min–max.\nHelp ▸ How to read the maps explains more.").format(
                channel=int(i), score=score_text(m)))
            self.grid.addItem(item)
        keep = self._selected if self._selected == MEAN_ITEM or self._selected in self._indices else MEAN_ITEM
        self._selected = keep
        self.grid.blockSignals(True)
        for n in range(self.grid.count()):
            if self.grid.item(n).data(Qt.ItemDataRole.UserRole) == keep:
                self.grid.setCurrentRow(n)
        self.grid.blockSignals(False)
        self._show_large()

    def _fit_cells(self, tile_height: int) -> None:
        """Grid cells as tall as this photo's tiles plus two caption lines ("#673", its score) in the font's own
        line height (a Korean UI font's is taller): wide tiles of a panorama leave no empty rows between them."""
        self.grid.setIconSize(QSize(TILE, tile_height))
        self.grid.setGridSize(QSize(TILE + 14, tile_height + 2 * self.grid.fontMetrics().lineSpacing() + 12))

    def _set_message(self, text: str | None) -> None:
        self.message.setVisible(text is not None)
        self.splitter.setVisible(text is None)
        self.shape_label.setVisible(text is None)
        if text is not None:
            self.message.setText(text)
            self.large.set_image(None)

    def _on_item(self, item: QListWidgetItem | None, _previous=None) -> None:
        if item is not None:
            self._selected = int(item.data(Qt.ItemDataRole.UserRole))
            self._show_large()

    def _show_large(self) -> None:
        exp = self._exp
        if exp is None or self.name not in exp.flows:
            return
        fmap = exp.flows[self.name]
        m = fmap.mean(axis=0) if self._selected == MEAN_ITEM else fmap[self._selected]
        what = (self.tr("channel mean") if self._selected == MEAN_ITEM
                else self.tr("channel {channel}").format(channel=self._selected))
        left, top, rw, rh = exp.region
        if self.over_photo.isChecked():
            heat = heat_image(m, _fit((rh, rw), HEAT_MAX, grow=True), self._cmap)
            self.large.set_image(to_qimage(exp.image), heat, self._alpha, QRect(left, top, rw, rh))
        else:  # alone, but still shaped like the photo, so its layout matches what the photo shows
            self.large.set_image(heat_image(m, _fit(_region_hw(exp, m.shape), HEAT_MAX, grow=True), self._cmap))
        self.large_caption.setText(self.tr("{flow}, {what} (min–max per map)").format(flow=flow_title(self.name),
                                                                                       what=what))


class DetailView(QWidget):
    """Photo, verdict, CAM and flow tabs for one result; follows :meth:`show_result`.

    ``status_message(text)`` says what Save PNG… and Copy did (the window shows it in its status bar)."""

    status_message = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._explainer = None
        self._exp: Explanation | None = None
        self._path: str | None = None
        self._result = None  # the row shown (its verdict may say uncertain, which the maps alone cannot)
        self._threshold: float | None = None
        self._token = 0
        self.runner = ExplainRunner(self)
        self.runner.ready.connect(self._on_ready)
        self.runner.failed.connect(self._on_failed)

        self._build_verdict()
        self._build_controls()
        self._build_tabs(self._build_cam_tab())
        self._lay_out()
        self._connect()

    def _build_verdict(self) -> None:
        """The title, verdict line, probability bars and model line."""
        self.title = QLabel(self.tr("No photo selected"))
        font = QFont(self.title.font())
        font.setPointSizeF(font.pointSizeF() * 1.25)
        font.setBold(True)
        self.title.setFont(font)
        self.title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.verdict = QLabel()
        self.verdict.setTextFormat(Qt.TextFormat.RichText)  # every text set is escaped: "its target '/x.jpg'"
        self.verdict.setWordWrap(True)  # "uncertain" and its reason wrap in a narrow pane
        self.bars_box = QWidget()
        self.bars = QGridLayout(self.bars_box)
        self.bars.setContentsMargins(0, 0, 0, 0)
        # class name, bar, percentage: the percentage is drawn beside the bar, not on it, where the style
        # would paint it half in the bar's colour and half in the text colour (unreadable at the bar's end)
        self._bar_widgets: list[tuple[QLabel, QProgressBar, QLabel]] = []
        self.info = QLabel()
        self.info.setWordWrap(True)
        self.info.setStyleSheet("color: palette(placeholder-text);")

    def _build_controls(self) -> None:
        """The colour map, Save and Copy controls shared by every tab."""
        self.cmap_combo = QComboBox()
        self.cmap_combo.addItems(COLORMAPS)
        self.cmap_combo.setToolTip(self.tr("Perceptually uniform colour map (matplotlib)"))
        self.save_button = QPushButton(self.tr("Save PNG…"))
        self.copy_button = QPushButton(self.tr("Copy"))
        self.save_button.setToolTip(self.tr("Save the current visualisation as a PNG file: the whole photo with its "
                                            "map, or a flow tab's tiles, whatever the zoom"))
        self.copy_button.setToolTip(self.tr("Copy the current visualisation to the clipboard: the whole photo with "
                                            "its map, or a flow tab's tiles, whatever the zoom"))

    def _build_cam_tab(self) -> QWidget:
        """The CAM tab: photo with the map over it, its controls and the colour legend."""
        self.cam_view = ImageView()
        self.cam_view.set_placeholder(self._idle_text())
        self.class_combo = QComboBox()
        self.class_combo.setToolTip(self.tr("Class whose activation map is drawn (default: the predicted one)"))
        self.show_cam = QCheckBox(self.tr("Show CAM"))
        self.show_cam.setChecked(True)
        self.opacity = QSlider(Qt.Orientation.Horizontal)
        self.opacity.setRange(0, 100)
        self.opacity.setValue(50)
        self.opacity.setToolTip(self.tr("Opacity of the map drawn over the photo"))
        self.opacity.setMinimumWidth(60)
        self.opacity_label = QLabel("50%")
        self.norm_label = QLabel(self.tr(NORMALISATION_TEXT))
        self.norm_label.setWordWrap(True)  # wraps in a narrow window instead of widening it
        self.norm_label.setToolTip(self.tr("Each map is scaled so that its own minimum is dark and its maximum bright"))
        self.legend = QLabel()
        self.legend.setToolTip(self.tr("Colour scale: each map's minimum (left) to its maximum (right)"))
        cam_tab = QWidget()
        cam_controls = QHBoxLayout()
        cam_controls.addWidget(self.show_cam)
        cam_controls.addWidget(QLabel(self.tr("Class:")))
        cam_controls.addWidget(self.class_combo)
        cam_controls.addStretch(1)
        cl = QVBoxLayout(cam_tab)
        cl.addLayout(cam_controls)
        cl.addWidget(self.cam_view, 1)
        legend_row = QHBoxLayout()
        legend_row.addWidget(self.norm_label, 1)
        legend_row.addWidget(QLabel(self.tr("min")))
        legend_row.addWidget(self.legend)
        legend_row.addWidget(QLabel(self.tr("max")))
        cl.addLayout(legend_row)
        return cam_tab

    def _build_tabs(self, cam_tab: QWidget) -> None:
        self.tabs = QTabWidget()
        self.tabs.addTab(cam_tab, self.tr("CAM"))  # short: the tab bar, Save and Copy share a narrow window's width
        self.tabs.setTabToolTip(0, self.tr("Class activation map: where the photo pushed the model towards a class"))
        self.flow_tabs: dict[str, FlowTab] = {}
        for name in FLOW_OUTPUTS:
            tab = FlowTab(name)
            self.flow_tabs[name] = tab
            self.tabs.addTab(tab, flow_title(name))

    def _lay_out(self) -> None:
        head = QHBoxLayout()
        head_left = QVBoxLayout()
        head_left.addWidget(self.title)
        head_left.addWidget(self.verdict)
        head_left.addWidget(self.info)
        head.addLayout(head_left, 3)
        head.addWidget(self.bars_box, 2)
        tools = QHBoxLayout()
        tools.addWidget(QLabel(self.tr("Colour map:")))
        tools.addWidget(self.cmap_combo)
        tools.addWidget(QLabel(self.tr("Opacity:")))
        tools.addWidget(self.opacity, 1)
        tools.addWidget(self.opacity_label)
        # under the tabs, whose content they save: beside them (the tab bar's corner) they took the width the
        # four tab titles need in a 1024-pixel window ("E…", "Mi…", "Ex…")
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.copy_button)
        self.tabs.setUsesScrollButtons(True)
        self.tabs.tabBar().setElideMode(Qt.TextElideMode.ElideRight)  # narrow windows: "Middle fl…"
        # a long file name is clipped, not allowed to widen the window (the table shows it in full)
        self.title.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        layout = QVBoxLayout(self)
        layout.addLayout(head)
        layout.addLayout(tools)
        layout.addWidget(self.tabs, 1)
        layout.addLayout(buttons)

    def _connect(self) -> None:
        self.cmap_combo.currentTextChanged.connect(self._on_cmap)
        self.class_combo.currentIndexChanged.connect(self._update_cam)
        self.show_cam.toggled.connect(self._update_cam)
        self.opacity.valueChanged.connect(self._on_opacity)
        # Not connected directly: clicked(bool) would pass `checked` as save_png's path.
        self.save_button.clicked.connect(lambda: self.save_png())  # noqa: PLW0108
        self.copy_button.clicked.connect(self.copy_to_clipboard)
        self._set_enabled(False)
        self.legend.setPixmap(QPixmap.fromImage(colorbar(self.cmap_combo.currentText())))

    # -- public --------------------------------------------------------------------------------------
    @property
    def explanation(self) -> Explanation | None:
        """What is shown now (``None`` while loading or when nothing is selected)."""
        return self._exp

    def set_explainer(self, explainer) -> None:
        """Use ``explainer`` (a :class:`core.explain.Explainer`, or ``None``) for later selections."""
        self._explainer = explainer
        self.clear()

    def set_threshold(self, threshold: float | None) -> None:
        """Say ``uncertain`` for a photo whose top probability is below ``threshold`` (as the table does)."""
        self._threshold = threshold
        if self._exp is not None:
            self.verdict.setText(self._verdict_text(self._exp))

    def clear(self) -> None:
        """Show nothing: no photo, no maps, no "Computing…" left from an earlier request."""
        self._path = None
        self._result = None
        self._token = 0
        self._show(None)
        self.title.setText(self.tr("No photo selected"))
        self.title.setToolTip("")

    def show_result(self, result) -> None:
        """Show ``result``'s photo: an error row shows its error; an ok row is explained off-thread."""
        if result is None:
            self.clear()
            return
        same = result.path == self._path
        self._result = result
        if same and (self._exp is not None or self._token):
            if self._exp is not None:
                self.verdict.setText(self._verdict_text(self._exp))
            return
        self._path = result.path
        self.title.setText(visible_text(result.name))
        self.title.setToolTip(result.path)
        if result.status != Status.OK:
            self._token = 0
            self._show(None)
            self.verdict.setText(self.tr("Error: {error}").format(error=html.escape(error_text(result.error))))
            self.verdict.setToolTip(result.error)
            self.cam_view.set_placeholder(
                self.tr("This file could not be classified:\n{error}").format(error=error_text(result.error)))
            return
        if self._explainer is None:
            self._token = 0
            self._show(None)
            self.verdict.setText(self.tr("No model loaded"))
            return
        hit = self._explainer.cached(result.path)
        if hit is not None:
            self._token = 0
            self._show(hit)
            return
        self.verdict.setText(self.tr("Computing feature maps…"))
        self.cam_view.set_placeholder(self.tr("Computing…"))
        self._token = self.runner.request(self._explainer, result.path)

    def current_image(self) -> QImage:
        """The visualisation on the current tab: the photo with its CAM, or a flow's tile grid."""
        w = self.tabs.currentWidget()
        if isinstance(w, FlowTab):
            return w.current_image()
        return self.cam_view.composite()

    def save_png(self, path: str | None = None) -> bool:
        """Save :meth:`current_image` as PNG (asks for a file name when ``path`` is ``None``)."""
        image = self.current_image()
        if image.isNull():
            return False
        if path is None:
            stem = Path(self._exp.path).stem if self._exp else "catdog"
            current = self.tabs.currentWidget()  # the file name stays English, whatever the language
            tab = (current.name.replace("_", "-") if isinstance(current, FlowTab) else "cam")
            path, _ = QFileDialog.getSaveFileName(self, self.tr("Save visualisation"), f"{stem}-{tab}.png",
                                                  self.tr("PNG images (*.png)"))
            if not path:
                return False
        if not path.lower().endswith(".png"):
            path += ".png"
        if not image.save(path, "PNG"):
            QMessageBox.critical(self, self.tr("Save failed"), self.tr("Could not write {path}.").format(path=path))
            return False
        self.status_message.emit(self.tr("Saved {path} ({w} × {h} px)").format(path=path, w=image.width(),
                                                                              h=image.height()))
        return True

    def copy_to_clipboard(self) -> bool:
        """Put :meth:`current_image` on the clipboard (the whole picture, whatever the zoom)."""
        image = self.current_image()
        if image.isNull():
            return False
        QGuiApplication.clipboard().setImage(image)
        self.status_message.emit(self.tr("Copied the picture to the clipboard ({w} × {h} px)").format(
            w=image.width(), h=image.height()))
        return True

    def shutdown(self) -> None:
        self.runner.shutdown()

    # -- private -------------------------------------------------------------------------------------
    def _on_ready(self, token: int, exp: Explanation) -> None:
        if token == self._token and exp.path == self._path:
            self._token = 0
            self._show(exp)

    def _on_failed(self, token: int, path: str, message: str) -> None:
        if token == self._token and path == self._path:
            self._token = 0
            self._show(None)
            self.verdict.setText(self.tr("Could not compute the maps: {message}").format(message=html.escape(message)))
            self.cam_view.set_placeholder(
                self.tr("The maps could not be computed:\n{message}").format(message=message))

    def _verdict_text(self, exp: Explanation) -> str:
        """The verdict line: the class and its confidence, or "uncertain" and why, as the table says it."""
        r = self._result
        if r is not None and r.path == exp.path and r.person_label:  # a person's mark wins, as in the table
            return self.tr("<b>{mark}</b> — marked by hand; the model says {label} {confidence}").format(
                mark=html.escape(label_text(r.person_label)), label=html.escape(label_text(exp.label)),
                confidence=f"{exp.confidence:.1%}")
        why = uncertain_text(r, self._threshold) if r is not None and r.path == exp.path else ""
        if why:
            return self.tr("<b>{uncertain}</b> — {label} {confidence}: {reason}").format(
                uncertain=html.escape(label_text("uncertain")), label=html.escape(label_text(exp.label)),
                confidence=f"{exp.confidence:.1%}", reason=html.escape(why))
        return self.tr("<b>{label}</b> — {confidence} confidence").format(
            label=html.escape(label_text(exp.label)), confidence=f"{exp.confidence:.1%}")

    def _idle_text(self) -> str:
        return self.tr("Select a photo in the results")

    def _set_enabled(self, on: bool) -> None:
        for w in (self.save_button, self.copy_button, self.class_combo, self.show_cam, self.opacity):
            w.setEnabled(on)

    def _show(self, exp: Explanation | None) -> None:
        self._exp = exp
        self.cam_view.reset_view()  # a new photo starts fitted, whatever its size
        self._set_enabled(exp is not None)
        cmap = self.cmap_combo.currentText()
        for tab in self.flow_tabs.values():
            tab.set_explanation(exp, cmap, self.opacity.value() / 100)
        if exp is None:  # nothing stale stays: no spinner text, no class named by the legend
            self.verdict.setText("")
            self.info.setText("")
            self.info.setToolTip("")
            self.cam_view.set_image(None)
            self.cam_view.set_placeholder(self._idle_text())
            self.norm_label.setText(self.tr(NORMALISATION_TEXT))
            self.class_combo.clear()
            self._set_bars((), None)
            return
        self.verdict.setText(self._verdict_text(exp))
        missing = (" · " + self.tr("missing outputs: {outputs}").format(outputs=", ".join(exp.missing))
                   if exp.missing else "")
        # the provider's name only: why CUDA is not in use is said once, in the window's status bar
        self.info.setText(self.tr("{provider} · inference {ms} ms").format(
            provider=exp.provider.split(" — ")[0], ms=f"{exp.inference_ms:.0f}") + missing)
        self.info.setToolTip(exp.provider)
        self._set_bars(exp.labels, exp.probabilities)
        self.class_combo.blockSignals(True)
        self.class_combo.clear()
        self.class_combo.addItems([label_text(label) for label in exp.labels])
        self.class_combo.setCurrentIndex(exp.predicted)
        self.class_combo.blockSignals(False)
        self._update_cam()

    def _set_bars(self, labels, probabilities) -> None:
        while len(self._bar_widgets) > len(labels):
            for widget in self._bar_widgets.pop():
                widget.deleteLater()
        while len(self._bar_widgets) < len(labels):
            label, bar, percent = QLabel(), QProgressBar(), QLabel()
            bar.setRange(0, 1000)
            bar.setTextVisible(False)
            bar.setMinimumWidth(40)  # its size hint still asks for room for text it no longer draws
            percent.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            percent.setMinimumWidth(percent.fontMetrics().horizontalAdvance("100.0%") + 4)
            n = len(self._bar_widgets)
            self.bars.addWidget(label, n, 0)
            self.bars.addWidget(bar, n, 1)
            self.bars.addWidget(percent, n, 2)
            self._bar_widgets.append((label, bar, percent))
        for (label, bar, percent), name, p in zip(self._bar_widgets, labels, probabilities if labels else ()):
            label.setText(label_text(name))
            bar.setValue(round(float(p) * 1000))
            percent.setText(f"{float(p):.1%}")

    def _update_cam(self, *_args) -> None:
        exp = self._exp
        if exp is None:
            return
        base = to_qimage(exp.image)
        c = self.class_combo.currentIndex()
        if exp.cam is None:
            self.cam_view.set_image(base)
            self.norm_label.setText(self.tr("This model has no 'cam' output; only the photo is shown."))
            return
        self.norm_label.setText(self.tr("CAM of '{label}'").format(label=label_text(exp.labels[c]))
                                + " · " + self.tr(NORMALISATION_TEXT))
        if not self.show_cam.isChecked():
            self.cam_view.set_image(base)
            return
        left, top, w, h = exp.region
        heat = heat_image(exp.cam[c], _fit((h, w), HEAT_MAX, grow=True), self.cmap_combo.currentText())
        self.cam_view.set_image(base, heat, self.opacity.value() / 100, QRect(left, top, w, h))

    def _on_opacity(self, value: int) -> None:
        self.opacity_label.setText(f"{value}%")
        self.cam_view.set_alpha(value / 100)
        for tab in self.flow_tabs.values():
            tab.set_alpha(value / 100)

    def _on_cmap(self, cmap: str) -> None:
        self.legend.setPixmap(QPixmap.fromImage(colorbar(cmap)))
        for tab in self.flow_tabs.values():
            tab.set_cmap(cmap)
        self._update_cam()
