"""Decode pool + batched inference: turn a list of image paths into an iterator of per-image results.

Photos are decoded and preprocessed in a pool of threads (Pillow releases the GIL while decoding)
ahead of inference, a bounded number of batches at a time, so memory stays flat however many files
there are. A batch that ONNX Runtime has no memory for is inferred in smaller pieces (halved, down to one
photo, the smaller size kept for the rest of the run), with the same results. Every path gets exactly one :class:`~catdog_gui.core.results.Result`, in input order: ``ok``
with its prediction, or ``error`` with a human-readable reason; a bad file never stops the run. The same
generator drives the CLI and the app's worker thread.

Stopping is immediate at any batch size: inference runs in its own thread while the generator polls, so
setting ``cancel`` (or Ctrl-C in the consuming thread, or closing the generator) ends the ONNX Runtime
call within one operator (``RunOptions.terminate``) and drops the decodes not yet started.
"""

from __future__ import annotations

import functools
import inspect
import os
import re
import threading
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field

import numpy as np

from catdog_gui.core.degenerate import degenerate_reason
from catdog_gui.core.imaging import ImageDecodeError, Preprocessing, load_rgb, normalize, resize_for_model
from catdog_gui.core.ort_errors import onnx_runtime_reason
from catdog_gui.core.results import STATUS_ERROR, STATUS_OK, Result
from catdog_gui.core.thumbnails import shrink_to_thumbnail

__all__ = ["DEFAULT_BATCH_SIZE", "RunSummary", "classify", "summarize", "decode_one", "decode_with_thumbnail",
           "PREFETCH_BATCHES"]

# Photos per inference call. Measured (benchmarks/RESULTS.md, 2 cores, 256x256, int8): throughput barely moves
# above 8, while ONNX Runtime's peak activation memory grows with the batch; with flip TTA (2x the batch) the
# CLI peaked at 439 MB RSS at batch 8 and 825 MB at batch 16 (/usr/bin/time -v, 600 photos).
DEFAULT_BATCH_SIZE = 8

PREFETCH_BATCHES = 4  # batches decoded or decoding ahead of inference, at most
_POLL_S = 0.1  # how often a wait for decoding or inference checks ``cancel``


@dataclass
class RunSummary:
    """Counts and speed of one run.

    Attributes:
        total: results produced (ok + errors).
        ok, errors: results per status.
        per_class: confident ``ok`` results per predicted label (every label present, possibly 0).
        uncertain: ``ok`` results that are uncertain (:meth:`Result.is_uncertain`); ``ok`` is
            ``sum(per_class.values()) + uncertain``.
        skipped_non_images: files in folders skipped as not images (no result each).
        unreadable_dirs: folders the scan could not read (their photos are missing from the results).
        elapsed_s: wall time of the run in seconds.
        images_per_s: ``total / elapsed_s`` (0 when nothing ran).
        cancelled: whether the run was stopped early.
    """

    total: int
    ok: int
    errors: int
    per_class: dict[str, int] = field(default_factory=dict)
    uncertain: int = 0
    skipped_non_images: int = 0
    unreadable_dirs: int = 0
    elapsed_s: float = 0.0
    images_per_s: float = 0.0
    cancelled: bool = False


def decode_one(path: str, spec: Preprocessing, notes: list[str] | None = None,
               degenerate: list[str] | None = None) -> np.ndarray | str:
    """Preprocess one file for the model; never raises for a bad file.

    Args:
        path: the image file.
        spec: the model's preprocessing.
        notes: when given, notes on what was repaired or ignored in the file are appended (see
            :func:`~catdog_gui.core.imaging.load_rgb`).
        degenerate: when given, why the decoded photo is degenerate (tiny, flat, a strip:
            :func:`~catdog_gui.core.degenerate.degenerate_reason`) is appended, if it is.

    Returns:
        ``[3, H, W] float32`` on success, else the human-readable reason (str).
    """
    return _decode(path, spec, notes, degenerate, None)


