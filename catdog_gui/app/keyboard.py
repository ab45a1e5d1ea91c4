"""The main window's keyboard paths that no single widget owns.

- View ▸ Search Names (``QKeySequence.Find``, Ctrl+F): the filter bar's search box gets the focus, its
  text selected; Escape there gives the focus back to the results (table or gallery), the filter kept.
- The window's shortcuts win over the search box: on X11 a line edit claims Ctrl+E (end of line, as in
  Emacs), which would leave File ▸ Export CSV… dead while one types a search.
- Shift+F10 opens the results' context menu for the current row, as the Menu key does.
- Tags ▸ Mark as <first label> (Ctrl+1), Mark as <second label> (Ctrl+2) and Clear Mark (Ctrl+0) mark the
  selected photos by hand without the mouse; the row menu offers the same actions with their keys.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QPoint, Qt
from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import QAbstractItemView, QMainWindow, QMenu

from catdog_gui.app.i18n import label_text

__all__ = ["Keyboard", "install"]

ROW_MENU_KEY = QKeySequence("Shift+F10")


class Keyboard(QObject):
    """Installs the shortcuts on ``window`` (a :class:`~catdog_gui.app.main_window.MainWindow`): it needs
    ``filter_bar.search``, ``views`` (table and gallery), ``view_menu``, ``row_menu()`` and the window's
    actions (whose shortcuts the search box must not swallow)."""

    def __init__(self, window: QMainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.find_action = QAction(self.tr("&Search Names"), window)
        self.find_action.setShortcut(QKeySequence(QKeySequence.StandardKey.Find))
        self.find_action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        self.find_action.setStatusTip(self.tr("Type part of a file or folder name to show only those rows"))
        self.find_action.triggered.connect(lambda _checked=False: self.focus_search())
        window.view_menu.addAction(self.find_action)
        window.filter_bar.search.installEventFilter(self)
        window.table.installEventFilter(self)  # Tab into the table: its current row shows as selected
        for view in (window.table, window.gallery):
            shortcut = QShortcut(ROW_MENU_KEY, view, context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(self.open_row_menu)
        self.last_menu: QMenu | None = None
        self.mark_actions = self._mark_actions()
        self.name_marks()

    def _mark_actions(self) -> list[QAction]:
        """Mark as <label> for the model's first two labels (Ctrl+1, Ctrl+2) and Clear Mark (Ctrl+0), at the
        top of the Tags menu; their texts follow the model in use (:meth:`name_marks`)."""
        window = self.window
        actions = []
        for key, index in (("Ctrl+1", 0), ("Ctrl+2", 1), ("Ctrl+0", None)):
            action = QAction(window)
            action.setShortcut(QKeySequence(key))
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            action.triggered.connect(lambda _checked=False, i=index: self.mark(i))
            actions.append(action)
        menu = getattr(getattr(window, "tag_actions", None), "menu", None)
        if menu is not None:
            first = menu.actions()[0] if menu.actions() else None
            menu.insertActions(first, actions)
            menu.insertSeparator(first)
            menu.aboutToShow.connect(self.name_marks)
        else:
            window.addActions(actions)
        return actions

    def name_marks(self) -> None:
        """Name the mark actions after the labels of the model in use (none: hidden); called when a model
        opens and before the menus show."""
        labels = self.window.engine.info.labels if self.window.engine is not None else ()
        for index, action in enumerate(self.mark_actions[:2]):
            known = index < len(labels)
            action.setText(self.tr("Mark as {label}").format(label=label_text(labels[index])) if known else "")
            action.setVisible(known)  # a shortcut of a hidden action does nothing
        self.mark_actions[2].setText(self.tr("Clear Mark"))

    def mark(self, index: int | None) -> int:
        """Mark the selected photos (the current one when none is selected) as the model's label ``index``
        (None: clear their marks); returns how many rows changed (:meth:`MainWindow.mark_selected`)."""
        labels = self.window.engine.info.labels if self.window.engine is not None else ()
        if index is not None and index >= len(labels):
            return 0
        changed = self.window.mark_selected(None if index is None else labels[index])
        if not changed and not any(r is not None and r.ok for r in self.window.selected_results()):
            self.window.statusBar().showMessage(self.tr("Select a classified photo to mark it"), 5000)  # not silent
        return changed

    def focus_search(self) -> None:
        """Put the focus in the search box, its text selected (typing replaces it)."""
        search = self.window.filter_bar.search
        search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        search.selectAll()

    def open_row_menu(self) -> QMenu | None:
        """Open the row menu at the current row of the view shown (the first row when none is current);
        returns the menu after it closes, or None when there are no rows."""
        view: QAbstractItemView = self.window.views.currentWidget()
        index = view.currentIndex()
        if not index.isValid():
            if not view.model().rowCount():
                return None
            self.window.select_row(0)
            index = view.currentIndex()
        view.scrollTo(index)
        rect = view.visualRect(index)
        at = view.viewport().mapToGlobal(QPoint(rect.left() + 8, rect.bottom()))
        self.last_menu = self.window.row_menu()
        self.last_menu.exec(at)
        return self.last_menu

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if watched is self.window.table:
            if event.type() == QEvent.Type.FocusIn:
                self._select_current()
            return super().eventFilter(watched, event)
        if event.type() == QEvent.Type.ShortcutOverride:
            if self._window_shortcut(event):
                event.ignore()  # not the line edit's: the window's action runs
                return True
        elif event.type() == QEvent.Type.KeyPress and event.key() == Qt.Key.Key_Escape \
                and event.modifiers() == Qt.KeyboardModifier.NoModifier:
            self.window.views.currentWidget().setFocus(Qt.FocusReason.ShortcutFocusReason)
            return True
        return super().eventFilter(watched, event)

    def _select_current(self) -> None:
        """The table got the focus with a current row but nothing selected (Tab or Shift+Tab into it): select
        that row, so that the photo the detail view shows, which Ctrl+1 would mark, is highlighted."""
        table = self.window.table
        current = table.currentIndex()
        if current.isValid() and not table.selectionModel().hasSelection():
            self.window.select_row(current.row())

    def _window_shortcut(self, event) -> bool:
        """Whether the key of ``event`` is the shortcut of one of the window's menu actions (Ctrl+E and the
        like); the keys that edit text (Ctrl+A, Ctrl+C, Ctrl+V, ...) are not among them."""
        pressed = QKeySequence(event.keyCombination())
        return any(s.matches(pressed) == QKeySequence.SequenceMatch.ExactMatch
                   for a in self.window.findChildren(QAction) if a.isEnabled() and a.menu() is None
                   and a.associatedObjects() for s in a.shortcuts())


def install(window: QMainWindow) -> Keyboard:
    """Add the keyboard paths to ``window``; returns its :class:`Keyboard` (also ``window.keyboard``)."""
    window.keyboard = Keyboard(window)
    return window.keyboard
