"""One spelling of file names for people: the CSV, the XMP sidecars and the CLI's messages agree.

Linux file names are bytes; a name that is not valid UTF-8 reaches Python with lone surrogates (PEP 383,
``surrogateescape``). Written as is, such a name cannot be encoded; ``repr`` spells its bytes as ``\\udcNN``.
Here its raw bytes become ``\\xNN`` escapes (Python's ``backslashreplace``), which is what ``ls -b`` and the
CSV show. The window spells control characters in names visibly too (:func:`visible_text`).
"""

from __future__ import annotations

import os
import re

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_CONTROL_TEXT = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}


def path_text(path: str | os.PathLike) -> str:
    """``path`` as text that encodes as UTF-8: each byte of a name that is not valid UTF-8 as ``\\xNN``.

    Args:
        path: a path (``str`` with possible lone surrogates, or ``os.PathLike``); ``bytes`` are decoded first.

    Returns:
        The same text when it is valid UTF-8, e.g. ``"/photos/chat\\\\xe9.jpg"`` for the Latin-1 bytes of
        ``chaté.jpg``.
    """
    text = os.fsdecode(path)
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        pass
    try:
        raw = text.encode("utf-8", "surrogateescape")  # back to the file name's raw bytes
    except UnicodeEncodeError:
        raw = text.encode("utf-8", "backslashreplace")  # a lone surrogate of another origin
    return raw.decode("utf-8", "backslashreplace")


def quoted(path: str | os.PathLike) -> str:
    """:func:`path_text` in single quotes, for messages (``'/photos/chat\\\\xe9.jpg'``), where ``repr`` was used."""
    return f"'{path_text(path)}'"


def visible_text(text: str | os.PathLike) -> str:
    """:func:`path_text` for a name shown in the window: control characters (a tab, a newline, ``\\x1b``…),
    which draw as a blank or nothing, are spelled ``\\t``, ``\\n``, ``\\r`` or ``\\xNN`` too. The CSV keeps the
    name as it is (quoted), so that it still opens the file.
    """
    return _CONTROL.sub(lambda m: _CONTROL_TEXT.get(m.group(), f"\\x{ord(m.group()):02x}"), path_text(text))
