"""The main window (pytest-qt, offscreen): drops, command line, cancel, close, CSV export, model errors,
the detail view (CAM and flow tabs), keyboard navigation, thumbnails.

Uses the tiny exported model (random weights): predictions are meaningless, plumbing is real. Every
test runs under a fixture that fails it if a QThread or a thread-pool task is still running at the end.
"""

from __future__ import annotations

import csv
import shutil

import numpy as np
import pytest
from PIL import Image
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QThread, QThreadPool, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QGuiApplication
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox

from catdog_gui.app.detail_view import MEAN_ITEM, NORMALISATION_TEXT
from catdog_gui.app.core_text import provider_text
from catdog_gui.app.garbage import MainThreadGarbageCollector
from catdog_gui.app.images import to_array
from catdog_gui.app.main_window import MainWindow
from catdog_gui.app.results_model import CONFIDENCE, NAME, PREDICTION, RESULT_ROLE, THUMB, natural_key
from catdog_gui.core import visualize
from catdog_gui.core.explain import FLOW_OUTPUTS
from catdog_gui.core.results import RUN_COLUMNS, csv_columns

RUN_TIMEOUT = 60_000  # ms; the tiny model classifies a few photos in well under a second


# -- fixtures ------------------------------------------------------------------------------------------
@pytest.fixture(autouse=True)
def gc_on_gui_thread(qapp):
    """As ``catdog-gui`` does: cycles holding Qt objects are collected on the GUI thread, never on a
    decode thread (which crashed the process in ``Garbage-collecting``)."""
    collector = MainThreadGarbageCollector(qapp)
    yield
    collector.stop()
    collector.deleteLater()


@pytest.fixture(autouse=True)
def no_threads_left(monkeypatch):
    """Fail the test if any QThread it started, or any QThreadPool it used, is still busy at the end.

    pytest-qt closes the test's widgets before this fixture's teardown runs, so a window that stops its
    workers on close passes, and one that leaves them running fails.
    """
    import shiboken6

    threads: list[QThread] = []
    pools: list[QThreadPool] = []
    original_start, original_pool_start = QThread.start, QThreadPool.start

    def start(self, *args):
        threads.append(self)
        return original_start(self, *args)

    def pool_start(self, *args):
        pools.append(self)
        return original_pool_start(self, *args)

    monkeypatch.setattr(QThread, "start", start)
    monkeypatch.setattr(QThreadPool, "start", pool_start)
    yield
    running = [t for t in threads if shiboken6.isValid(t) and t.isRunning()]
    busy = [p for p in set(pools) if shiboken6.isValid(p) and p.activeThreadCount() > 0]
    for t in running:  # do not leak into the next test
        t.wait(10_000)
    for p in busy:
        p.waitForDone(10_000)
    assert not running, f"{len(running)} QThread(s) still running after the test"
    assert not busy, f"{len(busy)} QThreadPool(s) still busy after the test"


@pytest.fixture
def photo_dir(tmp_path, cat_photos, dog_photos):
    """A folder of six real full-size photos (three cats, three dogs)."""
    folder = tmp_path / "my photos"
    folder.mkdir()
    for p in cat_photos[:3] + dog_photos[:3]:
        shutil.copy(p, folder / p.name)
    return folder


@pytest.fixture
def window(qtbot, tiny_model_path):
    w = MainWindow(tiny_model_path)
    qtbot.addWidget(w)
    w.show()
    return w


@pytest.fixture
def dialogs(monkeypatch):
    """Record QMessageBox calls instead of showing modal dialogs."""
    calls: dict[str, list[tuple[str, str]]] = {"critical": [], "warning": [], "information": [], "about": []}

    def recorder(kind):
        def show(parent, title, text, *args, **kwargs):
            calls[kind].append((title, text))
            return QMessageBox.StandardButton.Ok
        return show

    for kind in calls:
        monkeypatch.setattr(QMessageBox, kind, staticmethod(recorder(kind)))
    return calls


