"""The question quitting asks when work would be lost: marks by hand not exported or written to tags, marks
cleared while the tags still hold them (:mod:`catdog_gui.app.marks`), and results not exported that took a
while to classify (the table is not kept after the window closes: a library of thousands of photos takes
minutes to classify again). Answers: Export CSV…, Write Tags…, Quit Without Saving, or Cancel (Esc).
"""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QMainWindow, QMessageBox

from catdog_gui.app.i18n import duration_text

__all__ = ["ASK_AFTER_S", "QuitQuestion", "UnsavedWork", "install"]

ASK_AFTER_S = 60.0  # s of classifying whose results were not exported: quitting asks first (a short run is
#   quicker to redo than a question is to answer)


class UnsavedWork:
    """Seconds spent classifying rows whose results have not been exported since (File ▸ Export CSV…), on a
    monotonic clock: the runs that ended since the last export, plus the run going on now since it started or
    since an export during it.

    Args:
        clock: seconds, monotonic (``time.monotonic``; tests pass their own).
    """

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._ended_s = 0.0  # runs that ended since the last export
        self._since: float | None = None  # clock() when the current run started, or was last exported

    def run_started(self) -> None:
        """A run started: its time counts from now."""
        self._since = self._clock()

    def run_ended(self) -> None:
        """The current run ended (finished, cancelled or failed): its time joins the unsaved time."""
        if self._since is not None:
            self._ended_s += self._clock() - self._since
            self._since = None

    def saved(self) -> None:
        """Every row so far was exported (or the rows were cleared): nothing is unsaved; a run going on counts
        again from now."""
        self._ended_s = 0.0
        if self._since is not None:
            self._since = self._clock()

    def seconds(self) -> float:
        """The unsaved classifying time, s."""
        return self._ended_s + (self._clock() - self._since if self._since is not None else 0.0)


class QuitQuestion(QObject):
    """Asks before the window closes when work would be lost (module docstring).

    Attributes:
        box: the last question shown (tests answer it), or None.
    """

    def __init__(self, window: QMainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.box: QMessageBox | None = None

    def unsaved_results(self) -> int:
        """Rows whose results quitting now would lose and that took at least :data:`ASK_AFTER_S` s to classify
        (0 when fewer seconds, or every row is exported)."""
        window = self.window
        if not window._unsaved or window.unsaved_work.seconds() < ASK_AFTER_S:
            return 0
        return window.results.rowCount()

    def may_quit(self) -> bool:
        """Whether the window may close now. When marks by hand or long-computed results would be lost, asks
        first: Export CSV… (then quits once the file is written), Write Tags… (Tags ▸ Write Tags…; quits once
        the write has stored every mark), Quit Without Saving, or Cancel (Esc)."""
        window = self.window
        if not window.marks.unsaved_count() and not self.unsaved_results():
            return True
        if window.tag_actions.busy:  # a write in progress may be storing them: let it end first
            window.statusBar().showMessage(self.tr("Writing tags: quit again once it has ended"))
            return False
        box, (save, tags, discard) = self._question()
        self.box = box
        box.exec()
        clicked = box.clickedButton()
        if clicked is discard:
            return True
        if clicked is tags:
            self._write_tags_then_quit()
            return False
        return clicked is save and window.export_csv() is not None

    def _question(self) -> tuple[QMessageBox, tuple]:
        """The question :meth:`may_quit` asks, naming what is not saved, and its Export CSV…, Write Tags… and
        Quit Without Saving buttons (Cancel is Esc). Only Write Tags… saves a cleared mark (the CSV has no mark
        to keep), so it is the default when that is all."""
        marks_by_hand = self.window.marks
        cleared = marks_by_hand.cleared_count()
        marks = marks_by_hand.unsaved_count() - cleared
        results = self.unsaved_results()
        text = " ".join(
            ([self.tr("%n photo(s) marked by hand have not been exported or written to tags.", "", marks)]
             if marks else [])
            + ([marks_by_hand.cleared_text(cleared)] if cleared else [])
            + ([self._results_text(results)] if results else []))
        box = QMessageBox(QMessageBox.Icon.Warning, self.tr("Quit catdog"), text,
                          QMessageBox.StandardButton.NoButton, self.window)
        box.setInformativeText(" ".join(
            ([self.tr("Quitting now loses those marks.")] if marks else [])
            + ([self.tr("Quitting now leaves the cleared marks in the tags.")] if cleared else [])
            + ([self.tr("The table is not kept after the window closes.")] if results else [])))
        save = box.addButton(self.tr("Export CSV…"), QMessageBox.ButtonRole.AcceptRole)
        save.setEnabled(bool(marks or results))
        tags = box.addButton(self.tr("Write Tags…"), QMessageBox.ButtonRole.AcceptRole)
        tags.setEnabled(self.window.engine is not None)
        discard = box.addButton(self.tr("Quit Without Saving"), QMessageBox.ButtonRole.DestructiveRole)
        cancel = box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(save if marks or results else tags)
        box.setEscapeButton(cancel)
        return box, (save, tags, discard)

    def _results_text(self, rows: int) -> str:
        """The sentence about ``rows`` results not exported: how long they took, and whether a run is going on."""
        took = duration_text(self.window.unsaved_work.seconds())
        if self.window.running:
            return self.tr("A run is still classifying: the results of its %n photo(s) so far ({time} of "
                           "classifying) have not been exported.", "", rows).format(time=took)
        return self.tr("The results of %n photo(s) ({time} of classifying) have not been exported.", "",
                       rows).format(time=took)

    def _write_tags_then_quit(self) -> None:
        """Tags ▸ Write Tags…, then close the window once the write has ended with no mark left unsaved and,
        when the question was about results too, every classified photo's verdict in its tags (uncertain ones
        the options chose not to tag aside). A dry run, a cancel, a failed write, or rows left out (only the
        selected or the filtered rows written) leave the window open and say what is still unsaved; the results
        then count as saved and are not asked about again only when the write covered them all."""
        window, tags = self.window, self.window.tag_actions
        results_asked = bool(self.unsaved_results())

        def ended(outcomes: list) -> None:
            tags.finished.disconnect(ended)
            if not outcomes or any(o.action in ("would write", "error") for o in outcomes) \
                    or window.marks.unsaved_count():
                return
            stored = {o.path for o in outcomes} | set(tags.uncertain_skipped)
            left = sum(r.ok and r.path not in stored for r in window.results.results) if results_asked else 0
            if left:  # e.g. "Selected rows (1)" was left chosen: the other results are still not saved
                window.statusBar().showMessage(self.tr(
                    "%n classified photo(s) are neither tagged nor exported: quit again to save or leave them",
                    "", left), 15000)
                return
            window.unsaved_work.saved()
            window._unsaved = False  # every verdict is in the tags: the close that follows asks nothing
            QTimer.singleShot(0, window.close)

        tags.finished.connect(ended)
        tags.ask_and_write()
        if not tags.busy:  # the options were cancelled: nothing will end
            tags.finished.disconnect(ended)


def install(window: QMainWindow) -> QuitQuestion:
    """Give ``window`` its :class:`QuitQuestion` (``window.quit_question``) and :class:`UnsavedWork`
    (``window.unsaved_work``)."""
    window.unsaved_work = UnsavedWork()
    window.quit_question = QuitQuestion(window)
    return window.quit_question
