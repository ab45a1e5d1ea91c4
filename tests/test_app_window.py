"""The main window's size, what it remembers between launches, and its permanent counts: offscreen, with
the tiny exported model (random weights: the plumbing is real, the verdicts are not) on real photos.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap

import pytest
from PySide6.QtCore import QRect, QSettings, QSize

from catdog_gui.app.main_window import MainWindow
from catdog_gui.app.results_model import CONFIDENCE, NAME, STATUS
from catdog_gui.app.window_state import PREFERRED_SIZE, initial_geometry

RUN_TIMEOUT = 120_000


@pytest.fixture
def settings(tmp_path) -> QSettings:
    return QSettings(str(tmp_path / "catdog.ini"), QSettings.Format.IniFormat)


def make_window(qtbot, model, settings=None, paths=()) -> MainWindow:
    w = MainWindow(model, list(paths), settings=settings)
    qtbot.addWidget(w)
    w.show()
    return w


def wait_for_run(qtbot, w: MainWindow, rows: int) -> None:
    qtbot.waitUntil(lambda: w.results.rowCount() == rows and not w.running, timeout=RUN_TIMEOUT)


def test_initial_geometry_fits_the_available_area():
    scaled = QRect(0, 0, 800, 500)  # a 1600x1000 screen at QT_SCALE_FACTOR=2, in logical pixels
    g = initial_geometry(scaled, PREFERRED_SIZE, QSize(700, 420))
    assert scaled.contains(g) and g.width() >= 700 and g.height() >= 420
    big = QRect(0, 0, 2560, 1440)
    assert initial_geometry(big).size() == PREFERRED_SIZE
    assert big.center() == initial_geometry(big).center()


def test_first_window_fits_the_screen_and_stays_inside_it(qtbot, tiny_model_path, cat_photos):
    """Offscreen's screen is 800 logical pixels wide (as a 1600x1000 screen at scale 2): the window fits,
    and still fits once a photo's explanation (probability bars, flow maps, captions) is shown."""
    w = make_window(qtbot, tiny_model_path, paths=[str(cat_photos[0])])
    available = w.screen().availableGeometry()
    assert available.width() <= 800
    assert available.contains(w.geometry()), (w.geometry(), available)
    wait_for_run(qtbot, w, 1)
    w.select_row(0)
    qtbot.waitUntil(lambda: w.detail.explanation is not None, timeout=RUN_TIMEOUT)
    for i in range(w.detail.tabs.count()):
        w.detail.tabs.setCurrentIndex(i)
        qtbot.wait(20)
        assert w.minimumSizeHint().width() <= available.width()
        assert available.contains(w.geometry()), (i, w.geometry(), available)


