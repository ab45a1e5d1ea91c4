"""The hint over an empty results view when the filter hides every photo: "No photo matches the filter",
with a link that shows them all again. Without it a filter left on (Uncertain, a search) after a new drop
looked like a run that found nothing."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QSortFilterProxyModel, Qt
from PySide6.QtWidgets import QAbstractItemView, QLabel

__all__ = ["EmptyFilterHint"]


class EmptyFilterHint(QLabel):
    """A centred label on ``view``'s viewport, shown while ``proxy`` hides every row of its source model.

    Args:
        view: the table or gallery the hint lies over.
        proxy: the filtering model ``view`` shows.
        show_all: called when the person clicks "Show all photos" (the filter bar's reset).
    """

    def __init__(self, view: QAbstractItemView, proxy: QSortFilterProxyModel, show_all: Callable[[], None]) -> None:
        super().__init__(view.viewport())
        self._view, self._proxy = view, proxy
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.RichText)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.LinksAccessibleByMouse
                                     | Qt.TextInteractionFlag.LinksAccessibleByKeyboard)
        self.setObjectName("EmptyFilterHint")
        self.linkActivated.connect(lambda _link: show_all())
        self.setText("<p>{}</p><p><a href='#all'>{}</a></p>".format(
            self.tr("No photo matches the filter."), self.tr("Show all photos")))
        for signal in (proxy.rowsInserted, proxy.rowsRemoved, proxy.modelReset, proxy.layoutChanged):
            signal.connect(self.update_visibility)
        source = proxy.sourceModel()
        if source is not None:
            for signal in (source.rowsInserted, source.rowsRemoved, source.modelReset):
                signal.connect(self.update_visibility)
        view.viewport().installEventFilter(self)
        self.update_visibility()

    def update_visibility(self, *_args) -> None:
        """Show the hint when rows exist but the filter shows none; hide it otherwise."""
        source = self._proxy.sourceModel()
        hidden_all = source is not None and source.rowCount() > 0 and self._proxy.rowCount() == 0
        if hidden_all:
            self.setGeometry(self._view.viewport().rect().adjusted(24, 24, -24, -24))
            self.raise_()
        self.setVisible(hidden_all)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.Resize and self.isVisible():
            self.setGeometry(self._view.viewport().rect().adjusted(24, 24, -24, -24))
        return super().eventFilter(watched, event)
