"""Short, translated forms of core's English texts (errors, decoding notes, the provider line, uncertain reasons) for
the window.

Core's texts stay English (the CSV, the CLI, a bug report); the window shows a translated form where the
language is not English, and keeps the English detail for the tooltip. In English core's text is shown as is.
Core's texts are matched by their fixed start or by a pattern; one that matches nothing stays English.
"""

from __future__ import annotations

import math
import re

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

from catdog_gui.core.results import percent_texts

__all__ = ["cuda_reason_text", "error_text", "model_error_text", "note_text", "os_error_text",
           "provider_detail_text", "provider_text", "settings_text", "uncertain_text"]

# core's error texts start with one of these (catdog_gui/core/imaging.py, pipeline.py, main_window's scan)
_ERROR_PREFIXES = (
    ("file not found", QT_TRANSLATE_NOOP("CoreText", "file not found")),
    ("broken symbolic link", QT_TRANSLATE_NOOP("CoreText", "broken symbolic link (its target is missing)")),
    ("no such file or folder", QT_TRANSLATE_NOOP("CoreText", "no such file or folder")),
    ("image too large", QT_TRANSLATE_NOOP("CoreText", "image too large")),
    ("cannot read file", QT_TRANSLATE_NOOP("CoreText", "cannot read the file")),
    ("not enough memory", QT_TRANSLATE_NOOP("CoreText", "not enough memory")),
    ("truncated or damaged image", QT_TRANSLATE_NOOP("CoreText", "truncated or damaged image")),
    ("damaged or unsupported", QT_TRANSLATE_NOOP("CoreText", "damaged or unsupported image")),
    ("cannot decode", QT_TRANSLATE_NOOP("CoreText", "cannot decode the image")),
    ("empty file", QT_TRANSLATE_NOOP("CoreText", "empty file (0 bytes)")),
    ("unsupported format", QT_TRANSLATE_NOOP("CoreText", "unsupported format")),
    ("not an image", QT_TRANSLATE_NOOP("CoreText", "not an image")),
    ("inference failed", QT_TRANSLATE_NOOP("CoreText", "the model failed on this photo")),
)

# why a decoded photo is degenerate (catdog_gui/core/degenerate.py), the numbers kept
_DEGENERATE = (
    (re.compile(r"tiny image \((?P<width>\d+)x(?P<height>\d+) px; under (?P<side>\d+) px on a side\)"),
     QT_TRANSLATE_NOOP("CoreText", "tiny image ({width}×{height} px; under {side} px on a side)")),
    (re.compile(r"extreme aspect ratio \((?P<width>\d+)x(?P<height>\d+) px, over (?P<ratio>[\d.]+):1\)"),
     QT_TRANSLATE_NOOP("CoreText", "extreme aspect ratio ({width}×{height} px, over {ratio}:1)")),
    (re.compile(r"nearly one flat colour \(pixel standard deviation (?P<spread>[\d.]+), under (?P<least>[\d.]+)\)"),
     QT_TRANSLATE_NOOP("CoreText", "nearly one flat colour (pixel standard deviation {spread}, under {least})")),
)

# what was repaired or ignored while decoding a photo (catdog_gui/core/imaging.py's notes, joined by "; " into
# Result.note); each ends at "; " or at the end of the note (a note may hold "; " itself); the details stay
_NOTE_END = r"(?=; |$)"
_NOTES = tuple((re.compile(pattern + _NOTE_END), source) for pattern, source in (
    (r"alpha channel is 0 everywhere; taken as an opaque image",
     QT_TRANSLATE_NOOP("CoreText", "alpha channel is 0 everywhere; taken as an opaque image")),
    (r"damaged EXIF metadata ignored, orientation unknown \((?P<reason>.*?)\)",
     QT_TRANSLATE_NOOP("CoreText", "damaged EXIF metadata ignored, orientation unknown ({reason})")),
    (r"damaged EXIF metadata ignored \((?P<reason>.*?)\)",
     QT_TRANSLATE_NOOP("CoreText", "damaged EXIF metadata ignored ({reason})")),
    (r"colour profile unreadable, colours used as stored \((?P<reason>.*?)\)",
     QT_TRANSLATE_NOOP("CoreText", "colour profile unreadable, colours used as stored ({reason})")),
    (r"colour profile (?P<name>'.*?'|\".*?\") is for (?P<space>\S+), the image is (?P<mode>\S+); ignored",
     QT_TRANSLATE_NOOP("CoreText", "colour profile {name} is for {space}, the image is {mode}; ignored")),
    (r"colour profile (?P<name>'.*?'|\".*?\") cannot be applied, colours used as stored \((?P<reason>.*?)\)",
     QT_TRANSLATE_NOOP("CoreText", "colour profile {name} cannot be applied, colours used as stored ({reason})")),
    (r"decoder warning: (?P<reason>.*?)", QT_TRANSLATE_NOOP("CoreText", "decoder warning: {reason}")),
    (r"JPEG end marker missing \(the image data is complete\)",
     QT_TRANSLATE_NOOP("CoreText", "JPEG end marker missing (the image data is complete)")),
    (r"animated: first of (?P<count>\d+) frames classified",
     QT_TRANSLATE_NOOP("CoreText", "animated: first of {count} frames classified")),
    (r"EXIF orientation (?P<value>.*?) is not valid, image used as stored",
     QT_TRANSLATE_NOOP("CoreText", "EXIF orientation {value} is not valid, image used as stored")),
))

