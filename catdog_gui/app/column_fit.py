"""Keeps a table's stretching file name column readable in a narrow table: when it would be narrower than
its minimum, the other columns give way first, down to their narrowest useful widths (in a given order), and
get back what they gave when the table is wider again. Widths a person set by hand are left alone otherwise."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QTableView

__all__ = ["ColumnFitter"]


class ColumnFitter(QObject):
    """Watches ``table``'s viewport and narrows or widens its columns so that column ``name`` (in stretch
    mode) keeps at least ``name_width`` px where the others can give it.

    Args:
        table: the view; its header's ``name`` section stretches.
        name: the stretching column's logical index.
        name_width: the width (px) the name column is given first.
        narrowest: returns (column, px) pairs: the columns that give way, in order, and their narrowest
            useful width (their values fit; the title may elide). Called at each fit (fonts and languages change).
    """

    def __init__(self, table: QTableView, name: int, name_width: int,
                 narrowest: Callable[[], Sequence[tuple[int, int]]]) -> None:
        super().__init__(table)
        self.table, self.name, self.name_width, self.narrowest = table, name, name_width, narrowest
        self.given: dict[int, int] = {}  # px each column gave the name, to take back when there is room
        table.viewport().installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.Resize:
            self.fit()
        return super().eventFilter(watched, event)

    def fit(self) -> None:
        """Narrow or widen the other columns for the viewport's present width."""
        header = self.table.horizontalHeader()
        others = sum(header.sectionSize(c) for c in range(header.count()) if c != self.name and
                     not header.isSectionHidden(c))
        room = self.table.viewport().width() - others - self.name_width  # < 0: the name is short of px
        order = list(self.narrowest())
        if room < 0:
            for column, narrow in order:
                cut = min(-room, header.sectionSize(column) - narrow)
                if cut > 0:
                    header.resizeSection(column, header.sectionSize(column) - cut)
                    self.given[column] = self.given.get(column, 0) + cut
                    room += cut
                if room >= 0:
                    break
        else:
            for column, _narrow in reversed(order):
                back = min(room, self.given.get(column, 0))
                if back > 0:
                    header.resizeSection(column, header.sectionSize(column) + back)
                    self.given[column] -= back
                    room -= back
