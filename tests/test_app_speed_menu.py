"""The Model menu: Accurate (flip, 2x slower) / Fast and the precision, kept between launches."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QMessageBox

from catdog_gui.app.main_window import MainWindow


@pytest.fixture
def criticals(monkeypatch) -> list[tuple[str, str]]:
    """Record QMessageBox.critical instead of showing a modal dialog."""
    calls: list[tuple[str, str]] = []

    def show(parent, title, text, *args, **kwargs):
        calls.append((title, text))
        return QMessageBox.StandardButton.Ok

    monkeypatch.setattr(QMessageBox, "critical", staticmethod(show))
    return calls


def test_model_menu_switches_tta_and_precision(qtbot, tiny_model_path, criticals, tmp_path):
    settings = QSettings(str(tmp_path / "catdog.ini"), QSettings.Format.IniFormat)
    w = MainWindow(tiny_model_path, settings=settings)
    qtbot.addWidget(w)
    assert w.engine.tta and w.tta_actions[True].isChecked()  # Accurate (flip) by default
    w.tta_actions[False].trigger()
    assert not w.engine.tta and "no TTA" in w.model_label.toolTip() + w.model_label.text()
    assert settings.value("engine/tta") in (False, "false")
    w.precision_actions["int8"].trigger()  # the tiny model has no int8 file: refused, the choice stays
    assert criticals and "no int8 version" in criticals[-1][1]
    assert w.engine.precision == "fp32" and w.precision_actions["auto"].isChecked()
    again = MainWindow(tiny_model_path, settings=settings)  # the choice is kept between launches
    qtbot.addWidget(again)
    assert not again.engine.tta and again.tta_actions[False].isChecked()
    again.shutdown()
    w.shutdown()