def _decode(path: str, spec: Preprocessing, notes: list[str] | None, degenerate: list[str] | None,
            thumbnail_size: int | None):
    """:func:`decode_one` (``thumbnail_size`` None) or :func:`decode_with_thumbnail`: one decode, and every
    failure turned into its human-readable reason."""
    try:
        image = load_rgb(path, min_size=spec.image_size, background=spec.background, notes=notes)
        x = _model_input(image, spec, degenerate)
        return x if thumbnail_size is None else (x, shrink_to_thumbnail(image, thumbnail_size))
    except ImageDecodeError as exc:
        return str(exc)
    except MemoryError:
        return "not enough memory to decode this image"
    except Exception as exc:  # noqa: BLE001 - a decoder bug on one odd file must not stop the run
        return f"cannot decode: {type(exc).__name__}: {exc}"


def _model_input(image, spec: Preprocessing, degenerate: list[str] | None) -> np.ndarray:
    """The model's ``[3, H, W] float32`` input from a decoded RGB image; why it is degenerate, if it is, is
    appended to ``degenerate`` (when given)."""
    resized = resize_for_model(image, spec)
    if degenerate is not None:
        reason = degenerate_reason(image.width, image.height, resized)
        if reason:
            degenerate.append(reason)
    return normalize(np.asarray(resized), spec)


def decode_with_thumbnail(path: str, spec: Preprocessing, notes: list[str] | None = None,
                          thumbnail_size: int = 64, degenerate: list[str] | None = None
                          ) -> tuple[np.ndarray, np.ndarray] | str:
    """Decode one file once and make both the model's input and a small thumbnail from it; never raises.

    The photo is decoded as for :func:`decode_one` (big JPEGs through draft mode, to no less than twice the
    model's input size), the model's input is made from it, then the same image is shrunk to the thumbnail.

    Args:
        path: the image file.
        spec: the model's preprocessing.
        notes: as for :func:`decode_one`.
        thumbnail_size: the thumbnail's box side in pixels (>= 1), device pixels for the app.
        degenerate: as for :func:`decode_one`.

    Returns:
        ``([3, H, W] float32, (h, w, 3) uint8 RGB with max(h, w) <= thumbnail_size)`` on success, else the
        human-readable reason (str).
    """
    return _decode(path, spec, notes, degenerate, thumbnail_size)


def _error(path: str, reason: str, note: str = "") -> Result:
    return Result(path=path, status=STATUS_ERROR, error=reason, note=note)


def _run_options(engine):
    """An ``onnxruntime.RunOptions`` when ``engine.predict`` takes one (the real Engine), else None."""
    try:
        if "run_options" not in inspect.signature(engine.predict).parameters:
            return None
        import onnxruntime

        return onnxruntime.RunOptions()
    except (TypeError, ValueError, ImportError):
        return None


# ONNX Runtime's texts when memory runs out: its arena ("Failed to allocate memory for requested buffer of size N"),
# C++'s std::bad_alloc, CUDA ("out of memory", cuDNN's and cuBLAS's *_STATUS_ALLOC_FAILED)
_ALLOCATION_FAILURE = re.compile(r"failed to allocate memory|bad_alloc|out of memory|STATUS_ALLOC_FAILED", re.IGNORECASE)


def _is_allocation_failure(exc: BaseException) -> bool:
    """Whether an inference call failed for want of memory (ONNX Runtime's ``Fail`` / ``RuntimeException`` with
    an allocation message, or Python's ``MemoryError``), so that fewer photos at a time may succeed."""
    return isinstance(exc, MemoryError) or _ALLOCATION_FAILURE.search(str(exc)) is not None


class _PieceSize:
    """The most photos one inference call of a run gets: the batch size until memory runs out, then halved
    (:func:`_probabilities`), and kept for the rest of the run, so that each later batch does not fail first."""

    def __init__(self) -> None:
        self.limit: int | None = None  # None: the whole batch


