"""One spelling of file names for people: the CSV, the XMP sidecars and the CLI's messages agree.

Linux file names are bytes; a name that is not valid UTF-8 reaches Python with lone surrogates (PEP 383,
``surrogateescape``). Written as is, such a name cannot be encoded; ``repr`` spells its bytes as ``\\udcNN``.
Here its raw bytes become ``\\xNN`` escapes (Python's ``backslashreplace``), which is what ``ls -b`` and the
CSV show.
"""

from __future__ import annotations

import os


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
