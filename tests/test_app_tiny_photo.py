"""A photo of a few pixels still shows its class activation map and a visible thumbnail (a 1x1 photo's CAM was
shrunk to one pixel, a flat square, and its thumbnail was one pixel in an empty cell). Offscreen, tiny model."""

from __future__ import annotations

import numpy as np
from PIL import Image
from PySide6.QtGui import QImage

from catdog_gui.app.main_window import MainWindow
from catdog_gui.core.imaging import load_rgb

RUN_TIMEOUT = 120_000


def _colours(image: QImage) -> int:
    """How many distinct colours ``image`` has (RGB)."""
    rgb = image.convertToFormat(QImage.Format.Format_RGB888)
    arr = np.frombuffer(rgb.constBits(), np.uint8).reshape(rgb.height(), rgb.bytesPerLine())[:, :3 * rgb.width()]
    return len(np.unique(arr.reshape(-1, 3), axis=0))


def test_a_one_pixel_photo_shows_its_whole_cam_and_a_thumbnail(qtbot, tiny_model_path, cat_photos, tmp_path):
    src = tmp_path / "photos"
    src.mkdir()
    load_rgb(str(cat_photos[0])).resize((1, 1), Image.Resampling.BOX).save(src / "one.png")  # a real photo's mean
    w = MainWindow(tiny_model_path, [str(src)])
    qtbot.addWidget(w)
    w.show()
    qtbot.waitUntil(lambda: w.results.rowCount() == 1 and not w.running, timeout=RUN_TIMEOUT)
    d = w.detail
    w.select_row(0)
    qtbot.waitUntil(lambda: d.explanation is not None, timeout=RUN_TIMEOUT)
    exp = d.explanation
    assert exp.image.shape[:2] == (1, 1) and float(np.ptp(exp.cam[exp.predicted])) > 0  # the map is not flat
    view = d.cam_view
    r = view.image_rect().toRect().adjusted(2, 2, -2, -2)
    shown = view.grab().toImage().copy(r)
    assert r.width() > 50 and _colours(shown) > 20  # the map's variation is drawn over the photo, not one colour
    d.show_cam.setChecked(False)
    assert _colours(view.grab().toImage().copy(r)) <= 2  # the photo alone: its one colour
    d.show_cam.setChecked(True)
    qtbot.waitUntil(lambda: w.thumbnails.get(str(src / "one.png")) is not None, timeout=RUN_TIMEOUT)
    pix = w.thumbnails.get(str(src / "one.png"))
    assert pix.width() >= w.thumbnails.pixel_size // 3 and pix.width() == pix.height()
