"""app/sort_actions.py: the File menu's Copy to Folders…, Move to Folders… and Undo Last Sort, where they were
before they moved out of the main window (same order, same texts, in Korean too), and the window's names for
them. Sorting itself is tested in test_app_sort.py and test_app_sort_stack.py."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest
from PySide6.QtWidgets import QMessageBox

from catdog_gui.app.i18n import catalogue_path, install_translators
from catdog_gui.app.main_window import MainWindow
from catdog_gui.app.sort_actions import SortActions

HANGUL = re.compile(r"[\uac00-\ud7a3]")
SOURCES = ("&Copy to Folders…", "Mo&ve to Folders…", "&Undo Last Sort")
TIPS = ("Copy the selected (or shown) photos into cat/, dog/, uncertain/ folders",
        "Move the selected (or shown) photos into cat/, dog/, uncertain/ folders",
        "Put moved photos back, or delete the copies, of the last sort")


def sort_context(language: str) -> dict[str, str]:
    """``{source: translation}`` of the SortActions context of catalogue ``language`` (first form)."""
    root = ET.parse(catalogue_path(language, ".ts")).getroot()
    out = {}
    for context in root.iter("context"):
        if context.findtext("name") == "SortActions":
            for message in context.iter("message"):
                translation = message.find("translation")
                forms = [f.text or "" for f in translation.iter("numerusform")] or [translation.text or ""]
                out[message.findtext("source")] = forms[0]
    return out


@pytest.fixture
def korean(qapp):
    installed = install_translators(qapp, "ko")
    yield installed
    install_translators(qapp, "en")


def _window(qtbot, model) -> MainWindow:
    w = MainWindow(model)
    qtbot.addWidget(w)
    return w


def _sort_items(w: MainWindow) -> list:
    """The File menu's items from Clear Results to Quit."""
    items = w.menuBar().actions()[0].menu().actions()
    return items[items.index(w.clear_action):items.index(w.quit_action) + 1]


def test_file_menu_holds_the_three_actions_between_clear_and_quit(qtbot, tiny_model_path):
    w = _window(qtbot, tiny_model_path)
    sa = w.sort_actions
    assert isinstance(sa, SortActions) and sa.parent() is w
    items = _sort_items(w)
    assert items[2:5] == [sa.copy_action, sa.move_action, sa.undo_action]
    assert items[1].isSeparator() and items[5].isSeparator() and len(items) == 7
    assert [a.text() for a in items[2:5]] == list(SOURCES)
    assert [a.statusTip() for a in items[2:5]] == list(TIPS)
    assert all(a.parent() is w and not a.shortcut().toString() for a in items[2:5])
    assert sa.copy_action.isEnabled() and sa.move_action.isEnabled()
    assert not sa.undo_action.isEnabled()  # no settings: no last sort to undo


def test_the_window_keeps_its_names_for_the_parts_of_sorting(qtbot, tiny_model_path, tmp_path, monkeypatch):
    w = _window(qtbot, tiny_model_path)
    sa = w.sort_actions
    assert (w.copy_sort_action, w.move_sort_action, w.undo_sort_action) == (sa.copy_action, sa.move_action,
                                                                            sa.undo_action)
    assert w.sort_worker is None and w._last_journal is None and w.last_sort is None and w._sort_box is None
    assert not w.undo_last_sort()  # nothing to undo: no dialog
    errors, said = [], []
    monkeypatch.setattr(QMessageBox, "critical", staticmethod(lambda _parent, title, text: errors.append(
        (title, text))))
    monkeypatch.setattr(QMessageBox, "information", staticmethod(lambda _parent, title, text: said.append(
        (title, text))))
    w._last_journal = str(tmp_path / "journal")
    assert sa.journal == str(tmp_path / "journal")
    assert not w.undo_last_sort()  # no such journal file: nothing left to undo, said in words
    assert not errors and len(said) == 1 and said[0][0] == "Undo last sort"
    assert said[0][1].startswith(f"Nothing to undo in {tmp_path}: ")
    assert w._last_journal is None and not w.undo_sort_action.isEnabled()
    (tmp_path / "journal").write_text("not a journal\n")
    w._last_journal = str(tmp_path / "journal")
    assert not w.undo_last_sort()  # a damaged journal: the window's error dialog says why
    assert len(errors) == 1 and errors[0][0] == "Undo last sort"
    assert errors[0][1].startswith("Could not undo the last sort:\n")
    w.cancel()  # no sort in progress: nothing to stop
    w.shutdown()
    w.shutdown()


def test_korean_menu_texts_and_messages_come_from_the_sortactions_context(qtbot, korean, tiny_model_path, tmp_path,
                                                                        monkeypatch):
    ko = sort_context("ko")
    assert set(SOURCES + TIPS) <= set(ko)
    w = _window(qtbot, tiny_model_path)
    items = _sort_items(w)
    assert [a.text() for a in items[2:5]] == [ko[s] for s in SOURCES]
    assert [a.statusTip() for a in items[2:5]] == [ko[s] for s in TIPS]
    assert all(HANGUL.search(a.text()) for a in items[2:5])
    said = []
    monkeypatch.setattr(QMessageBox, "information", staticmethod(lambda _parent, title, text: said.append(
        (title, text))))
    assert not w.sort_into("copy", str(tmp_path / "out"), confirm=False)  # no rows yet
    assert said == [(ko["Sort into folders"], ko["There are no classified photos to sort."])]
    assert HANGUL.search(said[0][1])


def test_english_plural_forms_moved_with_the_strings():
    en = sort_context("en")
    assert en["Copied %n photo(s) into {target}"] == "Copied %n photo into {target}"
    assert {"Undone: moved %n photo(s) back", "Undone: removed %n copy(ies)"} <= set(en)
