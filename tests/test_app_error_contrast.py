"""An error row's red text is readable in both schemes: WCAG contrast at least 4.5:1 against the table's
base and alternate base colours, measured on the brush the table really uses. Offscreen, tiny model,
a real photo and a truncated copy of it."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette

from catdog_gui.app.main_window import MainWindow
from catdog_gui.app.results_model import STATUS
from catdog_gui.app.theme import ThemeFollower, contrast_ratio, is_dark

RUN_TIMEOUT = 120_000


def test_contrast_ratio_matches_wcag():
    from PySide6.QtGui import QColor
    assert contrast_ratio(QColor("black"), QColor("white")) == pytest.approx(21.0)
    assert contrast_ratio(QColor(118, 118, 118), QColor("white")) == pytest.approx(4.54, abs=0.01)


@pytest.mark.parametrize("scheme", ["dark", "light"])
def test_error_text_contrast(qtbot, qapp, tiny_model_path, cat_photos, tmp_path, restore_look, scheme):
    follower = ThemeFollower(qapp, scheme)
    assert is_dark(qapp.palette()) == (scheme == "dark")
    broken = tmp_path / "broken.jpg"
    broken.write_bytes(cat_photos[0].read_bytes()[:300])
    w = MainWindow(tiny_model_path, [str(cat_photos[0]), str(broken)])
    qtbot.addWidget(w)
    w.show()
    qtbot.waitUntil(lambda: w.results.rowCount() == 2 and not w.running, timeout=RUN_TIMEOUT)
    row = next(i for i in range(2) if not w.results.result(i).ok)
    brush = w.results.index(row, STATUS).data(Qt.ItemDataRole.ForegroundRole)
    assert brush is not None
    p = w.table.palette()
    for role in (QPalette.ColorRole.Base, QPalette.ColorRole.AlternateBase):
        ratio = contrast_ratio(brush.color(), p.color(role))
        assert ratio >= 4.5, (scheme, role, brush.color().name(), p.color(role).name(), round(ratio, 2))
    follower.deleteLater()
