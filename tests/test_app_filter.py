"""Filter and find in the results table: category buttons, confidence range, search,
the folder column, the current row kept in view when sorting, several rows selected. Offscreen, the tiny
exported model (random weights) on real photos: the counts are checked against the rows themselves."""

from __future__ import annotations

import os
import shutil

from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtWidgets import QStyleOptionViewItem

from catdog_gui.app.main_window import MainWindow
from catdog_gui.app.results_model import CONFIDENCE, FOLDER, NAME, RESULT_ROLE

RUN_TIMEOUT = 120_000


def shown(w: MainWindow) -> list:
    return [w.proxy.index(i, NAME).data(RESULT_ROLE) for i in range(w.proxy.rowCount())]


def test_filter_bar_search_and_folder_column(qtbot, tiny_model_path, cat_photos, dog_photos, tmp_path):
    # the same file names in two folders, and one broken file
    for folder, photos in (("cat", cat_photos[:3]), ("dog", dog_photos[:3])):
        (tmp_path / folder).mkdir()
        for i, p in enumerate(photos):
            shutil.copy(p, tmp_path / folder / f"pet{i}.jpg")
    (tmp_path / "dog" / "broken.jpg").write_bytes(b"not a photo")
    w = MainWindow(tiny_model_path, [str(tmp_path)])
    qtbot.addWidget(w)
    w.show()
    qtbot.waitUntil(lambda: w.results.rowCount() == 7 and not w.running, timeout=RUN_TIMEOUT)

    # the folder column tells cat/pet0.jpg from dog/pet0.jpg
    pairs = {(w.proxy.index(i, FOLDER).data(), w.proxy.index(i, NAME).data()) for i in range(7)}
    assert ("cat", "pet0.jpg") in pairs and ("dog", "pet0.jpg") in pairs
    header = w.table.horizontalHeader()
    assert header.visualIndex(FOLDER) == header.visualIndex(NAME) + 1

    t = w.tally
    bar = w.filter_bar
    for key, count in (("errors", t.errors), ("uncertain", t.uncertain), *t.per_class.items()):
        bar.select(key)
        assert len(shown(w)) == count, key
        assert bar.buttons[key].text().endswith(f" {count}")
    bar.select("errors")
    assert [r.name for r in shown(w)] == ["broken.jpg"]
    bar.select("all")
    assert len(shown(w)) == 7

    # confidence range: only ok rows inside it
    confidences = sorted(r.confidence for r in w.results.results if r.status == "ok")
    bar.low.setValue(int(confidences[len(confidences) // 2] * 100) + 1)
    assert all(r.status == "ok" and r.confidence >= bar.low.value() / 100 - 1e-9 for r in shown(w))
    assert len(shown(w)) < 6
    bar.low.setValue(0)

    # search on the file or the folder name
    qtbot.keyClicks(bar.search, "PET1")
    assert sorted((r.path.split("/")[-2], r.name) for r in shown(w)) == [("cat", "pet1.jpg"), ("dog", "pet1.jpg")]
    bar.search.clear()
    qtbot.keyClicks(bar.search, "cat")
    assert {r.path.split("/")[-2] for r in shown(w)} == {"cat"} and len(shown(w)) == 3
    bar.search.clear()
    assert len(shown(w)) == 7


def test_sorting_keeps_the_current_row_in_view_and_rows_multi_select(qtbot, tiny_model_path, data_dir):
    w = MainWindow(tiny_model_path, [str(data_dir / "photos-fullsize")])
    qtbot.addWidget(w)
    w.show()
    qtbot.wait(20)
    w.resize(1024, 700)
    qtbot.waitUntil(lambda: w.results.rowCount() == 120 and not w.running, timeout=RUN_TIMEOUT)
    w.select_row(100)
    w.table.scrollTo(w.proxy.index(100, NAME))
    chosen = w.current_result()
    viewport = w.table.viewport().rect()
    for column, order in ((NAME, Qt.SortOrder.DescendingOrder), (CONFIDENCE, Qt.SortOrder.AscendingOrder)):
        w.table.sortByColumn(column, order)
        qtbot.wait(20)
        assert w.current_result() is chosen
        rect = w.table.visualRect(w.table.currentIndex())
        assert viewport.intersects(rect), (column, rect, viewport)

    # Shift+Down extends the selection; Ctrl+click adds a row far away
    w.select_row(0)
    w.table.setFocus()
    qtbot.keyClick(w.table, Qt.Key.Key_Down, Qt.KeyboardModifier.ShiftModifier)
    qtbot.keyClick(w.table, Qt.Key.Key_Down, Qt.KeyboardModifier.ShiftModifier)
    w.table.selectionModel().select(w.proxy.index(50, NAME), QItemSelectionModel.SelectionFlag.Select
                                    | QItemSelectionModel.SelectionFlag.Rows)
    selected = w.selected_results()
    assert len(selected) == 4
    assert selected[:3] == [w.proxy.index(i, NAME).data(RESULT_ROLE) for i in range(3)]


def test_confidence_range_keeps_min_at_most_max(qtbot, tiny_model_path, cat_photos, dog_photos, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    for p in cat_photos[:3] + dog_photos[:3]:
        shutil.copy(p, folder / p.name)
    w = MainWindow(tiny_model_path, [str(folder)])
    qtbot.addWidget(w)
    qtbot.waitUntil(lambda: w.results.rowCount() == 6 and not w.running, timeout=RUN_TIMEOUT)
    bar = w.filter_bar

    def in_view(low: int, high: int) -> set:
        return {r.path for r in w.results.results if low / 100 - 1e-9 <= r.confidence <= high / 100 + 1e-9}

    def check(low: int, high: int) -> None:
        assert (bar.low.value(), bar.high.value()) == (low, high)
        f = bar.result_filter()
        assert (f.low, f.high) == (low / 100, high / 100)  # the range on screen is the one used
        assert {r.path for r in shown(w)} == in_view(low, high)

    bar.high.setValue(60)
    check(0, 60)
    # a minimum above the maximum (90% > 60%) raises the maximum with it, in one filter
    with qtbot.waitSignal(bar.changed) as emitted:
        bar.low.setValue(90)
    assert (emitted.args[0].low, emitted.args[0].high) == (0.9, 0.9)
    check(90, 90)
    bar.high.setValue(100)
    check(90, 100)  # within the range the other end stays
    # a maximum below the minimum (10% < 90%) lowers the minimum
    bar.high.setValue(10)
    check(10, 10)
    bar.low.setValue(0)
    check(0, 10)
    bar.high.setValue(100)
    check(0, 100)
    assert len(shown(w)) == 6

    def type_into(spin, text: str) -> None:
        spin.setFocus()
        qtbot.keyClick(spin, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
        qtbot.keyClicks(spin, text)
        qtbot.keyClick(spin, Qt.Key.Key_Return)

    # typing "95" into the maximum passes through "9": the minimum (90%) must not follow that 9
    bar.low.setValue(90)
    type_into(bar.high, "95")
    check(90, 95)
    # typed minimum 99, then a typed maximum 50: the minimum follows to 50, not to the "5" on the way
    type_into(bar.low, "99")
    check(99, 99)
    type_into(bar.high, "50")
    check(50, 50)
    # arrow keys still act at once, without Enter
    qtbot.keyClick(bar.high, Qt.Key.Key_Up)
    check(50, 51)
    qtbot.keyClick(bar.low, Qt.Key.Key_Down)
    check(49, 51)
    w.shutdown()


def test_a_filter_that_hides_every_photo_says_so(qtbot, tiny_model_path, cat_photos):
    """A search that matches nothing (or Errors with none) leaves the view empty: a hint says the filter
    hides the photos, and its link shows them all again, in the table and in the gallery."""
    w = MainWindow(tiny_model_path, [str(p) for p in cat_photos[:3]])
    qtbot.addWidget(w)
    w.show()
    qtbot.waitUntil(lambda: w.results.rowCount() == 3 and not w.running, timeout=RUN_TIMEOUT)
    table_hint, gallery_hint = w.empty_hints
    assert not table_hint.isVisible()
    qtbot.keyClicks(w.filter_bar.search, "no-such-name")
    assert shown(w) == [] and table_hint.isVisible() and "No photo matches the filter." in table_hint.text()
    assert table_hint.geometry().intersects(w.table.viewport().rect())  # over the view, not off in a corner
    w.gallery_action.trigger()
    assert gallery_hint.isVisible()
    gallery_hint.linkActivated.emit("#all")  # the link "Show all photos"
    assert len(shown(w)) == 3 and w.filter_bar.search.text() == ""
    assert not gallery_hint.isVisible() and not table_hint.isVisible()
    w.filter_bar.select("errors")  # no errors: empty again
    assert gallery_hint.isVisible()
    w.clear_results()  # no rows at all: the drop zone speaks, not the hint
    assert not gallery_hint.isVisible() and not table_hint.isVisible()


def test_a_nested_library_shows_and_searches_the_folders_below_the_one_opened(qtbot, tiny_model_path, cat_photos,
                                                                             dog_photos, tmp_path):
    """Tester 11, finding 5: in ``lib/2020/01/cats … lib/2020/12/cats`` every row's Folder said "cats", and a
    search for "2020/03" found nothing. The Folder column now shows the folders below the rows' common folder,
    and the search matches them."""
    lib = tmp_path / "lib"
    layout = {"2020/01/cats": cat_photos[:2], "2020/03/cats": cat_photos[2:4], "2021/03/dogs": dog_photos[:2]}
    for sub, photos in layout.items():
        (lib / sub).mkdir(parents=True)
        for i, p in enumerate(photos):
            shutil.copy(p, lib / sub / f"pet{i}.jpg")
    w = MainWindow(tiny_model_path, [str(lib)])
    qtbot.addWidget(w)
    w.show()
    qtbot.waitUntil(lambda: w.results.rowCount() == 6 and not w.running, timeout=RUN_TIMEOUT)
    folders = sorted(w.proxy.index(i, FOLDER).data() for i in range(6))
    assert folders == ["2020/01/cats"] * 2 + ["2020/03/cats"] * 2 + ["2021/03/dogs"] * 2

    bar = w.filter_bar
    qtbot.keyClicks(bar.search, "2020/03")
    assert sorted(r.path for r in shown(w)) == sorted(str(lib / "2020/03/cats" / f"pet{i}.jpg") for i in range(2))
    bar.search.clear()
    qtbot.keyClicks(bar.search, "03")  # the month folders of both years
    assert {os.path.dirname(r.path) for r in shown(w)} == {str(lib / "2020/03/cats"), str(lib / "2021/03/dogs")}
    bar.search.clear()
    assert len(shown(w)) == 6

    # the folder opened decides, not the rows classified so far (tester 12: mid-run, with only 2020's photos
    # in, the column said "01/cats" and "2020/01" found nothing)
    only = tmp_path / "only"
    (only / "2022/05/cats").mkdir(parents=True)
    shutil.copy(cat_photos[4], only / "2022/05/cats" / "pet9.jpg")
    w.classify([str(only)])
    qtbot.waitUntil(lambda: w.results.rowCount() == 7 and not w.running, timeout=RUN_TIMEOUT)
    row = w.proxy.mapFromSource(w.results.index(w.results.row_of(str(only / "2022/05/cats" / "pet9.jpg")), FOLDER))
    assert row.data() == "2022/05/cats"
    option = QStyleOptionViewItem()
    w.table.itemDelegateForColumn(FOLDER).initStyleOption(option, row)
    assert option.textElideMode == Qt.TextElideMode.ElideLeft  # a narrow column keeps "…05/cats"


def test_rows_sorted_in_during_a_run_leave_the_selected_row_where_it_was(qtbot, tiny_model_path, data_dir):
    """Tester 11, finding 4: with the table sorted by Confidence during a run, each batch of new rows sorted in
    above the selected row pushed it out of sight, and the arrow keys then moved through rows nobody could see.
    The selected row now stays at its place in the view while rows arrive."""
    w = MainWindow(tiny_model_path, [str(data_dir / "petimages")])  # 10,000 photos: still running below
    qtbot.addWidget(w)
    w.show()
    w.resize(1024, 700)
    qtbot.waitUntil(lambda: w.results.rowCount() >= 200, timeout=RUN_TIMEOUT)
    w.table.sortByColumn(CONFIDENCE, Qt.SortOrder.DescendingOrder)
    qtbot.wait(50)
    w.select_row(10)
    w.table.scrollTo(w.proxy.index(10, NAME), w.table.ScrollHint.PositionAtCenter)
    chosen = w.current_result()
    y = w.table.visualRect(w.table.currentIndex()).top()
    rows = w.results.rowCount()
    qtbot.waitUntil(lambda: w.results.rowCount() >= rows + 200, timeout=RUN_TIMEOUT)
    assert w.running and w.current_result() is chosen
    assert w.proxy.mapToSource(w.table.currentIndex()).row() == w.results.row_of(chosen.path)
    assert w.table.currentIndex().row() > 10  # rows were sorted in above it ...
    assert w.table.visualRect(w.table.currentIndex()).top() == y  # ... and it did not move on the screen
    w.cancel()
    qtbot.waitUntil(lambda: not w.running, timeout=RUN_TIMEOUT)
