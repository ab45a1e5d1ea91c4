"""``catdog-gui --startup-report``: how long from the process's start to a usable window, then quit.

"Usable" = the main window is exposed on screen (``QWindow.isExposed``) **and** a model is loaded
(``window.engine`` set; or the model failed and the window says so). The report is one line on stdout::

    startup: window shown 0.84 s, model loaded 0.97 s after process start (catdog-xception.onnx, CPU)

Times count from the process's creation as the kernel recorded it (Linux: ``/proc/self/stat`` field 22,
``starttime``, in clock ticks since boot, compared with ``CLOCK_BOOTTIME``; resolution 1/``SC_CLK_TCK``
= 10 ms), so a PyInstaller bootloader's unpacking and the interpreter's own start-up are included.
Elsewhere it counts from this module's import (later than the true start; the benchmark in
``benchmarks/cold_start.py`` also times the whole command from outside).
"""

from __future__ import annotations

import os
import sys
import time

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QApplication, QMainWindow

__all__ = ["seconds_since_process_start", "StartupReporter"]

_IMPORTED_AT = time.monotonic()


def _linux_process_age() -> float | None:
    try:
        with open("/proc/self/stat", "rb") as f:
            stat = f.read().decode("ascii", "replace")
        # field 2 (comm) is in parentheses and may hold spaces: split after its closing parenthesis
        fields = stat[stat.rindex(")") + 2:].split()
        start_ticks = int(fields[19])  # field 22 overall: starttime
        return time.clock_gettime(time.CLOCK_BOOTTIME) - start_ticks / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError, AttributeError):
        return None


def seconds_since_process_start() -> float:
    """Seconds since this process was created (Linux, 10 ms resolution); elsewhere since this module was
    imported."""
    if sys.platform.startswith("linux"):
        age = _linux_process_age()
        if age is not None:
            return age
    return time.monotonic() - _IMPORTED_AT


class StartupReporter(QObject):
    """Polls (every 5 ms) until ``window`` is exposed and has a model (``window.engine``), prints the startup
    line, and quits the application with status 0; 1 when that has not happened within ``timeout_s``
    (for example the model failed to load).

    Args:
        window: the main window (needs ``engine`` and ``windowHandle()``).
        app: the running application, quit when done.
        timeout_s: give up (status 1, "not ready after ... s") after this many seconds.
    """

    def __init__(self, window: QMainWindow, app: QApplication, timeout_s: float = 60.0) -> None:
        super().__init__(window)
        self._window, self._app, self._timeout_s = window, app, timeout_s
        self._shown_s: float | None = None
        self._timer = QTimer(self)
        self._timer.setInterval(5)
        self._timer.timeout.connect(self._poll)
        self._timer.start()

    def _poll(self) -> None:
        now = seconds_since_process_start()
        handle = self._window.windowHandle()
        if self._shown_s is None and handle is not None and handle.isExposed():
            self._shown_s = now
        engine = getattr(self._window, "engine", None)
        if self._shown_s is not None and engine is not None:
            self._timer.stop()
            print(f"startup: window shown {self._shown_s:.2f} s, model loaded {now:.2f} s after process "
                  f"start ({engine.info.name}, {engine.describe_provider()})", flush=True)
            self._app.exit(0)
        elif self._shown_s is not None and engine is None and QApplication.activeModalWidget() is not None:
            # the model failed and a dialog says so: report at once instead of waiting for the timeout
            self._timer.stop()
            dialog = QApplication.activeModalWidget()
            reason = " ".join(getattr(dialog, "text", lambda: "")().split())
            print(f"startup: window shown {self._shown_s:.2f} s, no model loaded after {now:.2f} s: {reason}",
                  flush=True)
            self._app.exit(1)  # ends the dialog's own event loop too
        elif now > self._timeout_s:
            self._timer.stop()
            print(f"startup: not ready after {now:.1f} s (window shown: {self._shown_s is not None}, "
                  f"model loaded: {engine is not None})", flush=True)
            self._app.exit(1)
