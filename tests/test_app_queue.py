"""Files and folders opened while a run is going on are queued: the status bar names them, the progress bar says
how many wait, and Cancel, which drops them with the run, says which were not classified (tester 11, finding 3:
a queued folder vanished on Cancel without a word). Offscreen, tiny model, real photos."""

from __future__ import annotations

import shutil

from catdog_gui.app.main_window import MainWindow

RUN_TIMEOUT = 120_000


def test_a_queued_folder_is_named_counted_and_reported_when_cancel_drops_it(qtbot, tiny_model_path, data_dir,
                                                                             cat_photos, tmp_path):
    later = tmp_path / "holiday"
    later.mkdir()
    for p in cat_photos[:2]:
        shutil.copy(p, later / p.name)
    w = MainWindow(tiny_model_path, [str(data_dir / "petimages")])  # 10,000 photos: still running below
    qtbot.addWidget(w)
    w.show()
    qtbot.waitUntil(lambda: w.results.rowCount() >= 16, timeout=RUN_TIMEOUT)
    assert w.running
    w.classify([str(later)])
    assert w.statusBar().currentMessage() == "Queued: holiday will be classified when this run finishes"
    qtbot.waitUntil(lambda: w.progress.format().endswith(" · then 1 queued"), timeout=RUN_TIMEOUT)

    w.cancel()
    qtbot.waitUntil(lambda: not w.running, timeout=RUN_TIMEOUT)
    message = w.statusBar().currentMessage()
    assert message.startswith("Cancelled after ") and "not classified, queued: holiday" in message
    assert not any(r.path.startswith(str(later)) for r in w.results.results)

    w.classify([str(later)])  # opened again: classified, and the old message is gone at once
    assert "Cancelled after" not in w.statusBar().currentMessage()
    qtbot.waitUntil(lambda: not w.running, timeout=RUN_TIMEOUT)
    assert sum(r.path.startswith(str(later)) for r in w.results.results) == 2
