"""The per-image result record and its CSV export (shared by the CLI and the app's File > Export CSV).

The CSV opens correctly in Excel and is safe to open there: UTF-8 with a byte-order mark, RFC 4180
quoting (CRLF line ends; fields with commas, quotes or line breaks quoted, quotes doubled), numbers with
a dot decimal, and text cells that start with ``=``, ``+``, ``-``, ``@``, tab or carriage return prefixed
with ``'`` so that a spreadsheet does not run them as formulas (OWASP "CSV injection"). Numeric columns
are left untouched. The file is written atomically: a temporary file in the same folder, then a rename;
where the folder refuses new files but the CSV already exists and is writable (a shared folder the user
may only update files in), it is rewritten in place instead, with an :class:`InPlaceWriteWarning`. A symbolic
link is followed: the file it leads to is replaced and the link kept. A character device or named pipe
(``/dev/null``, ``/dev/stdout`` into a pipe) is written through, without the byte-order mark (a program
reads it, as with ``catdog-classify --csv -``); a folder, socket or block device is refused.
"""

from __future__ import annotations

import csv
import io
import math
import os
import tempfile
import warnings
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import Enum

import numpy as np

from catdog_gui.core.atomic import check_not_read_only, finish_replace, resolve_target
from catdog_gui.core.pathtext import path_text

__all__ = ["Result", "percent_texts", "csv_columns", "run_settings", "RUN_COLUMNS", "write_csv", "write_csv_rows", "neutralize_cell",
           "InPlaceWriteWarning", "Status", "STATUS_OK", "STATUS_ERROR", "UNCERTAIN"]



class Status(str, Enum):
    """A result's status. A ``str``: ``status == "ok"``, the CSV text and JSON stay as they were, so code that
    still compares with the bare strings keeps working while it moves to the members."""

    OK = "ok"
    ERROR = "error"

    __str__ = str.__str__
    __format__ = str.__format__


STATUS_OK = Status.OK
STATUS_ERROR = Status.ERROR
UNCERTAIN = "uncertain"  # the verdict of a row whose answer is not worth much (Result.verdict)
_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


class InPlaceWriteWarning(UserWarning):
    """:func:`write_csv` rewrote an existing file in place (not atomically): its folder is read-only."""


def percent_texts(first: float, second: float, max_decimals: int = 6) -> tuple[str, str]:
    """Two probabilities in [0, 1] as percent texts to be read side by side: one decimal (``"96.1%"``), or,
    when different numbers give the same one-decimal text, the fewest decimals up to ``max_decimals`` that
    tell them apart (0.960571 and 0.961 give ``("96.06%", "96.10%")``), so that "below" never reads as
    equal. Equal numbers (or ones that differ beyond ``max_decimals``) keep their equal texts.

    Raises ValueError when ``max_decimals`` is below 1."""
    if max_decimals < 1:
        raise ValueError(f"max_decimals {max_decimals!r} must be at least 1")
    for decimals in range(1, max_decimals + 1):
        texts = f"{first:.{decimals}%}", f"{second:.{decimals}%}"
        if texts[0] != texts[1] or first == second:
            return texts
    return texts