def test_window_fits_a_1600x1000_screen_at_scale_2(tiny_model_path, tmp_path):
    """A separate process (the scale factor is read at start): 800x500 logical pixels are available, and
    the window, its progress row and its status bar lie inside them."""
    config = tmp_path / "screen.json"
    config.write_text(json.dumps({"screens": [{"name": "s", "x": 0, "y": 0, "width": 1600, "height": 1000,
                                               "logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1}]}))
    script = textwrap.dedent(f"""
        import json
        from PySide6.QtWidgets import QApplication
        app = QApplication([])
        from catdog_gui.app.main_window import MainWindow
        w = MainWindow({str(tiny_model_path)!r})
        w.show()
        w.progress_row.show()
        app.processEvents()
        def box(widget):
            top_left = widget.mapTo(w, widget.rect().topLeft())
            g = w.geometry()
            return [g.x() + top_left.x(), g.y() + top_left.y(), widget.width(), widget.height()]
        a = w.screen().availableGeometry()
        print(json.dumps({{"available": [a.x(), a.y(), a.width(), a.height()],
                          "dpr": w.devicePixelRatio(),
                          "window": box(w.centralWidget()), "cancel": box(w.cancel_button),
                          "status": box(w.statusBar())}}))
    """)
    env = dict(os.environ, QT_SCALE_FACTOR="2", QT_QPA_PLATFORM=f"offscreen:configfile={config}")
    proc = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    assert out["dpr"] == 2 and out["available"] == [0, 0, 800, 500]
    available = QRect(*out["available"])
    for name in ("window", "cancel", "status"):
        assert available.contains(QRect(*out[name])), (name, out[name])


def test_every_column_in_view_at_1024x700(qtbot, tiny_model_path, cat_photos):
    w = make_window(qtbot, tiny_model_path, paths=[str(p) for p in cat_photos])
    qtbot.wait(20)  # the first show keeps the window on offscreen's 800-px screen; then size it as asked
    w.resize(1024, 700)
    wait_for_run(qtbot, w, len(cat_photos))
    qtbot.wait(50)
    header = w.table.horizontalHeader()
    assert w.table.horizontalScrollBar().maximum() == 0
    assert header.length() <= w.table.viewport().width()
    assert header.sectionSize(NAME) >= 90 and header.sectionSize(STATUS) >= 40
    assert header.sectionSize(CONFIDENCE) >= header.fontMetrics().horizontalAdvance("Confidence")
    # the drop zone gave its room to the table: a one-line bar
    assert w.drop_zone.height() <= 2 * w.drop_zone.fontMetrics().height() + 8


def test_size_layout_and_choices_are_remembered(qtbot, tiny_model_path, settings, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QFileDialog

    folder = tmp_path / "pets"
    folder.mkdir()
    first = make_window(qtbot, tiny_model_path, settings)
    qtbot.wait(20)
    first.resize(790, 640)  # within the offscreen screen (800x800): Qt fits a restored geometry to it
    first.move(30, 20)
    first.splitter.setSizes([440, 330])
    first.table.horizontalHeader().resizeSection(CONFIDENCE, 123)
    first.detail.cmap_combo.setCurrentText("viridis")
    first.detail.opacity.setValue(70)
    first.detail.show_cam.setChecked(False)
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", staticmethod(lambda *a, **k: str(folder)))
    first.open_folder()
    qtbot.waitUntil(lambda: not first.running, timeout=RUN_TIMEOUT)
    splitter = first.splitter.sizes()
    first.close()

    asked = {}

    def remember_start(parent, caption, start="", *args, **kwargs):
        asked["start"] = start
        return ""

    monkeypatch.setattr(QFileDialog, "getExistingDirectory", staticmethod(remember_start))
    second = make_window(qtbot, tiny_model_path, settings)
    assert second.size() == QSize(790, 640)
    assert second.splitter.sizes() == splitter
    assert second.table.horizontalHeader().sectionSize(CONFIDENCE) == 123
    assert second.detail.cmap_combo.currentText() == "viridis"
    assert second.detail.opacity.value() == 70 and not second.detail.show_cam.isChecked()
    second.open_folder()
    assert asked["start"] == str(folder)


def test_summary_counts_every_row_across_runs_and_survives_export(qtbot, tiny_model_path, cat_photos, dog_photos,
                                                                  tmp_path):
    first, second = tmp_path / "first", tmp_path / "second"
    first.mkdir()
    second.mkdir()
    for p in cat_photos[:4]:
        shutil.copy(p, first / p.name)
    for p in dog_photos[:3]:
        shutil.copy(p, second / p.name)
    (second / "broken.jpg").write_bytes(b"not a photo")
    w = make_window(qtbot, tiny_model_path)
    w.classify([str(first)])
    wait_for_run(qtbot, w, 4)
    w.classify([str(second)])
    wait_for_run(qtbot, w, 8)

    rows = w.results.results
    t = w.tally
    assert t.total == 8 == len(rows)
    assert t.errors == sum(r.status != "ok" for r in rows) == 1
    uncertain = [r for r in rows if r.status == "ok" and r.confidence < t.threshold]
    assert t.uncertain == len(uncertain)
    for label in w.engine.info.labels:
        assert t.per_class[label] == sum(r.status == "ok" and r.label == label and r.confidence >= t.threshold
                                         for r in rows)
    text = w.summary.text()
    assert "<b>7</b> photos" in text and "errors <b>1</b>" in text and f"uncertain <b>{t.uncertain}</b>" in text
    # the status bar's message changes with an export; the summary stays
    assert w.export_csv(str(tmp_path / "out.csv")) == 8
    assert "Exported" in w.statusBar().currentMessage()
    assert w.summary.text() == text and w.summary.isVisible()
    w.clear_results()
    assert w.tally.total == 0 and "No photos" in w.summary.text()


def test_time_remaining_shown_during_a_run_not_at_the_start(qtbot, tiny_model_path, data_dir):
    w = MainWindow(tiny_model_path, batch_size=2)
    qtbot.addWidget(w)
    w.show()
    seen: list[str] = []
    w.progress.valueChanged.connect(lambda _v: seen.append(w.eta_label.text()))
    w.classify([str(data_dir / "pets-ood-val" / "cat")])
    qtbot.waitUntil(lambda: any(text.endswith(" left") for text in seen), timeout=RUN_TIMEOUT)
    w.cancel()
    qtbot.waitUntil(lambda: not w.running, timeout=RUN_TIMEOUT)
    assert seen[0] == "estimating time left…"  # the first updates give no number
    assert seen.index(next(t for t in seen if t.endswith(" left"))) >= 2
    assert "images/s" not in w.progress.format()
    assert not w.progress_row.isVisible()


def test_first_window_on_a_1024x700_screen_shows_whole_file_names(tiny_model_path, tmp_path):
    """On a 1024x700 screen the first window gives the file name column room for "cat_0123.jpg" (rows that
    differ only in their digits must be told apart), with every column in view and the detail view beside."""
    config = tmp_path / "screen.json"
    config.write_text(json.dumps({"screens": [{"name": "s", "x": 0, "y": 0, "width": 1024, "height": 700,
                                               "logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1}]}))
    script = textwrap.dedent(f"""
        import json
        from PySide6.QtWidgets import QApplication
        app = QApplication([])
        from catdog_gui.app.main_window import MainWindow
        from catdog_gui.app.results_model import NAME
        w = MainWindow({str(tiny_model_path)!r})
        w.show()
        app.processEvents()
        header = w.table.horizontalHeader()
        print(json.dumps({{"name": header.sectionSize(NAME),
                          "needed": header.fontMetrics().horizontalAdvance("cat_0123.jpg") + 8,
                          "scroll": w.table.horizontalScrollBar().maximum(),
                          "detail": w.detail.width(), "window": w.width()}}))
    """)
    env = dict(os.environ, QT_QPA_PLATFORM=f"offscreen:configfile={config}")
    proc = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    assert out["name"] >= out["needed"], out
    assert out["scroll"] == 0, out
    assert out["detail"] >= 0.4 * out["window"], out


def test_a_folder_named_at_start_is_the_next_dialogs_folder(qtbot, tiny_model_path, cat_photos, tmp_path):
    """A folder given on the command line (or by "Open with catdog" from a file manager) was not remembered:
    Open Folder and Export CSV started in the current directory after a restart (tester 6)."""
    folder = tmp_path / "pets"
    folder.mkdir()
    for p in cat_photos[:2]:
        (folder / p.name).write_bytes(p.read_bytes())
    settings = QSettings(str(tmp_path / "catdog.ini"), QSettings.Format.IniFormat)
    w = MainWindow(tiny_model_path, [str(folder)], settings=settings)
    qtbot.addWidget(w)
    qtbot.waitUntil(lambda: w.results.rowCount() == 2 and not w.running, timeout=120_000)
    w.shutdown()
    again = MainWindow(tiny_model_path, settings=settings)
    qtbot.addWidget(again)
    assert again.state.last_folder == str(folder)
    again.shutdown()


def test_gallery_or_table_is_remembered(qtbot, tiny_model_path, settings):
    first = make_window(qtbot, tiny_model_path, settings)
    first.gallery_action.trigger()  # View > Gallery (Ctrl+G)
    assert first.views.currentWidget() is first.gallery
    first.close()
    second = make_window(qtbot, tiny_model_path, settings)
    assert second.views.currentWidget() is second.gallery and second.gallery_action.isChecked()
    second.gallery_action.trigger()  # back to the table
    second.close()
    third = make_window(qtbot, tiny_model_path, settings)
    assert third.views.currentWidget() is third.table and not third.gallery_action.isChecked()