def _probabilities(engine, arrays: Sequence[np.ndarray], run_options, piece: _PieceSize) -> np.ndarray:
    """``[N, C] float32`` probabilities of the ``N`` photos ``arrays`` (each ``[3, H, W] float32``), at most
    ``piece.limit`` per inference call; a call that runs out of memory is tried again with half as many photos,
    down to 1 (the results do not depend on the batch's size).

    Raises:
        Exception: the engine's, when one photo alone fails, or on a failure other than an allocation failure.
    """
    out: list[np.ndarray] = []
    start = 0
    while start < len(arrays):
        size = min(piece.limit or len(arrays), len(arrays) - start)
        try:
            x = np.stack(arrays[start:start + size])
            _, p = engine.predict(x) if run_options is None else engine.predict(x, run_options=run_options)
        except Exception as exc:
            if size == 1 or not _is_allocation_failure(exc):
                raise
            piece.limit = size // 2
            continue
        out.append(p)
        start += size
    return np.concatenate(out)


def _inference_error(exc: BaseException) -> str:
    """A photo's error when inference failed: ONNX Runtime's reason in one line (:func:`onnx_runtime_reason`)."""
    if _is_allocation_failure(exc):
        return f"inference failed: not enough memory even for one photo at a time ({onnx_runtime_reason(exc)})"
    return f"inference failed: {onnx_runtime_reason(exc)}"


def _classified(engine, paths: Sequence[str], arrays: Sequence[np.ndarray], notes: Sequence[str],
                run_options=None, thumbnails: Sequence[np.ndarray | None] | None = None,
                degenerate: Sequence[str] | None = None, piece: _PieceSize | None = None) -> list[Result]:
    """One ``ok`` :class:`Result` per photo of a batch, or an error for each when inference fails (memory
    running out is first met by smaller pieces of the batch: :func:`_probabilities`)."""
    labels = engine.info.labels
    try:
        probabilities = _probabilities(engine, arrays, run_options, piece or _PieceSize())
    except Exception as exc:  # noqa: BLE001 - report the batch as errors rather than losing the run
        return [_error(p, _inference_error(exc), n) for p, n in zip(paths, notes)]
    results = []
    thumbnails = thumbnails if thumbnails is not None else [None] * len(paths)
    degenerate = degenerate if degenerate is not None else [""] * len(paths)
    for path, probs, note, thumb, why in zip(paths, probabilities, notes, thumbnails, degenerate):
        best = int(np.argmax(probs))
        results.append(Result(path=path, status=STATUS_OK, label=labels[best], confidence=float(probs[best]),
                              probabilities=tuple(float(v) for v in probs), note=note, thumbnail=thumb,
                              uncertain_because=why))
    return results


def _checked_workers(batch_size: int, decode_workers: int | None, thumbnail_size: int) -> int:
    """:func:`classify`'s decoding threads, after checking its arguments (ValueError, as documented there)."""
    if batch_size < 1:
        raise ValueError(f"batch_size must be >= 1, got {batch_size!r}")
    workers = decode_workers if decode_workers is not None else min(8, os.cpu_count() or 1)
    if workers < 1:
        raise ValueError(f"decode_workers must be >= 1, got {decode_workers!r}")
    if thumbnail_size < 0:
        raise ValueError(f"thumbnail_size must be >= 0, got {thumbnail_size!r}")
    return workers


