"""Which results a view shows: a category (every row, one class, uncertain, errors), a confidence range
and a search text on the file name or its folder. Qt-free; the results table's proxy model asks it row by row.
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterable
from dataclasses import dataclass

from catdog_gui.core.results import Result, Status
from catdog_gui.core.verdicts import effective_label

__all__ = ["ALL", "ERRORS", "UNCERTAIN", "ResultFilter", "folder_name", "folder_text", "root_of"]

ALL, UNCERTAIN, ERRORS = "all", "uncertain", "errors"


def folder_name(path: str) -> str:
    """The name of the folder holding ``path`` (``"cat"`` for ``/photos/cat/x.jpg``; ``"/"`` at the root)."""
    parent = os.path.dirname(path)
    return os.path.basename(parent) or parent


def root_of(path: str, roots: Iterable[str]) -> str:
    """The topmost of ``roots`` (folders the person opened, absolute) that holds ``path``; ``""`` for none (a
    photo opened on its own). The topmost, so that opening a subfolder again later does not change how the
    folders below the first one read."""
    held = [r for r in roots if path.startswith(os.path.join(r, ""))]
    return min(held, key=len) if held else ""


def folder_text(path: str, root: str = "") -> str:
    """The folder of ``path`` as the table shows it: below ``root`` (the folder the person opened, see
    :func:`root_of`) as ``/``-joined names (``"2020/03/cats"`` for ``<root>/2020/03/cats/x.jpg``), so
    photos in the folders of a nested library can be told apart; the folder's own name (:func:`folder_name`)
    for a photo directly in ``root``, or without a ``root``."""
    parent = os.path.dirname(path)
    if root and parent != root and parent.startswith(os.path.join(root, "")):
        return os.path.relpath(parent, root).replace(os.sep, "/")
    return folder_name(path)


@dataclass(frozen=True)
class ResultFilter:
    """A row filter.

    Args:
        category: ``"all"``, a class label (its confident results and the rows a person marked so, as the
            summary counts them), ``"uncertain"`` (degenerate input or below ``threshold``, not marked by a
            person: :func:`~catdog_gui.core.verdicts.effective_label`) or ``"errors"``.
        low, high: confidence range in [0, 1], inclusive; rows without a confidence (errors) are kept only
            by the ``"all"`` and ``"errors"`` categories.
        text: case-insensitive substring of the file name or of its folder as the table shows it
            (:func:`folder_text`: ``"2020/03"`` finds the photos in ``<root>/2020/03/...``; a ``\\`` counts as
            ``/``); "" matches everything.
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

    def accepts(self, r: Result, root: str = "") -> bool:
        """Whether ``r`` is shown; ``root``: the opened folder that holds it (:func:`folder_text`)."""
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
        needle = self.text.strip().casefold().replace("\\", "/")
        # folder_text ends with the folder's own name (or is it), so that name is matched too
        return not needle or needle in r.name.casefold() or needle in folder_text(r.path, root).casefold()
