"""Marks by hand (Tags ▸ Mark as cat / dog, Clear Mark) and what they leave unsaved: the rows marked since the
last CSV export or tag write, and the rows whose mark stored in their XMP tags was cleared here (quitting asks
about both: :mod:`catdog_gui.app.quit_question`).

The results model holds the marks themselves (:meth:`ResultsModel.person_label`); this module keeps the two sets
of paths that say what is not saved yet, and keeps them up to date after a tag write or its undo. Why a cleared
mark counts: until Write Tags replaces it with the model's verdict, the tags still say "set by hand", a sort
would carry that sidecar along and catdog-classify (or the next session) would take it for the photo's verdict.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QMainWindow

from catdog_gui.app.i18n import label_text, ro_particle
from catdog_gui.core.results import Result
from catdog_gui.core.xmp import SOURCE_HAND, read_verdict

__all__ = ["TAGS_CHECKED_MAX", "Marks", "tags_hold_hand_mark"]

TAGS_CHECKED_MAX = 200  # a mark by hand reads the XMP tags of at most this many of its photos (about 1 ms each)


def tags_hold_hand_mark(path: str) -> bool:
    """Whether ``path``'s XMP tags (sidecar or embedded) hold a verdict set by hand (``catdog:Source=hand``)."""
    tagged = read_verdict(path)
    return tagged is not None and tagged.source == SOURCE_HAND


class Marks(QObject):
    """The window's marks by hand that are not saved yet.

    Attributes:
        unsaved: paths whose mark by hand changed since an export or a tag write of that photo.
        cleared: paths whose mark by hand, stored in their tags (``Source=hand``), was cleared and not written
            since: an unsaved change (quitting asks), and a re-classification does not take the mark back from
            the tags.
    """

    def __init__(self, window: QMainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.unsaved: set[str] = set()
        self.cleared: set[str] = set()

    # -- marking -------------------------------------------------------------------------------------
    def mark(self, rows: Sequence[Result], label: str | None) -> int:
        """Set (or clear, with ``None``) a person's label on ``rows`` (those that could not be read are left
        out: they have no verdict to correct), recount, and say in the status bar what changed. Returns how many
        rows were marked."""
        window = self.window
        rows = [r for r in rows if r.ok]
        for r in rows:
            if (r.person_label or None) != label:
                self.unsaved.add(r.path)
            window.results.set_person_label(r.path, label)
        cleared = self._note_cleared(rows, label)
        if rows:  # a mark moves the row to another count (the proxy re-filters on dataChanged by itself)
            window.tally.clear()
            window.tally.add(window.results.results)
            window._update_summary()
            # the run's "Done: … cats, … dogs" would now be out of date: say what changed instead
            self._say_marked(rows, label, cleared)
            window.detail.show_result(window.current_result())  # its verdict line shows the mark
        return len(rows)

    def _say_marked(self, rows: list, label: str | None, cleared: int) -> None:
        """The status bar's sentence after ``rows`` were marked ``label`` (``cleared`` of them still hold the
        cleared mark in their tags)."""
        bar = self.window.statusBar()
        if label is None and cleared:  # the tags still hold it: a sort would carry it along
            bar.showMessage(self.tr(
                "Mark by hand cleared on %n photo(s); their XMP tags still hold it: Tags ▸ Write Tags… "
                "replaces it with the model's verdict", "", cleared), 15000)
        elif label is None:
            bar.showMessage(self.tr("Mark by hand cleared on %n photo(s)", "", len(rows)), 8000)
        else:
            shown = label_text(label)  # {ro}: the Korean particle after it ("고양이로", "개로")
            bar.showMessage(self.tr("%n photo(s) marked by hand as {label}", "", len(rows)).format(
                label=shown, ro=ro_particle(shown)), 8000)
            self._say_if_tags_differ(rows, label)

    def _note_cleared(self, rows: list, label: str | None) -> int:
        """Keep :attr:`cleared` up to date after ``rows`` (the rows as they were before) were marked ``label``:
        a mark set takes them out; a mark cleared puts in those whose tags hold a verdict set by hand (read once
        each, about 1 ms; a mark made here and never written is simply gone). Returns how many of ``rows`` now
        have a cleared mark still in their tags."""
        if label is not None:
            self.cleared.difference_update(r.path for r in rows)
            return 0
        self.cleared.update(r.path for r in rows if r.person_label and tags_hold_hand_mark(r.path))
        return sum(r.path in self.cleared for r in rows)

    def _say_if_tags_differ(self, rows: list, label: str) -> None:
        """After a mark by hand: when the XMP tags catdog wrote for those photos earlier say another verdict
        (a photo tagged Cat, then marked dog), the status bar says so and how to update them; a sort would
        otherwise carry the old tag along into the new folder."""
        stale = 0
        for r in rows[:TAGS_CHECKED_MAX]:
            tagged = read_verdict(r.path)
            if tagged is not None and tagged.verdict != label:
                stale += 1
        if stale:
            self.window.statusBar().showMessage(self.tr(
                "%n photo(s) marked by hand still carry another verdict in their XMP tags: Tags ▸ Write Tags… "
                "updates them", "", stale), 15000)

    def on_tags_finished(self, outcomes: list) -> None:
        """A tag write stores the marks by hand of the photos it wrote (or found already so); an undo takes
        them back out of the files, so those marks are unsaved again."""
        results = self.window.results
        for o in outcomes:
            if o.action in ("written", "unchanged"):
                self.unsaved.discard(o.path)
                self.cleared.discard(o.path)  # the model's verdict replaced the one set by hand
            elif o.action == "undone" and results.person_label(o.path):
                self.unsaved.add(o.path)
            elif o.action == "undone" and results.row_of(o.path) is not None and tags_hold_hand_mark(o.path):
                self.cleared.add(o.path)  # the undo put a cleared mark back into the tags

    def forget(self, paths: Sequence[str]) -> None:
        """Drop ``paths`` (rows removed from the table) from both sets."""
        self.unsaved.difference_update(paths)
        self.cleared.difference_update(paths)

    # -- counting ------------------------------------------------------------------------------------
    def unsaved_count(self) -> int:
        """Rows carrying a mark by hand made since the last CSV export or tag write of that photo, and rows
        whose mark by hand was cleared while their tags still hold it (:meth:`cleared_count`): what quitting
        now would lose."""
        results = self.window.results
        return sum(bool(results.person_label(p)) for p in self.unsaved) + self.cleared_count()

    def cleared_count(self) -> int:
        """Rows whose mark by hand was cleared (Clear Mark) while their XMP tags still hold it as a verdict set
        by hand (see the module docstring)."""
        results = self.window.results
        return sum(results.row_of(p) is not None and not results.person_label(p) for p in self.cleared)

    def cleared_text(self, n: int) -> str:
        """The sentence naming ``n`` cleared marks still in the tags, for the questions that ask about them."""
        return self.tr("%n photo(s) had their mark by hand cleared, but their XMP tags still hold it.", "", n)


def install(window: QMainWindow) -> Marks:
    """Give ``window`` its :class:`Marks` (``window.marks``), kept up to date by its tag writes (install
    :mod:`~catdog_gui.app.tag_actions` first)."""
    window.marks = Marks(window)
    window.tag_actions.finished.connect(window.marks.on_tags_finished)
    return window.marks
