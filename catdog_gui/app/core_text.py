"""Short, translated forms of core's English texts (errors, the provider line) for the window.

Core's texts stay English (the CSV, the CLI, a bug report); the window shows a translated short form where
the language is not English, and keeps the English detail for the tooltip. In English the full text is shown.
"""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

__all__ = ["error_text", "provider_text"]

# core's error texts start with one of these (catdog_gui/core/imaging.py, pipeline.py, main_window's scan)
_ERROR_PREFIXES = (
    ("file not found", QT_TRANSLATE_NOOP("CoreText", "file not found")),
    ("no such file or folder", QT_TRANSLATE_NOOP("CoreText", "no such file or folder")),
    ("image too large", QT_TRANSLATE_NOOP("CoreText", "image too large")),
    ("cannot read file", QT_TRANSLATE_NOOP("CoreText", "cannot read the file")),
    ("not enough memory", QT_TRANSLATE_NOOP("CoreText", "not enough memory")),
    ("truncated or damaged image", QT_TRANSLATE_NOOP("CoreText", "truncated or damaged image")),
    ("damaged or unsupported", QT_TRANSLATE_NOOP("CoreText", "damaged or unsupported image")),
    ("cannot decode", QT_TRANSLATE_NOOP("CoreText", "cannot decode the image")),
    ("empty file", QT_TRANSLATE_NOOP("CoreText", "empty file (0 bytes)")),
    ("unsupported format", QT_TRANSLATE_NOOP("CoreText", "unsupported format")),
)


def _translated(source: str) -> str | None:
    """``source`` in the application's language, or None when no translation is loaded for it."""
    text = QCoreApplication.translate("CoreText", source)
    return text if text != source else None


def error_text(error: str) -> str:
    """A row's error as the window shows it: a translated short form of a known English error (the
    English detail belongs in the tooltip), else ``error`` itself (English, or an unknown text)."""
    for prefix, short in _ERROR_PREFIXES:
        if error.startswith(prefix):
            return _translated(short) or error
    return error


def provider_text(engine) -> str:
    """The provider in use, short and translated: ``"CUDA"``, ``"CPU"`` or ``"CPU — CUDA unavailable"``
    (the reason, English, is :meth:`core.model.Engine.describe_provider`'s, for a tooltip)."""
    main = engine.providers[0].removesuffix("ExecutionProvider") if engine.providers else "CPU"
    if engine.using_cuda or engine.cuda_unavailable_reason is None:
        return main
    return QCoreApplication.translate("CoreText", "{provider} — CUDA unavailable").format(provider=main)
