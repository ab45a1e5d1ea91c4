"""catdog_gui.app.garbage: reference cycles are freed on the GUI thread, not on a decode thread."""

from __future__ import annotations

import gc
import threading
import weakref

from catdog_gui.app.garbage import MainThreadGarbageCollector


class _Node:
    def __init__(self) -> None:
        self.me = self  # a reference cycle: only the cyclic collector frees it


def test_cycles_made_on_a_worker_thread_are_freed_on_the_gui_thread(qapp, qtbot):
    freed_on: list[str] = []
    collector = MainThreadGarbageCollector(qapp, interval_ms=20)
    try:
        assert not gc.isenabled()

        def worker():
            nodes = [_Node() for _ in range(5000)]  # far past generation 0's threshold
            for node in nodes:
                weakref.finalize(node, lambda: freed_on.append(threading.current_thread().name))
            del nodes
            [_Node() for _ in range(5000)]  # more allocations: automatic gc would have run here

        t = threading.Thread(target=worker, name="decode")
        t.start()
        t.join()
        assert freed_on == []  # nothing was collected on the worker thread
        qtbot.waitUntil(lambda: len(freed_on) >= 5000, timeout=5000)
        assert set(freed_on) == {threading.main_thread().name}
    finally:
        collector.stop()
    assert gc.isenabled()
