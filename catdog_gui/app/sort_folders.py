"""File ▸ Copy to Folders… / Move to Folders… / Undo Last Sort: the Qt side of :mod:`core.sorting`.

The photos are the selected rows that the filter shows, or all rows shown, the same rule and choice as Write
Tags (:mod:`catdog_gui.app.sort_scope`). A summary (which photos, how many go where, collisions, what is
skipped: photos already there with the same bytes too) is asked about before anything is written; the
copying runs in a ``QThread`` with the window's progress bar; moved rows follow their files.
"""

from __future__ import annotations

import os
import threading
from collections import Counter

from PySide6.QtCore import QThread, Signal

from catdog_gui.core.sorting import JOURNAL_NAME, SortItem, count_sorts, last_journal, run_sort

__all__ = ["SortWorker", "earlier_text", "summary_text"]


def summary_text(plan: list[SortItem], mode: str, target: str, skipped_errors: int, only_selected: bool) -> str:
    """What the confirmation dialog says before a sort: which photos (the selected ones, ``only_selected``, or
    all shown), per folder counts, renamed photos, skipped ones (in the app's language; translated in
    :class:`SortWorker`'s context). The folder names stay as they are on disk."""
    in_place = sum(item.in_place for item in plan)
    already = sum(item.already for item in plan)
    plan = [item for item in plan if not item.in_place and not item.already]
    per_folder = Counter(item.category for item in plan)
    renamed = sum(os.path.basename(i.destination) != os.path.basename(i.source) for i in plan)
    lines = [_head(mode, only_selected, len(plan)).format(target=target), ""]
    lines += [f"    {folder}/    {n}" for folder, n in sorted(per_folder.items())]
    lines.append("")
    if renamed:
        lines.append(SortWorker.tr("%n name(s) already taken there: they get a suffix, e.g. “photo (1).jpg”. "
                                   "Nothing is overwritten.", "", renamed))
    else:
        lines.append(SortWorker.tr("Nothing is overwritten."))
    if in_place:
        lines.append(SortWorker.tr("%n photo(s) already in their folder stay as they are.", "", in_place))
    if already:
        lines.append(SortWorker.tr("%n photo(s) already there with the same content are skipped.", "", already))
    if skipped_errors:
        lines.append(SortWorker.tr("%n unreadable photo(s) stay where they are.", "", skipped_errors))
    lines.append(SortWorker.tr("File ▸ Undo Last Sort puts moved photos back.") if mode == "move" else
                 SortWorker.tr("File ▸ Undo Last Sort puts it back (deletes the copies)."))
    earlier = count_sorts(last_journal(target)) if os.path.isdir(target) else 0
    if earlier:
        lines.append(SortWorker.tr("%n earlier sort(s) into this folder stay undoable: Undo Last Sort undoes this "
                                   "one first, then the earlier ones, newest first.", "", earlier))
    return "\n".join(lines)


def _head(mode: str, only_selected: bool, n: int) -> str:
    """The summary's first line: "Move 1 selected photo into {target}:", "Copy all 40 shown photos into
    {target}:" (``n`` photos to copy or move; the ``{target}`` placeholder is left in)."""
    if only_selected:
        return (SortWorker.tr("Copy %n selected photo(s) into {target}:", "", n) if mode == "copy"
                else SortWorker.tr("Move %n selected photo(s) into {target}:", "", n))
    return (SortWorker.tr("Copy all %n shown photo(s) into {target}:", "", n) if mode == "copy"
            else SortWorker.tr("Move all %n shown photo(s) into {target}:", "", n))


def earlier_text(earlier: int) -> str:
    """What is said after Undo Last Sort when the target's journal still holds ``earlier`` (> 0) sorts (in the
    app's language); "" when it holds none."""
    if not earlier:
        return ""
    return SortWorker.tr("%n earlier sort(s) in this folder can be undone with Undo Last Sort again.", "", earlier)


class SortWorker(QThread):
    """Runs :func:`core.sorting.run_sort` off the GUI thread.

    Signals:
        progress(int done, int total)
        finished_sort(object report): the :class:`core.sorting.SortReport`.
    """

    progress = Signal(int, int)
    finished_sort = Signal(object)

    def __init__(self, plan: list[SortItem], mode: str, target: str, parent=None) -> None:
        super().__init__(parent)
        self.plan, self.mode, self.target = plan, mode, target
        self.journal = os.path.join(target, JOURNAL_NAME)
        self._cancel = threading.Event()

    def cancel(self) -> None:
        self._cancel.set()

    def run(self) -> None:  # worker thread
        try:
            report = run_sort(self.plan, self.mode, self.journal, progress=self.progress.emit,
                              cancel=self._cancel.is_set)
        except Exception as exc:  # noqa: BLE001 - shown to the user
            from catdog_gui.core.sorting import SortReport

            report = SortReport(self.mode, stopped=f"{type(exc).__name__}: {exc}")
        self.finished_sort.emit(report)
