"""Delegates that shorten a cell's text to what still tells rows apart. The file name column: a name too long
for its cell is elided in the middle of its stem, the extension kept whole ("IMG_20…015.jpg"), so that the start
and end of each name still tell rows apart. The confidence column: "cat 99.8%" (the model's label beside a mark
by hand that disagrees) keeps only its number when the cell is too narrow for both, then the whole percent
("99%"), never "ca…8%" or "9…%". The folder column: elided at the left, so that the folder that holds the photo
stays in sight ("…03/cats", not "202…ats")."""

from __future__ import annotations

import math
import os

from PySide6.QtCore import Qt
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QApplication, QStyle, QStyledItemDelegate, QStyleOptionViewItem

__all__ = ["NameDelegate", "ConfidenceDelegate", "FolderDelegate", "elide_name", "fit_confidence"]

SPARE = 4  # px
MAX_EXTENSION = 6  # characters after the dot: ".jpg", ".jpeg", ".tiff"; longer is not an extension to keep


def elide_name(metrics: QFontMetrics, name: str, width: int) -> str:
    """``name`` as it fits ``width`` px in ``metrics``' font: whole, else its stem elided in the middle with the
    extension kept ("cat_0…123.jpg"), else (no room for the extension and a character) elided in the middle."""
    if metrics.horizontalAdvance(name) <= width:
        return name
    stem, ext = os.path.splitext(name)
    if ext and len(ext) <= MAX_EXTENSION + 1 and stem:
        shown = metrics.elidedText(stem, Qt.TextElideMode.ElideMiddle, width - metrics.horizontalAdvance(ext))
        if shown.strip("…"):
            return shown + ext
    return metrics.elidedText(name, Qt.TextElideMode.ElideMiddle, width)


def fit_confidence(metrics: QFontMetrics, text: str, width: int) -> str:
    """``text`` ("99.8%" or "cat 99.8%") as it fits ``width`` px in ``metrics``' font: whole, else its last word
    (the percentage), else that percentage rounded down to a whole number ("99%", never "9…%")."""
    if metrics.horizontalAdvance(text) <= width:
        return text
    number = text.rsplit(" ", 1)[-1]
    if metrics.horizontalAdvance(number) <= width or not number.endswith("%"):
        return number
    try:
        return f"{math.floor(float(number[:-1]))}%"
    except ValueError:
        return number


def _text_room(option: QStyleOptionViewItem) -> int:
    """px a cell has for its text, less the style's margins and a few px to spare (the style's own eliding
    must not cut the text again)."""
    style = option.widget.style() if option.widget is not None else QApplication.style()
    room = style.subElementRect(QStyle.SubElement.SE_ItemViewItemText, option, option.widget).width()
    margin = style.pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, option.widget) + 1
    return room - 2 * margin - SPARE


class NameDelegate(QStyledItemDelegate):
    """Draws file names elided by :func:`elide_name`; install with
    ``view.setItemDelegateForColumn(column, NameDelegate(view))``."""

    def initStyleOption(self, option: QStyleOptionViewItem, index) -> None:  # noqa: N802 - Qt's name
        super().initStyleOption(option, index)
        option.text = elide_name(option.fontMetrics, option.text, _text_room(option))


class ConfidenceDelegate(QStyledItemDelegate):
    """Draws confidences shortened by :func:`fit_confidence`; install like :class:`NameDelegate`."""

    def initStyleOption(self, option: QStyleOptionViewItem, index) -> None:  # noqa: N802 - Qt's name
        super().initStyleOption(option, index)
        option.text = fit_confidence(option.fontMetrics, option.text, _text_room(option))


class FolderDelegate(QStyledItemDelegate):
    """Draws folders (``"2020/03/cats"``) elided at the left: the innermost folders, which tell rows apart,
    stay; install like :class:`NameDelegate`."""

    def initStyleOption(self, option: QStyleOptionViewItem, index) -> None:  # noqa: N802 - Qt's name
        super().initStyleOption(option, index)
        option.textElideMode = Qt.TextElideMode.ElideLeft
