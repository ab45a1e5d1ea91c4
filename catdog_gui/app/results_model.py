"""The results table: a ``QAbstractTableModel`` over a plain list of :class:`core.results.Result`.

No widget per row: the view asks for the cells it shows. Thumbnails come from a
:class:`~catdog_gui.app.thumbnails.ThumbnailProvider`, which makes them in worker threads; the model
repaints a row's thumbnail when it arrives.
"""

from __future__ import annotations

import dataclasses
import math
import os
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    QTimer,
)
from PySide6.QtGui import QBrush
from PySide6.QtWidgets import QApplication, QStyle

from catdog_gui.app.core_text import error_text, note_text, uncertain_text
from catdog_gui.app.i18n import label_text
from catdog_gui.app.theme import error_colour
from catdog_gui.core.filtering import ResultFilter, folder_text, root_of
from catdog_gui.core.pathtext import visible_text
from catdog_gui.core.results import Result, Status
from catdog_gui.core.verdicts import effective_label

THUMB, NAME, PREDICTION, CONFIDENCE, STATUS, FOLDER = range(6)  # FOLDER is shown after NAME (header order)
SORT_ROLE = Qt.ItemDataRole.UserRole + 1
RESULT_ROLE = Qt.ItemDataRole.UserRole + 2
THUMBNAIL_REFRESH_MS = 200  # thumbnails made meanwhile are repainted together at most this often

_Index = QModelIndex | QPersistentModelIndex


def natural_key(name: str) -> str:
    """A sort key that orders ``2.jpg`` before ``10.jpg`` (digit runs zero-padded), case-insensitive."""
    return re.sub(r"\d+", lambda m: m.group().zfill(20), name.casefold())


_ERRORS_LAST = "\uffff"
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


@dataclass(frozen=True)
class Column:
    """One column of the results table.

    Attributes:
        header: its title, untranslated (translated in ``headerData``; ``QT_TRANSLATE_NOOP`` marks it for
            pyside6-lupdate).
        display: ``(model, result) -> str | None``, the cell's text.
        sort_key: ``(model, result) -> key``, what the column sorts by (numbers as numbers, errors last).
        alignment: of the text; None for the view's default.
        decoration: ``(model, result) -> icon or pixmap``, or None for no picture.
        error_colour: whether an error row's text is drawn in red.
    """

    header: str
    display: Callable[[ResultsModel, Result], str | None]
    sort_key: Callable[[ResultsModel, Result], object]
    alignment: Qt.AlignmentFlag | None = None
    decoration: Callable[[ResultsModel, Result], object] | None = None
    error_colour: bool = False