def wait_for_run(qtbot, w: MainWindow, rows: int | None = None) -> None:
    if rows is not None:
        qtbot.waitUntil(lambda: w.results.rowCount() == rows, timeout=RUN_TIMEOUT)
    qtbot.waitUntil(lambda: not w.running, timeout=RUN_TIMEOUT)


def drop(w: MainWindow, urls: list[QUrl]) -> tuple[bool, bool]:
    """Send a real drag-enter then drop with ``urls``; returns (enter accepted, drop accepted)."""
    mime = QMimeData()
    mime.setUrls(urls)
    enter = QDragEnterEvent(QPoint(50, 50), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                            Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(w, enter)
    dropped = QDropEvent(QPointF(50, 50), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                         Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(w, dropped)
    return enter.isAccepted(), dropped.isAccepted()


def classified(qtbot, w: MainWindow, folder) -> None:
    w.classify([str(folder)])
    wait_for_run(qtbot, w, rows=len(list(folder.iterdir())))


def select_and_explain(qtbot, w: MainWindow, row: int):
    w.select_row(row)
    path = w.proxy.index(row, NAME).data(RESULT_ROLE).path
    qtbot.waitUntil(lambda: w.detail.explanation is not None and w.detail.explanation.path == path,
                    timeout=RUN_TIMEOUT)
    return w.detail.explanation


# -- tests ---------------------------------------------------------------------------------------------
def test_window_names_model_and_provider(window):
    text = window.model_label.text()
    assert window.engine.info.name in text
    assert provider_text(window.engine) in text  # short and translated; core's reason is in the tooltip
    assert window.engine.describe_provider() in window.model_label.toolTip()
    assert not window.progress_row.isVisible()


def test_drop_folder_url_classifies_every_photo(qtbot, window, photo_dir):
    entered, accepted = drop(window, [QUrl.fromLocalFile(str(photo_dir))])
    assert entered and accepted
    wait_for_run(qtbot, window, rows=6)
    results = window.results.results
    assert sorted(r.name for r in results) == sorted(p.name for p in photo_dir.iterdir())
    labels = window.engine.info.labels
    for r in results:
        assert r.status == "ok", r.error
        assert r.label in labels
        assert 0.5 <= r.confidence <= 1.0
    assert window.last_summary.total == 6 and not window.last_summary.cancelled
    assert "6" in window.statusBar().currentMessage()


def test_drop_of_same_folder_twice_gives_one_row_each(qtbot, window, photo_dir):
    drop(window, [QUrl.fromLocalFile(str(photo_dir))])
    wait_for_run(qtbot, window, rows=6)
    drop(window, [QUrl.fromLocalFile(str(photo_dir)), QUrl.fromLocalFile(str(next(photo_dir.iterdir())))])
    wait_for_run(qtbot, window)
    assert window.results.rowCount() == 6


def test_drop_of_files_with_awkward_names(qtbot, window, cat_photos, tmp_path, monkeypatch):
    folder = tmp_path / "Фото, \"pets\""
    folder.mkdir()
    names = ["Mïa, the \"cat\" 1.jpg", "line\nbreak.jpg", "=cmd|' hi'.jpg", "猫 2.JPG"]
    for src, name in zip(cat_photos, names):
        shutil.copy(src, folder / name)
    entered, accepted = drop(window, [QUrl.fromLocalFile(str(folder / n)) for n in names])
    assert entered and accepted
    wait_for_run(qtbot, window, rows=4)
    assert sorted(r.name for r in window.results.results) == sorted(names)
    assert all(r.status == "ok" for r in window.results.results)
    out = tmp_path / "awkward.csv"
    assert window.export_csv(str(out)) == 4
    with open(out, encoding="utf-8-sig", newline="") as f:
        paths = sorted(row[0] for row in list(csv.reader(f))[1:])
    assert paths == sorted(str(folder / n) for n in names)
    assert not window._unsaved and "Exported 4 rows" in window.statusBar().currentMessage()
    # an export taken while a run is still going says the table is partial, and the rest stays unsaved
    window._unsaved = True
    monkeypatch.setattr(type(window), "running", property(lambda self: True))
    assert window.export_csv(str(tmp_path / "partial.csv")) == 4
    assert "the run is still going" in window.statusBar().currentMessage() and window._unsaved


def test_drop_of_web_url_says_so_and_classifies_nothing(qtbot, window, dialogs):
    entered, accepted = drop(window, [QUrl("https://example.com/cat.jpg")])
    assert entered and not accepted  # refused (the source must not think anything was copied), but explained
    qtbot.waitUntil(lambda: bool(dialogs["warning"]), timeout=5000)
    title, text = dialogs["warning"][0]
    assert "web address" in text and "https://example.com/cat.jpg" in text
    assert not window.running and window.results.rowCount() == 0


def test_drag_without_urls_is_refused(window):
    mime = QMimeData()
    mime.setText("just text")
    enter = QDragEnterEvent(QPoint(5, 5), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                            Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(window, enter)
    assert not enter.isAccepted()


def test_command_line_paths_are_classified(qtbot, tiny_model_path, photo_dir, tmp_path):
    broken = tmp_path / "broken.jpg"
    broken.write_bytes(b"this is not a jpeg")
    w = MainWindow(tiny_model_path, [str(photo_dir), str(broken)])
    qtbot.addWidget(w)
    wait_for_run(qtbot, w, rows=7)
    by_name = {r.name: r for r in w.results.results}
    assert by_name["broken.jpg"].status == "error" and by_name["broken.jpg"].error
    assert sum(r.status == "ok" for r in by_name.values()) == 6
    status = w.proxy.index(
        next(i for i in range(7) if w.proxy.index(i, NAME).data() == "broken.jpg"), 4).data()
    assert status.startswith("error: ")


def test_main_entry_point_opens_window_on_paths(qtbot, monkeypatch, tiny_model_path, photo_dir):
    from catdog_gui import __main__ as entry

    seen = {}

    def fake_exec(self):
        w = next(x for x in QApplication.topLevelWidgets() if isinstance(x, MainWindow) and x.isVisible())
        qtbot.addWidget(w)
        wait_for_run(qtbot, w, rows=6)
        seen["rows"] = w.results.rowCount()
        w.close()
        return 0

    monkeypatch.setattr(QApplication, "exec", fake_exec)
    assert entry.main(["--model", str(tiny_model_path), str(photo_dir)]) == 0
    assert seen["rows"] == 6


def test_window_stays_responsive_during_a_run(qtbot, tiny_model_path, data_dir):
    """A GUI timer keeps ticking while one big batch of full-size photos is decoded and inferred."""
    import time

    from PySide6.QtCore import QTimer

    w = MainWindow(tiny_model_path, batch_size=64)
    qtbot.addWidget(w)
    w.show()
    ticks: list[float] = []
    timer = QTimer(w)
    timer.setInterval(20)
    timer.timeout.connect(lambda: ticks.append(time.perf_counter()))
    timer.start()
    w.classify([str(data_dir / "photos-fullsize")])
    start = time.perf_counter()
    wait_for_run(qtbot, w)
    end = time.perf_counter()
    timer.stop()
    during = [start] + [t for t in ticks if start <= t <= end] + [end]
    gaps = np.diff(during)
    assert w.results.rowCount() == 120
    assert gaps.max() < 2.0, f"GUI thread blocked for {gaps.max():.2f} s"
    assert len(during) > 2


def test_mixed_drop_classifies_local_files_and_mentions_web_ones(qtbot, window, photo_dir, dialogs):
    drop(window, [QUrl("http://example.com/dog.png"), QUrl.fromLocalFile(str(photo_dir))])
    wait_for_run(qtbot, window, rows=6)
    qtbot.waitUntil(lambda: bool(dialogs["warning"]), timeout=5000)
    assert "http://example.com/dog.png" in dialogs["warning"][0][1]


def test_cancel_keeps_finished_rows(qtbot, tiny_model_path, data_dir):
    w = MainWindow(tiny_model_path, batch_size=2)
    qtbot.addWidget(w)
    w.show()
    w.classify([str(data_dir / "petimages" / "Cat")])
    qtbot.waitUntil(lambda: w.results.rowCount() >= 4, timeout=RUN_TIMEOUT)
    assert w.progress_row.isVisible() and w.cancel_button.isEnabled()
    qtbot.mouseClick(w.cancel_button, Qt.MouseButton.LeftButton)
    wait_for_run(qtbot, w)
    rows = w.results.results
    assert 4 <= len(rows) < 5000
    assert all(r.status == "ok" for r in rows)
    assert w.last_summary.cancelled and w.last_summary.total == len(rows)
    assert "Cancelled" in w.statusBar().currentMessage()
    assert not w.progress_row.isVisible()


def test_close_mid_run_stops_worker_cleanly(qtbot, tiny_model_path, data_dir):
    w = MainWindow(tiny_model_path, batch_size=2)
    qtbot.addWidget(w)
    w.show()
    w.classify([str(data_dir / "petimages" / "Dog")])
    qtbot.waitUntil(lambda: w.results.rowCount() >= 2, timeout=RUN_TIMEOUT)
    worker = w.worker
    assert worker is not None and worker.isRunning()
    w.close()
    assert not worker.isRunning()
    assert w.results.rowCount() >= 2
    qtbot.wait(200)  # let queued signals arrive at the closed window: no "already deleted" errors


def test_export_csv_writes_cli_columns_and_asks_before_overwriting(qtbot, window, photo_dir, tmp_path,
                                                                   monkeypatch, dialogs):
    classified(qtbot, window, photo_dir)
    out = tmp_path / "out dir" / "results.csv"
    out.parent.mkdir()
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(out), "")))
    window.export_action.trigger()
    with open(out, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    labels = list(window.engine.info.labels)
    assert rows[0] == csv_columns(labels, RUN_COLUMNS)  # the CLI's columns, run settings included
    assert len(rows) == 7
    by_path = {r[0]: r for r in rows[1:]}
    for r in window.results.results:
        row = by_path[r.path]
        assert row[1] == r.verdict(window.threshold) and row[rows[0].index("top_label")] == r.label
        assert abs(float(row[2]) - r.confidence) < 1e-6
        assert row[rows[0].index("provider")] == "CPUExecutionProvider"
        assert row[rows[0].index("status")] == "ok"

    asked = []

    def answer(reply):
        def question(*args, **kwargs):
            asked.append(args[2] if len(args) > 2 else "")
            return reply
        return staticmethod(question)

    out.write_text("keep me")
    monkeypatch.setattr(QMessageBox, "question", answer(QMessageBox.StandardButton.No))
    window.export_action.trigger()
    assert len(asked) == 1 and "already exists" in asked[0]
    assert out.read_text() == "keep me"
    monkeypatch.setattr(QMessageBox, "question", answer(QMessageBox.StandardButton.Yes))
    window.export_action.trigger()
    assert len(asked) == 2
    with open(out, encoding="utf-8-sig", newline="") as f:
        assert len(list(csv.reader(f))) == 7


def test_model_error_shows_dialog_and_keeps_model(qtbot, window, tmp_path, monkeypatch, dialogs):
    engine = window.engine
    bad = tmp_path / "not-a-model.onnx"
    bad.write_text("definitely not ONNX")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: (str(bad), "")))
    window.open_model_action.trigger()
    assert len(dialogs["critical"]) == 1
    title, text = dialogs["critical"][0]
    assert str(bad) in text and f"Still using {engine.info.name}" in text
    assert window.engine is engine
    assert engine.info.name in window.model_label.text()
    assert window.load_model(tmp_path / "missing.onnx") is False
    assert window.engine is engine and len(dialogs["critical"]) == 2


