"""Before the first window: can Qt's platform plugin load? If not, say which system libraries are missing.

pip installs Qt itself, but Qt's X11 platform plugin (``libqxcb.so``) links against system libraries that
pip cannot install (``libxcb-cursor0``, ``libxcb-icccm4``, ``libxkbcommon-x11-0``, ``libegl1``...). Without
them Qt prints ``Could not load the Qt platform plugin "xcb"`` and aborts the process (exit code 134).
:func:`check_platform_plugin` asks the dynamic linker first (``ldd`` on the plugin, which lists every
unresolved dependency, direct or indirect) and returns one line naming the missing libraries and the
package-manager command that installs them, so that ``catdog-gui`` can print it and exit cleanly. With
every library there, Qt still aborts when no X server answers at ``$DISPLAY`` (started over SSH or from a text
console), with the same misleading hint to install ``libxcb-cursor0``: :func:`display_problem` connects first,
as Qt's plugin does (``xcb_connect``, through :mod:`ctypes`), and says so instead.

The soname-to-package tables come from ``dpkg -S`` on Debian 12 (bookworm; the same names on Ubuntu
22.04/24.04) and from Fedora's package database (``dnf provides``); the list of what the plugin needs is
Qt's own "Qt for X11 Requirements" page (https://doc.qt.io/qt-6/linux-requirements.html).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

__all__ = [
    "APT_PACKAGES", "DNF_PACKAGES", "PlatformProblem", "check_platform_plugin", "display_problem", "install_command",
    "missing_libraries", "platform_that_will_load",
]

# soname -> Debian/Ubuntu package (dpkg -S on Debian 12)
APT_PACKAGES: dict[str, str] = {
    "libxcb-cursor.so.0": "libxcb-cursor0", "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-keysyms.so.1": "libxcb-keysyms1", "libxcb-image.so.0": "libxcb-image0",
    "libxcb-render-util.so.0": "libxcb-render-util0", "libxcb-randr.so.0": "libxcb-randr0",
    "libxcb-render.so.0": "libxcb-render0", "libxcb-shape.so.0": "libxcb-shape0",
    "libxcb-shm.so.0": "libxcb-shm0", "libxcb-sync.so.1": "libxcb-sync1", "libxcb-util.so.1": "libxcb-util1",
    "libxcb-xfixes.so.0": "libxcb-xfixes0", "libxcb-xkb.so.1": "libxcb-xkb1",
    "libxcb-xinerama.so.0": "libxcb-xinerama0", "libxcb-xinput.so.0": "libxcb-xinput0",
    "libxcb.so.1": "libxcb1", "libX11-xcb.so.1": "libx11-xcb1", "libX11.so.6": "libx11-6",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0", "libxkbcommon.so.0": "libxkbcommon0",
    "libEGL.so.1": "libegl1", "libGL.so.1": "libgl1", "libGLX.so.0": "libglx0", "libOpenGL.so.0": "libopengl0",
    "libGLdispatch.so.0": "libglvnd0", "libfontconfig.so.1": "libfontconfig1", "libfreetype.so.6": "libfreetype6",
    "libdbus-1.so.3": "libdbus-1-3", "libglib-2.0.so.0": "libglib2.0-0", "libgthread-2.0.so.0": "libglib2.0-0",
    "libSM.so.6": "libsm6", "libICE.so.6": "libice6", "libpng16.so.16": "libpng16-16",
}

# soname -> Fedora/RHEL package (dnf provides)
DNF_PACKAGES: dict[str, str] = {
    "libxcb-cursor.so.0": "xcb-util-cursor", "libxcb-icccm.so.4": "xcb-util-wm",
    "libxcb-keysyms.so.1": "xcb-util-keysyms", "libxcb-image.so.0": "xcb-util-image",
    "libxcb-render-util.so.0": "xcb-util-renderutil", "libxcb-util.so.1": "xcb-util",
    "libxcb-randr.so.0": "libxcb", "libxcb-render.so.0": "libxcb", "libxcb-shape.so.0": "libxcb",
    "libxcb-shm.so.0": "libxcb", "libxcb-sync.so.1": "libxcb", "libxcb-xfixes.so.0": "libxcb",
    "libxcb-xkb.so.1": "libxcb", "libxcb-xinerama.so.0": "libxcb", "libxcb-xinput.so.0": "libxcb",
    "libxcb.so.1": "libxcb", "libX11-xcb.so.1": "libX11-xcb", "libX11.so.6": "libX11",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11", "libxkbcommon.so.0": "libxkbcommon",
    "libEGL.so.1": "libglvnd-egl", "libGL.so.1": "libglvnd-glx", "libGLX.so.0": "libglvnd-glx",
    "libOpenGL.so.0": "libglvnd-opengl", "libGLdispatch.so.0": "libglvnd",
    "libfontconfig.so.1": "fontconfig", "libfreetype.so.6": "freetype", "libdbus-1.so.3": "dbus-libs",
    "libglib-2.0.so.0": "glib2", "libgthread-2.0.so.0": "glib2", "libSM.so.6": "libSM", "libICE.so.6": "libICE",
    "libpng16.so.16": "libpng",
}

_NOT_FOUND = re.compile(r"^\s*(\S+)\s+=>\s+not found\s*$", re.MULTILINE)
_DLOPEN_MISSING = re.compile(r"(\S+\.so[.\d]*): cannot open shared object file")


class PlatformProblem(str):
    """The one-line message (a ``str``) with the missing sonames in :attr:`missing` (sorted)."""

    missing: tuple[str, ...]

    def __new__(cls, text: str, missing: tuple[str, ...]) -> PlatformProblem:
        obj = super().__new__(cls, text)
        obj.missing = missing
        return obj


def platform_that_will_load(environ: os._Environ | dict | None = None) -> str:
    """The name of the platform plugin Qt will try first on this system, as Qt 6 decides it.

    ``QT_QPA_PLATFORM`` wins (its first ``;``-separated entry); otherwise ``wayland`` in a Wayland
    session (``XDG_SESSION_TYPE=wayland``), ``xcb`` on other Linux/BSD systems, and Qt's own default
    (``cocoa``, ``windows``) elsewhere.
    """
    env = os.environ if environ is None else environ
    chosen = env.get("QT_QPA_PLATFORM", "").split(";")[0].split(":")[0].strip()
    if chosen:
        return chosen
    if sys.platform == "darwin":
        return "cocoa"
    if sys.platform == "win32":
        return "windows"
    return "wayland" if env.get("XDG_SESSION_TYPE") == "wayland" else "xcb"


def missing_libraries(plugin: str | os.PathLike) -> tuple[str, ...]:
    """Sonames the dynamic linker cannot find for ``plugin`` (a shared library), sorted; ``()`` if none.

    Uses ``ldd`` (every unresolved dependency, direct or indirect); where ``ldd`` is not installed,
    falls back to ``dlopen`` through :mod:`ctypes`, which names only the first one.

    Raises:
        FileNotFoundError: ``plugin`` does not exist.
    """
    plugin = Path(plugin)
    if not plugin.is_file():
        raise FileNotFoundError(f"no such plugin: {plugin}")
    ldd = shutil.which("ldd")
    if ldd is not None:
        proc = subprocess.run([ldd, str(plugin)], capture_output=True, text=True, errors="replace", timeout=30)
        return tuple(sorted(set(_NOT_FOUND.findall(proc.stdout))))
    import ctypes

    try:
        ctypes.CDLL(str(plugin))
    except OSError as exc:
        return tuple(_DLOPEN_MISSING.findall(str(exc))[:1])
    return ()


def _os_release() -> dict[str, str]:
    for path in ("/etc/os-release", "/usr/lib/os-release"):
        try:
            text = Path(path).read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        return {k: v.strip().strip('"') for k, _, v in (line.partition("=") for line in text.splitlines()) if v}
    return {}


def install_command(missing: tuple[str, ...] | list[str], os_release: dict[str, str] | None = None) -> str:
    """The command that installs the packages holding ``missing`` sonames on this distribution.

    Debian/Ubuntu (``ID``/``ID_LIKE`` in ``/etc/os-release``): ``sudo apt-get install ...``;
    Fedora/RHEL: ``sudo dnf install ...``; otherwise both, joined by `` or ``. Sonames the tables do not
    know are left out of the command (they are named in the message anyway).
    """
    info = _os_release() if os_release is None else os_release
    family = f"{info.get('ID', '')} {info.get('ID_LIKE', '')}".split()
    apt = " ".join(dict.fromkeys(APT_PACKAGES[s] for s in missing if s in APT_PACKAGES))
    dnf = " ".join(dict.fromkeys(DNF_PACKAGES[s] for s in missing if s in DNF_PACKAGES))
    apt_line = f"sudo apt-get install {apt}" if apt else ""
    dnf_line = f"sudo dnf install {dnf}" if dnf else ""
    if any(f in family for f in ("debian", "ubuntu")):
        return apt_line
    if any(f in family for f in ("fedora", "rhel", "centos")):
        return dnf_line
    return " (Debian/Ubuntu) or ".join(x for x in (apt_line, dnf_line) if x) + (" (Fedora)" if dnf_line else "")


def check_platform_plugin(plugins_dir: str | os.PathLike | None = None,
                          environ: dict | None = None) -> PlatformProblem | None:
    """``None`` if Qt's platform plugin can load, else one line saying what is missing and how to install it.

    Only the X11 plugin (``xcb``) is checked: it is the one that needs libraries pip does not install.

    Args:
        plugins_dir: Qt's ``plugins`` folder (default: ``$QT_QPA_PLATFORM_PLUGIN_PATH`` if set, as Qt does,
            else ``QLibraryInfo.path(PluginsPath)`` of PySide6).
        environ: the environment to decide the platform from (default ``os.environ``).
    """
    env = os.environ if environ is None else environ
    if platform_that_will_load(env) != "xcb":
        return None
    if plugins_dir is None and env.get("QT_QPA_PLATFORM_PLUGIN_PATH"):  # Qt looks there first
        plugin = Path(env["QT_QPA_PLATFORM_PLUGIN_PATH"]) / "libqxcb.so"
    else:
        if plugins_dir is None:
            from PySide6.QtCore import QLibraryInfo  # QtCore needs no display libraries

            plugins_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.PluginsPath)
        plugin = Path(plugins_dir) / "platforms" / "libqxcb.so"
    if not plugin.is_file():
        return None  # a build without xcb: let Qt say which platforms it has
    missing = missing_libraries(plugin)
    if not missing:
        return None
    command = install_command(missing)
    text = (f"catdog-gui: Qt's X11 platform plugin (xcb) cannot load; missing system libraries: "
            f"{', '.join(missing)}." + (f" Install them with: {command}" if command else ""))
    return PlatformProblem(text, missing)


_NO_DISPLAY_HINT = ("start it from a desktop session (or with ssh -X), or classify in a terminal with catdog-classify")


def display_problem(environ: dict | None = None) -> str | None:
    """``None`` when the X server at ``$DISPLAY`` accepts a connection (or the platform is not ``xcb``, or
    ``libxcb`` cannot be loaded: :func:`check_platform_plugin` says that), else one line saying that there is no
    display to open the window on.

    Connects and disconnects once with ``xcb_connect`` / ``xcb_connection_has_error`` (libxcb, the library Qt's
    xcb plugin connects with), so the answer is the one Qt would get.

    Args:
        environ: the environment (default ``os.environ``): ``DISPLAY``, ``QT_QPA_PLATFORM``, ``XDG_SESSION_TYPE``.
    """
    env = os.environ if environ is None else environ
    if platform_that_will_load(env) != "xcb":
        return None
    display = env.get("DISPLAY", "")
    if not display:
        return f"catdog-gui: no display to open the window on (DISPLAY is not set): {_NO_DISPLAY_HINT}."
    import ctypes

    try:
        xcb = ctypes.CDLL("libxcb.so.1")
    except OSError:
        return None
    xcb.xcb_connect.restype = ctypes.c_void_p
    xcb.xcb_connect.argtypes = [ctypes.c_char_p, ctypes.c_void_p]
    xcb.xcb_connection_has_error.argtypes = [ctypes.c_void_p]
    xcb.xcb_disconnect.argtypes = [ctypes.c_void_p]
    connection = xcb.xcb_connect(os.fsencode(display), None)
    try:
        failed = xcb.xcb_connection_has_error(connection)
    finally:
        xcb.xcb_disconnect(connection)  # also for the static error connection (libxcb checks)
    if not failed:
        return None
    return f"catdog-gui: cannot connect to the display {display!r} (no X server answers there): {_NO_DISPLAY_HINT}."
