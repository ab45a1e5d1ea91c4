"""Thumbnails for the results table, made in a ``QThreadPool`` and kept in a bounded cache.

The table asks :meth:`ThumbnailProvider.get` only for the rows it paints. A missing thumbnail is
queued; workers take the *newest* request first (the rows on screen now), and requests beyond a
bound are forgotten, so scrolling quickly through thousands of rows stays smooth and bounded.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal
from PySide6.QtGui import QGuiApplication, QImage, QPixmap

from catdog_gui.app.images import to_qimage
from catdog_gui.core.thumbnails import LRUCache, make_thumbnail

_BROKEN = object()  # cached marker: the file does not decode; do not try again
_FORGOTTEN = object()  # cached marker: the file changed; make its thumbnail again when it is next shown


class _ThumbTask(QRunnable):
    def __init__(self, provider: ThumbnailProvider) -> None:
        super().__init__()
        self.provider = provider

    def run(self) -> None:  # worker thread
        path = self.provider._take_newest()
        if path is None:
            return
        try:
            image: QImage | object = to_qimage(make_thumbnail(path, self.provider.pixel_size))
        except Exception:  # noqa: BLE001 - an undecodable file just has no thumbnail
            image = _BROKEN
        self.provider._finished(path, image)


def _enlarge_tiny(image: QImage, box: int) -> QImage:
    """A photo under a third of the ``box`` (device pixels) on its longer side, enlarged by a whole factor with
    nearest-neighbour sampling to at least that third (a 1x1 photo's thumbnail was one pixel, an empty cell); a
    bigger one unchanged. Its pixels stay sharp squares, as image viewers show a tiny image zoomed in."""
    longest = max(image.width(), image.height())
    least = max(1, box // 3)
    if longest == 0 or longest >= least:
        return image
    k = -(-least // longest)  # ceil
    return image.scaled(image.width() * k, image.height() * k, Qt.AspectRatioMode.IgnoreAspectRatio,
                        Qt.TransformationMode.FastTransformation)


class ThumbnailProvider(QObject):
    """Makes and caches thumbnails.

    Args:
        size: thumbnail box side in device-independent pixels (what the table lays out).
        max_items: cache bound (most recently used kept).
        max_pending: at most this many queued requests; older ones are dropped (re-requested if shown).
        device_pixel_ratio: device pixels per device-independent pixel; default: the highest of the
            application's screens (``QGuiApplication.devicePixelRatio()``, 2 on most HiDPI screens), so that
            a thumbnail is made at ``size * ratio`` device pixels and drawn sharp, not stretched.

    Signals:
        ready(str path): a thumbnail for ``path`` is now available from :meth:`get`.
    """

    ready = Signal(str)

    def __init__(self, size: int = 48, max_items: int = 2000, max_pending: int = 256,
                 parent: QObject | None = None, device_pixel_ratio: float | None = None) -> None:
        super().__init__(parent)
        self.size = size
        if device_pixel_ratio is None:
            app = QGuiApplication.instance()
            device_pixel_ratio = app.devicePixelRatio() if app is not None else 1.0
        self.device_pixel_ratio = max(1.0, float(device_pixel_ratio))
        self.pixel_size = max(1, round(size * self.device_pixel_ratio))  # box side in device pixels
        self.max_pending = max_pending
        self._cache: LRUCache[str, object] = LRUCache(max_items)
        # path -> (pixmap, the image of _cache it was made from): an image put since makes a new pixmap
        self._pixmaps: LRUCache[str, tuple[QPixmap, QImage]] = LRUCache(max_items)
        self._pending: OrderedDict[str, None] = OrderedDict()
        self._in_flight: set[str] = set()
        self._lock = threading.Lock()
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(2)
        self._closed = False

    def get(self, path: str) -> QPixmap | None:
        """The thumbnail as a pixmap, or ``None`` (then it is queued and ``ready`` follows). GUI thread."""
        image = self._cache.get(path)
        made = self._pixmaps.get(path)
        if made is not None and (image is None or image is made[1]):  # not replaced since (or only evicted)
            return made[0]
        if image is _BROKEN:
            return None
        if isinstance(image, QImage):
            pix = QPixmap.fromImage(_enlarge_tiny(image, self.pixel_size))
            pix.setDevicePixelRatio(self.device_pixel_ratio)  # size * ratio device pixels, drawn at size
            self._pixmaps.put(path, (pix, image))
            return pix
        self._request(path)
        return None

    def put(self, path: str, rgb) -> None:
        """Keep a thumbnail made elsewhere (the pipeline makes one from the decode that fed the model), so
        that :meth:`get` does not decode the file again. Safe to call from any thread.

        Args:
            path: the photo's path, as the table's rows hold it.
            rgb: ``(h, w, 3) uint8`` RGB, at most :attr:`pixel_size` pixels a side.

        A thumbnail put for a path already shown replaces it (its file changed and was classified again).

        Raises:
            ValueError: on a wrong shape or dtype.
        """
        self._cache.put(path, to_qimage(rgb))

    def forget(self, path: str) -> None:
        """Forget the thumbnail of ``path`` (its file changed): the next :meth:`get` makes it again from the
        file. Safe to call from any thread."""
        self._cache.put(path, _FORGOTTEN)

    def _request(self, path: str) -> None:
        if self._closed:
            return
        with self._lock:
            if path in self._in_flight:
                return
            self._pending[path] = None
            self._pending.move_to_end(path)
            while len(self._pending) > self.max_pending:
                self._pending.popitem(last=False)
        self._pool.start(_ThumbTask(self))

    def _take_newest(self) -> str | None:
        with self._lock:
            if self._closed or not self._pending:
                return None
            path, _ = self._pending.popitem(last=True)
            self._in_flight.add(path)
            return path

    def _finished(self, path: str, image: object) -> None:  # worker thread
        self._cache.put(path, image)
        with self._lock:
            self._in_flight.discard(path)
            closed = self._closed
        if not closed and image is not _BROKEN:
            self.ready.emit(path)

    def pending(self) -> int:
        """Queued and running requests."""
        with self._lock:
            return len(self._pending) + len(self._in_flight)

    def clear(self) -> None:
        """Forget every thumbnail and queued request."""
        with self._lock:
            self._pending.clear()
        self._cache.clear()
        self._pixmaps.clear()

    def shutdown(self) -> None:
        """Stop: drop queued requests and wait for running ones. Safe to call twice."""
        with self._lock:
            self._closed = True
            self._pending.clear()
        self._pool.clear()
        self._pool.waitForDone()
