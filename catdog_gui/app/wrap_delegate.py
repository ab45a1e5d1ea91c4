"""An item delegate that wraps a cell's text on word boundaries within the row's height (a table's rows are
as tall as their thumbnails: room for two or three lines), eliding only what still does not fit."""

from __future__ import annotations

from PySide6.QtWidgets import QStyleOptionViewItem, QStyledItemDelegate

__all__ = ["WrappingDelegate"]


class WrappingDelegate(QStyledItemDelegate):
    """Draws its cells' text wrapped (``QStyleOptionViewItem.WrapText``) while the view's other columns keep
    one line; install with ``view.setItemDelegateForColumn(column, WrappingDelegate(view))``."""

    def initStyleOption(self, option: QStyleOptionViewItem, index) -> None:  # noqa: N802 - Qt's name
        super().initStyleOption(option, index)
        option.features |= QStyleOptionViewItem.ViewItemFeature.WrapText