@dataclass(frozen=True)
class Result:
    """The outcome for one file; holds no pixels, except a small thumbnail on its way to the app.

    Attributes:
        path: the file as scanned (absolute path string).
        status: :attr:`Status.OK` or :attr:`Status.ERROR` (equal to ``"ok"`` / ``"error"``).
        label: predicted class name (``""`` on error).
        confidence: probability of ``label`` in [0, 1] (NaN on error).
        probabilities: one probability per model label, in the model's label order (empty on error).
        error: human-readable reason when ``status == "error"`` (``""`` otherwise).
        note: what was repaired or ignored while decoding the file, human-readable, ``"; "``-separated
            (a damaged EXIF block, an unusable colour profile, an empty alpha channel); ``""`` when nothing.
        thumbnail: ``(h, w, 3) uint8`` RGB preview made from the same decode as the model's input, when
            :func:`~catdog_gui.core.pipeline.classify` was asked for one (``thumbnail_size``), else None.
            Not compared, not printed, not written to CSV; the app takes it and keeps the row without it.
        uncertain_because: why the row is ``uncertain`` whatever the threshold (a degenerate input, see
            :mod:`catdog_gui.core.degenerate`, or a verdict read back from tags); ``""`` when nothing.
        person_label: the label a person gave the photo by hand ("Mark as"), ``""`` when none; it wins over
            the model wherever a verdict is used (:func:`catdog_gui.core.verdicts.effective_label`), while
            ``label`` stays the model's answer.
    """

    path: str
    status: Status | str
    label: str = ""
    confidence: float = float("nan")
    probabilities: tuple[float, ...] = ()
    error: str = ""
    note: str = ""
    thumbnail: np.ndarray | None = field(default=None, compare=False, repr=False)
    uncertain_because: str = ""
    person_label: str = ""

    @property
    def name(self) -> str:
        """The file name without its folder."""
        return os.path.basename(self.path)

    @property
    def ok(self) -> bool:
        """True when the file was classified."""
        return self.status == STATUS_OK

    def uncertain_reason(self, threshold: float | None) -> str:
        """Why this ``ok`` row is ``uncertain``, or ``""`` when it is not (errors are never uncertain).

        The one definition used by the CSV, the summaries, the filters, the gallery, sorting and tags: the
        input is degenerate (:attr:`uncertain_because`), or the top probability is below ``threshold`` (or
        not a number, unless the row is a person's verdict with no model answer: ``person_label == label``,
        as ``--skip-tagged`` reads one from the tags). ``threshold`` None checks only the former.
        """
        if not self.ok:
            return ""
        if self.uncertain_because:
            return self.uncertain_because
        if math.isnan(self.confidence):  # a person's verdict with no model answer kept (read from tags) stands
            return "" if self.person_label and self.person_label == self.label else "no confidence"
        if threshold is not None and self.confidence < threshold:
            confidence, threshold_text = percent_texts(self.confidence, threshold)
            return f"top probability {confidence} below the threshold {threshold_text}"
        return ""

    def is_uncertain(self, threshold: float | None) -> bool:
        """Whether :meth:`uncertain_reason` gives a reason."""
        return bool(self.uncertain_reason(threshold))

    def verdict(self, threshold: float | None) -> str:
        """What the row says: ``"uncertain"``, else the top label (``label``, ``""`` for an error)."""
        if not self.ok:
            return self.label
        return UNCERTAIN if self.is_uncertain(threshold) else self.label


def csv_columns(labels: Sequence[str], run_columns: Sequence[str] = ()) -> list[str]:
    """CSV header: ``path, label, confidence, p_<label> for each label, status, error, note, top_label,
    uncertain_reason``, then ``run_columns`` (settings of the run repeated on every row, e.g. ``model, provider,
    precision, tta, threshold``: :func:`run_settings`). ``label`` is the verdict (``uncertain`` included),
    ``top_label`` the model's most probable class."""
    return ["path", "label", "confidence", *[f"p_{label}" for label in labels], "status", "error", "note",
            "top_label", "uncertain_reason", *run_columns]


RUN_COLUMNS = ("model", "provider", "precision", "tta", "threshold")


def run_settings(engine, threshold: float) -> dict[str, str]:
    """The run columns of a CSV (:data:`RUN_COLUMNS`) for an opened :class:`~catdog_gui.core.model.Engine`:
    model file name, the provider in use (e.g. ``CPUExecutionProvider``), ``fp32``/``int8``, ``flip``/``none``,
    and the uncertain threshold (a probability, 3 decimals)."""
    return {"model": engine.info.name, "provider": engine.providers[0] if engine.providers else "",
            "precision": engine.precision, "tta": "flip" if engine.tta else "none", "threshold": f"{threshold:.3f}"}


def neutralize_cell(text: str) -> str:
    """Prefix a text cell with ``'`` when a spreadsheet would read it as a formula (starts with ``=``,
    ``+``, ``-``, ``@``, tab or carriage return); other text is returned unchanged."""
    return "'" + text if text.startswith(_FORMULA_PREFIXES) else text


def _text(text: str) -> str:
    """A text cell that encodes as UTF-8 (:func:`~catdog_gui.core.pathtext.path_text`: the raw bytes of a file
    name that is not valid UTF-8 as ``\\xNN``, instead of making the whole CSV fail to write), formula-neutralised."""
    return neutralize_cell(path_text(text))


def _number(value: float) -> str:
    """A probability as text with a dot decimal (locale-independent); NaN -> empty cell."""
    if value is None or not math.isfinite(value):
        return ""
    return f"{value:.6f}"


def _row(result: Result, labels: Sequence[str], threshold: float | None) -> list[str]:
    probs = list(result.probabilities) if len(result.probabilities) == len(labels) else [math.nan] * len(labels)
    return [_text(result.path), _text(result.verdict(threshold)), _number(result.confidence),
            *[_number(p) for p in probs], _text(result.status), _text(result.error), _text(result.note),
            _text(result.label), _text(result.uncertain_reason(threshold))]


