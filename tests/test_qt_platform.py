"""Qt's platform plugin check (``catdog_gui.app.qt_platform``): missing system libraries are named, with
the command that installs them, and ``catdog-gui`` exits with that one line instead of Qt's abort.

A library is hidden by giving a copy of the real ``libqxcb.so`` a dependency that exists nowhere: its
``DT_NEEDED`` entry ``libxcb-cursor.so.0`` is renamed in place to ``libxcb-cursor.so.9`` (same length, so
the ELF layout is unchanged). ``LD_LIBRARY_PATH`` could not hide a system library; this does.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QLibraryInfo

from catdog_gui.app.qt_platform import (
    APT_PACKAGES,
    check_platform_plugin,
    display_problem,
    install_command,
    missing_libraries,
    platform_that_will_load,
)

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Qt's xcb plugin is Linux-only")

QT_PLUGINS = Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.PluginsPath))
XCB = QT_PLUGINS / "platforms" / "libqxcb.so"
HIDDEN, ABSENT = b"libxcb-cursor.so.0", b"libxcb-cursor.so.9"


@pytest.fixture
def broken_plugins(tmp_path) -> Path:
    """A Qt ``plugins`` folder whose ``platforms/libqxcb.so`` needs ``libxcb-cursor.so.9`` (nowhere)."""
    if not XCB.is_file():
        pytest.skip("this PySide6 has no xcb plugin")
    data = XCB.read_bytes()
    assert data.count(HIDDEN + b"\0") == 1, "the plugin no longer needs libxcb-cursor.so.0"
    root = tmp_path / "Qt"
    (root / "plugins" / "platforms").mkdir(parents=True)
    (root / "plugins" / "platforms" / "libqxcb.so").write_bytes(data.replace(HIDDEN + b"\0", ABSENT + b"\0"))
    (root / "lib").symlink_to(QT_PLUGINS.parent / "lib")  # the plugin's RUNPATH is $ORIGIN/../../lib
    return root / "plugins"


def test_intact_plugin_lists_only_what_this_system_lacks():
    if not XCB.is_file():
        pytest.skip("this PySide6 has no xcb plugin")
    missing = missing_libraries(XCB)
    assert ABSENT.decode() not in missing
    assert not any(name.startswith("libQt6") for name in missing), "Qt's own libraries must resolve"


def test_hidden_library_is_named_with_its_install_command(broken_plugins):
    missing = missing_libraries(broken_plugins / "platforms" / "libqxcb.so")
    assert ABSENT.decode() in missing
    problem = check_platform_plugin(broken_plugins, environ={"XDG_SESSION_TYPE": "x11"})
    assert problem is not None and "\n" not in problem
    assert ABSENT.decode() in problem and "xcb" in problem
    assert set(problem.missing) == set(missing)
    # other platforms do not need the xcb plugin
    assert check_platform_plugin(broken_plugins, environ={"QT_QPA_PLATFORM": "offscreen"}) is None
    assert check_platform_plugin(broken_plugins, environ={"XDG_SESSION_TYPE": "wayland"}) is None


def test_gui_prints_one_line_and_exits_instead_of_aborting(broken_plugins):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("QT_", "WAYLAND"))}
    env.update(QT_QPA_PLATFORM_PLUGIN_PATH=str(broken_plugins / "platforms"), XDG_SESSION_TYPE="x11",
               DISPLAY=":99")
    script = shutil.which("catdog-gui", path=os.path.dirname(sys.executable))
    command = [script] if script else [sys.executable, "-m", "catdog_gui"]
    proc = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    lines = proc.stderr.strip().splitlines()
    assert proc.returncode == 1, proc.stderr
    assert len(lines) == 1 and ABSENT.decode() in lines[0], proc.stderr


def test_install_command_per_distribution():
    missing = ("libxcb-cursor.so.0", "libxcb-icccm.so.4", "libxkbcommon-x11.so.0", "libEGL.so.1")
    debian = install_command(missing, {"ID": "ubuntu", "ID_LIKE": "debian"})
    assert debian == "sudo apt-get install libxcb-cursor0 libxcb-icccm4 libxkbcommon-x11-0 libegl1"
    fedora = install_command(missing, {"ID": "fedora"})
    assert fedora == "sudo dnf install xcb-util-cursor xcb-util-wm libxkbcommon-x11 libglvnd-egl"
    other = install_command(missing, {"ID": "arch"})
    assert debian in other and fedora in other
    assert install_command(("libnothing.so.1",), {"ID": "debian"}) == ""


def test_platform_choice_follows_qt():
    assert platform_that_will_load({"QT_QPA_PLATFORM": "offscreen"}) == "offscreen"
    assert platform_that_will_load({"QT_QPA_PLATFORM": "wayland;xcb"}) == "wayland"
    assert platform_that_will_load({"XDG_SESSION_TYPE": "wayland"}) == "wayland"
    assert platform_that_will_load({"XDG_SESSION_TYPE": "x11"}) == "xcb"


@pytest.mark.skipif(shutil.which("dpkg") is None, reason="needs dpkg (Debian/Ubuntu) to check the table")
def test_apt_table_matches_the_packages_installed_here():
    """Every library of the plugin found on this system belongs to the package the table names."""
    out = subprocess.run(["ldd", str(XCB)], capture_output=True, text=True).stdout
    found = {}
    for line in out.splitlines():
        parts = line.split()
        if len(parts) >= 3 and parts[1] == "=>" and parts[0] in APT_PACKAGES and parts[2].startswith("/"):
            found[parts[0]] = os.path.realpath(parts[2])
    if not found:  # a bare system (CI's fresh machine may be one): nothing installed to check the table against
        pytest.skip("none of the xcb plugin's system libraries is installed here")
    # by file name: with merged /usr, dpkg may have registered /lib/... for a file ldd finds in /usr/lib/...
    owners = subprocess.run(["dpkg", "-S", *(os.path.basename(p) for p in found.values())],
                            capture_output=True, text=True).stdout
    owner_of = {}
    for line in owners.splitlines():
        package, _, path = line.partition(": ")
        owner_of[os.path.basename(path.strip())] = package.split(":")[0]
    for soname, path in found.items():
        assert owner_of.get(os.path.basename(path)) == APT_PACKAGES[soname], soname


def _gui_env(**extra) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("QT_", "WAYLAND", "DISPLAY"))}
    env.update(XDG_SESSION_TYPE="x11", **extra)
    return env


@pytest.mark.parametrize("display", [None, ":97"])
def test_no_display_is_said_in_one_line_instead_of_qts_abort(display):
    """Every library there, but no X server (started over SSH or from a text console): Qt aborted (exit 134)
    advising to install libxcb-cursor0 (tester 6). One line instead, exit 1."""
    env = _gui_env(**({} if display is None else {"DISPLAY": display}))
    assert display_problem(env) is not None
    script = shutil.which("catdog-gui", path=os.path.dirname(sys.executable))
    command = [script] if script else [sys.executable, "-m", "catdog_gui"]
    proc = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    lines = proc.stderr.strip().splitlines()
    assert proc.returncode == 1, proc.stderr
    why = "DISPLAY is not set" if display is None else "cannot connect to the display ':97'"
    assert len(lines) == 1 and why in lines[0] and "catdog-classify" in lines[0], proc.stderr


@pytest.mark.skipif(shutil.which("xvfb-run") is None, reason="needs Xvfb (xvfb-run)")
def test_a_display_that_answers_passes():
    code = ("import os, sys; from catdog_gui.app.qt_platform import display_problem; "
            "print(display_problem({'DISPLAY': os.environ['DISPLAY'], 'XDG_SESSION_TYPE': 'x11'}))")
    proc = subprocess.run(["xvfb-run", "-a", sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                          env=_gui_env())
    assert proc.stdout.strip() == "None", proc.stdout + proc.stderr
    assert display_problem({"QT_QPA_PLATFORM": "offscreen"}) is None  # no display needed
