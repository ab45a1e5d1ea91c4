"""Keyboard accelerators (the underlined letter, Alt+letter) are unique within each menu, in English and in
Korean: two actions on one letter make the key cycle between them instead of triggering either."""

from __future__ import annotations

import re
from collections import Counter

import pytest
from PySide6.QtWidgets import QMenu

from catdog_gui.app.i18n import install_translators
from catdog_gui.app.main_window import MainWindow

_ACCELERATOR = re.compile(r"&([^&\s])")


def _clashes(menu: QMenu, path: str) -> list[str]:
    letters = Counter()
    owners: dict[str, list[str]] = {}
    for action in menu.actions():
        if action.isSeparator():
            continue
        if action.menu() is not None:
            found = _clashes(action.menu(), f"{path} > {action.text()}")
            if found:
                return found
        match = _ACCELERATOR.search(action.text().replace("&&", ""))
        if match:
            key = match.group(1).lower()
            letters[key] += 1
            owners.setdefault(key, []).append(action.text())
    return [f"{path}: {owners[k]}" for k, n in letters.items() if n > 1]


@pytest.mark.parametrize("language", ["en", "ko"])
def test_each_menu_has_unique_accelerators(qtbot, qapp, tiny_model_path, language):
    install_translators(qapp, language)
    try:
        w = MainWindow(tiny_model_path)
        qtbot.addWidget(w)
        menus = [a.menu() for a in w.menuBar().actions() if a.menu() is not None]
        assert len(menus) >= 4
        clashes = [c for m in menus for c in _clashes(m, m.title())]
        assert not clashes, clashes
        top = Counter(_ACCELERATOR.search(m.title()).group(1).lower() for m in menus if "&" in m.title())
        assert all(n == 1 for n in top.values()), top
    finally:
        install_translators(qapp, "en")