# why CUDA is not in use (catdog_gui/core/model.py, _cuda_unavailable_reason); {detail} is a loader message
_CUDA_REASONS = (
    (re.compile(r"not requested"), QT_TRANSLATE_NOOP("CoreText", "not requested")),
    (re.compile(r"this ONNX Runtime build has no CUDA support \(install onnxruntime-gpu\)"),
     QT_TRANSLATE_NOOP("CoreText", "this ONNX Runtime build has no CUDA support (install onnxruntime-gpu)")),
    (re.compile(r"no NVIDIA GPU driver \((?P<detail>.*)\)"),
     QT_TRANSLATE_NOOP("CoreText", "no NVIDIA GPU driver ({detail})")),
    (re.compile(r"CUDA provider failed to load \((?P<detail>.*); needs CUDA and cuDNN\)"),
     QT_TRANSLATE_NOOP("CoreText", "the CUDA provider failed to load ({detail}; needs CUDA and cuDNN)")),
    (re.compile(r"ONNX Runtime could not create the CUDA provider \(unsupported GPU or out of memory; see its log\)"),
     QT_TRANSLATE_NOOP("CoreText",
                       "ONNX Runtime could not create the CUDA provider (unsupported GPU or out of memory; see its log)")),
)
_MISSING_LIBRARY = re.compile(r"(?P<library>\S+) not found")


def _translated(source: str) -> str | None:
    """``source`` in the application's language, or None when no translation is loaded for it."""
    text = QCoreApplication.translate("CoreText", source)
    return text if text != source else None


def _matched(text: str, patterns) -> str | None:
    """``text`` translated by the first of ``patterns`` (regex, source template) matching all of it, its named
    groups filled in; None when none matches or no translation is loaded."""
    for pattern, source in patterns:
        match = pattern.fullmatch(text)
        if match is not None:
            translated = _translated(source)
            groups = match.groupdict()
            if "detail" in groups:
                groups["detail"] = _detail_text(groups["detail"])
            return translated.format(**groups) if translated else None
    return None


def error_text(error: str) -> str:
    """A row's error as the window shows it: a translated short form of a known English error (the
    English detail belongs in the tooltip), else ``error`` itself (English, or an unknown text)."""
    for prefix, short in _ERROR_PREFIXES:
        if error.startswith(prefix):
            return _translated(short) or error
    return error


def note_text(note: str) -> str:
    """A row's note (``Result.note``: core's English notes on what was repaired or ignored while decoding,
    joined by ``"; "``) in the application's language, note by note, their details (a profile's name, a
    library's warning) kept; a note that is not a known one, or one with no translation loaded, stays as is."""
    parts, rest = [], note
    while rest:
        for pattern, source in _NOTES:
            match = pattern.match(rest)
            if match is not None:
                translated = _translated(source)
                parts.append(translated.format(**match.groupdict()) if translated else match.group(0))
                end = match.end()
                break
        else:
            end = len(rest.partition("; ")[0])
            parts.append(rest[:end])
        rest = rest[end:].removeprefix("; ")
    return "; ".join(parts)


# the operating system's reasons (strerror) core passes on for a folder it could not list or a file it could
# not copy, move or write; what follows them (": /the/folder") is a path and stays as it is
_OS_ERRORS = (
    ("Permission denied", QT_TRANSLATE_NOOP("CoreText", "Permission denied")),
    ("Read-only file system", QT_TRANSLATE_NOOP("CoreText", "Read-only file system")),
    ("No space left on device", QT_TRANSLATE_NOOP("CoreText", "No space left on device")),
    ("No such file or directory", QT_TRANSLATE_NOOP("CoreText", "No such file or directory")),
    ("the file is read-only", QT_TRANSLATE_NOOP("CoreText", "the file is read-only")),
    ("Input/output error", QT_TRANSLATE_NOOP("CoreText", "Input/output error")),
    ("File name too long", QT_TRANSLATE_NOOP("CoreText", "File name too long")),
)


