"""Catch the warnings that one thread raises while it decodes one file, without touching other threads.

``warnings.catch_warnings`` swaps process-wide state (the filter list and ``showwarning``), so two decode
threads using it at once steal each other's warnings and can leave the filters changed for good (the
Python documentation says it is not thread-safe). And once caught, a warning still goes through the
filters and the per-module registry, so the second file with the same damage would be silent under the
default "show once per place" filter, or raise under ``-W error``.

Instead, :func:`capture` wraps ``warnings.warn`` once for the process: while a thread is inside
``capture()``, a warning that thread raises is recorded for it (before any filter) and not shown; every
other call goes to the original ``warnings.warn`` unchanged (same filters, same reported location).
Pillow, numpy and the HEIF plugin warn through ``warnings.warn``.
"""

from __future__ import annotations

import threading
import warnings
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["CaughtWarning", "capture"]

_local = threading.local()
_install_lock = threading.Lock()
_original_warn = None


class CaughtWarning(tuple):
    """``(category, message)`` of one warning caught by :func:`capture`."""

    __slots__ = ()

    def __new__(cls, category: type[Warning], message: str) -> CaughtWarning:
        return super().__new__(cls, (category, message))

    @property
    def category(self) -> type[Warning]:
        return self[0]

    @property
    def message(self) -> str:
        return self[1]


def _warn(message, category=None, stacklevel=1, source=None, **kwargs):
    sinks = getattr(_local, "sinks", None)
    if sinks:
        if isinstance(message, Warning):
            category = type(message)
        sinks[-1].append(CaughtWarning(category or UserWarning, str(message)))
        return None
    # one frame more: the location reported is the caller's, as without this wrapper
    return _original_warn(message, category, stacklevel + 1, source, **kwargs)


def _install() -> None:
    global _original_warn
    with _install_lock:
        if _original_warn is None:
            _original_warn = warnings.warn
            _warn.__wrapped__ = _original_warn
            _warn.__doc__ = _original_warn.__doc__
            warnings.warn = _warn


@contextmanager
def capture() -> Iterator[list[CaughtWarning]]:
    """Record the warnings this thread raises inside the ``with`` block (nested blocks: the innermost).

    Yields:
        A list that fills with :class:`CaughtWarning` tuples; nothing is printed for them.
    """
    _install()
    sinks = getattr(_local, "sinks", None)
    if sinks is None:
        sinks = _local.sinks = []
    caught: list[CaughtWarning] = []
    sinks.append(caught)
    try:
        yield caught
    finally:
        sinks.pop()
