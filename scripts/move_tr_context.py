"""Carry the translations of strings that moved from one ``tr()`` context (class) to another, in the app's
Qt Linguist catalogues (``resources/i18n/catdog_*.ts``).

    python scripts/move_tr_context.py MainWindow SortActions          # both catalogues, old ones from HEAD
    python scripts/move_tr_context.py OLD NEW --rev main FILE.ts ...  # other files, old translations from main

When code moves from class OLD to class NEW, ``scripts/update_translations.py`` puts its strings in context NEW
as new ``type="unfinished"`` messages, and drops them from OLD (it runs ``lupdate -no-obsolete``). This script
gives each unfinished message of NEW the finished translation (numerus forms included) of the same source text,
comment and numerus in context OLD: taken from the catalogue itself (where OLD still holds it, as a live,
vanished or obsolete message) or else from the catalogue as committed at git revision ``--rev`` (default HEAD,
the version before the move). Nothing else changes. Afterwards run ``scripts/update_translations.py`` again:
it rewrites the files in lupdate's layout and compiles the ``.qm`` files.

The steps of a move:

    python scripts/update_translations.py
    python scripts/move_tr_context.py OLD NEW
    python scripts/update_translations.py
    grep -c 'type="unfinished"' resources/i18n/*.ts    # 0 for each file

Exit status: 0 when no message of NEW is left unfinished, 1 when some are (they are listed: translate them in
Qt Linguist), 2 when a file cannot be read.
"""

from __future__ import annotations

import argparse
import copy
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CATALOGUES = sorted((ROOT / "resources" / "i18n").glob("catdog_*.ts"))
UNDONE = ("unfinished", "vanished", "obsolete")  # translation types that are not a finished translation

Key = tuple[str, str, str]  # source text, comment (disambiguation), numerus ("yes" or "")


def _key(message: ET.Element) -> Key:
    return message.findtext("source") or "", message.findtext("comment") or "", message.get("numerus", "")


def _contexts(root: ET.Element, name: str) -> list[ET.Element]:
    return [c for c in root.iter("context") if c.findtext("name") == name]


def finished(root: ET.Element, context: str, live_only: bool = False) -> dict[Key, ET.Element]:
    """``{key: <translation>}`` of the messages of ``context`` in ``root`` that carry a translation: finished
    ones, and (unless ``live_only``) vanished or obsolete ones, whose text was finished before it went."""
    found: dict[Key, ET.Element] = {}
    for ctx in _contexts(root, context):
        for message in ctx.iter("message"):
            translation = message.find("translation")
            if translation is None or translation.get("type") == "unfinished":
                continue
            if live_only and translation.get("type") in UNDONE:
                continue
            texts = [f.text for f in translation.iter("numerusform")] or [translation.text]
            if texts and all(t and t.strip() for t in texts):
                found[_key(message)] = translation
    return found


def committed(path: Path, rev: str) -> ET.Element | None:
    """The catalogue ``path`` as committed at git revision ``rev``, or None when git does not have it."""
    try:
        relative = path.resolve().relative_to(ROOT)
    except ValueError:
        return None
    done = subprocess.run(["git", "show", f"{rev}:{relative.as_posix()}"], cwd=ROOT, capture_output=True)
    if done.returncode != 0:
        return None
    return ET.fromstring(done.stdout)


def move(path: Path, old: str, new: str, rev: str | None = "HEAD") -> tuple[int, list[str]]:
    """Fill the unfinished messages of context ``new`` in the catalogue ``path`` from context ``old`` (of the
    file itself, then of its version at ``rev``; None: the file only). The file is written when something was
    filled. Returns ``(messages filled, sources still unfinished in new)``."""
    tree = ET.parse(path)
    root = tree.getroot()
    earlier = committed(path, rev) if rev else None
    known = finished(earlier, old, live_only=True) if earlier is not None else {}
    known |= finished(root, old)  # the file's own translations win over the committed ones
    filled, left = 0, []
    for ctx in _contexts(root, new):
        for message in ctx.iter("message"):
            translation = message.find("translation")
            if translation is None or translation.get("type") != "unfinished":
                continue
            source = known.get(_key(message))
            if source is None:
                left.append(_key(message)[0])
                continue
            done = copy.deepcopy(source)
            done.attrib.pop("type", None)
            done.tail = translation.tail
            message[list(message).index(translation)] = done
            filled += 1
    if filled:
        _write(tree, path)
    return filled, left


def _write(tree: ET.ElementTree, path: Path) -> None:
    """Write a catalogue the way Qt's tools read it (the declaration and ``<!DOCTYPE TS>`` first)."""
    body = ET.tostring(tree.getroot(), encoding="unicode")
    path.write_text('<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE TS>\n' + body + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("old", help="the context (class) the strings were in")
    parser.add_argument("new", help="the context (class) they are in now")
    parser.add_argument("files", nargs="*", type=Path, help="catalogues (default: resources/i18n/catdog_*.ts)")
    parser.add_argument("--rev", default="HEAD",
                        help="git revision whose catalogues still hold the old context (default HEAD); '' for none")
    args = parser.parse_args(argv)
    status = 0
    for path in args.files or CATALOGUES:
        try:
            filled, left = move(path, args.old, args.new, args.rev or None)
        except (OSError, ET.ParseError) as exc:
            print(f"{path}: {exc}", file=sys.stderr)
            return 2
        print(f"{path}: {filled} translation(s) carried from {args.old} to {args.new}, {len(left)} left unfinished")
        for source in left:
            print(f"    unfinished: {source!r}")
        status = status or (1 if left else 0)
    return status


if __name__ == "__main__":
    sys.exit(main())