def _submit_decodes(pool: ThreadPoolExecutor, chunk: list[str], spec, thumbnail_size: int
                    ) -> tuple[list[str], list[Future], list[list[str]], list[list[str]]]:
    """Queue the decoding of ``chunk``: ``(chunk, futures, notes, flags)``, each list one entry per file."""
    notes: list[list[str]] = [[] for _ in chunk]  # one list per file, filled by its decode thread
    flags: list[list[str]] = [[] for _ in chunk]  # why a file is degenerate, likewise
    if thumbnail_size:
        futures = [pool.submit(decode_with_thumbnail, p, spec, n, thumbnail_size, f)
                   for p, n, f in zip(chunk, notes, flags)]
    else:
        futures = [pool.submit(decode_one, p, spec, n, f) for p, n, f in zip(chunk, notes, flags)]
    return chunk, futures, notes, flags


def _queue_next(pending: deque, chunks: Iterator[list[str]], pool: ThreadPoolExecutor, spec,
                thumbnail_size: int) -> bool:
    """Queue the decoding of the next chunk onto ``pending``; False when there is none left."""
    chunk = next(chunks, None)
    if chunk is not None:
        pending.append(_submit_decodes(pool, chunk, spec, thumbnail_size))
    return chunk is not None


def _stop(pool: ThreadPoolExecutor, infer: ThreadPoolExecutor, pending: deque, terminate, cancel: threading.Event
          ) -> None:
    """End a :func:`classify` run: ``terminate`` (run options, or None when the run finished) stops the
    ONNX Runtime call in flight, within one operator; queued decodes and inference are dropped."""
    if terminate is not None:
        terminate.terminate = True
    infer.shutdown(wait=False, cancel_futures=True)
    for _, futures, _, _ in pending:
        for f in futures:
            f.cancel()
    # On cancel, return at once: a decode already running (one per worker) finishes on its own.
    pool.shutdown(wait=not cancel.is_set(), cancel_futures=True)


def _wait_unless_cancelled(futures: Sequence[Future], cancel: threading.Event) -> bool:
    """Wait for every future, checking ``cancel`` every ``_POLL_S``; False when it was set first."""
    not_done = set(futures)
    while not_done and not cancel.is_set():
        _, not_done = wait(not_done, timeout=_POLL_S, return_when=FIRST_COMPLETED)
    return not cancel.is_set()


def _submit_inference(infer: ThreadPoolExecutor, engine, chunk: list[str], decoded: list, notes: list[str],
                      flags: list[list[str]], run_options, piece: _PieceSize) -> Future | None:
    """Queue :func:`_classified` for the photos of ``chunk`` that decoded (None when none did). It runs in
    its own thread so that the caller keeps polling ``cancel`` (and takes Ctrl-C at once)."""
    good = [(p, a, n) for p, a, n in zip(chunk, decoded, notes) if not isinstance(a, str)]
    if not good:
        return None
    why = ["; ".join(f) for f, a in zip(flags, decoded) if not isinstance(a, str)]
    arrays = [a[0] if isinstance(a, tuple) else a for _, a, _ in good]
    thumbs = [a[1] if isinstance(a, tuple) else None for _, a, _ in good]
    return infer.submit(_classified, engine, [p for p, _, _ in good], arrays, [n for _, _, n in good],
                        run_options, thumbs, why, piece)


