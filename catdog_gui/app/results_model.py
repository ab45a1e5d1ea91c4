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
from collections.abc import Sequence

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    QTimer,
)
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QApplication, QStyle

from catdog_gui.app.i18n import label_text
from catdog_gui.core.filtering import ResultFilter, folder_name
from catdog_gui.core.results import Result
from catdog_gui.core.verdicts import effective_label

THUMB, NAME, PREDICTION, CONFIDENCE, STATUS, FOLDER = range(6)  # FOLDER is shown after NAME (header order)
# column titles, translated in headerData() (QT_TRANSLATE_NOOP only marks them for pyside6-lupdate)
HEADERS = ("", QT_TRANSLATE_NOOP("ResultsModel", "File"), QT_TRANSLATE_NOOP("ResultsModel", "Prediction"),
           QT_TRANSLATE_NOOP("ResultsModel", "Confidence"), QT_TRANSLATE_NOOP("ResultsModel", "Status"),
           QT_TRANSLATE_NOOP("ResultsModel", "Folder"))
SORT_ROLE = Qt.ItemDataRole.UserRole + 1
RESULT_ROLE = Qt.ItemDataRole.UserRole + 2
THUMBNAIL_REFRESH_MS = 200  # thumbnails made meanwhile are repainted together at most this often

_Index = QModelIndex | QPersistentModelIndex


def natural_key(name: str) -> str:
    """A sort key that orders ``2.jpg`` before ``10.jpg`` (digit runs zero-padded), case-insensitive."""
    return re.sub(r"\d+", lambda m: m.group().zfill(20), name.casefold())


class ResultsModel(QAbstractTableModel):
    """Rows of classification results (append-only until :meth:`clear`).

    Args:
        thumbnails: optional provider with ``get(path) -> QPixmap | None`` and a ``ready(str)`` signal.
    """

    def __init__(self, thumbnails=None, parent=None) -> None:
        super().__init__(parent)
        self._rows: list[Result] = []
        self._row_of: dict[str, int] = {}
        self._threshold: float | None = None  # the uncertain threshold the verdicts are shown at
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

    def paths(self) -> frozenset[str]:
        """The paths already in the table."""
        return frozenset(self._row_of)

    def append(self, results: Sequence[Result]) -> None:
        """Add a batch of results at the end (one model notification per batch)."""
        new = [r for r in results if r.path not in self._row_of]
        if not new:
            return
        first = len(self._rows)
        self.beginInsertRows(QModelIndex(), first, first + len(new) - 1)
        for i, r in enumerate(new):
            self._row_of[r.path] = first + i
        self._rows.extend(new)
        self.endInsertRows()

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

    def clear(self) -> None:
        """Remove every row."""
        self.beginResetModel()
        self._thumb_rows.clear()
        self._rows.clear()
        self._row_of.clear()
        self.endResetModel()

    # -- QAbstractTableModel -------------------------------------------------------------------------
    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.tr(HEADERS[section]) if HEADERS[section] else ""
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        r = self._rows[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if col == NAME:
                return r.name
            if col == FOLDER:
                return folder_name(r.path)
            if col == PREDICTION:
                person = r.person_label
                if person:
                    return f"{label_text(person)} ✎" if person != r.label else f"{label_text(person)} ✓"
                return label_text(r.verdict(self._threshold)) if r.status == "ok" else ""
            if col == CONFIDENCE:
                return f"{r.confidence:.1%}" if r.status == "ok" and not math.isnan(r.confidence) else ""
            if col == STATUS:
                status = self.tr("ok") if r.status == "ok" else self.tr("error: {error}").format(error=r.error)
                return f"{status} · {r.note}" if r.note else status  # repaired or ignored while decoding
            return None
        if role == Qt.ItemDataRole.DecorationRole and col == THUMB:
            if r.status != "ok":
                return QApplication.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)
            return self._thumbnails.get(r.path) if self._thumbnails is not None else None
        if role == Qt.ItemDataRole.ForegroundRole and col == STATUS and r.status != "ok":
            return QBrush(QColor(180, 30, 30))
        if role == Qt.ItemDataRole.ToolTipRole:
            tip = r.path if r.status == "ok" else f"{r.path}\n{r.error}"
            why = r.uncertain_reason(self._threshold)
            if why:  # the model's own answer, and why it is not worth much
                tip += "\n" + self.tr("Uncertain ({label} {confidence}): {reason}").format(
                    label=label_text(r.label), confidence=f"{r.confidence:.1%}", reason=why)
            if r.person_label:
                said = label_text(r.label) if r.label else self.tr("nothing")
                tip += "\n" + self.tr("Marked by hand as {person}; the model said {label}").format(
                    person=label_text(r.person_label), label=said)
                tip += f" ({r.confidence:.1%})" if r.status == "ok" else ""
            return f"{tip}\n{r.note}" if r.note else tip
        if role == Qt.ItemDataRole.TextAlignmentRole and col == CONFIDENCE:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == SORT_ROLE:
            if col in (THUMB, NAME):
                return natural_key(r.name)
            if col == FOLDER:
                return natural_key(os.path.join(os.path.dirname(r.path), r.name))
            if col == PREDICTION:
                return effective_label(r, self._threshold) if r.status == "ok" else "\uffff"  # errors last
            if col == CONFIDENCE:
                return -1.0 if r.status != "ok" or math.isnan(r.confidence) else float(r.confidence)
            if col == STATUS:
                return f"{r.status}:{r.error}"
        if role == RESULT_ROLE:
            return r
        return None

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
        return self.result_filter.accepts(self.sourceModel().result(source_row))