class ResultsModel(QAbstractTableModel):
    """Rows of classification results, in arrival order (rows leave by :meth:`remove_paths` and :meth:`clear`).

    Args:
        thumbnails: optional provider with ``get(path) -> QPixmap | None`` and a ``ready(str)`` signal.
    """

    def __init__(self, thumbnails=None, parent=None) -> None:
        super().__init__(parent)
        self._rows: list[Result] = []
        self._row_of: dict[str, int] = {}
        self._threshold: float | None = None  # the uncertain threshold the verdicts are shown at
        self.roots: set[str] = set()  # the folders the person opened (absolute): the Folder column and the
        #   search show and match the folders below them ("2020/03/cats"; core.filtering.folder_text)
        self._thumbnails = thumbnails
        # thumbnails that arrive are repainted together, a few times a second, not one repaint each
        self._thumb_rows: set[int] = set()
        self._thumb_timer = QTimer(self)
        self._thumb_timer.setSingleShot(True)
        self._thumb_timer.setInterval(THUMBNAIL_REFRESH_MS)
        self._thumb_timer.timeout.connect(self._repaint_thumbnails)
        if thumbnails is not None:
            thumbnails.ready.connect(self._on_thumbnail)

    # -- data access ---------------------------------------------------------------------------------
    @property
    def results(self) -> list[Result]:
        """The results in arrival order (a copy)."""
        return list(self._rows)

    def result(self, row: int) -> Result:
        """The result in source row ``row``."""
        return self._rows[row]

    def row_of(self, path: str) -> int | None:
        """The source row of ``path``, or None when it is not in the table."""
        return self._row_of.get(path)

    def paths(self) -> frozenset[str]:
        """The paths already in the table."""
        return frozenset(self._row_of)

    def append(self, results: Sequence[Result]) -> int:
        """Add a batch of results at the end (one model notification per batch); a result for a path
        already in the table (its file changed and was classified again) replaces that row in place.
        Returns how many rows were replaced."""
        replaced = 0
        for r in results:
            row = self._row_of.get(r.path)
            if row is not None:
                self._rows[row] = r  # new content: the old verdict and any mark were about another picture
                self.dataChanged.emit(self.index(row, 0), self.index(row, self.columnCount() - 1))
                replaced += 1
        new = [r for r in results if r.path not in self._row_of]
        if not new:
            return replaced
        first = len(self._rows)
        self.beginInsertRows(QModelIndex(), first, first + len(new) - 1)
        for i, r in enumerate(new):
            self._row_of[r.path] = first + i
        self._rows.extend(new)
        self.endInsertRows()
        return replaced

    def set_threshold(self, threshold: float | None) -> None:
        """Show each row's verdict at ``threshold`` (``uncertain`` below it); repaints the verdicts at once."""
        if threshold == self._threshold:
            return
        self._threshold = threshold
        if self._rows:
            self.dataChanged.emit(self.index(0, PREDICTION), self.index(len(self._rows) - 1, PREDICTION))

    def person_label(self, path: str) -> str:
        """The label a person set for ``path`` ("" when none)."""
        row = self._row_of.get(path)
        return "" if row is None else self._rows[row].person_label

    def has_person_labels(self) -> bool:
        return any(r.person_label for r in self._rows)

    def set_person_label(self, path: str, label: str | None) -> None:
        """Record (or, with ``None``/"", clear) the label a person gives the photo at ``path``: kept in its
        :class:`Result` (``person_label``), so counts, filters, sorting and tags see it."""
        row = self._row_of.get(path)
        if row is None:
            return
        self._rows[row] = dataclasses.replace(self._rows[row], person_label=label or "")
        self.dataChanged.emit(self.index(row, 0), self.index(row, self.columnCount() - 1))

    def replace_paths(self, moved: dict[str, str]) -> int:
        """Point rows at their files' new paths (``old path -> new path``, after a move); returns rows changed."""
        changed = 0
        for old, new in moved.items():
            row = self._row_of.pop(old, None)
            if row is None:
                continue
            self._rows[row] = dataclasses.replace(self._rows[row], path=new)
            self._row_of[new] = row
            self.dataChanged.emit(self.index(row, 0), self.index(row, self.columnCount() - 1))
            changed += 1
        return changed

    def remove_paths(self, paths: Iterable[str]) -> int:
        """Remove the rows of ``paths`` (paths not in the table are ignored), each run of adjacent rows in
        one model notification; the other rows keep their order. Returns how many rows were removed."""
        rows = sorted({self._row_of[p] for p in paths if p in self._row_of}, reverse=True)
        i = 0
        while i < len(rows):  # from the bottom up, so the rows still to remove keep their numbers
            last = first = rows[i]
            while i + 1 < len(rows) and rows[i + 1] == first - 1:
                i += 1
                first = rows[i]
            self.beginRemoveRows(QModelIndex(), first, last)
            del self._rows[first:last + 1]
            self.endRemoveRows()
            i += 1
        if rows:
            self._row_of = {r.path: row for row, r in enumerate(self._rows)}
            self._thumb_rows.clear()
        return len(rows)

    def add_roots(self, folders: Iterable[str]) -> None:
        """Note ``folders`` (opened by the person; made absolute) as roots: the rows below them show their
        folder relative to the topmost (:func:`~catdog_gui.core.filtering.root_of`)."""
        roots = self.roots | {os.path.abspath(f) for f in folders}
        if roots != self.roots:
            self.roots = roots
            if self._rows:
                self.dataChanged.emit(self.index(0, FOLDER), self.index(len(self._rows) - 1, FOLDER))

    def root_of(self, path: str) -> str:
        """The opened folder ``path``'s row shows its folder from (``""`` for none)."""
        return root_of(path, self.roots)

    def clear(self) -> None:
        """Remove every row."""
        self.beginResetModel()
        self._thumb_rows.clear()
        self._rows.clear()
        self._row_of.clear()
        self.roots = set()
        self.endResetModel()

    # -- QAbstractTableModel -------------------------------------------------------------------------
    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role in (Qt.ItemDataRole.DisplayRole,
                                                                 Qt.ItemDataRole.ToolTipRole):
            return self.tr(HEADERS[section]) if HEADERS[section] else ""  # the tooltip: a narrow title elides
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        r = self._rows[index.row()]
        column = COLUMNS[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return column.display(self, r)
        if role == SORT_ROLE:
            return column.sort_key(self, r)
        if role == RESULT_ROLE:
            return r
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(r)
        if role == Qt.ItemDataRole.DecorationRole and column.decoration is not None:
            return column.decoration(self, r)
        if role == Qt.ItemDataRole.ForegroundRole and column.error_colour and r.status != Status.OK:
            return QBrush(error_colour(QApplication.palette()))
        if role == Qt.ItemDataRole.TextAlignmentRole and column.alignment is not None:
            return int(column.alignment)
        return None

    def _tooltip(self, r: Result) -> str:
        tip = visible_text(r.path) if r.status == Status.OK else f"{visible_text(r.path)}\n{r.error}"
        why = uncertain_text(r, self._threshold)
        if why:  # the model's own answer, and why it is not worth much
            tip += "\n" + self.tr("Uncertain ({label} {confidence}): {reason}").format(
                label=label_text(r.label), confidence=f"{r.confidence:.1%}", reason=why)
        if r.person_label:
            said = label_text(r.label) if r.label else self.tr("nothing")
            tip += "\n" + self.tr("Marked by hand as {person}; the model said {label}").format(
                person=label_text(r.person_label), label=said)
            tip += f" ({r.confidence:.1%})" if r.status == Status.OK else ""
        return f"{tip}\n{r.note}" if r.note else tip

    def _prediction_text(self, r: Result) -> str:
        person = r.person_label
        if person:
            return f"{label_text(person)} ✎" if person != r.label else f"{label_text(person)} ✓"
        return label_text(r.verdict(self._threshold)) if r.status == Status.OK else ""

    def _confidence_text(self, r: Result) -> str:
        if r.status != Status.OK or math.isnan(r.confidence):
            return ""
        if r.person_label and r.label and r.person_label != r.label:  # "cat 99.8%" beside "dog ✎": whose it is
            return f"{label_text(r.label)} {r.confidence:.1%}"
        return f"{r.confidence:.1%}"

    def _prediction_key(self, r: Result) -> str:
        return effective_label(r, self._threshold) if r.status == Status.OK else _ERRORS_LAST

    def _status_text(self, r: Result) -> str:
        status = (self.tr("ok") if r.status == Status.OK
                  else self.tr("error: {error}").format(error=error_text(r.error)))  # English in the tooltip
        return f"{status} · {note_text(r.note)}" if r.note else status  # repaired or ignored while decoding

    def _thumbnail(self, r: Result):
        if r.status != Status.OK:
            return QApplication.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)
        return self._thumbnails.get(r.path) if self._thumbnails is not None else None

    # -- thumbnails ----------------------------------------------------------------------------------
    def _on_thumbnail(self, path: str) -> None:
        row = self._row_of.get(path)
        if row is not None:
            self._thumb_rows.add(row)
            if not self._thumb_timer.isActive():
                self._thumb_timer.start()

    def _repaint_thumbnails(self) -> None:
        rows, self._thumb_rows = self._thumb_rows, set()
        rows = [r for r in rows if r < len(self._rows)]
        if rows:
            self.dataChanged.emit(self.index(min(rows), THUMB), self.index(max(rows), THUMB),
                                  [Qt.ItemDataRole.DecorationRole])


