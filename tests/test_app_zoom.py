"""Zoom and pan in the detail view's pictures (a panorama was a 3-pixel sliver with no way to look closer), and
feature maps of a panorama drawn readable. Offscreen, real photos, the tiny model for the detail pane."""

from __future__ import annotations

import shutil

import numpy as np
from PIL import Image
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QImage, QWheelEvent

from catdog_gui.app.detail_view import MAX_MAP_ASPECT
from catdog_gui.app.image_view import MAX_PIXEL_SCALE, ImageView
from catdog_gui.app.main_window import MainWindow
from catdog_gui.app.results_model import NAME, RESULT_ROLE
from catdog_gui.core.imaging import load_rgb

RUN_TIMEOUT = 120_000


def _qimage(rgb: np.ndarray) -> QImage:
    h, w, _ = rgb.shape
    return QImage(np.ascontiguousarray(rgb).data, w, h, 3 * w, QImage.Format.Format_RGB888).copy()


def _panorama(photos, height: int = 150) -> np.ndarray:
    """Real photos side by side, each squashed to ``height`` x 2*``height``: [height, 2*height*n, 3] uint8."""
    tiles = [np.asarray(load_rgb(str(p)).resize((2 * height, height))) for p in photos]
    return np.concatenate(tiles, axis=1)


def _wheel(view: ImageView, at: QPointF, notches: int) -> None:
    ev = QWheelEvent(at, view.mapToGlobal(at), QPoint(0, 0), QPoint(0, 120 * notches), Qt.MouseButton.NoButton,
                     Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase, False)
    view.wheelEvent(ev)


def _shown_view(qtbot, rgb: np.ndarray) -> ImageView:
    """A 400 x 300 ImageView, shown, with ``rgb`` ([H, W, 3] uint8) in it, fitted."""
    view = ImageView()
    qtbot.addWidget(view)
    view.resize(400, 300)
    view.show()
    view.set_image(_qimage(rgb))
    return view


def _photo_pixel(view: ImageView, at: QPointF) -> tuple[float, float]:
    r = view.image_rect()
    scale = r.width() / view._base.width()
    return (at.x() - r.x()) / scale, (at.y() - r.y()) / scale


def test_wheel_zooms_about_the_pointer_drag_moves_double_click_fits(qtbot, cat_photos):
    rgb = np.asarray(load_rgb(str(cat_photos[0])))
    view = _shown_view(qtbot, rgb)
    fitted = view.image_rect()
    assert view.zoom() == 1.0 and fitted.width() <= 400.5 and fitted.height() <= 300.5

    at = QPointF(fitted.x() + fitted.width() * 0.3, fitted.y() + fitted.height() * 0.4)
    before = _photo_pixel(view, at)
    _wheel(view, at, 5)  # larger than the widget on both axes now
    assert abs(view.zoom() - 1.25 ** 5) < 1e-6
    after = _photo_pixel(view, at)
    assert abs(before[0] - after[0]) < 0.5 and abs(before[1] - after[1]) < 0.5  # the same spot under the pointer
    # what is drawn there is the photo's own pixel, enlarged
    grab = view.grab().toImage().convertToFormat(QImage.Format.Format_RGB888)
    drawn = grab.pixelColor(int(at.x()), int(at.y()))
    expected = rgb[int(after[1]), int(after[0])]
    assert max(abs(drawn.red() - int(expected[0])), abs(drawn.green() - int(expected[1])),
               abs(drawn.blue() - int(expected[2]))) < 40

    # a drag moves the picture with the pointer, and never past its edge
    r0 = view.image_rect()
    qtbot.mousePress(view, Qt.MouseButton.LeftButton, pos=QPoint(230, 160))
    qtbot.mouseMove(view, QPoint(200, 150))
    qtbot.mouseRelease(view, Qt.MouseButton.LeftButton, pos=QPoint(200, 150))
    r1 = view.image_rect()
    assert abs(r1.x() - r0.x() + 30) < 1 and abs(r1.y() - r0.y() + 10) < 1
    qtbot.mousePress(view, Qt.MouseButton.LeftButton, pos=QPoint(10, 10))
    qtbot.mouseMove(view, QPoint(390, 290))
    qtbot.mouseRelease(view, Qt.MouseButton.LeftButton, pos=QPoint(390, 290))
    r2 = view.image_rect()
    assert r2.left() <= 0.5 and r2.top() <= 0.5 and r2.right() >= 399.5 and r2.bottom() >= 299.5

    # zooming out stops at the fitted view; zooming in stops at MAX_PIXEL_SCALE screen pixels per photo pixel
    _wheel(view, at, -20)
    assert view.zoom() == 1.0 and view.image_rect() == fitted
    _wheel(view, at, 60)
    assert abs(view.image_rect().width() / rgb.shape[1] - MAX_PIXEL_SCALE) < 1e-6

    # double-click: back to fitted; again: fills the widget
    qtbot.mouseDClick(view, Qt.MouseButton.LeftButton, pos=QPoint(200, 150))
    assert view.zoom() == 1.0 and view.image_rect() == fitted
    qtbot.mouseDClick(view, Qt.MouseButton.LeftButton, pos=QPoint(200, 150))
    filled = view.image_rect()
    assert filled.width() >= 399.5 and filled.height() >= 299.5


