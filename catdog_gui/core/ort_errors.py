"""Why ONNX Runtime refused a model file, in one readable line.

ONNX Runtime's exception texts put the reason last, after a status prefix, the file's path and the C++
source location and signature it was raised from::

    [ONNXRuntimeError] : 1 : FAIL : Load model from ir14.onnx failed:/onnxruntime_src/.../model.cc:256
    onnxruntime::Model::Model(onnx::ModelProto&&, const onnxruntime::PathString&, ...) Unsupported model IR
    version: 14, max supported IR version: 13

:func:`onnx_runtime_reason` keeps the reason (``Unsupported model IR version: 14, max supported IR version:
13``) and drops the rest; a file that is no protobuf at all (a text file) says ``not an ONNX file`` first.
"""

from __future__ import annotations

import re

__all__ = ["MAX_REASON_CHARS", "NOT_ONNX", "onnx_runtime_reason"]

MAX_REASON_CHARS = 300
NOT_ONNX = "not an ONNX file (or a damaged one)"

_STATUS = re.compile(r"\[ONNXRuntimeError\] : \d+ : (?P<code>[A-Z_]+) : ")
_LOAD = re.compile(r"Load model from .*? failed: ?")
# "/onnxruntime_src/onnxruntime/core/graph/model.cc:256 " and the signature after it (a name with "::",
# its parameters, perhaps a return type before it): where in ONNX Runtime's sources, not why
_SOURCE = re.compile(r"\S+\.(?:cc|cpp|cu|h|hpp):\d+ "
                     r"(?:(?:[^\s()]+ ){0,3}?[^\s()]*::[^\s()]*\((?:[^()]|\([^()]*\))*\)(?: const)? )?")


def onnx_runtime_reason(exc: BaseException, limit: int = MAX_REASON_CHARS) -> str:
    """Why ONNX Runtime could not open a model, from its exception ``exc``: one line of at most ``limit``
    characters (``limit`` >= 20), the status prefix, the path and the C++ source location dropped, the end
    of the message (the reason) kept; a longer text loses its middle (``" ... "``), never its end. A protobuf
    that does not parse starts with :data:`NOT_ONNX`. The exception's type name when it has no text.

    Raises:
        ValueError: ``limit`` under 20.
    """
    if limit < 20:
        raise ValueError(f"limit {limit} is too small; at least 20 characters")
    text = " ".join(str(exc).split())
    if not text:
        return type(exc).__name__
    status = _STATUS.search(text)
    text = _LOAD.sub("", _STATUS.sub("", text, count=1), count=1)
    text = _SOURCE.sub("", text).strip() or text
    if status is not None and status["code"] == "INVALID_PROTOBUF":
        text = f"{NOT_ONNX}: {text}"
    return _elide_middle(text, limit)


def _elide_middle(text: str, limit: int) -> str:
    """``text`` when it has at most ``limit`` characters, else its start and its (longer) end joined by
    ``" ... "``, ``limit`` characters in all."""
    if len(text) <= limit:
        return text
    room = limit - len(" ... ")
    head = room // 3
    return f"{text[:head].rstrip()} ... {text[len(text) - (room - head):].lstrip()}"
