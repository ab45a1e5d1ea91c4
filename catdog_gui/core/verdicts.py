"""The verdict a photo counts as wherever a verdict is used: a person's mark wins over the model.

The results table keeps the model's answer and, beside it, the label a person gave the photo by hand
(:attr:`Result.person_label <catdog_gui.core.results.Result.person_label>`, "Mark as cat/dog"). The
summary counts, the filter bar's class buttons, sort-into-folders and XMP tags all ask
:func:`effective_label`, so a photo the model called cat and a person marked dog counts as a dog, is
shown under Dog, goes to ``dog/`` and is tagged ``Dog`` (source ``hand``). A person's mark also overrides
``uncertain``. The CSV keeps both: the model's verdict in ``label``, the person's in ``label_by_person``.
"""

from __future__ import annotations

from catdog_gui.core.results import Result

__all__ = ["effective_label", "label_source", "marked_by_person", "SOURCE_MODEL", "SOURCE_PERSON"]

SOURCE_MODEL, SOURCE_PERSON = "model", "person"


def marked_by_person(result: Result) -> bool:
    """Whether a person gave this classified (``ok``) row a label by hand."""
    return result.ok and bool(result.person_label)


def effective_label(result: Result, threshold: float | None) -> str:
    """What the row counts as: the person's label when there is one, else the model's verdict at
    ``threshold`` (a class label, or ``"uncertain"``: :meth:`Result.verdict`); ``""`` for an error row
    (a photo that could not be read is never counted, sorted or tagged as a class, mark or not).

    Args:
        result: one row.
        threshold: the uncertain threshold (top probability in [0, 1]) of the model in use; None checks
            only degenerate inputs.
    """
    if not result.ok:
        return ""
    return result.person_label or result.verdict(threshold)


def label_source(result: Result) -> str:
    """``"person"`` when :func:`effective_label` is a person's mark, else ``"model"``."""
    return SOURCE_PERSON if marked_by_person(result) else SOURCE_MODEL
