"""Small previews of photos for the results table, and a bounded cache for them (Qt-free).

Thumbnails are decoded through draft mode (big JPEGs are DCT-scaled while decoding), turned upright
and shrunk, so making one never holds a full-size photo for long. The cache keeps the most recently
used ones up to a fixed count, so a folder of thousands of photos takes bounded memory.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable
from typing import Generic, TypeVar

import numpy as np
from PIL import Image

from catdog_gui.core.imaging import load_rgb

__all__ = ["make_thumbnail", "shrink_to_thumbnail", "LRUCache"]

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


def make_thumbnail(path: str, size: int = 64) -> np.ndarray:
    """Decode ``path`` upright and shrink it to fit a ``size`` x ``size`` box (aspect ratio kept).

    Args:
        path: an image file.
        size: the box side in pixels (>= 1).

    Returns:
        ``(h, w, 3) uint8`` RGB with ``max(h, w) == min(size, longer side of the photo)``.

    Raises:
        ValueError: ``size < 1``.
        catdog_gui.core.imaging.ImageDecodeError: the file cannot be decoded.
    """
    if size < 1:
        raise ValueError(f"size must be >= 1, got {size!r}")
    return shrink_to_thumbnail(load_rgb(path, min_size=(size, size)), size)


def shrink_to_thumbnail(image: Image.Image, size: int) -> np.ndarray:
    """Shrink an already decoded, upright RGB image to fit a ``size`` x ``size`` box (aspect ratio kept).

    The pipeline calls this on the image it decoded for the model, so that a photo is decoded once for
    both the model and its thumbnail.

    Args:
        image: an ``"RGB"`` Pillow image (e.g. from :func:`~catdog_gui.core.imaging.load_rgb`); it is
            shrunk in place (Pillow's ``thumbnail``), so pass a copy if it is still needed.
        size: the box side in pixels (>= 1).

    Returns:
        ``(h, w, 3) uint8`` RGB with ``max(h, w) == min(size, longer side of the image)``.

    Raises:
        ValueError: ``size < 1`` or an image that is not RGB.
    """
    if size < 1:
        raise ValueError(f"size must be >= 1, got {size!r}")
    if image.mode != "RGB":
        raise ValueError(f"expected an RGB image, got mode {image.mode!r}")
    image.thumbnail((size, size), Image.Resampling.LANCZOS)
    return np.ascontiguousarray(np.asarray(image, dtype=np.uint8))


class LRUCache(Generic[K, V]):
    """A thread-safe least-recently-used cache holding at most ``max_items`` entries.

    Args:
        max_items: the bound (>= 1); adding beyond it drops the least recently used entry.

    Raises:
        ValueError: ``max_items < 1``.
    """

    def __init__(self, max_items: int) -> None:
        if max_items < 1:
            raise ValueError(f"max_items must be >= 1, got {max_items!r}")
        self.max_items = max_items
        self._items: OrderedDict[K, V] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: K, default: V | None = None) -> V | None:
        """The value for ``key`` (now most recently used), or ``default``."""
        with self._lock:
            if key not in self._items:
                return default
            self._items.move_to_end(key)
            return self._items[key]

    def put(self, key: K, value: V) -> None:
        """Store ``value`` under ``key``, evicting the least recently used entries beyond the bound."""
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.max_items:
                self._items.popitem(last=False)

    def __contains__(self, key: object) -> bool:
        with self._lock:
            return key in self._items

    def __len__(self) -> int:
        with self._lock:
            return len(self._items)

    def clear(self) -> None:
        """Drop every entry."""
        with self._lock:
            self._items.clear()