def test_a_panorama_fills_the_height_on_double_click_and_keeps_the_view_for_the_same_photo(qtbot, cat_photos):
    pano = _panorama(cat_photos[:8])  # 150 x 2400
    view = _shown_view(qtbot, pano)
    assert view.image_rect().height() < 30  # the sliver
    qtbot.mouseDClick(view, Qt.MouseButton.LeftButton, pos=QPoint(50, 150))
    r = view.image_rect()
    assert abs(r.height() - 300) < 0.5 and r.left() <= 0.5  # full height, its left end shown
    view.set_image(_qimage(pano))  # the same photo again (a new colour map): the view stays
    assert view.image_rect() == r
    # the same picture at half the size (a map alone against the photo under it): the same part stays in view
    left_end = view.image_rect()
    view.set_image(_qimage(np.ascontiguousarray(pano[::2, ::2])))
    half = view.image_rect()
    assert abs(half.height() - 300) < 0.5 and abs(half.left() - left_end.left()) < 1
    view.reset_view()  # a new photo: fitted again
    assert view.zoom() == 1.0 and view.image_rect().height() < 30


def test_detail_view_of_a_panorama_draws_readable_maps_and_resets_zoom_per_photo(qtbot, tiny_model_path,
                                                                                 cat_photos, tmp_path):
    src = tmp_path / "photos"
    src.mkdir()
    Image.fromarray(_panorama(cat_photos[:5], height=100)).save(src / "pano.jpg", quality=92)  # 1000 x 100
    shutil.copy(cat_photos[5], src / cat_photos[5].name)
    w = MainWindow(tiny_model_path, [str(src)])
    qtbot.addWidget(w)
    w.show()
    qtbot.waitUntil(lambda: w.results.rowCount() == 2 and not w.running, timeout=RUN_TIMEOUT)
    d = w.detail
    rows = {w.proxy.index(i, NAME).data(RESULT_ROLE).name: i for i in range(w.proxy.rowCount())}
    w.select_row(rows["pano.jpg"])
    qtbot.waitUntil(lambda: d.explanation is not None and d.explanation.image.shape[1] == 1000, timeout=RUN_TIMEOUT)
    for tab in d.flow_tabs.values():
        tiles = tab.tile_images()
        assert tiles
        for tile in tiles:  # 10:1 photo, maps drawn at most MAX_MAP_ASPECT:1
            assert tile.width() <= MAX_MAP_ASPECT * tile.height() + 1 and tile.height() >= 8
    wide_cell = d.flow_tabs["entry_flow"].grid.gridSize().height()  # no empty rows between wide tiles
    d.cam_view.zoom_at(3.0)
    assert d.cam_view.zoom() == 3.0
    d.cmap_combo.setCurrentIndex((d.cmap_combo.currentIndex() + 1) % d.cmap_combo.count())
    assert d.cam_view.zoom() == 3.0  # a new colour map keeps the view
    # a flow's large map, zoomed into its right half, then drawn over the photo: the same half stays in view
    large = d.flow_tabs["exit_flow"].large
    large.resize(400, 300)
    large.zoom_at(4.0, QPointF(390, 150))
    shown = large.image_rect()
    right_half = (-shown.x() / shown.width(), (400 - shown.x()) / shown.width())  # fractions of the picture in view
    assert large.zoom() == 4.0 and right_half[0] > 0.5
    d.flow_tabs["exit_flow"].over_photo.setChecked(True)
    over = large.image_rect()
    assert large._base.width() == 1000 and large.zoom() == 4.0
    assert abs(-over.x() / over.width() - right_half[0]) < 0.01
    assert abs((400 - over.x()) / over.width() - right_half[1]) < 0.01
    w.select_row(rows[cat_photos[5].name])
    qtbot.waitUntil(lambda: d.explanation is not None and d.explanation.image.shape[1] != 1000, timeout=RUN_TIMEOUT)
    assert d.cam_view.zoom() == 1.0 and large.zoom() == 1.0
    line = d.flow_tabs["entry_flow"].grid.fontMetrics().lineSpacing()  # two caption lines fit under every tile
    tall_tile = max(t.height() for t in d.flow_tabs["entry_flow"].tile_images())
    assert d.flow_tabs["entry_flow"].grid.gridSize().height() >= tall_tile + 2 * line > wide_cell


