"""Run Python's cyclic garbage collector on the GUI thread only.

Python collects reference cycles in whichever thread happens to allocate when a generation's threshold is
crossed. With decode threads allocating all the time, that is often a worker thread, and a cycle holding
Qt objects (a closed window, a pixmap held by a lambda slot) is then destroyed off the GUI thread, which
Qt does not allow: the process crashes in ``Garbage-collecting`` (seen in this project's GUI tests, in
``PIL.Image.open`` on a decode thread). The usual remedy, as in pyqtgraph's
``pyqtgraph.util.garbage_collector.GarbageCollector``, is to switch automatic collection off and collect
from a timer on the GUI thread with the same generation thresholds.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer

__all__ = ["MainThreadGarbageCollector"]


class MainThreadGarbageCollector(QObject):
    """Disable automatic ``gc`` and collect on this (GUI) thread every ``interval_ms`` milliseconds.

    Generations are collected when :func:`gc.get_count` passes :func:`gc.get_threshold`, as the
    interpreter itself would. :meth:`stop` (also called when the object is destroyed with its parent)
    gives automatic collection back.

    Args:
        parent: usually the ``QApplication``; the collector lives as long as it does.
        interval_ms: milliseconds between checks (default 500).
    """

    def __init__(self, parent: QObject | None = None, interval_ms: int = 500) -> None:
        super().__init__(parent)
        self._threshold = gc.get_threshold()
        self._was_enabled = gc.isenabled()
        gc.disable()
        self._timer = QTimer(self)
        self._timer.timeout.connect(self.collect_if_due)
        self._timer.start(interval_ms)
        self.destroyed.connect(_enable_gc)

    def collect_if_due(self) -> int:
        """Collect the generations whose thresholds are passed; returns the number of objects freed."""
        count0, count1, count2 = gc.get_count()
        if count0 <= self._threshold[0]:
            return 0
        if count1 > self._threshold[1]:
            return gc.collect(2 if count2 > self._threshold[2] else 1)
        return gc.collect(0)

    def stop(self) -> None:
        """Stop the timer, collect once here, and switch automatic collection back on."""
        self._timer.stop()
        gc.collect()
        if self._was_enabled:
            gc.enable()


def _enable_gc(*_args) -> None:
    gc.enable()
