"""File ▸ Copy to Folders… / Move to Folders… / Undo Last Sort: the Qt side of :mod:`core.sorting`.

The photos are the selected rows when several are selected, otherwise every row the filter shows. A
summary (how many go where, collisions, what is skipped) is asked about before anything is written; the
copying runs in a ``QThread`` with the window's progress bar; moved rows follow their files.
"""

from __future__ import annotations

import os
import threading
from collections import Counter

from PySide6.QtCore import QThread, Signal

from catdog_gui.core.sorting import JOURNAL_NAME, SortItem, run_sort

__all__ = ["SortWorker", "summary_text"]


def summary_text(plan: list[SortItem], mode: str, target: str, skipped_errors: int) -> str:
    """What the confirmation dialog says before a sort: per folder counts, renamed photos, skipped ones."""
    per_folder = Counter(item.category for item in plan)
    renamed = sum(os.path.basename(i.destination) != os.path.basename(i.source) for i in plan)
    verb = "Copy" if mode == "copy" else "Move"
    lines = [f"{verb} {len(plan)} photo{'s' if len(plan) != 1 else ''} into {target}:", ""]
    lines += [f"    {folder}/    {n}" for folder, n in sorted(per_folder.items())]
    lines.append("")
    if renamed:
        lines.append(f"{renamed} name{'s are' if renamed != 1 else ' is'} already taken there: "
                     "they get a suffix, e.g. “photo (1).jpg”. Nothing is overwritten.")
    else:
        lines.append("Nothing is overwritten.")
    if skipped_errors:
        lines.append(f"{skipped_errors} unreadable photo{'s stay' if skipped_errors != 1 else ' stays'} where "
                     f"{'they are' if skipped_errors != 1 else 'it is'}.")
    lines.append("File ▸ Undo Last Sort puts " + ("moved photos back." if mode == "move" else
                                                    "it back (deletes the copies)."))
    return "\n".join(lines)


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
