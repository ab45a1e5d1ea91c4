"""Why ONNX Runtime refused a model (core.ort_errors): the reason at the end of its message survives, in the
engine's ModelError and in the CLI's message; a text file says "not an ONNX file" first. Real ONNX Runtime
on a tiny graph saved with a future IR version, and on a text file."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from catdog_gui.core.model import Engine, ModelError
from catdog_gui.core.ort_errors import NOT_ONNX, onnx_runtime_reason

IR_REASON = re.compile(r"Unsupported model IR version: 14, max supported IR version: \d+$")


def make_ir14_model(path: Path) -> Path:
    """A valid one-node ONNX graph (Identity) stamped with IR version 14, newer than ONNX Runtime reads."""
    from onnx import TensorProto, helper

    graph = helper.make_graph([helper.make_node("Identity", ["image"], ["logits"])], "g",
                              [helper.make_tensor_value_info("image", TensorProto.FLOAT, [1, 3, 4, 4])],
                              [helper.make_tensor_value_info("logits", TensorProto.FLOAT, [1, 3, 4, 4])])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 14
    path.write_bytes(model.SerializeToString())
    return path


def opening_error(path: Path) -> str:
    with pytest.raises(ModelError) as caught:
        Engine(path, providers=["CPUExecutionProvider"])
    return str(caught.value)


def test_a_newer_ir_version_keeps_onnx_runtimes_reason(tmp_path):
    message = opening_error(make_ir14_model(tmp_path / "ir14.onnx"))
    assert message.startswith("cannot open 'ir14.onnx' as an ONNX model: Unsupported model IR version: 14")
    assert IR_REASON.search(message), message
    assert ".cc:" not in message and "onnxruntime::" not in message and "..." not in message, message


def test_a_text_file_is_not_an_onnx_file(tmp_path):
    notes = tmp_path / "notes.txt"
    notes.write_text("a shopping list, not a model\n" * 10)
    message = opening_error(notes)
    assert message.startswith(f"cannot open 'notes.txt' as an ONNX model: {NOT_ONNX}: "), message
    assert message.endswith("Protobuf parsing failed."), message


def test_the_cli_says_the_reason(tmp_path, cat_photos, capsys):
    from catdog_gui.cli import main

    shutil.copy(cat_photos[0], tmp_path / "cat.jpg")
    model = make_ir14_model(tmp_path / "ir14.onnx")
    assert main([str(tmp_path / "cat.jpg"), "--csv", str(tmp_path / "o.csv"), "--model", str(model)]) == 2
    err = capsys.readouterr().err
    assert "Unsupported model IR version: 14, max supported IR version:" in err, err


def test_a_long_message_loses_its_middle_not_its_end():
    long = RuntimeError("[ONNXRuntimeError] : 1 : FAIL : " + "context " * 100 + "THE REASON")
    reason = onnx_runtime_reason(long, limit=80)
    assert len(reason) <= 80 and reason.startswith("context") and reason.endswith("context THE REASON")
    assert " ... " in reason
    short = onnx_runtime_reason(RuntimeError("short and whole"), limit=80)
    assert short == "short and whole"
    with pytest.raises(ValueError, match="limit 5"):
        onnx_runtime_reason(long, limit=5)


def test_source_locations_with_a_return_type_are_dropped():
    exc = RuntimeError("[ONNXRuntimeError] : 1 : FAIL : /src/core/session/inference_session.cc:1234 "
                       "onnxruntime::common::Status onnxruntime::InferenceSession::Initialize() "
                       "Exception during initialization: out of memory")
    assert onnx_runtime_reason(exc) == "Exception during initialization: out of memory"
    assert onnx_runtime_reason(RuntimeError()) == "RuntimeError"  # no text: at least its kind
