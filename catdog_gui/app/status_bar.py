"""The window's status bar: a message wider than its room ends in "…" (``QStatusBar`` cuts it off mid-letter),
and the whole message is the bar's tooltip."""

from __future__ import annotations

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import QStatusBar, QStyle, QStyleOption, QWidget

__all__ = ["ElidingStatusBar", "MESSAGE_MARGINS"]

# px left of the message and right of it before the bar's edge; QStatusBarPrivate::messageRect (qstatusbar.cpp)
MESSAGE_MARGINS = (6, 12)


class ElidingStatusBar(QStatusBar):
    """A :class:`QStatusBar` that draws its temporary message elided at the right (at the left in a right-to-left
    layout) to fit between its edge and the first visible permanent widget, the way ``QStatusBar`` lays it out.
    ``currentMessage()`` stays the whole text (tests and the tooltip read it)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._permanent: list[QWidget] = []
        # a lambda: PySide cannot take setToolTip as a slot ("addMetaMethod: Cannot add dynamic method")
        self.messageChanged.connect(lambda text: self.setToolTip(text))  # noqa: PLW0108

    def addPermanentWidget(self, widget: QWidget, stretch: int = 0) -> None:  # noqa: N802 - Qt's name
        self._permanent.append(widget)
        super().addPermanentWidget(widget, stretch)

    def message_rect(self) -> QRect:
        """Where the message is drawn (px, in the bar): as ``QStatusBarPrivate::messageRect``."""
        left, right = MESSAGE_MARGINS[0], self.width() - MESSAGE_MARGINS[1]
        rtl = self.layoutDirection() == Qt.LayoutDirection.RightToLeft
        for widget in self._permanent:
            if widget.isVisibleTo(self):
                if rtl:
                    left = max(left, widget.x() + widget.width() + 2)
                else:
                    right = min(right, widget.x() - 2)
                break
        return QRect(left, 0, max(right - left, 0), self.height())

    def shown_message(self) -> str:
        """The message as it is drawn: whole when it fits :meth:`message_rect`, else elided."""
        mode = Qt.TextElideMode.ElideLeft if self.layoutDirection() == Qt.LayoutDirection.RightToLeft \
            else Qt.TextElideMode.ElideRight
        return self.fontMetrics().elidedText(self.currentMessage(), mode, self.message_rect().width())

    def paintEvent(self, event) -> None:  # noqa: N802 - Qt's name
        if not self.currentMessage():
            super().paintEvent(event)  # the widgets' frames, no text
            return
        painter = QPainter(self)
        option = QStyleOption()
        option.initFrom(self)
        self.style().drawPrimitive(QStyle.PrimitiveElement.PE_PanelStatusBar, option, painter, self)
        for widget in self._permanent:  # the normal widgets are hidden while a message shows
            if widget.isVisible():
                frame = QStyleOption()
                frame.rect = widget.geometry().adjusted(-2, -1, 2, 1)
                frame.palette = self.palette()
                self.style().drawPrimitive(QStyle.PrimitiveElement.PE_FrameStatusBarItem, frame, painter, widget)
        painter.setPen(self.palette().windowText().color())
        painter.drawText(self.message_rect(), Qt.AlignmentFlag.AlignLeading | Qt.AlignmentFlag.AlignVCenter
                         | Qt.TextFlag.TextSingleLine, self.shown_message())