def write_csv(results: Iterable[Result], path: str | os.PathLike, labels: Sequence[str],
              run_info: Mapping[str, str] | None = None, threshold: float | None = None) -> int:
    """Write one row per result to ``path`` atomically (see the module docstring for the format).

    Args:
        results: the results, in the order they should appear.
        path: destination; replaced in one step (``os.replace``) only once fully written, so a reader
            never sees a half-written file and a failure leaves any previous file intact. A symbolic link:
            the file it leads to is replaced, the link kept; a character device or named pipe: written
            through (no byte-order mark, no temporary file).
        labels: the model's class names (columns ``p_<label>``).
        run_info: settings of the run (column -> value, e.g. ``{"precision": "int8", "tta": "flip"}``),
            appended as columns with the same value on every row; a callable value ``f(result) -> str``
            gives each row its own cell (the GUI's ``label_by_person``).
        threshold: the uncertain threshold: rows below it (or with a degenerate input) get ``label``
            ``uncertain`` and a ``uncertain_reason``; None marks only degenerate inputs.

    Returns:
        The number of data rows written (the header not counted).

    Warns:
        InPlaceWriteWarning: the folder refuses new files (read-only share, no write permission) but
            ``path`` exists and is writable: the file was rewritten in place, so a failure midway could
            leave it half-written.

    Raises:
        OSError: the folder does not exist, or is not writable and ``path`` is not an existing writable
            file (nothing is left behind); ``path`` is a folder, a socket or a block device
            (:func:`~catdog_gui.core.atomic.resolve_target`); PermissionError when ``path`` is marked
            read-only (:func:`~catdog_gui.core.atomic.check_not_read_only`).
    """
    path, stream = resolve_target(os.fspath(path), streams=True)
    if stream:
        return _write_through(results, path, labels, run_info, threshold)
    folder = os.path.dirname(os.path.abspath(path))
    check_not_read_only(path)
    try:
        fd, tmp = tempfile.mkstemp(prefix=".catdog-", suffix=".csv.tmp", dir=folder)
    except OSError as exc:
        if not os.path.isfile(path):
            raise
        return _write_in_place(results, path, labels, exc, run_info, threshold)
    return finish_replace(fd, tmp, path, lambda f: _write_rows(f, results, labels, run_info, threshold), text=True)


def write_csv_rows(f, results: Iterable[Result], labels: Sequence[str], run_info: Mapping[str, str] | None = None,
                   threshold: float | None = None) -> int:
    """Write the CSV :func:`write_csv` writes (header and rows, CRLF line ends, no byte-order mark) to the text
    stream ``f``, opened with ``newline=""``; returns the data rows written. For a stream that is no file
    (standard output)."""
    return _write_rows(f, results, labels, run_info, threshold)


def _write_rows(f, results: Iterable[Result], labels: Sequence[str], run_info: Mapping[str, str] | None = None,
                threshold: float | None = None) -> int:
    writer = csv.writer(f, dialect="excel", quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    extra = dict(run_info or {})
    writer.writerow(csv_columns(labels, list(extra)))
    cells = [None if callable(value) else _text(str(value)) for value in extra.values()]
    per_row = any(callable(value) for value in extra.values())
    rows = 0
    for result in results:
        row_cells = ([_text(str(v(result))) if callable(v) else c for v, c in zip(extra.values(), cells)]
                     if per_row else cells)
        writer.writerow(_row(result, labels, threshold) + row_cells)
        rows += 1
    return rows


def _write_through(results: Iterable[Result], path: str, labels: Sequence[str],
                   run_info: Mapping[str, str] | None = None, threshold: float | None = None) -> int:
    """Write the CSV (no byte-order mark) straight into the character device or named pipe ``path``, or this
    process's open file (``/dev/stdout`` into a log file): opened for appending only (no new file is made,
    nothing truncated or renamed, a log opened with ``>>`` keeps what it had); a pipe waits for its reader."""
    with open(os.open(path, os.O_WRONLY | os.O_APPEND), "w", encoding="utf-8", newline="") as f:
        return _write_rows(f, results, labels, run_info, threshold)


def _write_in_place(results: Iterable[Result], path: str, labels: Sequence[str], refused: OSError,
                    run_info: Mapping[str, str] | None = None, threshold: float | None = None) -> int:
    """Rewrite the existing ``path`` in place: the whole CSV is built in memory first, so the file is open
    for writing only for one write; re-raises ``refused`` when the file itself cannot be written."""
    buffer = io.StringIO(newline="")
    rows = _write_rows(buffer, results, labels, run_info, threshold)
    data = buffer.getvalue().encode("utf-8-sig")
    try:
        f = open(path, "r+b")  # noqa: SIM115 - closed by the `with` below; not "wb": open the file before truncating it, so a refusal changes nothing
    except OSError:
        raise refused from None
    with f:
        f.write(data)
        f.truncate()
        f.flush()
        os.fsync(f.fileno())
    warnings.warn(f"{path}: its folder does not allow new files ({refused.strerror or refused}), so the CSV "
                  "was rewritten in place instead of replaced atomically", InPlaceWriteWarning, stacklevel=3)
    return rows
