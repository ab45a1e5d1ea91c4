"""Thin Qt workers over core generators: they run off the GUI thread and turn yields into signals.

- :class:`ClassifyWorker` drives ``core.scan`` and ``core.pipeline.classify`` in a ``QThread`` and emits
  results in batches (so a folder of thousands costs a few hundred model notifications, not thousands);
  the thumbnails the pipeline made from its one decode per photo go to a sink (the thumbnail cache).
- :class:`ExplainRunner` computes one photo's :class:`core.explain.Explanation` in a single-thread
  ``QThreadPool``; only the latest request is computed, stale ones are skipped.

Every worker is stopped and waited for by :meth:`shutdown`, so closing the window mid-run leaves no
thread running and no signal aimed at a deleted object.
"""

from __future__ import annotations

import contextlib
import dataclasses
import threading
import time
from collections.abc import Callable, Iterable, Sequence

from PySide6.QtCore import QObject, QRunnable, QThread, QThreadPool, Signal

from catdog_gui.core import pipeline
from catdog_gui.core.results import Result, Status
from catdog_gui.core.scan import ScanReport, iter_image_paths
from catdog_gui.core.xmp import with_hand_verdicts

BATCH_SECONDS = 0.2  # emit accumulated results at most this often...
BATCH_MAX = 256  # ...or when this many have accumulated
MISSING = "no such file or folder"  # a missing path's error, as catdog-classify writes it


