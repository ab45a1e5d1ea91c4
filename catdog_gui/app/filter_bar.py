"""The filter bar over the results: All / each class / Uncertain / Errors, a confidence range, a search box."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QButtonGroup, QHBoxLayout, QLabel, QLineEdit, QSpinBox, QToolButton, QWidget

from catdog_gui.app.i18n import label_text
from catdog_gui.core.filtering import ALL, ERRORS, UNCERTAIN, ResultFilter
from catdog_gui.core.tally import DEFAULT_UNCERTAIN_THRESHOLD, Tally

__all__ = ["FilterBar"]


class FilterBar(QWidget):
    """Chooses which rows the results table shows; emits :attr:`changed` with the new filter.

    Signals:
        changed(object): a :class:`core.filtering.ResultFilter`.
    """

    changed = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._threshold = DEFAULT_UNCERTAIN_THRESHOLD
        self._layout = QHBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self.group = QButtonGroup(self)
        self.group.setExclusive(True)
        self.buttons: dict[str, QToolButton] = {}
        self._buttons_end = 0
        self.low = QSpinBox()
        self.high = QSpinBox()
        for spin, value, other in ((self.low, 0, self.high), (self.high, 100, self.low)):
            spin.setRange(0, 100)
            spin.setValue(value)
            spin.setSuffix("%")
            # typed digits count once typing is done (Enter, focus out): typing "95" into the maximum
            # must not pass through 9% and drag the minimum down; arrows and the wheel still act at once
            spin.setKeyboardTracking(False)
            spin.valueChanged.connect(lambda v, o=other: self._keep_order(o, v))
        self.low.setToolTip(self.tr("Lowest confidence shown"))
        self.high.setToolTip(self.tr("Highest confidence shown"))
        self.search = QLineEdit()
        self.search.setPlaceholderText(self.tr("Search file or folder names"))
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self._emit)
        self._layout.addStretch(1)
        self._layout.addWidget(QLabel(self.tr("Confidence")))
        self._layout.addWidget(self.low)
        self._layout.addWidget(QLabel("–"))
        self._layout.addWidget(self.high)
        self._layout.addWidget(self.search, 2)
        self.group.idToggled.connect(lambda _id, on: on and self._emit())
        self.set_labels(())

    def set_labels(self, labels: Sequence[str], threshold: float = DEFAULT_UNCERTAIN_THRESHOLD) -> None:
        """One button per class of the model in use (plus All, Uncertain, Errors); back to All."""
        self._threshold = threshold
        for button in self.buttons.values():
            self.group.removeButton(button)
            self._layout.removeWidget(button)
            button.hide()  # out of the layout now; deleted later
            button.deleteLater()
        self.buttons = {}
        keys = [(ALL, self.tr("All")), *((label, label_text(label).capitalize()) for label in labels),
                (UNCERTAIN, self.tr("Uncertain")), (ERRORS, self.tr("Errors"))]
        for i, (key, text) in enumerate(keys):
            button = QToolButton()
            button.setText(text)
            button.setCheckable(True)
            button.setAutoRaise(False)
            button.setProperty("base_text", text)
            self.group.addButton(button, i)
            self._layout.insertWidget(i, button)
            self.buttons[key] = button
        self.buttons[UNCERTAIN].setToolTip(
            self.tr("Top probability below {threshold}").format(threshold=f"{threshold:.1%}"))
        self.buttons[ALL].setChecked(True)
        self._emit()

    def set_threshold(self, threshold: float) -> None:
        """Use another uncertain threshold (the buttons stay as they are); the filter is emitted again."""
        if threshold == self._threshold:
            return
        self._threshold = threshold
        self.buttons[UNCERTAIN].setToolTip(
            self.tr("Top probability below {threshold}").format(threshold=f"{threshold:.1%}"))
        self._emit()

    def set_counts(self, tally: Tally) -> None:
        """Show each category's count on its button."""
        counts = {ALL: tally.total, UNCERTAIN: tally.uncertain, ERRORS: tally.errors, **tally.per_class}
        for key, button in self.buttons.items():
            base = button.property("base_text")
            button.setText(f"{base} {counts[key]}" if key in counts else base)

    def select(self, category: str) -> None:
        """Check the button of ``category`` (``"all"``, a label, ``"uncertain"``, ``"errors"``)."""
        self.buttons[category].setChecked(True)

    def reset(self) -> None:
        """Back to every row: All, the full confidence range, no search text; :attr:`changed` once."""
        controls = (self.group, self.low, self.high, self.search, *self.buttons.values())
        blocked = [c.blockSignals(True) for c in controls]
        try:
            if ALL in self.buttons:
                self.buttons[ALL].setChecked(True)
            self.low.setValue(0)
            self.high.setValue(100)
            self.search.clear()
        finally:
            for c, was in zip(controls, blocked):
                c.blockSignals(was)
        self._emit()

    def result_filter(self) -> ResultFilter:
        """The filter the controls describe."""
        category = next((k for k, b in self.buttons.items() if b.isChecked()), ALL)
        low, high = self.low.value() / 100, self.high.value() / 100  # low <= high: _keep_order
        return ResultFilter(category, low, high, self.search.text(), self._threshold)

    def _keep_order(self, other: QSpinBox, value: int) -> None:
        """One end of the confidence range moved to ``value``: the ``other`` end follows it where it would
        cross (a minimum above the maximum raises the maximum, and the reverse); one filter is emitted."""
        if (other is self.high and other.value() < value) or (other is self.low and other.value() > value):
            was = other.blockSignals(True)
            other.setValue(value)
            other.blockSignals(was)
        self._emit()

    def _emit(self, *_args) -> None:
        self.changed.emit(self.result_filter())
