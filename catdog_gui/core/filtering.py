"""Which results a view shows: a category (every row, one class, uncertain, errors), a confidence range
and a search text on the file name or its folder. Qt-free; the results table's proxy model asks it row by row.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass

from catdog_gui.core.results import Result, Status
from catdog_gui.core.verdicts import effective_label

__all__ = ["ALL", "ERRORS", "UNCERTAIN", "ResultFilter", "folder_name"]

ALL, UNCERTAIN, ERRORS = "all", "uncertain", "errors"


def folder_name(path: str) -> str:
    """The name of the folder holding ``path`` (``"cat"`` for ``/photos/cat/x.jpg``; ``"/"`` at the root)."""
    parent = os.path.dirname(path)
    return os.path.basename(parent) or parent


@dataclass(frozen=True)
class ResultFilter:
    """A row filter.

    Args:
        category: ``"all"``, a class label (its confident results and the rows a person marked so, as the
            summary counts them), ``"uncertain"`` (degenerate input or below ``threshold``, not marked by a
            person: :func:`~catdog_gui.core.verdicts.effective_label`) or ``"errors"``.
        low, high: confidence range in [0, 1], inclusive; rows without a confidence (errors) are kept only
            by the ``"all"`` and ``"errors"`` categories.
        text: case-insensitive substring of the file name or its folder's name ("" matches everything).
        threshold: the uncertain threshold (top probability) of the model in use.
    """

    category: str = ALL
    low: float = 0.0
    high: float = 1.0
    text: str = ""
    threshold: float = 0.8

    @property
    def active(self) -> bool:
        """Whether the filter hides anything at all."""
        return self.category != ALL or self.low > 0.0 or self.high < 1.0 or bool(self.text.strip())

    def accepts(self, r: Result) -> bool:
        """Whether ``r`` is shown."""
        ok = r.status == Status.OK
        confidence = r.confidence if ok and not math.isnan(r.confidence) else None
        verdict = effective_label(r, self.threshold)  # a person's mark wins over the model
        if self.category == ERRORS and ok:
            return False
        if self.category == UNCERTAIN and verdict != UNCERTAIN:
            return False
        if self.category not in (ALL, ERRORS, UNCERTAIN) and (not ok or verdict != self.category):
            return False
        in_range = confidence is not None and self.low - 1e-9 <= confidence <= self.high + 1e-9
        if (self.low > 0.0 or self.high < 1.0) and self.category != ERRORS and not in_range:
            return False
        needle = self.text.strip().casefold()
        return not needle or needle in r.name.casefold() or needle in folder_name(r.path).casefold()
