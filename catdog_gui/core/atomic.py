"""Atomic file replacement: write a temporary file beside the target, then rename it over the target.

One routine for every file catdog writes for the user (the results CSV, XMP sidecars and photos with
embedded XMP), so that an interrupted or failed write never leaves a half-written file behind. Only a
regular file is ever renamed over: a symbolic link is followed to the file it leads to (which is replaced;
the link stays), and a device, named pipe, socket or folder is never replaced (:func:`resolve_target`).
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
from collections.abc import Callable
from typing import IO

__all__ = ["check_not_read_only", "file_mode", "finish_replace", "is_read_only", "resolve_target"]


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


_NOT_A_FILE = ((stat.S_ISDIR, "a folder"), (stat.S_ISCHR, "a device"), (stat.S_ISFIFO, "a named pipe (FIFO)"),
               (stat.S_ISSOCK, "a socket"), (stat.S_ISBLK, "a block device"))


def _not_a_file(mode: int, path: str) -> OSError:
    """The error for writing a file at ``path``, whose ``st_mode`` is ``mode``, which is not a regular file."""
    kind = next((name for test, name in _NOT_A_FILE if test(mode)), "not a regular file")
    code = errno.EISDIR if stat.S_ISDIR(mode) else errno.EINVAL
    return OSError(code, f"it is {kind}, not a file", path)


def resolve_target(path: str, *, streams: bool = False) -> tuple[str, bool]:
    """Where a file written for ``path`` goes, so that nothing but a regular file is ever renamed over.

    Args:
        path: the name the user gave (a file, a new name, a symbolic link, ``/dev/null``, ``/dev/stdout``, ...).
        streams: accept a character device (``/dev/null``, a terminal) or a named pipe (FIFO, also
            ``/dev/stdout`` when it is a pipe): the caller writes through it, without a temporary file or rename.

    Returns:
        ``(target, stream)``: ``(path, False)`` for a regular file or a name that does not exist yet; for a
        symbolic link (or a chain of them, or one that leads nowhere yet) ``(the file it leads to, False)``:
        replace that file, and the link stays; ``(path, True)`` for a character device or named pipe, and
        (with ``streams``) for one of this process's own open files (``/dev/stdout``, ``/dev/fd/3``,
        ``/proc/self/fd/1``), whatever it is open on: the caller appends to it as to the descriptor.

    Raises:
        OSError: ``path`` is a folder (errno EISDIR), a socket, a block device, or (without ``streams``) a
            character device or named pipe (errno EINVAL); ``strerror`` says which ("it is a socket, not a
            file"). Also a link loop or a folder that cannot be searched.
    """
    if streams and _through_own_descriptor(path):
        return path, True  # /dev/stdout into `> run.log`: appended to like standard output, never replaced
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        return (os.path.realpath(path) if os.path.islink(path) else path), False
    if stat.S_ISREG(mode):
        if not os.path.islink(path):
            return path, False
        real = os.path.realpath(path)
        if not os.path.samefile(real, path):  # e.g. /proc/self/fd/1 of a deleted file: no name to replace
            raise OSError(errno.EINVAL, "it is a link that does not lead to a file name", path)
        return real, False
    if streams and (stat.S_ISCHR(mode) or stat.S_ISFIFO(mode)):
        return path, True
    raise _not_a_file(mode, path)


def _through_own_descriptor(path: str) -> bool:
    """Whether ``path`` is, or leads through symbolic links to, an entry of ``/proc/<pid>/fd`` (Linux's
    ``/dev/stdout`` -> ``/proc/self/fd/1``; ``/dev/fd`` -> ``/proc/self/fd``): a process's open file, which
    may be a log file opened with ``>>`` that must not be replaced nor truncated."""
    p = os.path.abspath(path)
    for _ in range(40):  # the kernel's own limit on links followed
        folder = os.path.realpath(os.path.dirname(p))
        parts = folder.split("/")
        if len(parts) == 4 and parts[1] == "proc" and parts[3] == "fd":
            return True
        if not os.path.islink(p):
            return False
        p = os.path.join(os.path.dirname(p), os.readlink(p))
    return False


def _check_replaceable(target: str) -> None:
    """Refuse to rename over anything but a regular file (or nothing): a link, a device, a folder ...

    Raises:
        OSError: ``target`` exists and is not a regular file (see :func:`resolve_target`, which callers use
            first, so that this is only a last guard).
    """
    try:
        mode = os.lstat(target).st_mode
    except FileNotFoundError:
        return
    if stat.S_ISLNK(mode):
        raise OSError(errno.EINVAL, "it is a symbolic link; write to the file it leads to", target)
    if not stat.S_ISREG(mode):
        raise _not_a_file(mode, target)


def finish_replace(fd: int, tmp: str, target: str, write: Callable[[IO], object], *, text: bool = False,
                   check: Callable[[], None] | None = None):
    """Fill the temporary file ``tmp`` (open as ``fd``, from ``tempfile.mkstemp`` beside ``target``) with
    ``write(f)``, flush it to disk (fsync), give it ``target``'s permissions (mkstemp makes 0600), call
    ``check()`` (which may raise to leave ``target`` untouched), and rename it over ``target``.

    Args:
        fd, tmp: the open descriptor and path that ``mkstemp`` returned; ``fd`` is closed here.
        target: the file to replace (or create); a regular file, never a link (:func:`resolve_target` first).
        write: writes the content to the file object; its return value is returned.
        text: open ``fd`` as UTF-8 text with a BOM and no newline translation (CSV for Excel), else binary.
        check: called after the data is on disk and before the rename.

    Returns:
        What ``write`` returned.

    Raises:
        PermissionError: ``target`` is read-only (:func:`check_not_read_only`).
        OSError: ``target`` is not a regular file (a link, a device, a folder: never renamed over).
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
        _check_replaceable(target)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return result