class ClassifyWorker(QThread):
    """Scan ``paths`` and classify every image found, in this thread.

    Args:
        engine, paths, skip, batch_size: the model, files and folders to classify, paths already done.
        known: the paths already in the table: a file among them that the scan reaches by another path (a
            symlink, a folder link) keeps its table path, so it stays one row (as catdog-classify counts it).
        thumbnail_size: when > 0, the pipeline makes each photo's thumbnail (at most this many device
            pixels a side) from the decode that feeds the model, and ``thumbnail_sink(path, rgb)`` receives
            it in this thread before the result is emitted; the emitted results carry no pixels.
        threshold: the uncertain threshold the ``done`` summary counts with (None: degenerate inputs only).

    Signals:
        scanned(int total, int skipped_non_images, list missing): after the scan, before inference.
        results(list[Result]): a batch of new results, in the order they were classified.
        progress(int done, int total, float images_per_s)
        done(object summary): a :class:`core.pipeline.RunSummary` (``cancelled`` set when cancelled); as
            catdog-classify counts, a missing path is one of its ``errors``.

    Attributes:
        errors: the run's error rows (missing paths first, then files that could not be classified), set by
            the time ``done`` is emitted.
        unreadable: folder -> why it could not be listed (``"Permission denied"``), likewise; its photos are
            not in the run (the summary's ``unreadable_dirs`` counts them).
        outside_links: how many folder links the scan did not follow because they lead outside the folders
            dropped (``core.scan.ScanReport.outside_links``), likewise.
        failed(str message): the run stopped on an unexpected error (rows so far stay valid).
    """

    scanned = Signal(int, int, list)
    results = Signal(list)
    progress = Signal(int, int, float)
    done = Signal(object)
    failed = Signal(str)

    def __init__(self, engine, paths: Sequence[str], skip: frozenset[str] = frozenset(),
                 batch_size: int = 16, parent: QObject | None = None, thumbnail_size: int = 0,
                 thumbnail_sink: Callable[[str, object], None] | None = None, threshold: float | None = None,
                 known: Iterable[str] = ()) -> None:
        super().__init__(parent)
        self.engine = engine
        self.threshold = threshold  # the uncertain threshold the run's summary counts with
        self.paths = [str(p) for p in paths]
        self.skip = skip
        self.known = list(known)
        self.already_done = 0  # images found that were in ``skip`` (set by the scan)
        self.errors: list[Result] = []
        self.unreadable: dict[str, str] = {}
        self.outside_links = 0
        self.batch_size = batch_size
        self.thumbnail_size = thumbnail_size if thumbnail_sink is not None else 0
        self.thumbnail_sink = thumbnail_sink
        self._cancel = threading.Event()

    def cancel(self) -> None:
        """Ask the run to stop soon; results already emitted stay valid. Thread-safe."""
        self._cancel.set()

    def run(self) -> None:  # runs in the worker thread
        labels = list(self.engine.info.labels)
        report = ScanReport()
        start = time.perf_counter()
        finished: list[Result] = []
        try:
            todo = []
            for path in iter_image_paths(self.paths, report, known=self.known):
                if self._cancel.is_set():
                    break
                if path not in self.skip:
                    todo.append(path)
                else:
                    self.already_done += 1
            self.scanned.emit(len(todo), report.skipped_non_images, list(report.missing))
            pending: list[Result] = []
            last_emit = time.perf_counter()
            if not self._cancel.is_set():
                for result in pipeline.classify(self.engine, todo, batch_size=self.batch_size,
                                                cancel=self._cancel, thumbnail_size=self.thumbnail_size):
                    if result.thumbnail is not None:
                        # a thumbnail that cannot be kept is made later, on demand, by the thumbnail workers
                        with contextlib.suppress(Exception):
                            self.thumbnail_sink(result.path, result.thumbnail)
                        result = dataclasses.replace(result, thumbnail=None)
                    pending.append(result)
                    finished.append(result)
                    now = time.perf_counter()
                    if len(pending) >= BATCH_MAX or now - last_emit >= BATCH_SECONDS:
                        self._emit(pending, len(finished), len(todo), now - start)
                        pending, last_emit = [], now
            self._emit(pending, len(finished), len(todo), time.perf_counter() - start)
            elapsed = time.perf_counter() - start
            missing = [Result(path=p, status=Status.ERROR, error=MISSING) for p in report.missing]
            self.errors = missing + [r for r in finished if not r.ok]
            self.unreadable = dict(report.unreadable_why)
            self.outside_links = len(report.outside_links)
            summary = pipeline.summarize(missing + finished, labels, elapsed, report.skipped_non_images,
                                         cancelled=self._cancel.is_set(), threshold=self.threshold,
                                         unreadable_dirs=len(report.unreadable_dirs))
            self.done.emit(summary)
        except Exception as exc:  # noqa: BLE001 - report anything unexpected to the GUI, keep its rows
            self.failed.emit(f"{type(exc).__name__}: {exc}")

    def _emit(self, batch: list[Result], done: int, total: int, elapsed: float) -> None:
        if batch:  # a verdict a person wrote into the tags (Mark as, then Write Tags) comes back as their mark
            self.results.emit(with_hand_verdicts(batch))
        self.progress.emit(done, total, done / elapsed if elapsed > 0 else 0.0)


class _ExplainTask(QRunnable):
    def __init__(self, runner: ExplainRunner, token: int, explainer, path: str) -> None:
        super().__init__()
        self.runner, self.token, self.explainer, self.path = runner, token, explainer, path

    def run(self) -> None:  # worker thread
        if self.token != self.runner._latest:  # a newer request superseded this one
            return
        try:
            exp = self.explainer.explain(self.path)
        except Exception as exc:  # noqa: BLE001 - shown in the detail view
            self.runner.failed.emit(self.token, self.path, str(exc) or type(exc).__name__)
            return
        self.runner.ready.emit(self.token, exp)


class ExplainRunner(QObject):
    """Computes explanations one at a time off the GUI thread; the latest request wins.

    Signals:
        ready(int token, object explanation)
        failed(int token, str path, str message)
    """

    ready = Signal(int, object)
    failed = Signal(int, str, str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._latest = 0

    def request(self, explainer, path: str) -> int:
        """Queue ``explainer.explain(path)``; returns the request's token (ignore other tokens)."""
        self._latest += 1
        self._pool.start(_ExplainTask(self, self._latest, explainer, path))
        return self._latest

    def shutdown(self) -> None:
        """Drop queued requests and wait for the running one."""
        self._latest += 1
        self._pool.clear()
        self._pool.waitForDone()