def test_changing_model_settings_classifies_the_rows_again(qtbot, window, photo_dir):
    classified(qtbot, window, photo_dir)
    before = {r.path: tuple(r.probabilities) for r in window.results.results}
    old = window.engine
    assert old.tta  # Accurate by default
    assert window.set_speed(tta=False) is True  # Fast: the same model file, one pass
    assert window.engine is not old and window.explainer.engine is window.engine
    assert window.detail.explanation is None
    assert "classifying the" in window.statusBar().currentMessage()
    qtbot.waitUntil(lambda: not window.running and window.results.rowCount() == len(before), timeout=60_000)
    after = {r.path: tuple(r.probabilities) for r in window.results.results}
    assert after.keys() == before.keys()  # the same photos...
    assert any(after[p] != before[p] for p in after if before[p])  # ...by the new settings


def test_app_opens_without_a_model_and_says_so(qtbot, tmp_path, photo_dir, dialogs):
    w = MainWindow(tmp_path / "missing.onnx")
    qtbot.addWidget(w)
    w.show()
    assert w.engine is None
    assert "No model loaded" in w.model_label.text()
    qtbot.waitUntil(lambda: bool(dialogs["critical"]), timeout=5000)
    assert "missing.onnx" in dialogs["critical"][0][1]
    w.classify([str(photo_dir)])  # refused with a message, no crash
    assert not w.running and len(dialogs["critical"]) == 2


