"""A missing path and a non-image file given to the window (``catdog-gui /nonexist notes.txt``): the line under
the table, the status bar and catdog-classify on the same arguments count alike (0 photos, 2 errors), and the
status bar says what happened to each argument. Offscreen, tiny model, a real photo."""

from __future__ import annotations

import re
import shutil

from catdog_gui.app.main_window import MainWindow
from catdog_gui.cli import main as classify_main

RUN_TIMEOUT = 120_000


def run_window(qtbot, model, paths: list[str], rows: int) -> MainWindow:
    w = MainWindow(model, paths)
    qtbot.addWidget(w)
    qtbot.waitUntil(lambda: w.results.rowCount() == rows and not w.running, timeout=RUN_TIMEOUT)
    return w


def cli_counts(capsys, model, paths: list[str], out) -> tuple[int, int]:
    classify_main([*paths, "--csv", str(out), "--model", str(model), "--quiet"])
    printed = capsys.readouterr().out
    found = re.search(r"Classified (\d+) image\(s\)(?:, (\d+) error\(s\))?", printed)
    assert found, printed
    return int(found.group(1)), int(found.group(2) or 0)


def test_missing_path_and_non_image_count_as_the_cli_does(qtbot, capsys, tiny_model_path, tmp_path):
    notes = tmp_path / "notes.txt"
    notes.write_text("shopping list: milk, eggs\n")
    missing = str(tmp_path / "nonexist")
    paths = [missing, str(notes)]
    photos, errors = cli_counts(capsys, tiny_model_path, paths, tmp_path / "cli.csv")
    assert (photos, errors) == (0, 2)

    w = run_window(qtbot, tiny_model_path, paths, 2)
    summary, message = w.summary.text(), w.statusBar().currentMessage()
    assert "<b>0</b> photos" in summary and "errors <b>2</b>" in summary, summary
    assert message.startswith("Classified 0 photos") and "2 errors" in message, message
    assert f"{missing}: no such file or folder" in message and "notes.txt: not an image" in message, message
    assert (w.last_summary.ok, w.last_summary.errors) == (photos, errors)
    assert "cat 0" not in message and w.statusBar().toolTip() == message  # cut short at scale 2: read it whole
    w.show()  # a message wider than its room is drawn whole up to an "…", never cut mid-letter
    bar = w.statusBar()
    qtbot.waitUntil(lambda: w.model_label.x() > 0)
    long = " · ".join([message] * 4)
    bar.showMessage(long)
    shown, room = bar.shown_message(), bar.message_rect()
    assert shown.endswith("…") and long.startswith(shown[:-1]) and bar.currentMessage() == long, shown
    assert bar.fontMetrics().horizontalAdvance(shown) <= room.width() and bar.toolTip() == long
    assert room.right() < w.model_label.x()  # the model line on the right stays clear of it


def test_photos_with_errors_count_as_the_cli_does(qtbot, capsys, tiny_model_path, cat_photos, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    for p in cat_photos[:3]:
        shutil.copy(p, folder / p.name)
    (folder / "broken.jpg").write_bytes(cat_photos[0].read_bytes()[:300])
    paths = [str(folder), str(tmp_path / "gone.jpg")]
    photos, errors = cli_counts(capsys, tiny_model_path, paths, tmp_path / "cli.csv")
    assert (photos, errors) == (3, 2)

    w = run_window(qtbot, tiny_model_path, paths, 5)
    summary, message = w.summary.text(), w.statusBar().currentMessage()
    assert "<b>3</b> photos" in summary and "errors <b>2</b>" in summary, summary
    assert message.startswith("Classified 3 photos") and "2 errors" in message, message
    assert "broken.jpg: truncated or damaged image" in message and "gone.jpg: no such file or folder" in message


def test_a_folder_that_cannot_be_read_is_named_in_the_status_bar(qtbot, tiny_model_path, cat_photos, tmp_path,
                                                                   unreadable):
    """Simulated permission error (tests run as root, which reads chmod 000 folders anyway): the photos
    beside the folder are classified, and the status bar says which folder was not read and why."""
    top = tmp_path / "photos"
    blocked = top / "private"
    blocked.mkdir(parents=True)
    for p in cat_photos[:2]:
        shutil.copy(p, top / p.name)
    shutil.copy(cat_photos[2], blocked / cat_photos[2].name)
    unreadable(str(blocked))
    w = MainWindow(tiny_model_path, [str(top)])
    qtbot.addWidget(w)
    qtbot.waitUntil(lambda: w.last_summary is not None and not w.running, timeout=120_000)
    assert w.results.rowCount() == 2 and w.last_summary.unreadable_dirs == 1
    assert f"1 folder could not be read: {blocked}: Permission denied" in w.statusBar().currentMessage()
    assert "unreadable folders <b>1</b>" in w.summary.text()  # the line under the table counts it too
    w.clear_results()
    assert "unreadable" not in w.summary.text()