def test_keys_zoom_move_fill_and_fit_when_the_picture_has_the_focus(qtbot, cat_photos):
    from PySide6.QtTest import QTest

    rgb = np.asarray(load_rgb(str(cat_photos[0])))
    view = _shown_view(qtbot, rgb)
    view.setFocus()
    assert view.focusPolicy() == Qt.FocusPolicy.StrongFocus  # Tab reaches it
    fitted = view.image_rect()
    for _ in range(5):
        QTest.keyClick(view, Qt.Key.Key_Plus)
    assert abs(view.zoom() - 1.25 ** 5) < 1e-6
    QTest.keyClick(view, Qt.Key.Key_Minus)
    assert abs(view.zoom() - 1.25 ** 4) < 1e-6
    r0 = view.image_rect()
    QTest.keyClick(view, Qt.Key.Key_Down)  # shows more of the bottom: the picture moves up by a tenth of the view
    r1 = view.image_rect()
    assert abs(r1.y() - (r0.y() - 30)) < 0.5 and r1.x() == r0.x()
    QTest.keyClick(view, Qt.Key.Key_0)
    assert view.zoom() == 1.0 and view.image_rect() == fitted
    QTest.keyClick(view, Qt.Key.Key_F)
    filled = view.image_rect()
    assert filled.width() >= 399.5 and filled.height() >= 299.5
    QTest.keyClick(view, Qt.Key.Key_F)
    assert view.image_rect() == fitted


def test_the_results_have_the_keyboard_focus_when_a_folder_opens(qtbot, tiny_model_path, cat_photos, tmp_path):
    """Up pressed after start moved the confidence filter (the first widget of the focus chain) and hid rows."""
    from PySide6.QtTest import QTest

    src = tmp_path / "photos"
    src.mkdir()
    for p in cat_photos[:3]:
        shutil.copy(p, src / p.name)
    w = MainWindow(tiny_model_path, [str(src)])
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    w.activateWindow()
    qtbot.waitUntil(lambda: w.results.rowCount() == 3 and not w.running, timeout=RUN_TIMEOUT)
    assert w.focusWidget() is w.table
    QTest.keyClick(w.table, Qt.Key.Key_Down)
    QTest.keyClick(w.table, Qt.Key.Key_Up)
    assert w.proxy.rowCount() == 3  # nothing filtered away
