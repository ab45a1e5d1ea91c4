"""Conversions between numpy RGB arrays and Qt images."""

from __future__ import annotations

import numpy as np
from PySide6.QtGui import QImage


def to_qimage(rgb: np.ndarray) -> QImage:
    """``(H, W, 3) uint8`` RGB -> a ``QImage`` (Format_RGB888) that owns a copy of the pixels.

    Safe to call in worker threads (``QImage``, unlike ``QPixmap``, is not tied to the GUI thread).

    Raises:
        ValueError: on a wrong shape or dtype.
    """
    if rgb.ndim != 3 or rgb.shape[2] != 3 or rgb.dtype != np.uint8:
        raise ValueError(f"expected (H, W, 3) uint8, got {rgb.shape} {rgb.dtype}")
    rgb = np.ascontiguousarray(rgb)
    h, w, _ = rgb.shape
    return QImage(rgb.data, w, h, 3 * w, QImage.Format.Format_RGB888).copy()


def to_array(image: QImage) -> np.ndarray:
    """A ``QImage`` -> ``(H, W, 3) uint8`` RGB copy (used by tests and for saving)."""
    image = image.convertToFormat(QImage.Format.Format_RGB888)
    w, h, bpl = image.width(), image.height(), image.bytesPerLine()
    buf = np.frombuffer(image.constBits(), dtype=np.uint8, count=bpl * h).reshape(h, bpl)
    return buf[:, : 3 * w].reshape(h, w, 3).copy()