def classify(engine, paths: Sequence[str], batch_size: int = DEFAULT_BATCH_SIZE, decode_workers: int | None = None,
             cancel: threading.Event | None = None, thumbnail_size: int = 0) -> Iterator[Result]:
    """Classify ``paths`` with ``engine``, yielding one :class:`Result` per path, in input order.

    Args:
        engine: an opened :class:`~catdog_gui.core.model.Engine` (its ``info.preprocessing`` is used).
        paths: image files (e.g. from :func:`catdog_gui.core.scan.scan_paths`).
        batch_size: photos per inference call (>= 1; fewer where memory runs out: :func:`_probabilities`).
        decode_workers: decoding threads (default: ``min(8, os.cpu_count())``).
        cancel: when set (from any thread), the generator stops before its next result, within about
            0.1 s whether it is waiting for decoding or for inference (the ONNX Runtime call in flight is
            terminated); results already yielded stay valid. Pending decodes are dropped. An exception in
            the consuming thread (Ctrl-C's KeyboardInterrupt) or closing the generator stops it the same way.
        thumbnail_size: when > 0, each ``ok`` result also carries a thumbnail of at most this many pixels a
            side (``Result.thumbnail``), made from the decode that fed the model, so the app need not decode
            the file again (:func:`decode_with_thumbnail`); 0 (the CLI) makes none.

    Yields:
        ``Result`` objects: ``ok`` with label, confidence and probabilities, or ``error`` with a reason.
        Never raises for a bad file. At most ``(PREFETCH_BATCHES + 1) * batch_size`` photos are held decoded.

    Raises:
        ValueError: ``batch_size < 1``, ``decode_workers < 1`` or ``thumbnail_size < 0``.
    """
    workers = _checked_workers(batch_size, decode_workers, thumbnail_size)
    paths = list(paths)
    if not paths:
        return
    spec = engine.info.preprocessing
    cancel = cancel if cancel is not None else threading.Event()
    chunks = (paths[i:i + batch_size] for i in range(0, len(paths), batch_size))
    pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="catdog-decode")
    infer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="catdog-infer")
    run_options, piece = _run_options(engine), _PieceSize()
    finished = False
    pending: deque[tuple[list[str], list[Future], list[list[str]], list[list[str]]]] = deque()

    submit_next = functools.partial(_queue_next, pending, chunks, pool, spec, thumbnail_size)

    try:
        while len(pending) < PREFETCH_BATCHES and submit_next():
            pass
        while pending and not cancel.is_set():
            chunk, futures, notes, flags = pending.popleft()
            if not _wait_unless_cancelled(futures, cancel):
                break
            submit_next()  # keep the decoders busy while this batch is inferred
            decoded = [f.result() for f in futures]
            notes_text = ["; ".join(n) for n in notes]
            running = _submit_inference(infer, engine, chunk, decoded, notes_text, flags, run_options, piece)
            if running is not None and not _wait_unless_cancelled([running], cancel):
                break
            classified = iter(running.result() if running is not None else [])
            for path, value, note in zip(chunk, decoded, notes_text):
                if cancel.is_set():
                    return
                yield _error(path, value, note) if isinstance(value, str) else next(classified)
        finished = not cancel.is_set()
    finally:
        _stop(pool, infer, pending, None if finished else run_options, cancel)


def summarize(results: Iterable[Result], labels: Sequence[str], elapsed_s: float, skipped_non_images: int = 0,
              cancelled: bool = False, threshold: float | None = None, unreadable_dirs: int = 0) -> RunSummary:
    """Count results per status, uncertain, and per predicted class (as the app's tally counts them).

    Args:
        results: the results of a run.
        labels: the model's class names (every one appears in ``per_class``).
        elapsed_s: wall time of the run in seconds.
        skipped_non_images: files skipped by the folder scan as not images.
        cancelled: whether the run was stopped early.
        threshold: the uncertain threshold (None: only degenerate inputs are uncertain).
        unreadable_dirs: folders the scan could not read (``len(ScanReport.unreadable_dirs)``).

    Returns:
        A :class:`RunSummary`.
    """
    per_class = {label: 0 for label in labels}
    ok = errors = uncertain = 0
    for r in results:
        if r.status == STATUS_OK:
            ok += 1
            if r.is_uncertain(threshold):
                uncertain += 1
            else:
                per_class[r.label] = per_class.get(r.label, 0) + 1
        else:
            errors += 1
    total = ok + errors
    rate = total / elapsed_s if elapsed_s > 0 else 0.0
    return RunSummary(total=total, ok=ok, errors=errors, per_class=per_class, uncertain=uncertain,
                      skipped_non_images=skipped_non_images, unreadable_dirs=unreadable_dirs,
                      elapsed_s=float(elapsed_s), images_per_s=rate, cancelled=cancelled)
