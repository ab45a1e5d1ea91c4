"""The detail pane never keeps a stale "Computing…": after Clear Results, a photo that vanished or broke
after it was classified, and a Model menu change. Offscreen, tiny model, real photos."""

from __future__ import annotations

import shutil

from PySide6.QtWidgets import QLabel

from catdog_gui.app.main_window import MainWindow
from catdog_gui.app.results_model import NAME, RESULT_ROLE

RUN_TIMEOUT = 120_000


def _row_of(w, name: str) -> int:
    return next(i for i in range(w.proxy.rowCount()) if w.proxy.index(i, NAME).data(RESULT_ROLE).name == name)


def test_detail_pane_shows_error_or_nothing_never_a_stale_spinner(qtbot, tiny_model_path, cat_photos, tmp_path):
    src = tmp_path / "photos"
    src.mkdir()
    for p in cat_photos[:4]:
        shutil.copy(p, src / p.name)
    names = sorted(p.name for p in src.iterdir())
    w = MainWindow(tiny_model_path, [str(src)])
    qtbot.addWidget(w)
    w.show()
    qtbot.waitUntil(lambda: w.results.rowCount() == 4 and not w.running, timeout=RUN_TIMEOUT)
    d = w.detail

    # a row explained, then File > Clear Results: no photo, no spinner, no class in the legend
    w.select_row(_row_of(w, names[0]))
    qtbot.waitUntil(lambda: d.explanation is not None, timeout=RUN_TIMEOUT)
    assert "CAM of" in d.norm_label.text()
    w.select_row(_row_of(w, names[1]))  # a request in flight while the rows go
    qtbot.waitUntil(lambda: d.cam_view.placeholder() == "Computing…", timeout=5000)
    w.clear_results()
    qtbot.wait(50)
    assert d.title.text() == "No photo selected"
    assert "Computing" not in d.cam_view.placeholder() and "Computing" not in d.verdict.text()
    assert "CAM of" not in d.norm_label.text()
    assert d.explanation is None and not d.cam_view.has_image()

    # a photo deleted after classification: the body shows the error too
    w.classify([str(src)])
    qtbot.waitUntil(lambda: w.results.rowCount() == 4 and not w.running, timeout=RUN_TIMEOUT)
    (src / names[2]).unlink()
    (src / names[3]).write_bytes(b"not a jpeg at all" * 10)
    w.select_row(_row_of(w, names[2]))
    qtbot.waitUntil(lambda: d.title.text() == names[2], timeout=5000)
    qtbot.waitUntil(lambda: d.verdict.text().startswith("Could not"), timeout=RUN_TIMEOUT)
    assert d.verdict.text().startswith("Could not compute the maps")
    assert "Computing" not in d.cam_view.placeholder()
    assert d.cam_view.placeholder().startswith("The maps could not be computed")
    assert "CAM of" not in d.norm_label.text()
    # one overwritten with junk changed on disk: selecting it classifies it again, and its row is now an error
    w.select_row(_row_of(w, names[3]))
    qtbot.waitUntil(lambda: d.verdict.text().startswith("Error:"), timeout=RUN_TIMEOUT)
    assert d.title.text() == names[3] and "Computing" not in d.cam_view.placeholder()
    assert d.cam_view.placeholder().startswith("This file could not be classified")
    assert "CAM of" not in d.norm_label.text()

    # a Model menu change re-classifies: the pane does not wait forever for the old request
    w.select_row(_row_of(w, names[0]))
    qtbot.waitUntil(lambda: d.explanation is not None, timeout=RUN_TIMEOUT)
    assert w.set_speed(tta=not w.tta)
    assert "Computing" not in d.cam_view.placeholder() and "CAM of" not in d.norm_label.text()
    qtbot.waitUntil(lambda: not w.running, timeout=RUN_TIMEOUT)
    assert "Computing" not in d.cam_view.placeholder()


