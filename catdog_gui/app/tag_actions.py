"""Tags ▸ Write Tags… and Undo Write Tags: the verdicts of the table's rows as XMP keywords
(:mod:`catdog_gui.core.xmp` does the work; this module is the menu, the dialog and the journal).

The files are written a few at a time from the event loop (a sidecar takes about a millisecond, an
embedded JPEG a few), so the window never blocks and no thread is left behind when it closes. The last
write's outcomes are the journal that Undo walks back, newest first. A window that keeps settings between
launches also keeps the journal (:mod:`catdog_gui.core.tag_journal`, in the user's state folder): saved after
each write (and when a move takes the files elsewhere), loaded at start, cleared when an undo ends, so Undo
Write Tags works after a restart.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence

from PySide6.QtCore import QT_TRANSLATE_NOOP, QObject, QSettings, QTimer, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QMainWindow,
    QMenu,
    QMessageBox,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from catdog_gui.app.i18n import label_text
from catdog_gui.app.results_model import RESULT_ROLE
from catdog_gui.app.sort_scope import prefers_selection
from catdog_gui.core.results import Result
from catdog_gui.core.tag_journal import journal_path, load_journal, save_journal
from catdog_gui.core.xmp import (
    NAMING_APPEND,
    NAMING_REPLACE,
    SOURCE_HAND,
    TagOutcome,
    earlier_verdicts,
    model_digest,
    undo_write,
    verdict_for,
    verdict_place,
    write_verdict,
)

__all__ = ["TagActions", "TagOptions", "install"]

_SLICE = 16  # files per event-loop turn
_KEPT_BY_HAND = re.compile(r"set by hand to '([^']*)'")  # TagOutcome.reason of a "kept" (core/xmp.py)
_NAMING_TEXT = {NAMING_APPEND: "photo.jpg.xmp (digiKam, darktable)", NAMING_REPLACE: "photo.xmp (Lightroom)"}
# what happened to one photo (TagOutcome.action), as the status bar and the report say it
_ACTION_TEXT = {"written": QT_TRANSLATE_NOOP("TagActions", "written"),
                "would write": QT_TRANSLATE_NOOP("TagActions", "would write"),
                "unchanged": QT_TRANSLATE_NOOP("TagActions", "unchanged"),
                "kept": QT_TRANSLATE_NOOP("TagActions", "kept"),
                "undone": QT_TRANSLATE_NOOP("TagActions", "undone"),
                "error": QT_TRANSLATE_NOOP("TagActions", "error")}


class TagOptions(QDialog):
    """The choices of one write: which rows, sidecar or embedded, sidecar name, uncertain rows, dry run."""

    def __init__(self, shown: int, selected: int, settings: QSettings | None, parent: QWidget | None = None,
                 errors: int = 0):
        super().__init__(parent)
        self.setWindowTitle(self.tr("Write Tags"))
        self.only_selected = QRadioButton(self.tr("Selected rows ({n})").format(n=selected))
        self.all_shown = QRadioButton(self.tr("All rows shown ({n})").format(n=shown) if not errors else
                                      self.tr("All rows shown ({n}; %n with an error get no tag)", "", errors)
                                      .format(n=shown + errors))  # as many as the table shows
        (self.only_selected if prefers_selection(selected, shown) else self.all_shown).setChecked(True)
        self.only_selected.setEnabled(bool(selected))
        self.mode = QComboBox()
        self.mode.addItem(self.tr("Sidecar file beside the photo (the photo is not touched)"), "sidecar")
        self.mode.addItem(self.tr("Inside the photo (JPEG, PNG, WebP, TIFF)"), "embed")
        self.naming = QComboBox()
        for key, text in _NAMING_TEXT.items():
            self.naming.addItem(text, key)
        self.uncertain = QCheckBox(self.tr("Also tag uncertain photos (as 'Uncertain')"))
        self.dry_run = QCheckBox(self.tr("Dry run: only list what would change"))
        if settings is not None:
            self.mode.setCurrentIndex(max(0, self.mode.findData(settings.value("tags/mode", "sidecar"))))
            self.naming.setCurrentIndex(max(0, self.naming.findData(settings.value("tags/naming", NAMING_APPEND))))
        self.mode.currentIndexChanged.connect(lambda _i: self.naming.setEnabled(self.mode.currentData() == "sidecar"))
        form = QFormLayout()
        form.addRow(self.tr("Photos:"), self.all_shown)
        form.addRow("", self.only_selected)
        form.addRow(self.tr("Where:"), self.mode)
        form.addRow(self.tr("Sidecar name:"), self.naming)
        form.addRow("", self.uncertain)
        form.addRow("", self.dry_run)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)


class TagActions(QObject):
    """Tags menu of a :class:`~catdog_gui.app.main_window.MainWindow`: Write Tags… and Undo Write Tags.

    Args:
        window: the main window (its ``table``, ``proxy``, ``engine`` and ``_settings`` are used).
        journal_file: where the journal is kept between launches (loaded here, saved after each change), or
            None to keep it in memory only.

    Signals:
        finished(list): a write or an undo ended; the list holds one
            :class:`~catdog_gui.core.xmp.TagOutcome` per photo.
    """

    finished = Signal(list)

    def __init__(self, window: QMainWindow, journal_file: str | os.PathLike | None = None) -> None:
        super().__init__(window)
        self.window = window
        self.journal_file = journal_file
        self._journal: list[TagOutcome] = []  # the last write's files that were written: what Undo puts back
        if journal_file is not None:
            try:
                self._journal = load_journal(journal_file)
            except (OSError, ValueError):  # unreadable or damaged: there is nothing it could undo safely
                self._journal = []
        self._queue: list = []
        self._outcomes: list[TagOutcome] = []
        self._uncertain_skipped: list[str] = []  # photos of the last write left untagged as uncertain
        self._naming = NAMING_APPEND  # the last write's sidecar naming
        self._dry_run = False  # the last write only listed what it would change
        self._digests: dict[str, str] = {}
        self._timer = QTimer(self)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self._step)
        self._undoing = False
        self._waiting = False  # a write waits for changed photos to be classified again (ChangedFiles)
        self.last_message: QMessageBox | None = None
        menu = QMenu(self.tr("&Tags"), window)
        help_menu = getattr(window, "help_menu", None)
        if help_menu is not None:  # keep Help last
            window.menuBar().insertMenu(help_menu.menuAction(), menu)
        else:
            window.menuBar().addMenu(menu)
        self.menu = menu
        self.write_action = QAction(self.tr("&Write Tags…"), window)
        self.write_action.setStatusTip(self.tr("Store the verdicts as XMP keywords that photo managers read"))
        self.write_action.triggered.connect(lambda _checked=False: self.ask_and_write())
        self.undo_action = QAction(self.tr("&Undo Write Tags"), window)
        self.undo_action.setStatusTip(
            self.tr("Put back the sidecars and photos as they were before the last write"))
        self.undo_action.setEnabled(bool(self._journal))
        self.undo_action.triggered.connect(lambda _checked=False: self.undo())
        menu.addAction(self.write_action)
        menu.addAction(self.undo_action)

    @property
    def journal(self) -> list[TagOutcome]:
        """The last write's outcomes of the files it wrote (what Undo puts back). Setting it also keeps it in
        :attr:`journal_file`."""
        return self._journal

    @journal.setter
    def journal(self, outcomes: Sequence[TagOutcome]) -> None:
        self._journal = list(outcomes)
        if self.journal_file is None:
            return
        try:
            save_journal(self._journal, self.journal_file)
        except (OSError, ValueError) as exc:
            self.window.statusBar().showMessage(self.tr("Undo Write Tags will not survive a restart: {reason}").format(
                reason=getattr(exc, "strerror", None) or exc))

    @property
    def busy(self) -> bool:
        """A write or an undo is in progress (or a write waits for changed photos to be classified again)."""
        return self._timer.isActive() or self._waiting

    def _rows(self, only_selected: bool) -> list[Result]:
        """The classified rows selected (in the table or the gallery), or every one the filter shows."""
        if only_selected:
            rows = self.window.selected_results()
        else:
            proxy = self.window.proxy
            rows = [proxy.index(row, 0).data(RESULT_ROLE) for row in range(proxy.rowCount())]
        return [r for r in rows if r is not None and r.ok]

    @property
    def uncertain_skipped(self) -> list[str]:
        """The photos the last write left untagged because they were uncertain (its options said so)."""
        return list(self._uncertain_skipped)

    def ask_and_write(self) -> None:
        """Show the options dialog, then write."""
        if self.busy or self.window.engine is None:
            return
        shown = len(self._rows(False))
        selected = len(self._rows(True))
        settings = getattr(self.window, "_settings", None)
        # rows that could not be read are shown too, but there is no verdict to tag them with: said
        dialog = TagOptions(shown, selected, settings, self.window, errors=self.window.proxy.rowCount() - shown)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        mode, naming = dialog.mode.currentData(), dialog.naming.currentData()
        if settings is not None:
            settings.setValue("tags/mode", mode)
            settings.setValue("tags/naming", naming)
        self.write(self._rows(dialog.only_selected.isChecked()), mode=mode, naming=naming,
                   tag_uncertain=dialog.uncertain.isChecked(), dry_run=dialog.dry_run.isChecked())

    def write(self, results: Sequence[Result], mode: str = "sidecar", naming: str = NAMING_APPEND,
              tag_uncertain: bool = False, dry_run: bool = False) -> bool:
        """Start writing the verdicts of ``results`` (``ok`` rows); ``finished`` is emitted at the end.
        Returns False (nothing started) while busy or without a model.

        Photos that changed on disk since they were classified are classified again first, and their new
        verdicts written (:meth:`ChangedFiles.fresh_first`): the tags hold the size and SHA-256 of the file as
        it is when they are written, so an old verdict written now would be bound to the new picture. The
        write is busy (:attr:`busy`) meanwhile."""
        if self.busy or self.window.engine is None:
            return False
        self._waiting = True
        self.write_action.setEnabled(False)

        def write_now(rows: list[Result]) -> None:
            self._waiting = False
            self._write_now(rows, mode, naming, tag_uncertain, dry_run)

        self.window.changed_files.fresh_first(results, write_now)
        return True

    def _write_now(self, results: Sequence[Result], mode: str, naming: str, tag_uncertain: bool,
                   dry_run: bool) -> None:
        """Queue the writes of :meth:`write` for the ``ok`` rows of ``results`` and start them."""
        engine = self.window.engine
        if engine is None:  # closed meanwhile: nothing ends, and the menu item comes back
            self.write_action.setEnabled(True)
            self.finished.emit([])
            return
        digest = self._digest(engine)
        threshold = self.window.threshold  # Model ▸ Uncertain Threshold…, else the model's
        self._queue = []
        self._uncertain_skipped, self._naming, self._dry_run = [], naming, dry_run
        cleared = self.window.marks.cleared  # marks by hand cleared, still in the tags
        for r in (r for r in results if r.ok):  # classified again, a photo may now be an error row
            verdict = verdict_for(r, threshold, engine.info.name, digest)  # a person's mark wins
            replace = r.path in cleared and not r.person_label  # the person's newer word: the model's verdict
            if verdict.uncertain and not tag_uncertain and not replace:
                self._uncertain_skipped.append(r.path)
                continue
            self._queue.append(lambda p=r.path, v=verdict, h=replace: write_verdict(
                p, v, mode=mode, naming=naming, dry_run=dry_run, replace_hand=h))
        self._start(undoing=False)

    def _digest(self, engine) -> str:
        """The SHA-256 of ``engine``'s model file (:func:`model_digest`), computed once per file."""
        path = str(engine.info.path)
        if path not in self._digests:
            self._digests[path] = model_digest(path)
        return self._digests[path]

    def pending(self, results: Sequence[Result]) -> list[tuple[Result, str, str]]:
        """The rows of ``results`` whose XMP tags hold another verdict than the window shows because a mark by
        hand was set, or one stored in the tags cleared, and not written since: (row, mode, naming) of where
        their tags hold it (:func:`verdict_place`). Reads the tags of those rows only (about 1 ms each)."""
        window, found = self.window, []
        for r in results:
            cleared = r.path in window.marks.cleared and not r.person_label
            if not r.ok or not (cleared or (r.person_label and r.path in window.marks.unsaved)):
                continue
            place = verdict_place(r.path)
            if place is not None and (place[0].source == SOURCE_HAND if cleared
                                      else place[0].verdict != r.person_label):
                found.append((r, place[1], place[2]))
        return found

    def write_pending(self, pending: Sequence[tuple[Result, str, str]]) -> list[TagOutcome]:
        """Write the verdicts the window shows for :meth:`pending`'s rows where their tags hold the other one,
        at once (a few, before a sort carries the tags along into the folder of the shown verdict). What was
        written joins the journal (Undo Write Tags puts it back too); ``finished`` is emitted. Nothing is
        written (returns ``[]``) without a model or while a write or an undo runs."""
        engine = self.window.engine
        if not pending or engine is None or self.busy:
            return []
        digest = self._digest(engine)
        outcomes = [write_verdict(r.path, verdict_for(r, self.window.threshold, engine.info.name, digest),
                                  mode=mode, naming=naming, replace_hand=True) for r, mode, naming in pending]
        self.journal = self.journal + [o for o in outcomes if o.action == "written"]
        self.undo_action.setEnabled(bool(self.journal))
        self.finished.emit(outcomes)
        return outcomes

    def undo(self) -> bool:
        """Start putting back what the last write changed, newest first; False when there is nothing."""
        if self.busy or not self.journal:
            return False
        self._queue = [lambda o=o: undo_write(o) for o in reversed(self.journal)]
        self._dry_run = False
        self._uncertain_skipped = []
        self._journal = []  # forgotten on disk once the undo has ended
        self._start(undoing=True)
        return True

    def _start(self, undoing: bool) -> None:
        self._undoing = undoing
        self._outcomes = []
        self.write_action.setEnabled(False)
        self.undo_action.setEnabled(False)
        self._timer.start()

    def _step(self) -> None:
        batch, self._queue = self._queue[:_SLICE], self._queue[_SLICE:]
        self._outcomes += [job() for job in batch]
        if self._queue:
            self.window.statusBar().showMessage(self.tr("Tags: {done} done, {left} to go").format(
                done=len(self._outcomes), left=len(self._queue)))
            return
        self._timer.stop()
        outcomes = self._outcomes
        self.journal = [] if self._undoing else [o for o in outcomes if o.action == "written"]
        self.write_action.setEnabled(True)
        self.undo_action.setEnabled(bool(self.journal))
        self._report(outcomes)
        self.finished.emit(outcomes)

    def _report(self, outcomes: list[TagOutcome]) -> None:
        counts: dict[str, int] = {}
        for o in outcomes:
            counts[o.action] = counts.get(o.action, 0) + 1
        parts = [self._count_text(action, n) for action, n in counts.items()]
        skipped = self._uncertain_skipped
        if skipped:  # as catdog-classify's summary: why fewer photos were tagged than chosen
            parts.append(self.tr("%n uncertain not tagged", "", len(skipped)))
        # a photo manager still shows the Cat/Dog an earlier write gave a photo this run found uncertain
        stale = earlier_verdicts(skipped, self._naming)[1] if skipped else []
        if stale:
            parts.append(self.tr("%n of them keep an earlier Cat/Dog tag", "", len(stale)))
        text = self.tr("Tags: {counts}").format(counts=", ".join(parts) or self.tr("nothing to write"))
        if self._dry_run:  # else a dry run that changes nothing reads like a write
            text += " " + self.tr("(dry run: nothing written)")
        self.window.statusBar().showMessage(text)
        details = [f"{self._action_text(o.action)}: {o.target} " + (self._reason_text(o.reason) or _change(o))
                   for o in outcomes if o.action in ("would write", "error", "kept")]
        details += [self.tr("keeps an earlier tag: {path} (tick 'Also tag uncertain photos' to replace it with "
                            "Uncertain)").format(path=p) for p in stale]
        if details:
            box = QMessageBox(QMessageBox.Icon.Information, self.tr("Write Tags"), text, QMessageBox.StandardButton.Ok,
                              self.window)
            box.setDetailedText("\n".join(details))
            box.open()  # window-modal, does not block the event loop
            self.last_message = box

    def _count_text(self, action: str, n: int) -> str:
        """``n`` photos with outcome ``action`` in the app's language, its plural form chosen by ``n``
        ("1 error", "4 errors"); ``"{n} {action}"`` for an action it does not know."""
        texts = {"written": self.tr("%n written", "", n), "would write": self.tr("%n would be written", "", n),
                 "unchanged": self.tr("%n unchanged", "", n), "kept": self.tr("%n kept", "", n),
                 "undone": self.tr("%n undone", "", n), "error": self.tr("%n error(s)", "", n)}
        return texts.get(action, f"{n} {action}")

    def _reason_text(self, reason: str) -> str:
        """An outcome's reason in the app's language where it is a known one ("set by hand to 'dog'",
        :func:`~catdog_gui.core.xmp.write_verdict`), else as core wrote it (operating-system reasons and paths)."""
        kept = _KEPT_BY_HAND.fullmatch(reason)
        if kept:
            return self.tr("set by hand to {label}").format(label=label_text(kept.group(1)))
        return reason

    def _action_text(self, action: str) -> str:
        """An outcome's action (``"written"``...) in the app's language."""
        return self.tr(_ACTION_TEXT[action]) if action in _ACTION_TEXT else action


def _change(outcome: TagOutcome) -> str:
    """``+Cat +Animals|Cat -Dog``: the keywords an outcome adds and removes."""
    return " ".join([f"+{k}" for k in outcome.added] + [f"-{k}" for k in outcome.removed])


def install(window: QMainWindow) -> TagActions:
    """Add the Tags menu to ``window``; returns its :class:`TagActions` (also ``window.tag_actions``). A window
    with settings (``window._settings``, kept between launches) keeps the journal in the state folder too."""
    keeps = getattr(window, "_settings", None) is not None
    window.tag_actions = TagActions(window, journal_path() if keeps else None)
    return window.tag_actions