def test_photos_named_at_start_wait_for_a_model(qtbot, tmp_path, photo_dir, dialogs, tiny_model_path):
    """`catdog missing.onnx photos/`-style start (a broken $CATDOG_MODEL, a file double-clicked): one dialog
    says why the model failed (there were two, the second 'No model'), the drop zone says the photos wait,
    and File > Open Model… classifies them (they were lost)."""
    w = MainWindow(tmp_path / "missing.onnx", [str(photo_dir)])
    qtbot.addWidget(w)
    w.show()
    qtbot.waitUntil(lambda: bool(dialogs["critical"]), timeout=5000)
    qtbot.wait(200)  # a second dialog would come from a queued classify()
    assert len(dialogs["critical"]) == 1 and "missing.onnx" in dialogs["critical"][0][1]
    assert "1 item named at start will be classified once a model is open" in w.drop_zone.label.text()
    assert not w.running and w.results.rowCount() == 0
    assert w.load_model(tiny_model_path)
    wait_for_run(qtbot, w)
    assert w.results.rowCount() == len(list(photo_dir.iterdir())) > 0


def test_about_box_shows_model_metadata(window, dialogs):
    window.about_action.trigger()
    _, text = dialogs["about"][0]
    info = window.engine.info
    for value in (info.architecture, info.trained_on, info.created, *info.labels):
        assert value in text
    assert "CPUExecutionProvider" in text
    from importlib.metadata import version

    assert f"catdog {version('catdog')}" in text  # the app's own version
    assert version("catdog")[0].isdigit()


