"""File ▸ Copy to Folders…, Move to Folders… and Undo Last Sort: the photos of the table's rows sorted into
<target>/<label> folders (:mod:`catdog_gui.core.sorting` plans, runs and undoes; :mod:`catdog_gui.app.sort_folders`
runs a sort off the GUI thread and words its summary; this module is the menu items, the dialogs, the progress
row and the status bar).

One sort runs at a time, in a :class:`~catdog_gui.app.sort_folders.SortWorker` thread: the window's progress row
shows it and its Cancel button stops it. Each sort is a step in a journal kept in its target folder; the target of
the last one is kept in the window's settings (``sort/last_target``), so Undo Last Sort works after a restart and
undoes one sort at a time, newest first. Rows, and the Undo Write Tags journal, follow the photos a move (or its
undo) takes elsewhere, also when the undo was done outside the app (``catdog-classify --undo-sort``: Undo Last
Sort then says there is nothing left to undo). Which rows a sort takes is chosen as in Write Tags
(:mod:`catdog_gui.app.sort_scope`).
"""

from __future__ import annotations

import os
from collections.abc import Sequence

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDialog, QFileDialog, QMainWindow, QMenu, QMessageBox

from catdog_gui.app.core_text import os_error_text
from catdog_gui.app.sort_folders import SortWorker, earlier_text, summary_text
from catdog_gui.app.sort_scope import RowScope, SortConfirm, row_scope
from catdog_gui.app.workers import MISSING
from catdog_gui.core.results import Result, Status
from catdog_gui.core.sorting import SortReport, last_journal, plan_sort, undo_sort, where_now
from catdog_gui.core.xmp import follow_moves

__all__ = ["SortActions", "install"]


