"""Quit the app the way a person does: for tests of the whole process and for checks by hand.

``CATDOG_GUI_QUIT_AFTER_RUN=<how>[@<rows>]`` in the environment of ``catdog-gui`` makes the window, once
the runs started from the command line have ended (or, with ``@<rows>``, as soon as that many rows are in
the table, mid-run), print ``CATDOG_GUI_QUIT_AFTER_RUN: <n> rows, quitting by <how>`` on stdout, select
the first row (as a click does), wait a moment, and then:

- ``ctrl+q``: press Ctrl+Q (a real key event through Qt's shortcut map, the user's path to File ▸ Quit);
- ``close``: close the window (as the title bar's close button does: a close event);
- ``destroy``: destroy the native window with no close event (as ``xdotool windowclose`` or a crashed
  compositor does), to check that the process still ends.

When the event loop ends it prints ``CATDOG_GUI_QUIT_AFTER_RUN: <n> rows at exit``.
"""

from __future__ import annotations

import os

from PySide6.QtCore import QCoreApplication, Qt, QTimer

__all__ = ["ENV", "HOWS", "install_from_environment", "parse", "quit_after_run"]

ENV = "CATDOG_GUI_QUIT_AFTER_RUN"
HOWS = ("ctrl+q", "close", "destroy")
DELAY_MS = 300  # between selecting the row and quitting: the detail view starts its work meanwhile


def parse(value: str) -> tuple[str, int | None]:
    """``"destroy@50"`` -> ``("destroy", 50)``; ``"ctrl+q"`` -> ``("ctrl+q", None)``.

    Raises:
        ValueError: unknown ``how``, or ``rows`` not a positive integer.
    """
    how, _, rows = value.strip().lower().partition("@")
    if how not in HOWS:
        raise ValueError(f"unknown {ENV}={value!r}; expected one of {', '.join(HOWS)}, optionally @ROWS")
    if not rows:
        return how, None
    if not rows.isdigit() or int(rows) < 1:
        raise ValueError(f"{ENV}={value!r}: ROWS must be a positive integer")
    return how, int(rows)


def quit_after_run(window, how: str, rows: int | None = None) -> None:
    """Quit ``window`` by ``how`` (one of :data:`HOWS`) when its runs end, or once ``rows`` rows are in.

    Raises:
        ValueError: ``how`` is not one of :data:`HOWS`.
    """
    if how not in HOWS:
        raise ValueError(f"unknown {ENV}={how!r}; expected one of {', '.join(HOWS)}")

    def act() -> None:
        window.unsaved_work.saved()  # the script stands for a person who answers the quit question "Quit
        #   Without Saving" (a slow machine's run of a minute or more would otherwise wait for that answer)
        if how == "ctrl+q":
            from PySide6.QtTest import QTest

            window.activateWindow()
            QTest.keyClick(window, Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier)
        elif how == "close":
            window.close()
        else:
            window.destroy()  # QWidget.destroy(): the native window goes, no closeEvent

    fired = []

    def fire() -> None:
        if fired:
            return
        fired.append(True)
        print(f"{ENV}: {window.results.rowCount()} rows, quitting by {how}", flush=True)
        if window.results.rowCount():
            window.select_row(0)
        QTimer.singleShot(DELAY_MS, window, act)

    if rows is None:
        window.run_finished.connect(fire)
    else:
        window.results.rowsInserted.connect(lambda *_: window.results.rowCount() >= rows and fire())
    app = QCoreApplication.instance()
    app.aboutToQuit.connect(lambda: print(f"{ENV}: {window.results.rowCount()} rows at exit", flush=True))


def install_from_environment(window) -> None:
    """Call :func:`quit_after_run` when ``CATDOG_GUI_QUIT_AFTER_RUN`` is set (see :func:`parse`)."""
    value = os.environ.get(ENV, "")
    if value.strip():
        quit_after_run(window, *parse(value))
