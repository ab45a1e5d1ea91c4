"""Sort classified photos into folders: ``<target>/<label>`` and ``<target>/uncertain``, by copy or move.

- :func:`plan_sort` decides each photo's destination (unreadable photos are left where they are); a name
  already taken in the destination, on disk or by an earlier photo of the plan, gets a suffix
  (``x.jpg`` -> ``x (1).jpg``).
- :func:`run_sort` carries the plan out one photo at a time and never overwrites: a copy is written to a
  file opened with ``O_EXCL``; a move on the same file system is a hard link (fails if the name exists)
  followed by removing the source, otherwise an exclusive copy followed by removing the source. If the
  name was taken meanwhile, the next suffix is tried. Each finished operation is appended to a journal
  (JSON lines, flushed and fsynced), so :func:`undo_sort` can put moved photos back and delete copies.
- The journal in the target keeps every sort into it that copied or moved photos, a stack: each such run
  appends its own header line (mode, target) and entries, the header with its first photo (a run in which
  every photo failed, e.g. a second run on the same folder finding them gone, leaves no trace; one written
  by an older version is passed over and dropped by the next undo). :func:`undo_sort` undoes the most recent sort only and leaves the earlier ones in the
  journal (:attr:`SortReport.earlier` counts them), so undoing again undoes the one before. A journal of one
  sort (as older versions wrote it, replaced by each run) is a stack of one.
- A photo that fails (permissions, a read-only target, an original that cannot be removed: the new copy is
  then removed again) is reported and the run goes on; a full disk
  (``ENOSPC``, ``EDQUOT``) stops the run, and the partial file is removed.
- XMP sidecars travel with their photo (``photo.jpg.xmp`` and ``photo.xmp``, :func:`~catdog_gui.core.xmp.sidecar_path`):
  moved with a move, copied with a copy, under the photo's new name (same collision suffix: ``x (1).jpg`` gets
  ``x (1).jpg.xmp``); a name is free only when the photo's and its sidecars' names all are. A ``photo.xmp``
  that another file of the same stem in the folder still uses (``photo.png``) is copied, not moved. A sidecar
  that cannot follow undoes its photo's move (the photo is reported). The journal records them; undo puts
  them back too.
- A photo that is a symbolic link is moved as a link that still points at the same file (a relative link is
  re-pointed from its new folder); a copy copies the photo it points at.
- A photo already at its destination (``<target>/<label>/<name>``: sorting a folder into itself twice) is
  left alone, never renamed (:attr:`SortItem.in_place`, :attr:`SortReport.in_place`).
- A photo whose bytes are already in its destination folder under its name or one of its suffixed names
  (copying the same folder twice) is skipped, not copied again as ``x (1).jpg``: :attr:`SortItem.already`,
  :attr:`SortReport.already`. Same bytes means the same size, then the same content, of the photo and of each
  XMP sidecar it has (a photo whose tags changed since is copied again, with its new sidecar). A move skips it
  too: the original stays where it is (removing it would delete a file the undo could not bring back). A
  skipped photo is not in the journal, so an undo never removes it; a run that found every photo already
  there journals nothing (it is no step to undo: the next undo takes back the last sort that changed files).
"""

from __future__ import annotations

import contextlib
import errno
import filecmp
import json
import os
import re
import shutil
import tempfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from catdog_gui.core.atomic import finish_replace, resolve_target
from catdog_gui.core.results import UNCERTAIN, Result, Status
from catdog_gui.core.scan import SORT_JOURNAL_NAME
from catdog_gui.core.tally import DEFAULT_UNCERTAIN_THRESHOLD
from catdog_gui.core.verdicts import effective_label
from catdog_gui.core.xmp import NAMING_REPLACE, NAMINGS, sidecar_path
from catdog_gui.core.pathtext import quoted

__all__ = ["JOURNAL_NAME", "NothingToUndo", "SortItem", "SortReport", "count_sorts", "last_journal", "plan_sort", "run_sort", "undo_sort",
           "UNCERTAIN_FOLDER", "where_now"]

