"""Help ▸ How to Read the Maps and the tile scores: offscreen, tiny model, a real photo."""

from __future__ import annotations

from PySide6.QtCore import QUrl
from PySide6.QtGui import QTextDocument

from catdog_gui.app.detail_view import score_text
from catdog_gui.app.main_window import MainWindow

RUN_TIMEOUT = 120_000


def test_maps_help_page_and_tile_scores(qtbot, tiny_model_path, cat_photos):
    w = MainWindow(tiny_model_path, [str(cat_photos[0])])
    qtbot.addWidget(w)
    w.show()
    qtbot.waitUntil(lambda: w.results.rowCount() == 1 and not w.running, timeout=RUN_TIMEOUT)
    w.select_row(0)
    qtbot.waitUntil(lambda: w.detail.explanation is not None, timeout=RUN_TIMEOUT)

    assert w.maps_help_action.text() == "How to Read the &Maps"
    dialog = w.show_maps_help(modal=False)
    qtbot.addWidget(dialog)
    text = dialog.browser.toPlainText()
    for words in ("Class activation map", "Entry flow", "Middle flow", "Exit flow", "Top K", "Over photo"):
        assert words in text
    doc = dialog.browser.document()
    scale = doc.resource(QTextDocument.ResourceType.ImageResource, QUrl("figure:scale"))
    cam = doc.resource(QTextDocument.ResourceType.ImageResource, QUrl("figure:cam"))
    assert not scale.isNull() and scale.width() == 360
    assert not cam.isNull() and cam.width() <= 360  # the photo shown now, with its CAM

    # every tile's score has the same format, under the tile and in its tooltip, which explains it
    tab = w.detail.flow_tabs["entry_flow"]
    for n in range(1, tab.grid.count()):
        item = tab.grid.item(n)
        score = item.text().split("\n")[1]
        assert score == score_text(float(score)) and len(score.split(".")[1]) == 2
        assert f"mean activation {score} over the photo" in item.toolTip() and "How to read" in item.toolTip()
