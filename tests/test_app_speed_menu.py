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


def test_model_changes_are_greyed_during_a_run(qtbot, tiny_model_path, criticals, cat_photos):
    """Model > Fast during a run said "Cancel or finish the current run before opening another model" in an
    error box (tester 6): the speed, precision and device choices are greyed while a run goes on, like Open Model."""
    w = MainWindow(tiny_model_path)
    qtbot.addWidget(w)
    choices = [*w.tta_actions.values(), *w.precision_actions.values(), *w.device_actions.values()]
    assert all(a.isEnabled() for a in choices)
    w.classify([str(p) for p in cat_photos[:8]])
    assert w.running and not any(a.isEnabled() for a in choices) and not w.open_model_action.isEnabled()
    qtbot.waitUntil(lambda: not w.running and w.worker is None, timeout=120_000)
    assert all(a.isEnabled() for a in choices) and not criticals
    w.shutdown()



def test_a_big_table_asks_before_classifying_again(qtbot, tiny_model_path, cat_photos, monkeypatch):
    """Model > Fast after a 10,000-photo run cleared the table and started again at once (tester 6): from
    ASK_BEFORE_AGAIN rows on it asks first; Cancel keeps the rows and the old setting."""
    from catdog_gui.app import main_window

    monkeypatch.setattr(main_window, "ASK_BEFORE_AGAIN", 3)
    asked: list[str] = []
    answer = [QMessageBox.StandardButton.Cancel]
    monkeypatch.setattr(QMessageBox, "question", staticmethod(lambda _w, _t, text, *a: asked.append(text) or answer[0]))
    w = MainWindow(tiny_model_path, [str(p) for p in cat_photos[:3]])
    qtbot.addWidget(w)
    qtbot.waitUntil(lambda: w.results.rowCount() == 3 and not w.running, timeout=120_000)
    rows = w.results.results
    assert not w.set_speed(tta=False)
    assert w.tta and w.tta_actions[True].isChecked() and w.results.results == rows and not w.running
    assert len(asked) == 1 and "Classify the 3 photos in the table again" in asked[0]
    rate = w.last_summary.images_per_s  # Fast: one pass a photo, twice the Accurate run's speed (tester 7)
    assert f"about {main_window.duration_text(3 / (rate * 2))}" in asked[0], asked[0]
    # another precision: its speed is not the last run's halved or doubled, so no time is guessed
    assert not w.set_speed(precision="fp32") and w.precision == "auto"
    assert "Classify the 3 photos" in asked[1] and "about" not in asked[1], asked[1]
    answer[0] = QMessageBox.StandardButton.Yes
    assert w.set_speed(tta=False) and not w.engine.tta
    qtbot.waitUntil(lambda: w.results.rowCount() == 3 and not w.running, timeout=120_000)
    w.shutdown()