UNCERTAIN_FOLDER = "uncertain"
JOURNAL_NAME = SORT_JOURNAL_NAME  # in the target folder: the sorts into it, oldest first (the scan ignores it)
_DISK_FULL = {errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)}
_CHUNK = 1 << 20


@dataclass(frozen=True)
class SortItem:
    """One photo of a plan: ``source`` goes to ``destination`` (``category`` is its folder's name)."""

    source: str
    destination: str
    category: str
    in_place: bool = False  # already at its destination: nothing to do (``destination == source``)
    already: bool = False  # ``destination`` is another file with the same bytes (and sidecars): nothing to do


@dataclass
class SortReport:
    """What a run did. ``done``: (source, destination) pairs of photos (their sidecars went along);
    ``sidecars``: (old, new) pairs of the XMP sidecars that were moved with them (a ``photo.xmp`` that
    another file still uses is copied and not listed); ``failed``: (source, reason) pairs; ``in_place``:
    photos already where they belong, left alone; ``already``: (source, the file with the same bytes in the
    target) pairs of photos skipped as already there (a move leaves them where they are); ``earlier``, in an
    undo's report: how many earlier sorts into the same target its journal still holds (each can be undone
    in turn, newest first)."""

    mode: str
    done: list[tuple[str, str]] = field(default_factory=list)
    sidecars: list[tuple[str, str]] = field(default_factory=list)
    in_place: list[str] = field(default_factory=list)
    already: list[tuple[str, str]] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    stopped: str = ""  # why the run stopped early ("" if it did not)
    cancelled: bool = False
    earlier: int = 0


def _with_suffix(name: str, n: int) -> str:
    stem, ext = os.path.splitext(name)
    return f"{stem} ({n}){ext}" if n else name


def plan_sort(results: Iterable[Result], target: str | os.PathLike, labels: Sequence[str],
              threshold: float = DEFAULT_UNCERTAIN_THRESHOLD) -> list[SortItem]:
    """Destinations for ``results``: confident ones into ``target/<label>``, uncertain ones into
    ``target/uncertain``, a photo a person marked by hand into ``target/<their label>``
    (:func:`~catdog_gui.core.verdicts.effective_label`); errors are skipped. ``labels`` is unused (kept for
    callers). Names are made unique against the disk and the plan itself; a photo whose bytes (and sidecars')
    are already there under its name or a suffixed one gets that file as destination and ``already=True``."""
    target = Path(target)
    taken: set[str] = set()
    plan = []
    for r in results:
        if r.status != Status.OK:
            continue
        verdict = effective_label(r, threshold)  # a person's mark wins over the model
        category = UNCERTAIN_FOLDER if verdict == UNCERTAIN else verdict
        folder = target / category
        if _in_folder(r.path, folder):  # already at <target>/<label>/<name>: stays as it is
            plan.append(SortItem(r.path, r.path, category, in_place=True))
            continue
        sidecars = _sidecars(r.path)
        namings = [naming for _, naming in sidecars]
        n = 0
        while True:
            dest = str(folder / _with_suffix(r.name, n))
            if dest not in taken:  # a name an earlier photo of the plan will take is not compared
                if _same_bytes(r.path, dest, sidecars):
                    plan.append(SortItem(r.path, dest, category, already=True))
                    break
                if not _taken(dest, namings):
                    taken.add(dest)
                    plan.append(SortItem(r.path, dest, category))
                    break
            n += 1
    return plan


def _same_sizes(photo: str, dest: str, sidecars: Sequence[tuple[str, str]]) -> bool:
    """Whether ``dest`` and the sidecars :func:`_same_bytes` compares still have the sizes of ``photo`` and of
    its ``sidecars`` (a cheap check before a run skips a photo its plan found already there)."""
    pairs = [(photo, dest)] + [(sidecar, sidecar_path(dest, naming)) for sidecar, naming in sidecars]
    try:
        return all(os.path.isfile(b) and os.path.getsize(a) == os.path.getsize(b) for a, b in pairs)
    except OSError:
        return False


