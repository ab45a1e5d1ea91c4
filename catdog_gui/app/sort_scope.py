"""Which rows File ▸ Copy to Folders… / Move to Folders… act on, with the rule and the choice of Tags ▸ Write
Tags…: the selected rows that the filter shows, or all rows shown.

:func:`prefers_selection` is the one rule (Write Tags' dialog preselects the same way): the selection when some
of the shown photos are selected but not all of them, else all rows shown. A selection that a filter partly hid
counts only its visible rows (the table's selection model drops hidden rows), never "all shown" silently.
:class:`SortConfirm` is the summary asked about before a sort, with the choice "Selected rows (n)" / "All rows
shown (N)"; switching it shows that set's summary.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from catdog_gui.app.results_model import NAME, RESULT_ROLE
from catdog_gui.core.results import Result

__all__ = ["RowScope", "SortConfirm", "prefers_selection", "row_scope"]


def prefers_selection(selected: int, shown: int) -> bool:
    """The default of Write Tags', Copy's and Move's choice: True (the selected rows) when ``selected`` of the
    ``shown`` classified photos are selected, at least one and fewer than all; False (all rows shown) otherwise."""
    return 0 < selected < shown


@dataclass
class RowScope:
    """The rows a sort can act on: ``shown``, every row the filter shows (view order), and ``selected``, the
    selected ones among them (view order). Counts (:attr:`n_selected`, :attr:`n_shown`) are of classified
    photos (``Result.ok``), as in Write Tags."""

    shown: list[Result] = field(default_factory=list)
    selected: list[Result] = field(default_factory=list)

    @property
    def n_selected(self) -> int:
        return sum(r.ok for r in self.selected)

    @property
    def n_shown(self) -> int:
        return sum(r.ok for r in self.shown)

    @property
    def default_selected(self) -> bool:
        """Whether the selected rows are the default (:func:`prefers_selection`)."""
        return prefers_selection(self.n_selected, self.n_shown)

    def rows(self, only_selected: bool) -> list[Result]:
        """The selected rows (``only_selected``) or all rows shown."""
        return list(self.selected if only_selected else self.shown)

    def now(self, rows: list[Result]) -> RowScope:
        """This scope with ``rows`` (the same photos' rows as the table holds them now, e.g. classified again)
        as the shown rows; the selected ones are those whose path was selected."""
        chosen = {r.path for r in self.selected}
        return RowScope(list(rows), [r for r in rows if r.path in chosen])


def row_scope(window) -> RowScope:
    """The rows ``window`` (a :class:`~catdog_gui.app.main_window.MainWindow`) shows and the selected ones among
    them (rows hidden by the filter are never selected)."""
    proxy = window.proxy
    shown = [proxy.index(i, NAME).data(RESULT_ROLE) for i in range(proxy.rowCount())]
    selected = window.selected_results()
    return RowScope([r for r in shown if r is not None], [r for r in selected if r is not None])


class SortConfirm(QDialog):
    """The summary of a sort, asked about before anything is written: which photos ("Selected rows (n)" or "All
    rows shown (N)", as in Write Tags), then what goes where for that choice.

    Args:
        title: the window title ("Move to folders").
        verb: the text of the button that starts the sort ("Move").
        scope: the rows offered.
        only_selected: the choice preselected (the selected rows; else all rows shown), usually
            :attr:`RowScope.default_selected`.
        summary: ``summary(only_selected) -> (text, startable)``: the summary of a choice and whether it has
            anything to do (else the button is disabled).
        parent: the main window.
    """

    def __init__(self, title: str, verb: str, scope: RowScope, only_selected: bool,
                 summary: Callable[[bool], tuple[str, bool]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self._summary = summary
        self.only_selected = QRadioButton(self.tr("Selected rows ({n})").format(n=scope.n_selected))
        self.all_shown = QRadioButton(self.tr("All rows shown ({n})").format(n=scope.n_shown))
        (self.only_selected if only_selected and scope.n_selected else self.all_shown).setChecked(True)
        self.only_selected.setEnabled(bool(scope.n_selected))
        self.label = QLabel()
        self.label.setTextFormat(Qt.TextFormat.PlainText)  # folder names are not markup
        self.label.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(verb)
        self.ok_button.setDefault(True)  # Enter starts the sort, Escape cancels, as in the message box before
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow(self.tr("Photos:"), self.only_selected)
        form.addRow("", self.all_shown)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.label)
        layout.addWidget(self.buttons)
        self.only_selected.toggled.connect(lambda _on: self._show())
        self._show()
        self.ok_button.setFocus()

    def selected_chosen(self) -> bool:
        """Whether the selected rows are chosen (else all rows shown)."""
        return self.only_selected.isChecked()

    def text(self) -> str:
        """The summary shown (of the chosen set)."""
        return self.label.text()

    def _show(self) -> None:
        text, startable = self._summary(self.selected_chosen())
        self.label.setText(text)
        self.ok_button.setEnabled(startable)