def test_sorting_by_confidence_is_numeric(qtbot, window, photo_dir):
    classified(qtbot, window, photo_dir)
    window.table.sortByColumn(CONFIDENCE, Qt.SortOrder.DescendingOrder)
    shown = [window.proxy.index(i, NAME).data(RESULT_ROLE).confidence for i in range(6)]
    assert shown == sorted(shown, reverse=True)
    window.table.sortByColumn(NAME, Qt.SortOrder.AscendingOrder)
    names = [window.proxy.index(i, NAME).data() for i in range(6)]
    assert names == sorted(names, key=natural_key)
    assert sorted(["10.jpg", "b.jpg", "2.jpg", "A.jpg"], key=natural_key) == ["2.jpg", "10.jpg", "A.jpg", "b.jpg"]


def test_thumbnails_arrive_from_workers(qtbot, window, photo_dir):
    classified(qtbot, window, photo_dir)
    idx = window.results.index(0, THUMB)
    window.results.data(idx, Qt.ItemDataRole.DecorationRole)  # asks for it, as painting does
    qtbot.waitUntil(lambda: window.results.data(idx, Qt.ItemDataRole.DecorationRole) is not None, timeout=20_000)
    pix = window.results.data(idx, Qt.ItemDataRole.DecorationRole)
    assert max(pix.width(), pix.height()) == window.thumbnails.size
    arr = to_array(pix.toImage())
    assert arr.std() > 5  # a photo, not a blank square


