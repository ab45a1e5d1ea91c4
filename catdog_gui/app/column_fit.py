"""Keeps a table's stretching file name column readable in a narrow table: when it would be narrower than
its minimum, the other columns give way first, down to their narrowest useful widths (in a given order), and
get back what they gave when the table is wider again. A column a person resized (or whose width a saved
layout restored) is theirs: it is left alone."""

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
        self.by_hand: set[int] = set()  # columns resized by a person or a restored layout: left alone
        self._fitting = False
        table.horizontalHeader().sectionResized.connect(self._on_resized)
        table.viewport().installEventFilter(self)

    def keep_widths(self) -> None:
        """Leave every column at its present width from now on (a saved layout was restored)."""
        header = self.table.horizontalHeader()
        self.by_hand.update(c for c in range(header.count()) if c != self.name)
        self.given.clear()

    def _on_resized(self, column: int, _old: int, _new: int) -> None:
        if not self._fitting and column != self.name:
            self.by_hand.add(column)
            self.given.pop(column, None)

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
        order = [(c, px) for c, px in self.narrowest() if c not in self.by_hand]
        self._fitting = True
        try:
            self._share(header, room, order)
        finally:
            self._fitting = False

    def _share(self, header, room: int, order: list[tuple[int, int]]) -> None:
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
