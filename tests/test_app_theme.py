"""Light and dark colours: the window is drawn light or dark as the scheme says.
Offscreen, tiny model, real photos; the application's palette and style are put back afterwards."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QPalette

from catdog_gui.app.images import to_array
from catdog_gui.app.main_window import MainWindow
from catdog_gui.app.theme import ThemeFollower, is_dark

RUN_TIMEOUT = 120_000


@pytest.mark.parametrize("scheme", ["dark", "light"])
def test_window_follows_the_scheme(qtbot, qapp, tiny_model_path, cat_photos, restore_look, scheme):
    follower = ThemeFollower(qapp, scheme)
    assert is_dark(qapp.palette()) == (scheme == "dark")
    w = MainWindow(tiny_model_path, [str(p) for p in cat_photos[:3]])
    qtbot.addWidget(w)
    w.show()
    qtbot.waitUntil(lambda: w.results.rowCount() == 3 and not w.running, timeout=RUN_TIMEOUT)
    shot = to_array(w.grab().toImage())[..., :3].astype(float)
    # the table's background and the window's: dark under a dark scheme, light under a light one
    table = to_array(w.table.viewport().grab().toImage())[..., :3].astype(float)
    lightness = float(shot.mean())
    if scheme == "dark":
        assert lightness < 110 and table[-5:, :, :].mean() < 80
    else:
        assert lightness > 170 and table[-5:, :, :].mean() > 200
    # text stays readable: text colour far from its background
    p = w.palette()
    text, base = p.color(QPalette.ColorRole.Text), p.color(QPalette.ColorRole.Base)
    assert abs(text.lightness() - base.lightness()) > 150
    follower.deleteLater()


def test_unknown_theme_is_refused(qapp):
    with pytest.raises(ValueError, match="unknown theme"):
        ThemeFollower(qapp, "purple")
