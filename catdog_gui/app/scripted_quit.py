"""Quit the app the way a person does once a run ends: for tests of the whole process and for checks by hand.

``CATDOG_GUI_QUIT_AFTER_RUN=<how>`` in the environment of ``catdog-gui`` makes the window, once the runs
started from the command line have ended, print ``CATDOG_GUI_QUIT_AFTER_RUN: <n> rows, quitting by <how>``
on stdout, select the first row (as a click does), wait a moment, and then:

- ``ctrl+q``: press Ctrl+Q (a real key event through Qt's shortcut map, the user's path to File ▸ Quit);
- ``close``: close the window (as the title bar's close button does: a close event);
- ``destroy``: destroy the native window with no close event (as ``xdotool windowclose`` or a crashed
  compositor does), to check that the process still ends.
"""

from __future__ import annotations

import os

from PySide6.QtCore import Qt, QTimer

__all__ = ["ENV", "HOWS", "install_from_environment", "quit_after_run"]

ENV = "CATDOG_GUI_QUIT_AFTER_RUN"
HOWS = ("ctrl+q", "close", "destroy")
DELAY_MS = 300  # between selecting the row and quitting: the detail view starts its work meanwhile


def quit_after_run(window, how: str) -> None:
    """When ``window.run_finished`` is next emitted, select row 0 and quit by ``how`` (one of :data:`HOWS`).

    Raises:
        ValueError: ``how`` is not one of :data:`HOWS`.
    """
    if how not in HOWS:
        raise ValueError(f"unknown {ENV}={how!r}; expected one of {', '.join(HOWS)}")

    def act() -> None:
        if how == "ctrl+q":
            from PySide6.QtTest import QTest

            window.activateWindow()
            QTest.keyClick(window, Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier)
        elif how == "close":
            window.close()
        else:
            window.destroy()  # QWidget.destroy(): the native window goes, no closeEvent

    def on_finished() -> None:
        window.run_finished.disconnect(on_finished)
        print(f"{ENV}: {window.results.rowCount()} rows, quitting by {how}", flush=True)
        if window.results.rowCount():
            window.select_row(0)
        QTimer.singleShot(DELAY_MS, window, act)

    window.run_finished.connect(on_finished)


def install_from_environment(window) -> None:
    """Call :func:`quit_after_run` when ``CATDOG_GUI_QUIT_AFTER_RUN`` is set."""
    how = os.environ.get(ENV, "").strip().lower()
    if how:
        quit_after_run(window, how)
