"""The gallery: large thumbnails with a coloured verdict badge, at the screen's device
pixel ratio, toggled with the table and sharing its current photo. Offscreen, tiny model, real photos."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QItemSelectionModel

from catdog_gui.app.gallery import TILE, badge_colour, image_rect, tile_box
from catdog_gui.app.images import to_array
from catdog_gui.app.main_window import MainWindow
from catdog_gui.app.results_model import NAME, RESULT_ROLE

RUN_TIMEOUT = 120_000


def test_gallery_tiles_badges_and_shared_selection(qtbot, tiny_model_path, cat_photos, dog_photos, tmp_path):
    broken = tmp_path / "broken.jpg"
    broken.write_bytes(b"not a photo")
    paths = [str(p) for p in cat_photos[:3] + dog_photos[:3]] + [str(broken)]
    w = MainWindow(tiny_model_path, paths)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitUntil(lambda: w.results.rowCount() == 7 and not w.running, timeout=RUN_TIMEOUT)

    w.gallery_action.trigger()
    assert w.views.currentWidget() is w.gallery and w.gallery.isVisible()
    assert w.gallery.model().rowCount() == 7
    g = w.gallery
    # thumbnails are made at the device pixel ratio: TILE * ratio device pixels on the long side
    first = w.proxy.index(0, NAME)
    g.thumbnails.get(first.data(RESULT_ROLE).path)
    qtbot.waitUntil(lambda: g.thumbnails.get(first.data(RESULT_ROLE).path) is not None, timeout=20_000)
    pix = g.thumbnails.get(first.data(RESULT_ROLE).path)
    ratio = g.thumbnails.device_pixel_ratio
    assert pix.devicePixelRatio() == ratio and max(pix.width(), pix.height()) == round(TILE * ratio)
    for i in range(7):  # every thumbnail in before looking at the picture
        r = w.proxy.index(i, NAME).data(RESULT_ROLE)
        if r.status == "ok":
            qtbot.waitUntil(lambda r=r: g.thumbnails.get(r.path) is not None, timeout=20_000)
    # each tile's badge is drawn in its verdict's colour, near the tile's top left corner
    for i in range(7):
        index = w.proxy.index(i, NAME)
        r = index.data(RESULT_ROLE)
        g.scrollTo(index)
        qtbot.wait(30)
        shot = to_array(g.viewport().grab().toImage())
        pix = g.thumbnails.get(r.path) if r.status == "ok" else None
        image = image_rect(tile_box(g.visualRect(index)), pix)
        colour = badge_colour(r, w.engine.info.labels, w.tally.threshold)
        patch = shot[image.y() + 7:image.y() + 15, image.x() + 7:image.x() + 15, :3].reshape(-1, 3).astype(int)
        want = np.array([colour.red(), colour.green(), colour.blue()])
        assert (np.abs(patch - want).sum(axis=1) < 30).mean() > 0.5, (r.name, colour.name())
    # a photo's thumbnail shows the photo, not a blank box
    g.scrollTo(first)
    qtbot.wait(30)
    shot = to_array(g.viewport().grab().toImage())
    rect = g.visualRect(first)
    tile = shot[rect.y() + 40:rect.y() + TILE - 10, rect.x() + 30:rect.x() + rect.width() - 30]
    assert tile.std() > 10

    # the gallery and the table share the current photo
    g.selectionModel().setCurrentIndex(w.proxy.index(4, NAME), QItemSelectionModel.SelectionFlag.ClearAndSelect)
    assert w.current_result() is w.proxy.index(4, NAME).data(RESULT_ROLE)
    w.gallery_action.trigger()
    assert w.views.currentWidget() is w.table and w.table.currentIndex().row() == 4


def test_a_photo_clicked_in_the_gallery_is_the_selection(qtbot, tiny_model_path, cat_photos):
    """The gallery selects one cell of a row (its column): Tags > Write Tags… and Mark as count it as the
    selected photo, as a row selected in the table (it read "Selected rows (0)")."""
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    w = MainWindow(tiny_model_path, [str(p) for p in cat_photos[:4]])
    qtbot.addWidget(w)
    w.show()
    qtbot.waitUntil(lambda: w.results.rowCount() == 4 and not w.running, timeout=RUN_TIMEOUT)
    w.gallery_action.trigger()
    index = w.proxy.index(2, NAME)
    QTest.mouseClick(w.gallery.viewport(), Qt.MouseButton.LeftButton, pos=w.gallery.visualRect(index).center())
    clicked = index.data(RESULT_ROLE)
    assert w.current_result() is clicked
    assert w.selected_results() == [clicked]
    assert w.tag_actions._rows(only_selected=True) == [clicked]
    assert w.mark_selected("dog") == 1 and w.results.person_label(clicked.path) == "dog"
    assert w.mark_selected(None) == 1 and w.unsaved_marks() == 0  # else closing asks whether to export the mark
    w.gallery_action.trigger()  # back to the table: the whole row is selected, not its File cell alone (tester 6)
    selected = w.table.selectionModel().selectedIndexes()
    assert {i.row() for i in selected} == {2} and len(selected) == w.proxy.columnCount()
    assert w.selected_results() == [clicked]


def test_gallery_columns_share_the_width(qtbot, tiny_model_path, cat_photos):
    """The tiles of a row spread over the whole width: no empty strip of up to a tile at the right edge, at
    any width (the grid follows a resize)."""
    from catdog_gui.app.gallery import TILE

    w = MainWindow(tiny_model_path, [str(p) for p in cat_photos[:6]])
    qtbot.addWidget(w)
    w.show()
    qtbot.waitUntil(lambda: w.results.rowCount() == 6 and not w.running, timeout=RUN_TIMEOUT)
    w.gallery_action.trigger()
    g = w.gallery
    for width in (430, 700):
        g.resize(width, 500)
        qtbot.waitUntil(lambda: g.gridSize().width() * g.grid_columns() <= g.viewport().width(), timeout=5000)
        cells = [g.visualRect(w.proxy.index(i, NAME)) for i in range(6)]
        first_row = [r for r in cells if r.top() == cells[0].top()]
        assert len(first_row) == g.grid_columns() >= 2
        assert g.viewport().width() - max(r.right() for r in first_row) < TILE // 3, (width, first_row)
