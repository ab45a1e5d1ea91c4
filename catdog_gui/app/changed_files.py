"""Rows whose photo changed on disk after it was classified (a file replaced or edited under the same name).

A row's verdict is about the picture its file held when it was classified. The window keeps each row's file
stamp from then (``MainWindow._stamps``: ``(size in bytes, mtime in ns)``, :func:`main_window.file_stamp`);
a file whose stamp differs now holds another picture, and its row's verdict may be wrong for it.

What the app does about such a row:

- Copy/Move to Folders and Write Tags classify the changed photos again *first*, then act on the same photos
  with their new verdicts (:meth:`ChangedFiles.fresh_first`). Acting on the old verdict would put a dog into
  ``cat/``, or bind the old verdict to the new file's SHA-256 in its tags; leaving the rows out would make the
  person find and add them again by hand. Classifying a few photos again takes a moment, and it is the same
  run a second drop of the folder starts. A photo whose file changed *again* meanwhile (or whose new run was
  cancelled) is left out, and the status bar names it.
- Selecting a changed row classifies it again, so the table and the detail view (which reads the file anew)
  agree (:meth:`ChangedFiles.refresh_current`).
- Export CSV writes the rows as they are, each with the verdict of the picture it was classified from; the
  status bar says how many photos changed since (:meth:`ChangedFiles.export_note`).

A file that is gone (deleted, or moved away by another program) is not "changed": sorting and tagging report
it as an error of their own, and dropping its folder again removes its row.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from typing import TypeVar

from PySide6.QtCore import QObject, QTimer

from catdog_gui.core.results import Result

__all__ = ["ChangedFiles", "NAMED"]

NAMED = 3  # the status bar names this many of the changed photos
T = TypeVar("T")


class ChangedFiles(QObject):
    """Finds the window's rows whose file changed since it was classified, and classifies them again.

    Args:
        window: the :class:`~catdog_gui.app.main_window.MainWindow` (its ``_stamps``, ``results``,
            ``classify()``, ``run_finished`` and status bar are used).
        stamp: ``path -> (size, mtime_ns) | None``, the file's stamp now (``main_window.file_stamp``).
    """

    def __init__(self, window, stamp: Callable[[str], tuple[int, int] | None]) -> None:
        super().__init__(window)
        self.window = window
        self._stamp = stamp

    def changed(self, rows: Sequence[Result]) -> list[str]:
        """Paths of ``rows`` whose file is on disk with another stamp than when its row arrived, in row order.
        Rows without a stamp (a path asked for that was not found) and files that are gone are not counted."""
        stamps = self.window._stamps
        out = []
        for r in rows:
            before = stamps.get(r.path)
            now = self._stamp(r.path) if before is not None else None
            if now is not None and now != before:
                out.append(r.path)
        return out

    def fresh_first(self, rows: Sequence[Result], act: Callable[[list[Result]], T]) -> T | None:
        """Call ``act(rows)`` now when none of ``rows`` changed on disk since it was classified; returns what
        ``act`` returns.

        Otherwise classify the changed photos again, and once that run has ended call ``act`` (from the event
        loop, outside the run's signals) with the same photos' rows as they are then: new verdicts for the
        changed ones. Rows whose file changed again meanwhile, or whose run was cancelled, are left out and
        named in the status bar; a row the run removed is left out. Returns None: ``act`` runs later.
        """
        changed = self.changed(rows)
        if not changed:
            return act(list(rows))
        paths = [r.path for r in rows]
        window = self.window
        window.statusBar().showMessage(self.tr(
            "%n photo(s) changed on disk after classification: classifying again first", "", len(changed)))

        def ended() -> None:
            window.run_finished.disconnect(ended)
            QTimer.singleShot(0, window, lambda: act(self._rows_now(paths)))

        window.run_finished.connect(ended)
        window.classify(changed, show_all=False)
        return None

    def _rows_now(self, paths: Sequence[str]) -> list[Result]:
        """The rows of ``paths`` as the table holds them now, less those whose file still differs from its
        row (changed again while it was classified): those are named in the status bar."""
        results = self.window.results
        rows = [results.result(i) for i in map(results.row_of, paths) if i is not None]
        still = self.changed(rows)
        if still:
            self.window.statusBar().showMessage(self.tr(
                "Left out, changed on disk again while being classified: {names}").format(names=_names(still)), 15000)
        return [r for r in rows if r.path not in set(still)]

    def refresh_current(self, row: Result | None) -> bool:
        """When the file of ``row`` (the row shown in the detail view) changed since it was classified,
        classify it again, so that its row says what the detail view shows; returns whether it did. Not while
        a sort runs: it moves files under the rows."""
        window = self.window
        if row is None or window.sort_actions.busy or not self.changed([row]):
            return False
        window.statusBar().showMessage(self.tr("{name} changed on disk after classification: classifying again")
                                       .format(name=os.path.basename(row.path)), 8000)
        window.classify([row.path], show_all=False)
        return True

    def export_note(self, rows: Sequence[Result]) -> str:
        """``" · 2 photos changed on disk after classification: a.jpg, b.jpg (…)"``, for the status bar after
        an export; ``""`` when none of ``rows`` changed."""
        changed = self.changed(rows)
        if not changed:
            return ""
        return " · " + self.tr("%n photo(s) changed on disk after classification: {names} (written with the "
                               "earlier verdict; select or add them again to classify them again)", "",
                               len(changed)).format(names=_names(changed))


def _names(paths: Sequence[str]) -> str:
    """``"a.jpg, b.jpg, c.jpg …"``: the first :data:`NAMED` file names, and ``…`` when there are more."""
    shown = ", ".join(os.path.basename(p) for p in paths[:NAMED])
    return shown + (" …" if len(paths) > NAMED else "")
