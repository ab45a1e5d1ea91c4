"""Notice when a top-level window's native window is gone without a close event.

When another client destroys our X11 window (``xdotool windowclose``, a window manager or compositor
that crashes and takes its frames along), Qt gets no close event: only an Expose event saying the window
is no longer exposed, exactly as when it is minimised or moved to another workspace. To tell the two
apart, :func:`x11_window_exists` asks the X server, on a connection of its own, for the window's
attributes: a destroyed window answers ``BadWindow``. libxcb is loaded through :mod:`ctypes` (it is there
whenever Qt's xcb platform plugin runs); ``xcb_get_window_attributes`` is documented in the X protocol
(https://www.x.org/releases/current/doc/xproto/x11protocol.html#requests:GetWindowAttributes).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os

from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtGui import QGuiApplication, QWindow
from PySide6.QtWidgets import QWidget

__all__ = ["NativeWindowWatcher", "x11_window_exists"]

CHECK_DELAY_MS = 300  # after the window stops being exposed, before asking the X server


class _Cookie(ctypes.Structure):
    _fields_ = [("sequence", ctypes.c_uint)]


def _libxcb():
    name = ctypes.util.find_library("xcb") or "libxcb.so.1"
    lib = ctypes.CDLL(name)
    lib.xcb_connect.restype = ctypes.c_void_p
    lib.xcb_connect.argtypes = [ctypes.c_char_p, ctypes.POINTER(ctypes.c_int)]
    lib.xcb_connection_has_error.argtypes = [ctypes.c_void_p]
    lib.xcb_disconnect.argtypes = [ctypes.c_void_p]
    lib.xcb_get_window_attributes.restype = _Cookie
    lib.xcb_get_window_attributes.argtypes = [ctypes.c_void_p, ctypes.c_uint32]
    lib.xcb_get_window_attributes_reply.restype = ctypes.c_void_p
    lib.xcb_get_window_attributes_reply.argtypes = [ctypes.c_void_p, _Cookie, ctypes.POINTER(ctypes.c_void_p)]
    return lib


def x11_window_exists(window_id: int, display: str | None = None) -> bool | None:
    """``True``/``False``: the X server has/has not a window ``window_id``; ``None``: cannot tell.

    Args:
        window_id: the X11 window id (``int(widget.winId())`` under the xcb platform).
        display: X display name (default ``$DISPLAY``).

    ``None`` when libxcb is missing or the display cannot be reached: callers then keep the window.
    """
    display = display if display is not None else os.environ.get("DISPLAY")
    if not display:
        return None
    try:
        lib = _libxcb()
    except OSError:
        return None
    libc = ctypes.CDLL(None)
    libc.free.argtypes = [ctypes.c_void_p]
    conn = lib.xcb_connect(display.encode(), None)
    try:
        if not conn or lib.xcb_connection_has_error(conn):
            return None
        error = ctypes.c_void_p()
        reply = lib.xcb_get_window_attributes_reply(conn, lib.xcb_get_window_attributes(conn, window_id),
                                                    ctypes.byref(error))
        if reply:
            libc.free(reply)
            return True
        if error.value:
            libc.free(error)
            return False  # BadWindow: no such window
        return None
    finally:
        if conn:
            lib.xcb_disconnect(conn)


class NativeWindowWatcher(QObject):
    """Emits :attr:`lost` once when ``widget``'s native window goes away without a close event.

    Two ways it goes: the widget's ``QWindow`` is deleted (``QWidget.destroy()``, any platform), or, under
    X11, the window stops being exposed and the X server no longer knows its id (destroyed by another
    client). A minimised or hidden window is still known to the X server and is left alone.

    Args:
        widget: a top-level widget; watching starts when it is first shown.

    Signals:
        lost(): the native window is gone; the owner should stop its work and quit.
    """

    lost = Signal()

    def __init__(self, widget: QWidget) -> None:
        super().__init__(widget)
        self._widget = widget
        self._handle: QWindow | None = None
        self._done = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(CHECK_DELAY_MS)
        self._timer.timeout.connect(self._check)
        widget.installEventFilter(self)

    def stop(self) -> None:
        """Stop watching (the owner is closing normally)."""
        self._done = True
        self._timer.stop()

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 - Qt's name
        kind = event.type()
        if obj is self._widget and kind == QEvent.Type.Show:
            handle = self._widget.windowHandle()
            if handle is not None and handle is not self._handle:
                self._handle = handle
                handle.installEventFilter(self)
                handle.destroyed.connect(self._on_handle_destroyed)
        elif obj is self._handle and kind == QEvent.Type.Expose and not self._done and not self._handle.isExposed():
            self._timer.start()
        return False

    def _on_handle_destroyed(self, *_args) -> None:
        self._handle = None
        self._emit()

    def _check(self) -> None:
        handle = self._handle
        if self._done or handle is None or handle.isExposed():
            return
        if QGuiApplication.platformName() == "xcb" and x11_window_exists(int(handle.winId())) is False:
            self._emit()

    def _emit(self) -> None:
        if not self._done:
            self._done = True
            self.lost.emit()