def _same_bytes(photo: str, dest: str, sidecars: Sequence[tuple[str, str]]) -> bool:
    """Whether ``dest`` is a file with ``photo``'s bytes and, for each of ``photo``'s ``sidecars``, has a
    sidecar of the same naming with the same bytes (size first, then content). False when unreadable."""
    pairs = [(photo, dest)] + [(sidecar, sidecar_path(dest, naming)) for sidecar, naming in sidecars]
    try:
        return all(os.path.isfile(b) and filecmp.cmp(a, b, shallow=False) for a, b in pairs)
    except OSError:
        return False


def _in_folder(path: str, folder: Path) -> bool:
    """Whether the file ``path`` lies directly in ``folder`` (the same folder, whatever the spelling)."""
    parent = os.path.dirname(os.path.abspath(path))
    try:
        return os.path.samefile(parent, folder)
    except OSError:  # the folder does not exist yet
        return False


def _sidecars(photo: str) -> list[tuple[str, str]]:
    """The XMP sidecars beside ``photo`` that exist: (sidecar path, naming) pairs."""
    found = []
    for naming in NAMINGS:
        path = sidecar_path(photo, naming)
        if os.path.isfile(path) and not os.path.islink(path):
            found.append((path, naming))
    return found


def _taken(dest: str, namings: Sequence[str]) -> bool:
    """Whether ``dest`` or the sidecar name it would need (for each of ``namings``) exists."""
    return os.path.lexists(dest) or any(os.path.lexists(sidecar_path(dest, n)) for n in namings)


def _shared(sidecar: str, photo: str) -> bool:
    """Whether another file beside ``photo`` with the same stem (``photo.png`` for ``photo.jpg``) still uses
    the ``photo.xmp`` sidecar ``sidecar``."""
    if sidecar != sidecar_path(photo, NAMING_REPLACE):
        return False
    stem, mine = os.path.splitext(os.path.basename(photo))[0], {os.path.basename(photo), os.path.basename(sidecar)}
    try:
        with os.scandir(os.path.dirname(photo) or ".") as entries:
            return any(e.name not in mine and os.path.splitext(e.name)[0] == stem and e.is_file() for e in entries)
    except OSError:
        return True  # cannot tell: copy, which loses nothing


def _free_name(dest: str) -> Iterable[str]:
    folder, name = os.path.split(dest)
    yield dest
    stem, ext = os.path.splitext(name)
    m = re.fullmatch(r"(.*) \((\d+)\)", stem)
    base, start = (m.group(1), int(m.group(2)) + 1) if m else (stem, 1)
    for n in range(start, start + 10_000):
        yield os.path.join(folder, f"{base} ({n}){ext}")