# why a model file could not be opened (catdog_gui/core/model.py's ModelError), the most common ones; the file
# names and ONNX Runtime's own detail stay as they are
_MODEL_ERRORS = (
    (re.compile(r"model file not found: (?P<path>.*) \(set by \$CATDOG_MODEL\)"),
     QT_TRANSLATE_NOOP("CoreText", "model file not found: {path} (set by $CATDOG_MODEL)")),
    (re.compile(r"model file not found: (?P<path>.*)"), QT_TRANSLATE_NOOP("CoreText", "model file not found: {path}")),
    (re.compile(r"model path is not a file: (?P<path>.*)"),
     QT_TRANSLATE_NOOP("CoreText", "model path is not a file: {path}")),
    (re.compile(r"model file (?P<name>.*) is empty \(0 bytes\)"),
     QT_TRANSLATE_NOOP("CoreText", "model file {name} is empty (0 bytes)")),
    (re.compile(r"cannot open (?P<name>.*) as an ONNX model: not an ONNX file \(or a damaged one\): (?P<reason>.*)"),
     QT_TRANSLATE_NOOP("CoreText", "{name} is not an ONNX file (or a damaged one): {reason}")),
    (re.compile(r"cannot open (?P<name>.*) as an ONNX model: (?P<reason>.*)"),
     QT_TRANSLATE_NOOP("CoreText", "cannot open {name} as an ONNX model: {reason}")),
    (re.compile(r"model (?P<name>.*) is not a catdog model: it has no 'catdog\.contract' metadata "
                r"\(export it with python -m training\.export\)"),
     QT_TRANSLATE_NOOP("CoreText", "model {name} is not a catdog model: it has no 'catdog.contract' metadata "
                                   "(export it with python -m training.export)")),
)


def model_error_text(message: str) -> str:
    """Why a model could not be opened (core's English ``ModelError``) in the application's language, file
    names and ONNX Runtime's detail kept; ``message`` itself when it is not one of the common ones."""
    return _matched(message, _MODEL_ERRORS) or message


def os_error_text(reason: str) -> str:
    """An operating-system reason (``"Permission denied"``, ``"Permission denied: /photos/sorted"``) in the
    application's language, a path after it kept; ``reason`` itself when it is not a known one."""
    for prefix, source in _OS_ERRORS:
        if reason == prefix or reason.startswith(prefix + ": "):
            translated = _translated(source)
            return translated + reason[len(prefix):] if translated else reason
    return reason


def uncertain_text(result, threshold: float | None) -> str:
    """Why ``result`` (a :class:`core.results.Result`) is uncertain at ``threshold`` (a probability, or None),
    in the application's language; ``""`` when it is not uncertain. Same rule as ``Result.uncertain_reason``,
    whose English text is returned where no translation is loaded."""
    why = result.uncertain_reason(threshold)
    if not why:
        return ""
    if why == result.uncertain_because:
        return _matched(why, _DEGENERATE) or why
    if math.isnan(result.confidence):
        return _translated(QT_TRANSLATE_NOOP("CoreText", "no confidence")) or why
    template = _translated(QT_TRANSLATE_NOOP("CoreText", "top probability {confidence} below the threshold {threshold}"))
    if not template:
        return why
    confidence, threshold_text = percent_texts(result.confidence, threshold)  # as many decimals as core's text
    return template.format(confidence=confidence, threshold=threshold_text)


def cuda_reason_text(reason: str) -> str:
    """Why CUDA is not in use (``Engine.cuda_unavailable_reason``, English) in the application's language; a
    loader detail ``"libX.so not found"`` is translated too, any other detail stays as the system said it."""
    return _matched(reason, _CUDA_REASONS) or reason


def _detail_text(detail: str) -> str:
    """A loader's message inside a CUDA reason: ``"libX.so not found"`` translated, anything else as is."""
    match = _MISSING_LIBRARY.fullmatch(detail)
    template = _translated(QT_TRANSLATE_NOOP("CoreText", "{library} not found")) if match else None
    return template.format(library=match.group("library")) if template else detail


def provider_text(engine) -> str:
    """The provider in use, short and translated: ``"CUDA"``, ``"CPU"`` or ``"CPU — CUDA unavailable"``
    (the reason, English, is :meth:`core.model.Engine.describe_provider`'s, for a tooltip)."""
    main = engine.providers[0].removesuffix("ExecutionProvider") if engine.providers else "CPU"
    if engine.using_cuda or engine.cuda_unavailable_reason is None:
        return main
    return QCoreApplication.translate("CoreText", "{provider} — CUDA unavailable").format(provider=main)


def settings_text(engine) -> str:
    """:meth:`core.model.Engine.describe_settings` in the application's language: ``"int8, flip TTA"``
    (the precision's name is the same in every language)."""
    tta = (QCoreApplication.translate("CoreText", "flip TTA") if engine.tta
           else QCoreApplication.translate("CoreText", "no TTA"))
    return f"{engine.precision}, {tta}"


def provider_detail_text(engine) -> str:
    """:meth:`core.model.Engine.describe_provider` in the application's language: the provider, and why CUDA
    is not in use (``"CPU — CUDA unavailable: no NVIDIA GPU driver (libcuda.so.1 not found)"`` in English)."""
    reason = engine.cuda_unavailable_reason
    if engine.using_cuda or reason is None:
        return provider_text(engine)
    template = _translated(QT_TRANSLATE_NOOP("CoreText", "{provider} — CUDA unavailable: {reason}"))
    if template is None:
        return engine.describe_provider()
    main = engine.providers[0].removesuffix("ExecutionProvider") if engine.providers else "CPU"
    return template.format(provider=main, reason=cuda_reason_text(reason))
