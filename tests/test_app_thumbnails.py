"""app.thumbnails: thumbnails made in a thread pool, sharp on HiDPI screens."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

_SHOW = textwrap.dedent("""
    import sys
    import numpy as np
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication
    from catdog_gui.app.thumbnails import ThumbnailProvider
    from catdog_gui.core.thumbnails import make_thumbnail

    app = QApplication([])
    path = sys.argv[1]
    provider = ThumbnailProvider(size=48)
    assert provider.get(path) is None  # queued; made in a worker thread
    loop = QEventLoop()
    provider.ready.connect(lambda p: loop.quit())
    QTimer.singleShot(20000, loop.quit)
    loop.exec()
    pix = provider.get(path)
    image = pix.toImage().convertToFormat(pix.toImage().Format.Format_RGB888)
    pixels = np.array(image.constBits(), np.uint8).reshape(image.height(), image.bytesPerLine())
    pixels = pixels[:, : 3 * image.width()].reshape(image.height(), image.width(), 3)
    expected = make_thumbnail(path, round(48 * app.devicePixelRatio()))
    provider.shutdown()
    print(app.devicePixelRatio(), pix.devicePixelRatio(), pix.width(), pix.height(),
          pix.deviceIndependentSize().width(), pix.deviceIndependentSize().height(),
          pixels.shape == expected.shape and int(np.abs(pixels.astype(int) - expected).max()))
""")


def show_thumbnail(path: Path, scale: str) -> list[float]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", QT_SCALE_FACTOR=scale)
    proc = subprocess.run([sys.executable, "-c", _SHOW, str(path)], capture_output=True, text=True, cwd=REPO,
                          env=env, timeout=120)
    assert proc.returncode == 0, proc.stderr
    return [float(v) for v in proc.stdout.split()]


def test_thumbnails_are_made_at_the_device_pixel_ratio(cat_photos):
    """At scale 2 a 48-pixel thumbnail is made from the photo at 96 device pixels (not made at 48 and
    stretched, which is blurry) and laid out at 48 device-independent pixels; at scale 1 nothing changes."""
    with_hidpi = show_thumbnail(cat_photos[0], "2")
    screen_ratio, pixmap_ratio, w, h, logical_w, logical_h, max_diff = with_hidpi
    assert screen_ratio == 2 and pixmap_ratio == 2
    assert max(w, h) == 96 and max(logical_w, logical_h) == 48
    assert max_diff <= 1  # the pixels are the 96-pixel thumbnail of the photo itself
    screen_ratio, pixmap_ratio, w, h, logical_w, logical_h, max_diff = show_thumbnail(cat_photos[0], "1")
    assert (screen_ratio, pixmap_ratio, max(w, h), max(logical_w, logical_h), max_diff) == (1, 1, 48, 48, 0)


def test_a_run_brings_each_rows_thumbnail_without_decoding_again(qtbot, tiny_model_path, cat_photos, dog_photos,
                                                               monkeypatch):
    """The window's run hands the pipeline's thumbnails to the table's cache: every row's thumbnail is there
    at once, at the device pixel ratio, and the thumbnail workers never decode a file."""
    from PySide6.QtCore import Qt

    from catdog_gui.app import thumbnails as app_thumbnails
    from catdog_gui.app.images import to_array
    from catdog_gui.app.main_window import MainWindow
    from catdog_gui.app.results_model import THUMB
    from catdog_gui.core.thumbnails import make_thumbnail

    decoded: list[str] = []

    def counting(path, size=64):
        decoded.append(path)
        return make_thumbnail(path, size)

    monkeypatch.setattr(app_thumbnails, "make_thumbnail", counting)
    window = MainWindow(tiny_model_path)
    qtbot.addWidget(window)
    photos = [str(p) for p in cat_photos[:3] + dog_photos[:3]]
    with qtbot.waitSignal(window.run_finished, timeout=60_000):
        window.classify(photos)
    assert window.results.rowCount() == 6
    for row in range(6):
        pix = window.results.data(window.results.index(row, THUMB), Qt.ItemDataRole.DecorationRole)
        assert pix is not None
        assert max(pix.width(), pix.height()) == window.thumbnails.pixel_size
        assert pix.deviceIndependentSize().toSize().width() <= window.thumbnails.size
        assert to_array(pix.toImage()).std() > 5  # a photo, not a blank square
    assert window.thumbnails.pending() == 0
    assert decoded == []
