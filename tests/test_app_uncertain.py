"""The app's uncertain verdict: degenerate photos say "uncertain" in the table, the threshold of Model ▸ Uncertain
Threshold… re-evaluates every row without running the model again (kept between launches), the exported CSV
has the CLI's run columns, and Model ▸ Device refuses CUDA where it cannot run."""

from __future__ import annotations

import csv
import shutil

import pytest
from PIL import Image
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QMessageBox

from catdog_gui.app.main_window import MainWindow
from catdog_gui.app.results_model import PREDICTION
from catdog_gui.core.filtering import UNCERTAIN
from catdog_gui.core.results import RUN_COLUMNS, csv_columns

RUN_TIMEOUT = 120_000


@pytest.fixture
def criticals(monkeypatch) -> list[tuple[str, str]]:
    calls: list[tuple[str, str]] = []

    def show(parent, title, text, *args, **kwargs):
        calls.append((title, text))
        return QMessageBox.StandardButton.Ok

    monkeypatch.setattr(QMessageBox, "critical", staticmethod(show))
    return calls


def shown_label(w: MainWindow, name: str) -> str:
    for row in range(w.results.rowCount()):
        if w.results.result(row).name == name:
            return w.results.data(w.results.index(row, PREDICTION))
    raise KeyError(name)