class SortActions(QObject):
    """Sort into folders for a :class:`~catdog_gui.app.main_window.MainWindow`: Copy to Folders…, Move to
    Folders… and Undo Last Sort, added to ``menu``.

    Args:
        window: the main window (its rows, ``engine``, ``tally``, ``state``, ``_settings``, progress row and
            status bar are used).
        menu: where the three actions go (File), in that order.

    Attributes:
        worker: the :class:`~catdog_gui.app.sort_folders.SortWorker` of the sort in progress, or None.
        journal: the journal file of the last sort (what Undo Last Sort undoes), or None.
        last_report: the :class:`~catdog_gui.core.sorting.SortReport` of the last sort that ended, or None.
        confirm_box: the last confirmation asked before a sort (tests answer it), or None.
        moved_from: ``{destination: source}`` of the photos this window's sorts moved (an undo done elsewhere,
            e.g. by ``catdog-classify --undo-sort``, is followed from it: :meth:`follow_back`).
    """

    def __init__(self, window: QMainWindow, menu: QMenu) -> None:
        super().__init__(window)
        self.window = window
        self.worker: SortWorker | None = None
        self.last_report = None
        self.confirm_box: SortConfirm | None = None
        self.moved_from: dict[str, str] = {}  # destination -> source of the photos this window's sorts moved
        self._sidecars_from: dict[str, str] = {}  # the same for the sidecars that went with them
        self.copy_action = self._action(
            menu, self.tr("&Copy to Folders…"), lambda: self.sort_into("copy"),
            self.tr("Copy the selected (or shown) photos into cat/, dog/, uncertain/ folders"))
        self.move_action = self._action(
            menu, self.tr("Mo&ve to Folders…"), lambda: self.sort_into("move"),
            self.tr("Move the selected (or shown) photos into cat/, dog/, uncertain/ folders"))
        self.undo_action = self._action(menu, self.tr("&Undo Last Sort"), self.undo,
                                        self.tr("Put moved photos back, or delete the copies, of the last sort"))
        # the last sort can be undone after a restart: its target is remembered, its journal is on disk
        settings = getattr(window, "_settings", None)
        last_target = str(settings.value("sort/last_target", "")) if settings is not None else ""
        self.journal: str | None = last_journal(last_target) if last_target else None
        self.undo_action.setEnabled(self.journal is not None)

    def _action(self, menu: QMenu, text: str, slot, tip: str) -> QAction:
        """A menu item of the window that calls ``slot()``; returns it, added to ``menu``."""
        a = QAction(text, self.window)
        a.setStatusTip(tip)
        a.triggered.connect(lambda _checked=False: slot())
        menu.addAction(a)
        return a

    @property
    def busy(self) -> bool:
        """A sort is in progress."""
        return self.worker is not None

    def cancel(self) -> None:
        """Ask the sort in progress, if any, to stop; the files it already sorted stay."""
        if self.worker is not None:
            self.worker.cancel()

    def shutdown(self) -> None:
        """Stop the sort in progress, if any, and wait for its thread; safe to call twice."""
        if self.worker is not None:
            self.worker.cancel()
            self.worker.wait()

    def sort_into(self, mode: str, target: str | None = None, confirm: bool = True,
                  only_selected: bool | None = None) -> bool:
        """Copy or move (``mode``) photos into ``target``/<label> (asked for when None): the selected rows that
        the filter shows (``only_selected``) or all rows shown; None chooses as Write Tags does
        (:func:`~catdog_gui.app.sort_scope.prefers_selection`). A summary with that choice is asked about first
        (unless ``confirm`` is False), where the user can switch to the other set. Returns whether the sort
        started, or will start once the photos that changed on disk since they were classified have been
        classified again (:meth:`ChangedFiles.fresh_first`: a photo replaced by another goes to the folder of its
        new verdict, never of the old one; with ``confirm``, those of all rows shown, either may be chosen)."""
        window = self.window
        if window.running or self.worker is not None:
            window._error(self.tr("Sort into folders"), self.tr("Wait for the current run to finish first."))
            return False
        scope = row_scope(window)
        if only_selected is None:
            only_selected = scope.default_selected
        rows = scope.rows(only_selected)
        if window.engine is None or not any(r.status == Status.OK for r in rows):
            QMessageBox.information(window, self.tr("Sort into folders"), self._nothing_text(rows))
            return False
        if target is None:
            start = window.state.last_folder if window.state is not None else ""
            target = QFileDialog.getExistingDirectory(window, self.tr("Sort into folder"), start)
            if not target:
                return False
        if not confirm:
            scope = RowScope(rows, rows if only_selected else [])
        started = window.changed_files.fresh_first(
            scope.shown, lambda fresh: self._sort_rows(mode, target, confirm, scope.now(fresh), only_selected))
        return True if started is None else started

    def _plan(self, rows: list, target: str) -> list:
        """The :func:`~catdog_gui.core.sorting.plan_sort` of ``rows`` into ``target``."""
        return plan_sort(rows, target, list(self.window.engine.info.labels), self.window.tally.threshold)

    def _sort_rows(self, mode: str, target: str, confirm: bool, scope: RowScope, only_selected: bool) -> bool:
        """Plan the sort of ``scope``'s selected rows (``only_selected``) or shown rows into ``target``, ask
        (unless ``confirm`` is False: the choice may change there) and start it; returns whether it started."""
        window = self.window
        if window.running or self.worker is not None or window.engine is None:
            return False
        if not any(r.status == Status.OK for r in scope.shown):
            QMessageBox.information(window, self.tr("Sort into folders"), self._nothing_text(scope.shown))
            return False
        offered = ({False, True} if scope.n_selected else {False}) if confirm else {only_selected}
        only_selected = only_selected and only_selected in offered
        plans = {choice: self._plan(scope.rows(choice), target) for choice in offered}
        title = self.tr("Copy to folders") if mode == "copy" else self.tr("Move to folders")
        if all(_nothing_to_do(p) for p in plans.values()):  # nothing would change: no sort, and no step to undo
            nothing = (self.tr("Nothing to copy: the photos are already in {target}") if mode == "copy"
                       else self.tr("Nothing to move: the photos are already in {target}"))
            window.statusBar().showMessage(nothing.format(target=target), 10000)
            if confirm:
                QMessageBox.information(window, title, self._summary(mode, target, scope, plans, only_selected)[0])
            return False
        tags = window.tag_actions  # the tags travel along: they must say the folder's verdict (the CLI trusts them)
        pending = {choice: tags.pending(scope.rows(choice)) for choice in offered}
        if confirm:
            box = SortConfirm(title, self.tr("Copy") if mode == "copy" else self.tr("Move"), scope, only_selected,
                              lambda choice: self._summary(mode, target, scope, plans, choice, pending[choice]), window)
            self.confirm_box = box
            if box.exec() != QDialog.DialogCode.Accepted:
                return False
            only_selected = box.selected_chosen()
        if _nothing_to_do(plans[only_selected]):
            return False
        plan = plans[only_selected]
        written = tags.write_pending(pending[only_selected])
        if any(not o.ok for o in written):  # a sidecar still says the old verdict: it must not travel along
            self._refuse_for_tags(mode, title, [o for o in written if not o.ok])
            return False
        if written:  # the sidecars changed: compared again with any copy there
            plan = self._plan(scope.rows(only_selected), target)
        self._start(SortWorker(plan, mode, target, window))
        return True

    def _refuse_for_tags(self, mode: str, title: str, failed: list) -> None:
        """Say that nothing was sorted because the verdict shown could not be written into the XMP tags of the
        ``failed`` outcomes' photos (:class:`~catdog_gui.core.xmp.TagOutcome` with ``ok`` False): the sort would
        have carried their old verdict into the new folder, where catdog-classify trusts it. Names the first
        photo and why; what was written stays written (Tags ▸ Undo Write Tags takes it back)."""
        head = (self.tr("Nothing was copied: the XMP tags of %n photo(s) could not take the verdict shown here, "
                        "and the copy would carry the old verdict along.", "", len(failed)) if mode == "copy"
                else self.tr("Nothing was moved: the XMP tags of %n photo(s) could not take the verdict shown here, "
                             "and the move would carry the old verdict along.", "", len(failed)))
        first = failed[0]
        why = self.tr("{name}: {reason}").format(name=os.path.basename(first.target),
                                                 reason=os_error_text(first.reason))
        self.window._error(title, head + "\n\n" + why + "\n\n" + self.tr(
            "Fix that (or clear the mark), then sort again."))

    def _summary(self, mode: str, target: str, scope: RowScope, plans: dict, only_selected: bool,
                 pending: Sequence = ()) -> tuple[str, bool]:
        """The summary of sorting ``scope``'s selected rows (``only_selected``) or shown rows with their plan in
        ``plans`` (keyed by ``only_selected``), and whether that sort has anything to do. ``pending``: the rows
        whose verdict (a mark set or cleared here) is written into their tags first."""
        rows, plan = scope.rows(only_selected), plans[only_selected]
        errors = sum(r.status != Status.OK for r in rows)
        text = summary_text(plan, mode, target, errors, only_selected)
        if pending:
            text += "\n\n" + self.tr(
                "%n photo(s) have a mark by hand set or cleared here that their XMP tags do not have yet: it is "
                "written into their tags first (Tags ▸ Undo Write Tags takes it back).", "", len(pending))
        return text, not _nothing_to_do(plan)

    def _start(self, worker: SortWorker) -> None:
        """Show ``worker``'s progress in the window's progress row, disable the actions that must wait for it,
        and start it."""
        window = self.window
        worker.progress.connect(self._on_progress)
        worker.finished_sort.connect(self._on_finished)
        self.worker = worker
        window.progress.setRange(0, max(len(worker.plan), 1))
        window.progress.setValue(0)
        window.progress.setFormat(self._progress_text(worker.mode, 0, len(worker.plan)))
        window.eta_label.setText("")
        window.cancel_button.setEnabled(True)
        window.cancel_button.setText(self.tr("Cancel"))
        window.progress_row.show()
        for a in (self.copy_action, self.move_action, self.undo_action, window.clear_action):
            a.setEnabled(False)
        worker.start()

    def _nothing_text(self, rows: list) -> str:
        """Why :meth:`sort_into` has nothing to do with ``rows``: the filter hides the classified photos, or
        there are none. Returns the sentence, in the app's language."""
        hidden = sum(r.status == Status.OK for r in self.window.results.results)
        if self.window.engine is None or not hidden:
            return self.tr("There are no classified photos to sort.")
        if not rows:
            return self.tr("No rows are shown: clear the filter to sort all %n photo(s).", "", hidden)
        return self.tr("The rows shown have no classified photos: clear the filter to sort all %n photo(s).",
                       "", hidden)

    def _on_progress(self, done: int, total: int) -> None:
        mode = self.worker.mode if self.worker is not None else "copy"
        self.window.progress.setValue(done)
        self.window.progress.setFormat(self._progress_text(mode, done, total))

    def _progress_text(self, mode: str, done: int, total: int) -> str:
        """``Copying 3 / 10`` (or Moving), in the app's language: the progress bar's text during a sort."""
        text = self.tr("Copying {done} / {total}") if mode == "copy" else self.tr("Moving {done} / {total}")
        return text.format(done=done, total=total)

    def _on_finished(self, report) -> None:
        """A sort ended (done, cancelled or stopped): the actions come back, the status bar says what was done,
        and a dialog lists the photos that could not be sorted."""
        window = self.window
        worker, self.worker = self.worker, None
        if worker is not None:
            worker.wait()
        window.progress_row.hide()
        for a in (self.copy_action, self.move_action, window.clear_action):
            a.setEnabled(True)
        if report.mode == "move":
            self._follow_moves(report)
            self.moved_from.update({new: old for old, new in report.done})
            self._sidecars_from.update({new: old for old, new in report.sidecars})
        if report.done and worker is not None:
            self.journal = worker.journal
            if window._settings is not None:
                window._settings.setValue("sort/last_target", worker.target)
        self.undo_action.setEnabled(self.journal is not None)
        copied = report.mode == "copy"
        target = worker.target if worker is not None else ""
        done = (self.tr("Copied %n photo(s) into {target}", "", len(report.done)) if copied
                else self.tr("Moved %n photo(s) into {target}", "", len(report.done)))
        already = (" " + self.tr("(%n photo(s) already there with the same content, skipped)", "",
                                 len(report.already)) if report.already else "")
        window.statusBar().showMessage(done.format(target=target) + already
                                       + (self.tr(" (cancelled)") if report.cancelled else ""), 10000)
        self.last_report = report
        if report.failed or report.stopped:
            shown = "\n".join(f"{os.path.basename(p)}: {os_error_text(why)}" for p, why in report.failed[:8])
            more = ("\n" + self.tr("(and {n} more)").format(n=len(report.failed) - 8)
                    if len(report.failed) > 8 else "")
            stop = (self.tr("The sort stopped: {reason}.").format(reason=report.stopped) + "\n\n"
                    if report.stopped else "")
            failed = (self.tr("Copied {done}; {failed} could not be copied:") if copied
                      else self.tr("Moved {done}; {failed} could not be moved:"))
            QMessageBox.warning(window, self.tr("Sort into folders"), stop + failed.format(
                done=len(report.done), failed=len(report.failed)) + f"\n\n{shown}{more}")

    def _follow_moves(self, report) -> None:
        """Rows, and the Undo Write Tags journal, follow the photos (and sidecars) a move or its undo took."""
        self.window.results.replace_paths(dict(report.done))
        moved = dict(report.done)
        for marks in (self.window.marks.unsaved, self.window.marks.cleared):  # they follow the photos too
            followed = {moved.get(p, p) for p in marks}
            marks.clear()
            marks.update(followed)
        stamps = self.window._stamps  # a move keeps a file's size and mtime: its row is still up to date
        for old, new in report.done:
            if old in stamps:
                stamps[new] = stamps.pop(old)
        tags = getattr(self.window, "tag_actions", None)
        if tags is not None and tags.journal:
            tags.journal = follow_moves(tags.journal, dict(report.done) | dict(report.sidecars))
        self.window._show_current()

    def _already_undone(self) -> bool:
        """Undo Last Sort found no journal (the last sort was undone elsewhere, e.g. by ``catdog-classify
        --undo-sort``): say so in words, disable the action, and let the rows follow their files. Returns False."""
        folder = os.path.dirname(self.journal or "")
        self.journal = None
        self.undo_action.setEnabled(False)
        back, gone = self.follow_back()
        text = self.tr("Nothing to undo in {folder}: the last sort into it was already undone (for example with "
                       "catdog-classify --undo-sort).").format(folder=folder)
        if back:
            text += "\n\n" + self.tr("%n photo(s) are back where they were before the sort: their rows follow them.",
                                     "", back)
        if gone:
            text += "\n\n" + self.tr("%n photo(s) are no longer found: their rows say so.", "", gone)
        QMessageBox.information(self.window, self.tr("Undo last sort"), text)
        return False

    def follow_back(self) -> tuple[int, int]:
        """Rows of photos this window moved whose files are no longer there (a sort undone elsewhere) follow them
        back to where they are now (:func:`~catdog_gui.core.sorting.where_now`), as after Undo Last Sort; a row
        whose file is nowhere says "not found". Returns (rows that followed, rows not found)."""
        results = self.window.results
        back, gone = {}, []
        for dest in [p for p in self.moved_from if results.row_of(p) is not None]:
            now = where_now(dest, self.moved_from)
            if now is None:
                gone.append(dest)
            elif now != dest:
                back[dest] = now
        for dest in [*back, *gone]:
            del self.moved_from[dest]
        sidecars = {new: where_now(new, self._sidecars_from) for new in self._sidecars_from}
        sidecars = {new: now for new, now in sidecars.items() if now is not None and now != new}
        if back:
            self._follow_moves(SortReport("move", done=list(back.items()), sidecars=list(sidecars.items())))
        if gone:
            results.append([_missing_row(p) for p in gone])  # replaces their rows in place
            for p in gone:
                self.window._stamps.pop(p, None)
            self.window._recount()
            self.window._show_current()
        return len(back), len(gone)

    def undo(self) -> bool:
        """Undo the last sort (moved photos go back, copies are deleted); returns whether all was undone.
        Returns False at once while a sort runs or when there is none to undo. When its journal is gone (the
        sort was undone elsewhere, e.g. by ``catdog-classify --undo-sort``) it says so, the action is disabled
        and the rows follow their files (:meth:`follow_back`)."""
        window = self.window
        if self.journal is None or self.worker is not None:
            return False
        if not os.path.isfile(self.journal):  # no journal left: the last sort was undone elsewhere
            return self._already_undone()
        self.follow_back()  # a newer sort undone elsewhere meanwhile: its rows first follow their files back
        try:
            report = undo_sort(self.journal)
        except FileNotFoundError:  # removed meanwhile
            return self._already_undone()
        except (OSError, ValueError) as exc:
            window._error(self.tr("Undo last sort"),
                          self.tr("Could not undo the last sort:\n{reason}").format(reason=exc))
            return False
        if report.mode == "move":
            self._follow_moves(report)
            for dest, _source in report.done:
                self.moved_from.pop(dest, None)
        if report.failed:
            shown = "\n".join(f"{os.path.basename(p)}: {os_error_text(why)}" for p, why in report.failed[:8])
            QMessageBox.warning(window, self.tr("Undo last sort"),
                                self.tr("{n} could not be undone:").format(n=len(report.failed)) + f"\n\n{shown}")
            return False
        if not os.path.isfile(self.journal):  # the journal keeps the earlier sorts into that folder
            self.journal = None
        self.undo_action.setEnabled(self.journal is not None)
        undone = (self.tr("Undone: moved %n photo(s) back", "", len(report.done)) if report.mode == "move"
                  else self.tr("Undone: removed %n copy(ies)", "", len(report.done)))
        window.statusBar().showMessage(" · ".join(filter(None, [undone, earlier_text(report.earlier)])), 8000)
        return True


def _missing_row(path: str) -> Result:
    """The row of a photo at ``path`` whose file is not found (as a path given that does not exist: :data:`MISSING`)."""
    return Result(path=path, status=Status.ERROR, error=MISSING)


def _nothing_to_do(plan: list) -> bool:
    """Whether sorting by ``plan`` would change nothing (every photo in place or already there)."""
    return all(i.already or i.in_place for i in plan)


def install(window: QMainWindow, menu: QMenu) -> SortActions:
    """Add Copy to Folders…, Move to Folders… and Undo Last Sort to ``menu`` (the window's File menu); returns
    their :class:`SortActions` (also ``window.sort_actions``). A window with settings (``window._settings``)
    keeps the last sort's target there, so that it can be undone after a restart."""
    window.sort_actions = SortActions(window, menu)
    return window.sort_actions
