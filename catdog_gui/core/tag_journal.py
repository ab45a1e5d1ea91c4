"""The last tag write's undo journal on disk, so that Undo Write Tags still works after the app was restarted.

The journal is the list of :class:`~catdog_gui.core.xmp.TagOutcome` of the files a write changed (action
``"written"``), each with what :func:`~catdog_gui.core.xmp.undo_write` needs to put the file back. It is kept as
JSON lines in the user's state folder (``platformdirs.user_state_dir("catdog")``, or ``$CATDOG_STATE_DIR`` when
set), :data:`JOURNAL_FILE`: a header line ``{"catdog_tag_journal": 1}``, then one line per file::

    {"path": ..., "target": ..., "added": [...], "removed": [...], "mode": "sidecar" | "embed",
     "previous": null | {"base64": ...} | {"text": ...}, "written": [inode, size, mtime_ns] | null}

``previous`` is the file's state before the write: none (a sidecar that did not exist), the previous sidecar's
bytes (base64) or the photo's previous XMP packet (text). The file is replaced atomically (a temporary file
renamed over it) and removed when the journal is empty. A journal entry whose file changed since is not
trusted here: :func:`~catdog_gui.core.xmp.undo_write` compares ``written`` with the file and leaves a changed
file as it is.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import json
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path

import platformdirs

from catdog_gui.core.atomic import finish_replace, resolve_target
from catdog_gui.core.xmp import TagOutcome

__all__ = ["JOURNAL_FILE", "STATE_ENV", "journal_path", "load_journal", "save_journal", "state_dir"]

STATE_ENV = "CATDOG_STATE_DIR"  # overrides the state folder (tests point it at a temporary folder)
JOURNAL_FILE = "tag-journal.jsonl"
_HEADER = {"catdog_tag_journal": 1}


def state_dir() -> Path:
    """The folder catdog keeps state in between launches: ``$CATDOG_STATE_DIR`` when set, else the platform's
    user state folder (``~/.local/state/catdog`` on Linux). Not created here."""
    override = os.environ.get(STATE_ENV)
    return Path(override).expanduser() if override else Path(platformdirs.user_state_dir("catdog", appauthor=False))


def journal_path(folder: str | os.PathLike | None = None) -> Path:
    """Where the tag journal is kept: :data:`JOURNAL_FILE` in ``folder`` (default: :func:`state_dir`)."""
    return Path(folder if folder is not None else state_dir()) / JOURNAL_FILE


def _encode(outcome: TagOutcome) -> dict:
    mode, previous, written = outcome.undo
    if isinstance(previous, bytes):
        previous = {"base64": base64.b64encode(previous).decode("ascii")}
    elif isinstance(previous, str):
        previous = {"text": previous}
    elif previous is not None:
        raise ValueError(f"cannot keep a previous state of type {type(previous).__name__} in the tag journal")
    return {"path": outcome.path, "target": outcome.target, "added": list(outcome.added),
            "removed": list(outcome.removed), "mode": mode, "previous": previous,
            "written": list(written) if written is not None else None}


def _decode(line: dict) -> TagOutcome:
    previous = line["previous"]
    if previous is not None:
        previous = base64.b64decode(previous["base64"], validate=True) if "base64" in previous else previous["text"]
    if line["mode"] not in ("sidecar", "embed") or not isinstance(line["path"], str) \
            or not isinstance(line["target"], str):
        raise ValueError("not a tag journal entry")
    written = tuple(int(v) for v in line["written"]) if line["written"] is not None else None
    return TagOutcome(line["path"], line["target"], "written", tuple(line["added"]), tuple(line["removed"]),
                      undo=(line["mode"], previous, written))


def save_journal(outcomes: Sequence[TagOutcome], path: str | os.PathLike) -> None:
    """Keep ``outcomes`` (those with action ``"written"``; others are left out) as the journal at ``path``,
    replacing it atomically; an empty journal removes the file. The folder is created when missing.

    Raises:
        OSError: the folder or the file cannot be written (the previous journal is then unchanged).
    """
    path = os.fspath(path)
    entries = [_encode(o) for o in outcomes if o.action == "written" and o.undo is not None]
    if not entries:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(path)
        return
    folder = os.path.dirname(os.path.abspath(path))
    os.makedirs(folder, exist_ok=True)
    path, _ = resolve_target(path)  # a link: the file it leads to
    folder = os.path.dirname(os.path.abspath(path))
    text = "".join(json.dumps(line) + "\n" for line in [_HEADER, *entries])
    fd, tmp = tempfile.mkstemp(prefix=".tag-journal-", dir=folder)
    finish_replace(fd, tmp, path, lambda f: f.write(text.encode("utf-8")))


def load_journal(path: str | os.PathLike) -> list[TagOutcome]:
    """The journal kept at ``path`` (oldest write first), ``[]`` when there is none.

    Raises:
        ValueError: the file is not a tag journal (or is damaged).
        OSError: it cannot be read.
    """
    try:
        with open(path, encoding="utf-8") as f:
            text = f.read()
    except FileNotFoundError:
        return []
    try:
        lines = [json.loads(line) for line in text.splitlines() if line.strip()]
        if not lines or lines[0] != _HEADER:
            raise ValueError("no tag journal header")
        return [_decode(line) for line in lines[1:]]
    except (ValueError, KeyError, TypeError, binascii.Error) as exc:
        raise ValueError(f"{os.fspath(path)} is not a catdog tag journal ({exc})") from None