def test_threshold_and_degenerate_rows_in_the_window(qtbot, default_model_path, cat_photos, dog_photos, tmp_path,
                                                     criticals):
    folder = tmp_path / "in"
    folder.mkdir()
    for p in cat_photos[:2] + dog_photos[:2]:
        shutil.copy(p, folder / p.name)
    Image.new("RGB", (640, 480), (255, 255, 255)).save(folder / "blank.png")
    Image.new("RGB", (1, 1), (90, 60, 30)).save(folder / "pixel.png")
    settings = QSettings(str(tmp_path / "catdog.ini"), QSettings.Format.IniFormat)
    w = MainWindow(default_model_path, settings=settings)
    qtbot.addWidget(w)
    model_threshold = w.threshold
    assert model_threshold == w.engine.info.metadata["uncertain_threshold"]
    w.classify([str(folder)])
    qtbot.waitUntil(lambda: w.results.rowCount() == 6 and not w.running, timeout=RUN_TIMEOUT)
    for name in ("blank.png", "pixel.png"):
        assert shown_label(w, name) == "uncertain"
    sure_photos = sum(r.ok and r.confidence >= model_threshold and not r.uncertain_because
                      for r in w.results.results)
    assert w.tally.uncertain == 6 - sure_photos and sum(w.tally.per_class.values()) == sure_photos
    assert f"{w.tally.uncertain} uncertain" in w.statusBar().currentMessage()  # the run's summary counts alike
    assert w.last_summary.uncertain == w.tally.uncertain and w.last_summary.per_class == w.tally.per_class

    # a threshold of 50.01%: every real photo is sure, the degenerate two stay uncertain; nothing runs again
    calls = []
    predict = w.engine.predict
    w.engine.predict = lambda *a, **k: calls.append(1) or predict(*a, **k)
    w.set_threshold(0.5001)
    assert not w.running and not calls and w.tally.uncertain == 2 and w.tally.total == 6
    assert shown_label(w, cat_photos[0].name) != "uncertain"
    w.filter_bar.select(UNCERTAIN)
    assert w.proxy.rowCount() == 2
    assert "50.0%" in w.filter_bar.buttons[UNCERTAIN].toolTip()

    out = tmp_path / "gui.csv"
    assert w.export_csv(str(out)) == 6
    with open(out, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    assert list(rows[0]) == csv_columns(w.engine.info.labels, RUN_COLUMNS)
    assert {r["threshold"] for r in rows} == {"0.500"} and {r["provider"] for r in rows} == {"CPUExecutionProvider"}
    assert {r["path"].rsplit("/", 1)[1] for r in rows if r["label"] == "uncertain"} == {"blank.png", "pixel.png"}

    # kept between launches; "the model's own" again forgets it
    again = MainWindow(default_model_path, settings=settings)
    qtbot.addWidget(again)
    assert again.threshold == 0.5001
    again.set_threshold(None)
    assert again.threshold == model_threshold
    assert MainWindow(default_model_path, settings=settings).threshold == model_threshold
    again.shutdown()
    w.shutdown()


def test_device_menu_cpu_and_a_cuda_refusal(qtbot, tiny_model_path, tmp_path, criticals):
    settings = QSettings(str(tmp_path / "catdog.ini"), QSettings.Format.IniFormat)
    w = MainWindow(tiny_model_path, settings=settings)
    qtbot.addWidget(w)
    assert w.device_actions["auto"].isChecked()
    w.device_actions["cpu"].trigger()
    assert w.device == "cpu" and w.engine.providers == ["CPUExecutionProvider"]
    assert settings.value("engine/device") == "cpu"
    w.device_actions["cuda"].trigger()
    if w.engine.using_cuda:
        pytest.skip("CUDA is usable on this machine")
    assert criticals and "CUDA provider cannot be used" in criticals[-1][1]
    assert w.device == "cpu" and w.device_actions["cpu"].isChecked()  # the previous choice stays
    assert settings.value("engine/device") == "cpu"
    w.shutdown()


def test_a_custom_threshold_is_said_and_can_be_reset(qtbot, default_model_path, cat_photos, dog_photos, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    for p in cat_photos[:2] + dog_photos[:2]:
        shutil.copy(p, folder / p.name)
    settings = QSettings(str(tmp_path / "catdog.ini"), QSettings.Format.IniFormat)
    w = MainWindow(default_model_path, settings=settings)
    qtbot.addWidget(w)
    model = w.threshold
    assert "your setting" not in w.summary.text()
    dialog = w.ask_threshold(modal=False)
    dialog.spin.setValue(99.9)
    dialog.accept()
    assert w.threshold == pytest.approx(0.999)
    w.shutdown()

    # after a restart the setting is still on, and the line under the table says so, rows or not
    again = MainWindow(default_model_path, [str(folder)], settings=settings)
    qtbot.addWidget(again)
    note = f"uncertain below 99.9% (your setting; model's default {model:.1%})"
    assert again.threshold == pytest.approx(0.999) and note in again.summary.text()
    qtbot.waitUntil(lambda: again.results.rowCount() == 4 and not again.running, timeout=RUN_TIMEOUT)
    assert note in again.summary.text() and "4</b> photos" in again.summary.text()
    assert again.tally.uncertain == sum(r.confidence < 0.999 for r in again.results.results)
    assert "99.9%" in again.filter_bar.buttons[UNCERTAIN].toolTip()

    # the longer line wraps under the table; the table and the detail view keep their widths (tester 5: the
    # splitter moved on its own whenever the note came or went)
    again.show()
    qtbot.waitExposed(again)

    # Reset to the model's default: one click, the note goes, the setting is forgotten
    dialog = again.ask_threshold(modal=False)
    assert dialog.spin.value() == pytest.approx(99.9)
    dialog.reset_button.click()
    assert not dialog.isVisible() and again.threshold == model and again.threshold_override is None
    assert "your setting" not in again.summary.text()
    qtbot.wait(100)
    sizes = again.splitter.sizes()
    assert again.tally.uncertain == sum(r.confidence < model for r in again.results.results)
    assert MainWindow(default_model_path, settings=settings).threshold == model

    # Cancel changes nothing
    again.set_threshold(0.9)
    qtbot.wait(100)
    assert "your setting" in again.summary.text() and again.splitter.sizes() == sizes
    assert again.summary.minimumSizeHint().width() < again.table.width()  # it wraps rather than widen its side
    dialog = again.ask_threshold(modal=False)
    dialog.spin.setValue(70.0)
    dialog.reject()
    assert again.threshold == 0.9 and "uncertain below 90.0% (your setting" in again.summary.text()
    again.shutdown()


def test_a_threshold_belongs_to_the_model_file_it_was_set_for(qtbot, default_model_path, tmp_path):
    """Tester 10: a 99% set while another model was open stayed on the default model after a restart, so the app
    and catdog-classify disagreed on 12 of 40 photos. Each model file now keeps its own setting."""
    other = tmp_path / "mymodel.onnx"
    shutil.copyfile(default_model_path, other)
    settings = QSettings(str(tmp_path / "catdog.ini"), QSettings.Format.IniFormat)
    settings.setValue("verdict/threshold", "0.55")  # the old setting, for no model in particular: dropped
    w = MainWindow(default_model_path, settings=settings)
    qtbot.addWidget(w)
    own = w.model_threshold
    assert w.threshold == own and w.threshold_override is None
    assert w.load_model(other)
    w.set_threshold(0.99)
    assert w.threshold == 0.99
    assert w.load_model(default_model_path)  # back to the default: its own threshold, not 99%
    assert w.threshold == own and "your setting" not in w.summary.text()
    w.set_threshold(0.7)
    w.shutdown()

    assert MainWindow(default_model_path, settings=settings).threshold == 0.7  # each kept across a restart
    again = MainWindow(str(other), settings=settings)
    qtbot.addWidget(again)
    assert again.threshold == 0.99 and "uncertain below 99.0% (your setting" in again.summary.text()
    again.set_threshold(None)  # Reset: that file's setting is forgotten, the other's stays
    reset = MainWindow(str(other), settings=settings)
    assert reset.threshold == reset.model_threshold  # (its own: fp32 here, no int8 file beside the copy)
    assert MainWindow(default_model_path, settings=settings).threshold == 0.7
    assert not settings.contains("verdict/threshold")
