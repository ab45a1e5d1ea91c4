"""Counts over every result in the table, and how long a run has left.

- :class:`Tally`: per-class counts, ``uncertain`` (:meth:`Result.is_uncertain
  <catdog_gui.core.results.Result.is_uncertain>`: a degenerate input, or a top probability below the
  threshold) and ``errors``, updated batch by batch as rows arrive; a row a person marked by hand counts
  under the person's label (:func:`~catdog_gui.core.verdicts.effective_label`).
- :class:`RemainingTime`: a time-remaining estimate from the recent throughput (a sliding window, so
  start-up costs such as loading the model and the first, slower batches do not skew it), given only
  once a few photos and a few seconds have gone by.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from catdog_gui.core.results import UNCERTAIN, Result, Status
from catdog_gui.core.verdicts import effective_label

__all__ = ["DEFAULT_UNCERTAIN_THRESHOLD", "RemainingTime", "Tally", "format_duration", "uncertain_threshold",
           "valid_threshold"]

# The ONNX contract's example value (DESIGN.md, metadata ``uncertain_threshold``); used for models whose
# metadata does not carry a fitted one (``python -m training.threshold`` fits and records one).
DEFAULT_UNCERTAIN_THRESHOLD = 0.8


def valid_threshold(value: object) -> float | None:
    """``value`` as a threshold: a probability in (0, 1); None when it is not one."""
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return number if 0.0 < number < 1.0 else None


def uncertain_threshold(metadata: Mapping[str, str], override: float | None = None) -> float:
    """The threshold in use: ``override`` (``--threshold``, the app's setting) when given, else the model's
    ``uncertain_threshold`` metadata (a probability in (0, 1)), else the default 0.8."""
    if override is not None and valid_threshold(override) is not None:
        return float(override)
    value = valid_threshold(metadata.get("uncertain_threshold"))
    return DEFAULT_UNCERTAIN_THRESHOLD if value is None else value


@dataclass
class Tally:
    """Counts of results: each ``ok`` result is either ``uncertain`` or counted under its label (the
    person's label when marked by hand: :func:`~catdog_gui.core.verdicts.effective_label`).

    Args:
        labels: class names in the model's order (every one gets a count, 0 included).
        threshold: top probability below which an ``ok`` result is ``uncertain``.
    """

    labels: Sequence[str]
    threshold: float = DEFAULT_UNCERTAIN_THRESHOLD
    per_class: dict[str, int] = field(default_factory=dict)
    uncertain: int = 0
    errors: int = 0

    def __post_init__(self) -> None:
        self.per_class = {label: 0 for label in self.labels}

    @property
    def total(self) -> int:
        return sum(self.per_class.values()) + self.uncertain + self.errors

    def is_uncertain(self, result: Result) -> bool:
        """``True`` for an ``ok`` result that is uncertain (:meth:`Result.is_uncertain` at this threshold)."""
        return result.is_uncertain(self.threshold)

    def add(self, results: Iterable[Result]) -> None:
        """Count a batch of new results."""
        for r in results:
            if r.status != Status.OK:
                self.errors += 1
            else:
                verdict = effective_label(r, self.threshold)  # a person's mark wins over the model
                if verdict == UNCERTAIN:
                    self.uncertain += 1
                else:
                    self.per_class[verdict] = self.per_class.get(verdict, 0) + 1

    def clear(self) -> None:
        self.per_class = {label: 0 for label in self.labels}
        self.uncertain = self.errors = 0


def format_duration(seconds: float) -> str:
    """``42 s``, ``3 min 05 s``, ``1 h 02 min`` (rounded up to whole seconds; 5 s steps past a minute)."""
    s = max(0, math.ceil(seconds))
    if s < 60:
        return f"{s} s"
    if s < 3600:
        s = 5 * math.ceil(s / 5)
        return f"{s // 60} min {s % 60:02d} s"
    m = math.ceil(s / 60)
    return f"{m // 60} h {m % 60:02d} min"


class RemainingTime:
    """Time left in a run, from the throughput over the last ``window_s`` seconds.

    Args:
        window_s: seconds of history the rate is measured over (default 10).
        min_done: photos that must be done, and ``min_elapsed_s`` seconds gone by since the first
            progress update, before any estimate is given (default 8 photos, 3 s).
    """

    def __init__(self, window_s: float = 10.0, min_done: int = 8, min_elapsed_s: float = 3.0) -> None:
        self.window_s, self.min_done, self.min_elapsed_s = window_s, min_done, min_elapsed_s
        self._samples: deque[tuple[float, int]] = deque()
        self._start: float | None = None

    def reset(self) -> None:
        self._samples.clear()
        self._start = None

    def update(self, done: int, total: int, now: float) -> float | None:
        """Record ``done`` of ``total`` at time ``now`` (seconds, monotonic); return seconds left or ``None``.

        ``None`` until ``min_done`` photos and ``min_elapsed_s`` seconds, and while no progress was made
        within the window.
        """
        if self._start is None:
            self._start = now
        self._samples.append((now, done))
        while len(self._samples) > 2 and now - self._samples[1][0] >= self.window_s:
            self._samples.popleft()
        if done < self.min_done or now - self._start < self.min_elapsed_s or done >= total:
            return None if done < total else 0.0
        t0, d0 = self._samples[0]
        if now <= t0 or done <= d0:
            return None
        rate = (done - d0) / (now - t0)
        return (total - done) / rate

    def rate(self) -> float | None:
        """Photos per second over the window, ``None`` before two samples."""
        if len(self._samples) < 2:
            return None
        (t0, d0), (t1, d1) = self._samples[0], self._samples[-1]
        return (d1 - d0) / (t1 - t0) if t1 > t0 else None
