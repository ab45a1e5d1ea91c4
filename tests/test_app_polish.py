"""What a tester found in the window, checked on its geometry and state (offscreen, the tiny exported model on
real photos): the filter goes back to All when the table is cleared or new photos come; the probability's
text is beside its bar, not half over it; the Status column shows an error's reason at 1024x700; the captions
of the detail view's flow tiles are whole at 1024x640.
"""

from __future__ import annotations

import shutil

import pytest
from PySide6.QtCore import QRect, Qt
from PySide6.QtWidgets import QStyleOptionViewItem

from catdog_gui.app.detail_view import MEAN_ITEM
from catdog_gui.app.main_window import MainWindow
from catdog_gui.app.results_model import STATUS
from catdog_gui.core.filtering import ALL, ERRORS

RUN_TIMEOUT = 120_000


@pytest.fixture
def photos(tmp_path, cat_photos, dog_photos):
    """Two real photos and a file that is not an image, in one folder."""
    folder = tmp_path / "pets"
    folder.mkdir()
    for src in (cat_photos[0], dog_photos[0]):
        shutil.copy(src, folder / src.name)
    (folder / "broken.jpg").write_text("not a picture")
    return folder


def make_window(qtbot, model, width: int, height: int) -> MainWindow:
    w = MainWindow(model)
    qtbot.addWidget(w)
    w.show()
    qtbot.wait(20)  # the first show keeps the window on offscreen's 800-px screen; then size it as asked
    w.resize(width, height)
    qtbot.wait(20)
    return w


def run(qtbot, w: MainWindow, paths, rows: int) -> None:
    w.classify([str(p) for p in paths])
    qtbot.waitUntil(lambda: w.results.rowCount() == rows and not w.running, timeout=RUN_TIMEOUT)


def test_the_filter_goes_back_to_all_when_the_table_is_cleared_or_new_photos_come(qtbot, tiny_model_path, photos,
                                                                                   cat_photos):
    w = make_window(qtbot, tiny_model_path, 1024, 700)
    run(qtbot, w, [photos], 3)
    w.filter_bar.select(ERRORS)
    w.filter_bar.search.setText("no such name")
    assert w.proxy.rowCount() == 0 and w.proxy.result_filter.active
    w.clear_results()
    assert w.filter_bar.buttons[ALL].isChecked() and w.filter_bar.search.text() == ""
    assert not w.proxy.result_filter.active
    run(qtbot, w, [photos], 3)
    assert w.proxy.rowCount() == 3
    w.filter_bar.select(ERRORS)
    w.filter_bar.low.setValue(50)
    assert w.proxy.rowCount() == 1  # the error only
    run(qtbot, w, [cat_photos[3]], 4)  # a new photo: every row shows again, the new one too
    assert not w.proxy.result_filter.active and w.filter_bar.low.value() == 0
    assert w.proxy.rowCount() == 4


def test_the_probability_is_written_beside_its_bar(qtbot, tiny_model_path, photos):
    w = make_window(qtbot, tiny_model_path, 1024, 700)
    run(qtbot, w, [photos / "broken.jpg", *sorted(p for p in photos.iterdir() if p.name != "broken.jpg")], 3)
    w.select_row(1)
    result = w.current_result()
    assert result.ok
    qtbot.waitUntil(lambda: len(w.detail._bar_widgets) == 2 and w.detail._bar_widgets[0][2].text() != "",
                    timeout=RUN_TIMEOUT)
    qtbot.wait(20)
    for (_name, bar, percent), p in zip(w.detail._bar_widgets, result.probabilities):
        assert not bar.isTextVisible()  # no text over the bar, half in the bar's colours
        assert percent.text() == f"{p:.1%}" and percent.isVisible()
        where = QRect(percent.mapTo(w, percent.rect().topLeft()), percent.size())
        bar_at = QRect(bar.mapTo(w, bar.rect().topLeft()), bar.size())
        assert not where.intersects(bar_at)
        assert percent.width() >= percent.fontMetrics().horizontalAdvance("100.0%")


def test_the_status_column_shows_an_errors_reason_at_1024x700(qtbot, tiny_model_path, photos):
    w = make_window(qtbot, tiny_model_path, 1024, 700)
    run(qtbot, w, [photos], 3)
    qtbot.wait(50)
    header = w.table.horizontalHeader()
    assert w.table.horizontalScrollBar().maximum() == 0  # every column still in view
    row = next(i for i in range(3) if not w.results.result(i).ok)
    index = w.proxy.mapFromSource(w.results.index(row, STATUS))
    text = index.data()
    assert text.startswith("error: ")
    option = QStyleOptionViewItem()
    option.rect = w.table.visualRect(index)
    delegate = w.table.itemDelegateForIndex(index)
    delegate.initStyleOption(option, index)
    assert option.features & QStyleOptionViewItem.ViewItemFeature.WrapText  # the cell wraps its text...
    fm = w.table.fontMetrics()
    # ...and is wide enough for "error: not an", and tall enough for three lines of it
    assert header.sectionSize(STATUS) >= fm.horizontalAdvance(" ".join(text.split()[:3])) + 8
    assert option.rect.height() >= 3 * fm.lineSpacing()
    # the File column keeps room for a name
    assert header.sectionSize(1) >= 90


def test_the_flow_tabs_tile_captions_are_whole_at_1024x640(qtbot, tiny_model_path, photos):
    w = make_window(qtbot, tiny_model_path, 1024, 640)
    run(qtbot, w, sorted(p for p in photos.iterdir() if p.name != "broken.jpg"), 2)
    w.select_row(0)
    path = w.current_result().path
    qtbot.waitUntil(lambda: w.detail.explanation is not None and w.detail.explanation.path == path,
                    timeout=RUN_TIMEOUT)
    tabs = w.detail.tabs
    tabs.setCurrentIndex(1)
    qtbot.wait(50)
    grid = w.detail.flow_tabs[next(iter(w.detail.flow_tabs))].grid
    assert grid.count() > 1
    mean = next(grid.item(i) for i in range(grid.count()) if grid.item(i).data(Qt.ItemDataRole.UserRole) == MEAN_ITEM)
    icon_width = max(s.width() for s in mean.icon().availableSizes())
    fm = grid.fontMetrics()
    for line in mean.text().split("\n"):  # the grid wraps a caption at its icon's width
        assert fm.horizontalAdvance(line) <= icon_width, line