def test_a_photo_the_filter_hides_leaves_the_detail_pane(qtbot, tiny_model_path, cat_photos, tmp_path):
    """Filtering out the selected photo: Qt makes a neighbour the current row without selecting it, so the
    detail pane showed a photo that Write Tags (Selected rows) did not count (tester 5). No photo is current."""
    src = tmp_path / "photos"
    src.mkdir()
    for name, p in zip(("apple.jpg", "berry1.jpg", "berry2.jpg"), cat_photos):
        shutil.copy(p, src / name)
    w = MainWindow(tiny_model_path, [str(src)])
    qtbot.addWidget(w)
    w.show()
    qtbot.waitUntil(lambda: w.results.rowCount() == 3 and not w.running, timeout=RUN_TIMEOUT)
    d = w.detail
    w.select_row(_row_of(w, "apple.jpg"))
    qtbot.waitUntil(lambda: d.title.text() == "apple.jpg", timeout=RUN_TIMEOUT)
    w.filter_bar.search.setText("berry")  # hides apple.jpg, keeps its neighbours
    qtbot.waitUntil(lambda: d.title.text() == "No photo selected", timeout=5000)
    assert w.current_result() is None and w.selected_results() == []
    w.select_row(_row_of(w, "berry2.jpg"))  # a filter that keeps the photo leaves it selected and shown
    qtbot.waitUntil(lambda: d.title.text() == "berry2.jpg", timeout=RUN_TIMEOUT)
    w.filter_bar.search.setText("berry2")
    qtbot.wait(200)
    assert d.title.text() == "berry2.jpg" and [r.name for r in w.selected_results()] == ["berry2.jpg"]


def test_top_k_keeps_its_width_and_place_with_no_photo(qtbot, tiny_model_path, cat_photos, tmp_path):
    """On a flow tab with no photo selected (the shape line hidden) the Top K box keeps its natural width,
    beside its label, where it stands once a photo is shown; it no longer stretches across the pane."""
    w = MainWindow(tiny_model_path, [str(cat_photos[0])])
    qtbot.addWidget(w)
    w.resize(1200, 800)
    w.show()
    qtbot.waitUntil(lambda: w.results.rowCount() == 1 and not w.running, timeout=RUN_TIMEOUT)
    d = w.detail
    tab = next(iter(d.flow_tabs.values()))
    d.tabs.setCurrentWidget(tab)
    spin = tab.k_spin
    label = next(c for c in tab.findChildren(QLabel) if c.text() == "Top K:")

    def placed() -> tuple[int, int]:
        qtbot.wait(20)
        assert spin.width() <= spin.sizeHint().width() + 10, (spin.width(), spin.sizeHint())
        assert 0 <= spin.x() - label.geometry().right() <= 12  # the label right beside its box
        return spin.x(), spin.width()

    w.clear_results()
    assert not tab.shape_label.isVisible() and tab.message.isVisible()
    empty = placed()
    w.classify([str(cat_photos[0])])
    qtbot.waitUntil(lambda: w.results.rowCount() == 1 and not w.running, timeout=RUN_TIMEOUT)
    w.select_row(0)
    qtbot.waitUntil(lambda: d.explanation is not None and tab.shape_label.isVisible(), timeout=RUN_TIMEOUT)
    assert placed() == empty
    gap = label.x() - tab.shape_label.geometry().right()  # the shape line has the room up to Top K
    assert 0 <= gap <= 12, (tab.shape_label.geometry(), label.geometry())


def test_an_error_with_quotes_reads_as_written(qtbot, tiny_model_path, cat_photos, tmp_path):
    """The detail pane showed "its target &#x27;/x.jpg&#x27; is missing" (tester 7): the text was escaped for
    rich text, and the label showed it as plain text."""
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QTextDocument

    src = tmp_path / "photos"
    src.mkdir()
    shutil.copy(cat_photos[0], src / "ok.jpg")
    (src / "dangling.jpg").symlink_to(tmp_path / "it's gone.jpg")
    w = MainWindow(tiny_model_path, [str(src)])
    qtbot.addWidget(w)
    w.show()
    qtbot.waitUntil(lambda: w.results.rowCount() == 2 and not w.running, timeout=RUN_TIMEOUT)
    w.select_row(_row_of(w, "dangling.jpg"))
    label = w.detail.verdict
    qtbot.waitUntil(lambda: "Error" in label.text(), timeout=5000)
    shown = QTextDocument()
    shown.setHtml(label.text())
    assert label.textFormat() == Qt.TextFormat.RichText  # AutoText took an escaped text without tags as plain
    from catdog_gui.app.core_text import error_text

    assert shown.toPlainText() == "Error: " + error_text(w.current_result().error) and "&#" not in shown.toPlainText()
