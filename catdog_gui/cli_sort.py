"""``catdog-classify --sort-into DIR --copy|--move``: put the classified photos into ``DIR/<label>`` and
``DIR/uncertain`` (the work itself is :mod:`catdog_gui.core.sorting`: never overwrites, journal of every sort
into DIR in DIR, ``--undo-sort DIR`` undoes the newest; XMP
sidecars go with their photos; photos already in their folder are left alone; a photo whose bytes are already
in its destination folder, under its name or a suffixed one, is skipped as "already there", not copied again).

Photos that cannot be copied or moved are listed on stderr and make the exit status 1; a full disk stops
the sort. Unreadable photos stay where they are. A run interrupted (Ctrl-C) while classifying or tagging sorts
nothing, and says so; Ctrl-C during the sort stops it between two photos (exit status 130; the journal holds
those already sorted, so ``--undo-sort DIR`` takes them back). With ``--dry-run`` the plan is listed
(``would copy SRC -> DEST``) and nothing is created, copied or moved.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import sys
import threading
from collections.abc import Sequence

from catdog_gui.core.pathtext import quoted

__all__ = ["add_arguments", "check_arguments", "run", "say_not_run", "undo"]

_MAX_SHOWN = 10


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add ``--sort-into``, ``--copy`` and ``--move`` to ``catdog-classify``'s parser."""
    g = parser.add_argument_group("sort into folders")
    g.add_argument("--sort-into", default=None, metavar="DIR",
                   help="after classifying, put each photo into DIR/<label> or DIR/uncertain (needs --copy or "
                        "--move; names already taken get a suffix, nothing is overwritten)")
    mode = g.add_mutually_exclusive_group()
    mode.add_argument("--copy", dest="sort_mode", action="store_const", const="copy", help="copy the photos")
    mode.add_argument("--move", dest="sort_mode", action="store_const", const="move", help="move the photos")
    g.add_argument("--undo-sort", default=None, metavar="TARGET",
                   help="undo the last sort into TARGET (from its journal, .catdog-sort-journal.jsonl): moved photos "
                        "go back, copies are removed, the folders it made go when empty; no PATH needed. The "
                        "journal keeps every sort into TARGET: run it again to undo the one before")


def check_arguments(args: argparse.Namespace) -> str | None:
    """Why the sort options do not fit together, or None."""
    if args.sort_mode and args.sort_into is None:
        return f"--{args.sort_mode} needs --sort-into DIR"
    if args.sort_into is not None:
        if not args.sort_into.strip():
            return "--sort-into is empty; give a folder"
        if not args.sort_mode:
            return "--sort-into needs --copy or --move"
        if os.path.exists(args.sort_into) and not os.path.isdir(args.sort_into):
            return f"--sort-into {quoted(args.sort_into)} is a file, not a folder"
    return None


def say_not_run(args: argparse.Namespace) -> None:
    """After a run interrupted before its sort: say that no photo was copied or moved (nothing, when no sort
    was asked for)."""
    if args.sort_into is None:
        return
    done = "none would be" if getattr(args, "dry_run", False) else "no photo was"
    print(f"Interrupted before sorting: {done} {'copied' if args.sort_mode == 'copy' else 'moved'} into "
          f"{os.path.abspath(args.sort_into)}")


def run(args: argparse.Namespace, results: Sequence, labels: Sequence[str], threshold: float) -> int:
    """Sort ``results`` as ``--sort-into``/``--copy``/``--move`` ask (uncertain rows, at ``threshold``, into
    ``DIR/uncertain``); print what happened. Ctrl-C stops the sort between two photos.

    Returns:
        The exit status: 0 when every photo was sorted (also when no sort was asked for), 1 when some could
        not be, 130 when Ctrl-C stopped the sort.
    """
    if args.sort_into is None:
        return 0
    from catdog_gui.core.sorting import plan_sort, run_sort

    target = os.path.abspath(args.sort_into)
    plan = plan_sort(results, target, labels, threshold)
    in_place = sum(item.in_place for item in plan)
    if getattr(args, "dry_run", False):
        for item in plan:
            if not item.in_place and not item.already:
                print(f"  would {args.sort_mode} {quoted(item.source)} -> {quoted(item.destination)}")
        there = sum(item.already for item in plan)
        print(f"Would {args.sort_mode} {len(plan) - in_place - there} photo(s) into {target}"
              f"{_left_alone(in_place, there, args.sort_mode)} (dry run: nothing copied or moved)")
        return 0
    with _ctrl_c_sets() as stop:
        report = run_sort(plan, args.sort_mode, cancel=stop.is_set)
    verb = "Copied" if args.sort_mode == "copy" else "Moved"
    print(f"{verb} {len(report.done)} photo(s) into {target}"
          f"{_left_alone(len(report.in_place), len(report.already), args.sort_mode)}"
          + (f" (interrupted: the other photo(s) were not {verb.lower()}"
             + (f"; --undo-sort {args.sort_into} takes back this sort)" if report.done else ")")
             if report.cancelled else ""))
    for source, reason in report.failed[:_MAX_SHOWN]:
        print(f"catdog-classify: could not sort {source}: {reason}", file=sys.stderr)
    if len(report.failed) > _MAX_SHOWN:
        print(f"catdog-classify: ... and {len(report.failed) - _MAX_SHOWN} more", file=sys.stderr)
    if report.stopped:
        print(f"catdog-classify: the sort stopped: {report.stopped}", file=sys.stderr)
    if report.cancelled:
        return 130
    return 0 if not report.failed and not report.stopped else 1