def test_detail_view_shows_flows_and_cam(qtbot, window, photo_dir, tmp_path, monkeypatch):
    classified(qtbot, window, photo_dir)
    exp = select_and_explain(qtbot, window, 0)
    detail = window.detail
    assert [detail.tabs.tabText(i) for i in range(1, 4)] == ["Entry flow", "Middle flow", "Exit flow"]
    assert exp.label in detail.verdict.text() and f"{exp.confidence:.1%}" in detail.verdict.text()
    assert detail.info.text().startswith(exp.provider.split(" — ")[0]) and "ms" in detail.info.text()
    assert "unavailable" not in detail.info.text()  # the reason CUDA is off is in the status bar only
    row_result = window.current_result()
    np.testing.assert_allclose(exp.probabilities, row_result.probabilities, atol=1e-5)

    for name in FLOW_OUTPUTS:
        tab = detail.flow_tabs[name]
        c, h, w = exp.flows[name].shape
        assert tab.shape_label.text().startswith(f"{c} × {h} × {w}")
        tiles = tab.tile_images()
        assert len(tiles) == 16 == tab.k_spin.value()
        for img in tiles:
            assert to_array(img).std() > 1, "blank tile"
        assert tab.grid.count() == 17  # the channel-mean map first
        tab.k_spin.setValue(5)
        assert len(tab.tile_images()) == 5
        channel = tab.channel_indices()[2]
        tab.select_channel(channel)
        assert f"channel {channel}" in tab.large_caption.text()
        bare = to_array(tab.large.composite())
        tab.over_photo.setChecked(True)
        over = to_array(tab.large.composite())
        assert over.shape[:2] == exp.image.shape[:2]
        # the maps cover the photo the model saw (squashed to its square input): drawn at its aspect ratio
        aspect = exp.image.shape[1] / exp.image.shape[0]
        assert abs(aspect - 1) > 0.1, "use a non-square photo"
        assert bare.shape[1] / bare.shape[0] == pytest.approx(aspect, rel=0.02)
        assert tiles[0].width() / tiles[0].height() == pytest.approx(aspect, rel=0.05)
        tab.select_channel(MEAN_ITEM)
        assert "channel mean" in tab.large_caption.text()

    # CAM over the photo differs from the bare photo; hiding it gives the photo back
    assert NORMALISATION_TEXT in detail.norm_label.text()
    assert detail.class_combo.currentIndex() == exp.predicted
    with_cam = to_array(detail.cam_view.composite())
    assert with_cam.shape == exp.image.shape
    assert np.abs(with_cam.astype(int) - exp.image.astype(int)).mean() > 5
    other = 1 - exp.predicted
    detail.class_combo.setCurrentIndex(other)
    other_cam = to_array(detail.cam_view.composite())
    assert not np.array_equal(other_cam, with_cam)
    detail.opacity.setValue(90)
    stronger = to_array(detail.cam_view.composite())
    assert np.abs(stronger.astype(int) - exp.image.astype(int)).mean() > \
        np.abs(other_cam.astype(int) - exp.image.astype(int)).mean()
    detail.show_cam.setChecked(False)
    hidden = to_array(detail.cam_view.composite())
    assert np.abs(hidden.astype(int) - exp.image.astype(int)).max() <= 1

    # save and copy the current visualisation
    detail.show_cam.setChecked(True)
    said = []  # what the window's status bar shows: Save PNG… and Copy say what they did
    detail.status_message.connect(said.append)
    png = tmp_path / "cam.png"
    assert detail.save_png(str(png))
    with Image.open(png) as im:
        assert im.size == (exp.image.shape[1], exp.image.shape[0])
    assert said == [f"Saved {png} ({exp.image.shape[1]} × {exp.image.shape[0]} px)"]
    detail.tabs.setCurrentIndex(2)
    grid_png = tmp_path / "grid.png"
    assert detail.save_png(str(grid_png))
    with Image.open(grid_png) as im:
        assert im.width > 300 and np.asarray(im).std() > 10
    assert detail.copy_to_clipboard()
    copied = QGuiApplication.clipboard().image()
    assert not copied.isNull()
    assert said[-1] == f"Copied the picture to the clipboard ({copied.width()} × {copied.height()} px)"

    # the Save PNG... button as a person clicks it: the file dialog's answer is where the PNG goes
    clicked_png = tmp_path / "clicked"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(clicked_png), "PNG images (*.png)"))
    qtbot.mouseClick(detail.save_button, Qt.MouseButton.LeftButton)
    with Image.open(tmp_path / "clicked.png") as im:
        assert im.width > 300