COLUMNS = (  # indexed by THUMB, NAME, PREDICTION, CONFIDENCE, STATUS, FOLDER
    Column("", lambda m, r: None, lambda m, r: natural_key(r.name), decoration=ResultsModel._thumbnail),
    Column(QT_TRANSLATE_NOOP("ResultsModel", "File"), lambda m, r: visible_text(r.name), lambda m, r: natural_key(r.name)),
    Column(QT_TRANSLATE_NOOP("ResultsModel", "Prediction"), ResultsModel._prediction_text,
           ResultsModel._prediction_key),
    Column(QT_TRANSLATE_NOOP("ResultsModel", "Confidence"), ResultsModel._confidence_text,
           lambda m, r: -1.0 if r.status != Status.OK or math.isnan(r.confidence) else float(r.confidence),
           alignment=_RIGHT),
    Column(QT_TRANSLATE_NOOP("ResultsModel", "Status"), ResultsModel._status_text,
           lambda m, r: f"{r.status}:{r.error}", error_colour=True),
    Column(QT_TRANSLATE_NOOP("ResultsModel", "Folder"), lambda m, r: visible_text(folder_text(r.path, m.root_of(r.path))),
           lambda m, r: natural_key(os.path.join(os.path.dirname(r.path), r.name))),
)
HEADERS = tuple(column.header for column in COLUMNS)  # translated in headerData()


class ResultsProxy(QSortFilterProxyModel):
    """Sorts the results by each column's natural key (numbers as numbers, errors last) and shows the rows
    that :attr:`result_filter` (a :class:`core.filtering.ResultFilter`) accepts."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setSortRole(SORT_ROLE)
        self.setDynamicSortFilter(True)
        self.result_filter = ResultFilter()

    def set_result_filter(self, result_filter: ResultFilter) -> None:
        """Show only the rows ``result_filter`` accepts."""
        if result_filter == self.result_filter:
            return
        if hasattr(self, "beginFilterChange"):  # Qt 6.9+: invalidateFilter() is deprecated
            self.beginFilterChange()
            self.result_filter = result_filter
            self.endFilterChange()
        else:
            self.result_filter = result_filter
            self.invalidateFilter()

    def filterAcceptsRow(self, source_row: int, source_parent) -> bool:  # noqa: N802 - Qt's name
        if not self.result_filter.active:
            return True
        model = self.sourceModel()
        result = model.result(source_row)
        return self.result_filter.accepts(result, model.root_of(result.path))
