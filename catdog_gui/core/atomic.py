"""Atomic file replacement: write a temporary file beside the target, then rename it over the target.

One routine for every file catdog writes for the user (the results CSV, XMP sidecars and photos with
embedded XMP), so that an interrupted or failed write never leaves a half-written file behind.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
from collections.abc import Callable
from typing import IO

__all__ = ["check_not_read_only", "file_mode", "finish_replace", "is_read_only"]


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


def is_read_only(path: str) -> bool:
    """True when ``path`` (a file or folder) may not be written: no permission, or no write bit at all (one the
    user made read-only: ``chmod a-w``, Windows' read-only attribute; root would be allowed to write it, but the
    user's intent counts). False when it does not exist."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return False
    return not os.access(path, os.W_OK) or not mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)


def check_not_read_only(path: str) -> None:
    """Refuse to replace a file that :func:`is_read_only`: a rename over it would succeed, since only the
    folder's permissions count for a rename.

    Raises:
        PermissionError: ``path`` is an existing read-only file (errno EACCES, ``strerror`` "the file is
            read-only").
    """
    if os.path.isfile(path) and is_read_only(path):
        raise PermissionError(errno.EACCES, "the file is read-only", path)


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
        PermissionError: ``target`` is read-only (:func:`check_not_read_only`).
        Whatever ``write``, ``check`` or the file system raise; ``tmp`` is removed first, ``target`` unchanged.
    """
    try:
        check_not_read_only(target)
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