def test_arrow_keys_move_through_results_and_view_follows(qtbot, window, photo_dir):
    classified(qtbot, window, photo_dir)
    first = select_and_explain(qtbot, window, 0)
    window.table.setFocus()
    qtbot.keyClick(window.table, Qt.Key.Key_Down)
    assert window.table.currentIndex().row() == 1
    second_path = window.proxy.index(1, NAME).data(RESULT_ROLE).path
    qtbot.waitUntil(lambda: window.detail.explanation is not None
                    and window.detail.explanation.path == second_path, timeout=RUN_TIMEOUT)
    assert window.detail.title.text() == window.proxy.index(1, NAME).data()
    qtbot.keyClick(window.table, Qt.Key.Key_Up)
    assert window.table.currentIndex().row() == 0
    qtbot.waitUntil(lambda: window.detail.explanation is not None
                    and window.detail.explanation.path == first.path, timeout=RUN_TIMEOUT)


def test_error_row_shows_its_error_in_detail(qtbot, window, tmp_path):
    bad = tmp_path / "empty.jpg"
    bad.write_bytes(b"")
    window.classify([str(bad)])
    wait_for_run(qtbot, window, rows=1)
    window.select_row(0)
    qtbot.waitUntil(lambda: "Error" in window.detail.verdict.text(), timeout=5000)
    assert window.results.results[0].error in window.detail.verdict.text()


def test_model_without_flow_outputs_says_so(qtbot, tiny_model_path, photo_dir, tmp_path):
    onnx = pytest.importorskip("onnx")
    model = onnx.load(str(tiny_model_path))
    keep = [o for o in model.graph.output if o.name in ("logits", "probabilities")]
    del model.graph.output[:]
    model.graph.output.extend(keep)
    stripped = tmp_path / "no-flows.onnx"
    onnx.save(model, str(stripped))

    w = MainWindow(stripped)
    qtbot.addWidget(w)
    w.show()
    assert w.engine is not None
    classified(qtbot, w, photo_dir)
    exp = select_and_explain(qtbot, w, 0)
    assert exp.flows == {} and exp.cam is None
    for name in FLOW_OUTPUTS:
        tab = w.detail.flow_tabs[name]
        assert not tab.message.isHidden() and f"no '{name}' output" in tab.message.text()
        assert tab.tile_images() == []
    assert "no 'cam' output" in w.detail.norm_label.text()
    assert np.array_equal(to_array(w.detail.cam_view.composite()), exp.image)