def _copy_exclusive(src: str, dest: str) -> None:
    """Copy ``src`` to a new file ``dest`` (``FileExistsError`` if it exists); the partial file goes on error."""
    fd = os.open(dest, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
    try:
        with open(src, "rb") as fin, os.fdopen(fd, "wb") as fout:
            fd = -1
            shutil.copyfileobj(fin, fout, _CHUNK)
            fout.flush()
            os.fsync(fout.fileno())
        shutil.copystat(src, dest)
    except BaseException:
        if fd >= 0:
            os.close(fd)
        with contextlib.suppress(OSError):
            os.unlink(dest)
        raise


def _move_link(src: str, dest: str) -> None:
    """Move the symbolic link ``src`` to ``dest`` so that it still points at the same file: a relative
    link is re-pointed from its new folder (``../real/x.jpg`` stays valid), an absolute one is kept as is.

    Raises:
        FileExistsError: ``dest`` exists.
        OSError: the link cannot be made or the old one removed (the new one is removed again), or it
            would not point at the same file from there (``EINVAL``, with the reason).
    """
    text = os.readlink(src)
    aim = text
    if not os.path.isabs(text):
        here = os.path.realpath(os.path.dirname(os.path.abspath(src)))
        there = os.path.realpath(os.path.dirname(os.path.abspath(dest)))
        aim = os.path.relpath(os.path.join(here, text), there)
    os.symlink(aim, dest)
    try:
        if os.path.exists(src) and not (os.path.exists(dest) and os.path.samefile(src, dest)):
            raise OSError(errno.EINVAL, f"the link to {text!r} would not point at the same file from "
                                        f"{quoted(os.path.dirname(dest))}; left where it is", src)
        os.unlink(src)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(dest)
        raise


def _place(src: str, dest: str, mode: str) -> None:
    """Copy or move ``src`` to the new name ``dest``, all or nothing: when a move cannot remove the original
    (a read-only source folder: ``PermissionError``), the link or copy just made is removed again before the
    error is raised, so no untracked duplicate is left in the target.

    Raises:
        FileExistsError: ``dest`` exists.
        OSError: the copy, the link or the removal of the original failed.
    """
    if mode == "move" and os.path.islink(src):
        _move_link(src, dest)
    elif mode == "move":
        try:
            os.link(src, dest)  # same file system: atomic, never overwrites
        except OSError as exc:
            if exc.errno not in (errno.EXDEV, errno.EPERM, errno.ENOTSUP, errno.EMLINK, errno.ENOSYS):
                raise
            _copy_exclusive(src, dest)
        try:
            os.unlink(src)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(dest)
            raise
    else:
        _copy_exclusive(src, dest)


def _unplace(src: str, dest: str, mode: str) -> None:
    """Undo one :func:`_place`: delete a copy, or move ``dest`` back to ``src`` (``FileExistsError`` when
    ``src`` is taken again)."""
    if mode == "copy":
        os.unlink(dest)
        return
    if os.path.lexists(src):
        raise FileExistsError(errno.EEXIST, "a file of that name is back in the original folder", src)
    os.makedirs(os.path.dirname(src), exist_ok=True)
    _place(dest, src, "move")


def _place_sidecars(photo: str, dest: str, sidecars: Sequence[tuple[str, str]], mode: str) -> list[list[str]]:
    """Take ``photo``'s sidecars to ``dest``'s sidecar names, as the photo went (``mode``); a ``photo.xmp``
    still used by another file is copied. Returns ``[sidecar, new sidecar, mode]`` triples for the journal.
    On failure the sidecars taken so far and the photo itself go back, then the error is raised."""
    done: list[list[str]] = []
    try:
        for sidecar, naming in sidecars:
            how = "copy" if mode == "copy" or _shared(sidecar, photo) else "move"
            new = sidecar_path(dest, naming)
            _place(sidecar, new, how)
            done.append([sidecar, new, how])
    except OSError:
        for sidecar, new, how in reversed(done):
            with contextlib.suppress(OSError):
                _unplace(sidecar, new, how)
        with contextlib.suppress(OSError):
            _unplace(photo, dest, mode)
        raise
    return done


def _make_folders(folder: str) -> list[str]:
    """Create ``folder`` (and its parent); returns the ones that did not exist before."""
    made = [] if os.path.isdir(folder) else [f for f in (folder, os.path.dirname(folder)) if not os.path.isdir(f)]
    os.makedirs(folder, exist_ok=True)
    return made


def _place_at_free_name(item: SortItem, mode: str) -> tuple[str, list]:
    """Copy or move ``item``'s photo to the first free name beside its destination (free for its sidecars
    too), then its sidecars; returns (where the photo went, the sidecars placed).

    Raises:
        OSError: the photo could not be placed (FileExistsError when no name is free).
    """
    sidecars = _sidecars(item.source)
    for dest in _free_name(item.destination):
        if any(os.path.lexists(sidecar_path(dest, naming)) for _, naming in sidecars):
            continue
        try:
            _place(item.source, dest, mode)
            break
        except FileExistsError:
            continue
    else:
        raise FileExistsError(errno.EEXIST, "no free name", item.destination)
    return dest, _place_sidecars(item.source, dest, sidecars, mode)


def run_sort(plan: Sequence[SortItem], mode: str, journal: str | os.PathLike | None = None,
             progress: Callable[[int, int], None] | None = None,
             cancel: Callable[[], bool] | None = None) -> SortReport:
    """Copy or move (``mode``: ``"copy"`` or ``"move"``) every item of ``plan``; never overwrites. An item
    found :attr:`~SortItem.already` there is checked again, cheaply (the same sizes still: the plan compared
    the bytes), and skipped (``report.already``; not journaled); one that changed since the plan is copied or
    moved like the others.

    Args:
        journal: JSON-lines file to which each finished operation is appended (default:
            :data:`JOURNAL_NAME` in the common target folder), after the earlier sorts it holds;
            :func:`undo_sort` reads it. One that is not a sort journal is replaced.
        progress: called with (done, total) after each photo.
        cancel: polled before each photo; the run stops when it returns ``True``.

    Raises:
        ValueError: unknown ``mode``.
    """
    if mode not in ("copy", "move"):
        raise ValueError(f"unknown mode {mode!r}; expected 'copy' or 'move'")
    report = SortReport(mode)
    if not plan:
        return report
    if journal is None:
        target = os.path.commonpath([os.path.dirname(os.path.dirname(os.path.abspath(i.destination)))
                                     for i in plan])
        journal = Path(target) / JOURNAL_NAME
    log = _Journal(journal, mode)
    try:
        for i, item in enumerate(plan):
            if cancel is not None and cancel():
                report.cancelled = True
                break
            if item.in_place:
                report.in_place.append(item.source)
            elif item.already and _same_sizes(item.source, item.destination, _sidecars(item.source)):
                report.already.append((item.source, item.destination))  # not journaled: a run that changed
                # nothing is no sort to undo, and the next undo takes back the sort that did
            elif not _sort_one(item, mode, log, report):
                break
            if progress is not None:
                progress(i + 1, len(plan))
    finally:
        log.close()
    return report


class _Journal:
    """One run's part of a journal (JSON lines), after the earlier sorts the file holds.

    The file is opened (created if need be) before the run first places a photo, so a sort whose journal cannot
    be written does not start; but nothing is written until a photo (or a copy) is actually in place: the run's
    header and the folders it made are held back and written with that first photo's line, in one write,
    flushed and fsynced (so is each later line). A run that copied or moved nothing (every photo failed, or
    was gone) leaves the journal as it was: no header of a sort with nothing to undo, no journal file it
    created, and the folders it made are removed again when empty. A crash before that first write leaves
    the same; one during it leaves at most a cut last line, which the next run or undo drops. A file that is
    not a sort journal is replaced when the first line is written.
    """

    def __init__(self, path: str | os.PathLike, mode: str) -> None:
        self.path, self.mode, self.file = path, mode, None
        self.held: list[dict] = []  # lines not written yet: the header, then folders made
        self.made_file = self.started = False

    def open(self) -> None:
        if self.file is None:
            self.made_file = not os.path.lexists(self.path)
            self.file = open(self.path, "a", encoding="utf-8")  # noqa: SIM115 - closed by close()
            self.held = [{"mode": self.mode, "target": os.path.dirname(os.path.abspath(self.path))}]

    def made(self, folder: str) -> None:
        """Record a folder this sort created (its undo removes it again when empty)."""
        self.held.append({"created": folder})

    def write(self, entry: dict) -> None:
        """Write one placed photo's line, after the lines held back (on the first: after the earlier sorts)."""
        if not self.started:
            try:
                _read_sorts(self.path)
                _drop_cut_line(self.file)
            except (OSError, ValueError):  # empty, or not one of ours: start a new one
                self.file.truncate(0)
            self.started = True
        self.file.write("".join(json.dumps(line) + "\n" for line in [*self.held, entry]))
        self.held = []
        self.file.flush()
        os.fsync(self.file.fileno())

    def close(self) -> None:
        if self.file is None:
            return
        if self.started and self.held:  # folders made after the last photo placed: undo removes them too
            self.file.write("".join(json.dumps(line) + "\n" for line in self.held))
            self.file.flush()
            os.fsync(self.file.fileno())
        elif not self.started:
            self._forget()
        self.file.close()

    def _forget(self) -> None:
        """Nothing was placed: remove the journal file this run created (while still empty and still the same
        file) and the folders it made (when empty, deepest first)."""
        with contextlib.suppress(OSError):
            mine = os.fstat(self.file.fileno())
            there = os.stat(self.path)
            if self.made_file and mine.st_size == 0 and os.path.samestat(mine, there):
                os.unlink(self.path)
        for folder in sorted({line["created"] for line in self.held[1:]}, key=len, reverse=True):
            with contextlib.suppress(OSError):
                os.rmdir(folder)


def _drop_cut_line(file) -> None:
    """Cut a journal opened for appending back to its last complete line (a run killed while writing one)."""
    file.flush()
    with open(file.name, "rb") as f:
        data = f.read()
    if data and not data.endswith(b"\n"):
        file.truncate(data.rfind(b"\n") + 1)
        file.seek(0, os.SEEK_END)


def _sort_one(item: SortItem, mode: str, log: _Journal, report: SortReport) -> bool:
    """Copy or move one photo (and its sidecars) as :func:`run_sort` does, journal it and add it to ``report``
    (to ``failed`` when it cannot be done). Returns False when the run must stop (the disk is full)."""
    try:
        made = _make_folders(os.path.dirname(item.destination))
        log.open()  # before the first photo: a sort that cannot be undone does not start
        for f in made:  # folders this sort created: its undo removes them again when they are empty
            log.made(f)
        dest, followed = _place_at_free_name(item, mode)
        log.write({"source": item.source, "destination": dest, "sidecars": followed})
        report.done.append((item.source, dest))
        report.sidecars += [(old, new) for old, new, how in followed if how == "move"]
    except OSError as exc:
        reason = exc.strerror or str(exc)
        where = os.fspath(exc.filename) if exc.filename else ""
        if where and os.path.normpath(where) != os.path.normpath(item.source):  # the target refused, not the
            reason += f": {where if os.path.isdir(where) else os.path.dirname(where) or where}"  # photo: name it
        report.failed.append((item.source, reason))
        if exc.errno in _DISK_FULL:
            report.stopped = f"the disk is full ({reason})"
            return False
    return True


def _is_header(line: object) -> bool:
    """Whether a parsed journal line starts a sort (its mode and target), not one of its entries."""
    return isinstance(line, dict) and line.get("mode") in ("copy", "move")


def _read_sorts(journal: str | os.PathLike) -> list[list[dict]]:
    """The sorts a journal holds, oldest first, each as its lines as written: the header, then its entries.

    Raises:
        FileNotFoundError: no journal.
        ValueError: the journal is not one written by :func:`run_sort`.
    """
    with open(journal, encoding="utf-8") as f:
        text = f.read()
    rows = text.splitlines()
    if rows and not text.endswith("\n"):  # a last line cut short (the run was killed while writing it)
        try:
            json.loads(rows[-1])
        except json.JSONDecodeError:
            rows.pop()
    try:
        lines = [json.loads(line) for line in rows if line.strip()]
    except json.JSONDecodeError as exc:
        raise ValueError(f"{journal} is not a catdog sort journal ({exc})") from None
    if not lines or not _is_header(lines[0]) or not all(isinstance(line, dict) for line in lines):
        raise ValueError(f"{journal} is not a catdog sort journal")
    sorts: list[list[dict]] = []
    for line in lines:
        if _is_header(line):
            sorts.append([line])
        else:
            sorts[-1].append(line)
    return sorts


def _follow_target(journal: str | os.PathLike, lines: list[dict]) -> tuple[dict, list[dict]]:
    """One sort's header and entries (copies), destinations moved along when the target folder was renamed or
    moved since (the header records where it was)."""
    header, entries = dict(lines[0]), [dict(entry) for entry in lines[1:]]
    was, now = header.get("target"), os.path.dirname(os.path.abspath(journal))
    if was and os.path.abspath(was) != now:
        def here(path: str) -> str:
            inside = os.path.commonpath([os.path.abspath(was), os.path.abspath(path)]) == os.path.abspath(was)
            return os.path.normpath(os.path.join(now, os.path.relpath(path, was))) if inside else path

        for entry in entries:
            if "created" in entry:
                entry["created"] = here(entry["created"])
            elif "destination" in entry:
                entry["destination"] = here(entry["destination"])
                entry["sidecars"] = [[old, here(new), how] for old, new, how in entry.get("sidecars", ())]
        header["target"] = now
    return header, entries


def _undo_entry(entry: dict, mode: str, dry_run: bool) -> list[tuple[str, str]]:
    """Undo one photo (then its sidecars); returns the (where it was, where it went back) pairs of the sidecars
    moved back. A sidecar no longer there (removed since, e.g. by Undo Write Tags) is passed over.

    Raises:
        OSError: the photo cannot go back (nothing was changed for it).
    """
    src, dest = entry["source"], entry["destination"]
    if not os.path.lexists(dest):
        raise FileNotFoundError(errno.ENOENT, "no longer in the sorted folder", dest)
    if dry_run and mode == "move" and os.path.lexists(src):
        raise FileExistsError(errno.EEXIST, "a file of that name is back in the original folder", src)
    if not dry_run:
        _unplace(src, dest, mode)
    back = []
    for sidecar, new, how in entry.get("sidecars", ()):
        if not os.path.lexists(new):
            continue
        if not dry_run:
            with contextlib.suppress(FileExistsError):  # a sidecar made anew at the old place is kept
                _unplace(sidecar, new, how)
        if how == "move":
            back.append((new, sidecar))
    return back


class NothingToUndo(FileNotFoundError):
    """The journal records no sort that copied or moved a photo (only sorts in which every photo failed)."""


def _changed_files(lines: list[dict]) -> bool:
    """Whether a sort (its header and entries, :func:`_read_sorts`) copied or moved at least one photo."""
    return any("destination" in line for line in lines[1:])


def _sorts_that_changed_files(journal: str | os.PathLike, dry_run: bool) -> tuple[list[list[dict]], list[str]]:
    """The sorts in ``journal`` that copied or moved photos, oldest first, and the folders that the others (no
    file changed: written by older versions) recorded as made, to be removed with the undo when empty.

    Raises:
        NothingToUndo: there is no such sort; unless ``dry_run``, the journal is removed, and those folders
            when empty.
        FileNotFoundError, ValueError: as :func:`_read_sorts`.
    """
    sorts = _read_sorts(journal)
    kept = [lines for lines in sorts if _changed_files(lines)]
    made = [line["created"] for lines in sorts if not _changed_files(lines)
            for line in _follow_target(journal, lines)[1] if "created" in line]
    if not kept:
        if not dry_run:
            os.unlink(journal)
            for folder in sorted(set(made), key=len, reverse=True):
                with contextlib.suppress(OSError):
                    os.rmdir(folder)
        raise NothingToUndo(errno.ENOENT, "the journal records no photo copied or moved", os.fspath(journal))
    return kept, made


def undo_sort(journal: str | os.PathLike, dry_run: bool = False) -> SortReport:
    """Undo the most recent sort recorded in ``journal``: moved photos and their sidecars go back where they
    were (unless that name is taken again), copies (of photos and sidecars) are deleted, and the folders the
    sort created (``cat/``, ``dog/``, ``uncertain/``, the target) are removed when they are left empty. The
    earlier sorts the journal holds stay in it (``report.earlier``), to be undone by the next calls.

    When everything was undone the sort is taken off the journal (the file is removed when no earlier sort is
    left); otherwise the sort is rewritten with only the photos that could not go back, so that undoing again
    (after fixing the reason) retries just those. A target folder renamed or moved since the sort is followed
    (the journal records where it was).

    Args:
        journal: the sorts' journal (:func:`last_journal`).
        dry_run: change nothing; the report says what would be undone and what would fail.

    A sort recorded with no photo copied or moved (written by older versions when every photo of a run failed)
    is no step to undo: it is passed over, and dropped from the journal by the undo.

    Raises:
        NothingToUndo: the journal records no sort that copied or moved a photo (it is removed, unless
            ``dry_run``).
        FileNotFoundError: no journal.
        ValueError: the journal is not one written by :func:`run_sort`.
    """
    sorts, empty = _sorts_that_changed_files(journal, dry_run)
    header, entries = _follow_target(journal, sorts[-1])
    mode = header["mode"]
    report = SortReport(mode, earlier=len(sorts) - 1)
    kept = []
    for entry in reversed(entries):
        if "created" in entry:
            continue
        try:
            report.sidecars += _undo_entry(entry, mode, dry_run)
            report.done.append((entry["destination"], entry["source"]))
        except OSError as exc:
            report.failed.append((entry["destination"], exc.strerror or str(exc)))
            kept.append(entry)
    if dry_run:
        return report
    created = [entry["created"] for entry in entries if "created" in entry] + empty
    left = [line for lines in sorts[:-1] for line in lines]  # the earlier sorts, as they were written
    if report.failed:
        left += [header] + [{"created": f} for f in created] + kept[::-1]
    if not left:
        os.unlink(journal)
    else:
        target, _ = resolve_target(os.fspath(journal))  # a link: the file it leads to
        fd, tmp = tempfile.mkstemp(prefix=".catdog-journal-", dir=os.path.dirname(os.path.abspath(target)))
        finish_replace(fd, tmp, target, lambda f: f.write(
            "".join(json.dumps(line) + "\n" for line in left).encode("utf-8")))
    for folder in sorted(set(created), key=len, reverse=True):  # made by the sort; only when left empty
        with contextlib.suppress(OSError):
            os.rmdir(folder)
    return report


def count_sorts(journal: str | os.PathLike | None) -> int:
    """How many sorts ``journal`` holds that copied or moved photos (each can be undone in turn): 0 when there is
    no journal (None, or no such file) or it is not a sort journal."""
    if journal is None:
        return 0
    try:
        return sum(_changed_files(lines) for lines in _read_sorts(journal))
    except (OSError, ValueError):
        return 0


def last_journal(target: str | os.PathLike) -> str | None:
    """The journal of the sorts into ``target`` (:data:`JOURNAL_NAME`), or None when there is none."""
    path = os.path.join(os.fspath(target), JOURNAL_NAME)
    return path if os.path.isfile(path) else None


def where_now(path: str, moved_from: Mapping[str, str]) -> str | None:
    """Where the file that sorts moved to ``path`` is now, when a sort may have been undone elsewhere (e.g. by
    ``catdog-classify --undo-sort``, while the app still shows the sorted path): ``path`` while something is
    there, else the nearest earlier place on its way (``moved_from``: destination -> source of each move,
    followed back one move at a time) that holds a file, else None (the file is gone).

    Args:
        path: a destination of a move.
        moved_from: ``{destination: source}`` of the moves made (a destination moved on again is the source
            of the next move).
    """
    seen: set[str] = set()
    while path not in seen:
        if os.path.lexists(path):
            return path
        seen.add(path)
        if path not in moved_from:
            return None
        path = moved_from[path]
    return None