@contextlib.contextmanager
def _ctrl_c_sets():
    """An event that Ctrl-C (SIGINT) sets instead of raising KeyboardInterrupt, for the duration of the
    ``with``: the sort polls it between two photos, so a photo is never left half copied and the journal
    stays whole. Off the main thread (no signal handler can be set there) the event is never set."""
    stop = threading.Event()
    try:
        previous = signal.signal(signal.SIGINT, lambda _signum, _frame: stop.set())
    except ValueError:  # not the main thread
        previous = None
    try:
        yield stop
    finally:
        if previous is not None:
            signal.signal(signal.SIGINT, previous)


def _left_alone(in_place: int, already: int, mode: str) -> str:
    """`` (N already in place, left alone; M already there with the same bytes, skipped)``, or "" when both are 0."""
    parts = [f"{in_place} already in place, left alone"] if in_place else []
    if already:
        parts.append(f"{already} already there with the same bytes, skipped" + ("" if mode == "copy" else
                                                                         ": the originals stay where they are"))
    return f" ({'; '.join(parts)})" if parts else ""


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def undo(target: str, dry_run: bool = False) -> int:
    """``--undo-sort TARGET [--dry-run]``: undo the last sort into ``target`` from its journal (with
    ``dry_run``, change nothing and say what would be undone); print what was done, and how many earlier sorts
    into ``target`` the journal still holds (the next ``--undo-sort`` undoes the newest of them).
    Returns the exit status: 0 when everything was (or would be) undone; 1 when the journal cannot be read or
    photos could not go back (listed on stderr); 2 when there is nothing to undo: ``target`` is not a folder,
    or holds no journal, or one that records no photo copied or moved (as for a PATH that does not exist)."""
    from catdog_gui.core.sorting import JOURNAL_NAME, NothingToUndo, last_journal, undo_sort

    if not os.path.isdir(target):
        print(f"catdog-classify: error: --undo-sort: {quoted(target)} is not a folder", file=sys.stderr)
        return 2
    journal = last_journal(target)
    if journal is None:
        print(f"catdog-classify: error: --undo-sort: no sort to undo in {quoted(target)} (no {JOURNAL_NAME} there)",
              file=sys.stderr)
        return 2
    try:
        report = undo_sort(journal, dry_run=dry_run)
    except NothingToUndo:  # only sorts in which every photo failed (older versions journaled them)
        print(f"catdog-classify: error: --undo-sort: no sort to undo in {quoted(target)} (its {JOURNAL_NAME} "
              "records no photo copied or moved)", file=sys.stderr)
        return 2
    except (OSError, ValueError) as exc:
        print(f"catdog-classify: error: --undo-sort: cannot undo the sort in {quoted(target)}: {exc}", file=sys.stderr)
        return 1
    n = len(report.done)
    if dry_run:
        print(f"Dry run: would remove {_plural(n, 'copy', 'copies')}" if report.mode == "copy"
              else f"Dry run: would move {_plural(n, 'photo', 'photos')} back")
    else:
        print(f"Undone: removed {_plural(n, 'copy', 'copies')}" if report.mode == "copy"
              else f"Undone: moved {_plural(n, 'photo', 'photos')} back")
    for path, reason in report.failed[:_MAX_SHOWN]:
        print(f"catdog-classify: could not undo {path}: {reason}", file=sys.stderr)
    if len(report.failed) > _MAX_SHOWN:
        print(f"catdog-classify: ... and {len(report.failed) - _MAX_SHOWN} more", file=sys.stderr)
    if report.failed and not dry_run:
        print(f"catdog-classify: {_plural(len(report.failed), 'photo', 'photos')} not undone; the journal keeps "
              "them, run --undo-sort again after fixing the reason", file=sys.stderr)
    elif report.earlier:
        print(f"{_plural(report.earlier, 'earlier sort', 'earlier sorts')} in this folder can be undone with "
              "--undo-sort again" + (" (one at a time, newest first)" if report.earlier > 1 else ""))
    return 0 if not report.failed else 1