def _drawn_hot_spot(detail) -> tuple[int, int]:
    """(row, column) in photo pixels of the brightest point of the CAM as the view draws it (opacity 100%)."""
    detail.opacity.setValue(100)
    drawn = to_array(detail.cam_view.composite()).astype(int).sum(axis=2)  # inferno: the maximum is brightest
    return np.unravel_index(int(drawn.argmax()), drawn.shape)


def test_default_model_predicts_real_photos_and_cam_lands_on_the_cat(qtbot, default_model_path, cat_photos,
                                                                    dog_photos, tmp_path):
    folder = tmp_path / "pets"
    folder.mkdir()
    truth = {}
    for label, photos in (("cat", cat_photos[:4]), ("dog", dog_photos[:4])):
        for p in photos:
            shutil.copy(p, folder / p.name)
            truth[p.name] = label
    w = MainWindow(default_model_path)
    qtbot.addWidget(w)
    w.show()
    assert drop(w, [QUrl.fromLocalFile(str(folder))]) == (True, True)
    wait_for_run(qtbot, w, rows=8)
    shown = {w.proxy.index(r, NAME).data(): w.proxy.index(r, PREDICTION).data() for r in range(8)}
    assert sum(shown[name] == label for name, label in truth.items()) >= 6, shown

    # a cat row: the CAM of 'cat' peaks inside the photo, where the upsampled map peaks
    row = next(r for r in range(8) if truth[w.proxy.index(r, NAME).data()] == "cat"
               and w.proxy.index(r, PREDICTION).data() == "cat")
    exp = select_and_explain(qtbot, w, row)
    detail = w.detail
    assert exp.labels[detail.class_combo.currentIndex()] == "cat"
    left, top, rw, rh = exp.region
    up = visualize.upsample(exp.cam[exp.predicted], (rh, rw))
    y, x = np.unravel_index(int(up.argmax()), up.shape)
    y, x = y + top, x + left
    height, width = exp.image.shape[:2]
    assert 0 <= y < height and 0 <= x < width
    dy, dx = _drawn_hot_spot(detail)
    assert abs(dy - y) <= height / 7 and abs(dx - x) <= width / 7, ((dy, dx), (y, x))

    # orientation and aspect end to end: a cat on the right half of a wide grey canvas (squashed into the
    # model's square input) must light up the right half, not the left, as drawn over the canvas
    with Image.open(cat_photos[0]) as im:
        cat = im.convert("RGB")
    canvas = Image.new("RGB", (2 * cat.width, cat.height), (128, 128, 128))
    canvas.paste(cat, (cat.width, 0))
    canvas.save(tmp_path / "cat-on-the-right.png")
    w.classify([str(tmp_path / "cat-on-the-right.png")])
    wait_for_run(qtbot, w, rows=9)
    row = next(r for r in range(9) if w.proxy.index(r, NAME).data() == "cat-on-the-right.png")
    exp = select_and_explain(qtbot, w, row)
    assert exp.label == "cat"
    dy, dx = _drawn_hot_spot(detail)
    assert dx > exp.image.shape[1] / 2, f"CAM peak drawn at x={dx} of {exp.image.shape[1]}: not on the cat"


def test_a_missing_path_gets_an_error_row_as_in_the_cli(qtbot, window, photo_dir, tmp_path):
    missing = tmp_path / "gone" / "cat.jpg"
    window.classify([str(photo_dir), str(missing)])
    wait_for_run(qtbot, window, rows=len(list(photo_dir.iterdir())) + 1)
    rows = {r.path: r for r in window.results.results}
    assert rows[str(missing)].status == "error" and rows[str(missing)].error == "no such file or folder"
    assert sum(r.status == "ok" for r in rows.values()) == len(list(photo_dir.iterdir()))
