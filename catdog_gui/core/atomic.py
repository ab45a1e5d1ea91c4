"""Atomic file replacement: write a temporary file beside the target, then rename it over the target.

One routine for every file catdog writes for the user (the results CSV, XMP sidecars and photos with
embedded XMP), so that an interrupted or failed write never leaves a half-written file behind.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable
from typing import IO

__all__ = ["file_mode", "finish_replace"]


def file_mode(path: str) -> int:
    """The existing file's permission bits, else 0o666 minus the process umask (what ``open`` would give)."""
    try:
        return os.stat(path).st_mode & 0o777
    except OSError:
        pass
    try:  # Linux: read the umask without changing it (os.umask is process-wide, not thread-safe)
        with open("/proc/self/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("Umask:"):
                    return 0o666 & ~int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    umask = os.umask(0o022)
    os.umask(umask)
    return 0o666 & ~umask


def finish_replace(fd: int, tmp: str, target: str, write: Callable[[IO], object], *, text: bool = False,
                   check: Callable[[], None] | None = None):
    """Fill the temporary file ``tmp`` (open as ``fd``, from ``tempfile.mkstemp`` beside ``target``) with
    ``write(f)``, flush it to disk (fsync), give it ``target``'s permissions (mkstemp makes 0600), call
    ``check()`` (which may raise to leave ``target`` untouched), and rename it over ``target``.

    Args:
        fd, tmp: the open descriptor and path that ``mkstemp`` returned; ``fd`` is closed here.
        target: the file to replace (or create).
        write: writes the content to the file object; its return value is returned.
        text: open ``fd`` as UTF-8 text with a BOM and no newline translation (CSV for Excel), else binary.
        check: called after the data is on disk and before the rename.

    Returns:
        What ``write`` returned.

    Raises:
        Whatever ``write``, ``check`` or the file system raise; ``tmp`` is removed first, ``target`` unchanged.
    """
    try:
        with (os.fdopen(fd, "w", encoding="utf-8-sig", newline="") if text else os.fdopen(fd, "wb")) as f:
            result = write(f)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, file_mode(target))
        if check is not None:
            check()
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return result
