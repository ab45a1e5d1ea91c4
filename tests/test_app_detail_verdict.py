"""The detail pane's verdict line says "uncertain" and why for a row the table calls uncertain, and the
class with its confidence otherwise; a threshold change updates it at once. Offscreen, tiny model, real photos."""

from __future__ import annotations

from catdog_gui.app.main_window import MainWindow
from catdog_gui.app.results_model import PREDICTION

RUN_TIMEOUT = 120_000


def test_detail_verdict_says_uncertain_and_why(qtbot, tiny_model_path, cat_photos):
    w = MainWindow(tiny_model_path, [str(p) for p in cat_photos[:2]])
    qtbot.addWidget(w)
    w.show()
    qtbot.waitUntil(lambda: w.results.rowCount() == 2 and not w.running, timeout=RUN_TIMEOUT)
    w.select_row(0)
    qtbot.waitUntil(lambda: w.detail.explanation is not None, timeout=RUN_TIMEOUT)
    r = w.current_result()

    # above the row's confidence: the table says uncertain, and so does the pane, with the reason
    w.set_threshold(min(0.99, r.confidence + 0.005))
    assert w.proxy.index(0, PREDICTION).data() == "uncertain"
    text = w.detail.verdict.text()
    assert text.startswith("<b>uncertain</b>"), text
    assert "below the threshold" in text and f"{r.label} {r.confidence:.1%}" in text

    # below it: the class and its confidence, as before
    w.set_threshold(0.5)
    assert w.proxy.index(0, PREDICTION).data() == r.label
    assert w.detail.verdict.text().startswith(f"<b>{r.label}</b> — ")
    assert "uncertain" not in w.detail.verdict.text()
