"""catdog_gui.core.model: the ONNX Runtime engine, contract validation, providers, outputs."""

from __future__ import annotations

import ctypes
import json
import os
from pathlib import Path

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper

from catdog_gui.core import model as model_mod
from catdog_gui.core.imaging import Preprocessing, preprocess
from catdog_gui.core.model import (DEFAULT_PROVIDERS, Engine, ModelError, ModelInfo, SUPPORTED_CONTRACTS,
                                   default_model_path)

CONTRACT_META = {
    "catdog.contract": "1",
    "labels": json.dumps(["red", "green", "blue"]),
    "image_size": "[64, 48]",
    "resize": "squash",
    "crop_fraction": "0.875",
    "mean": "[0.5, 0.5, 0.5]",
    "std": "[0.25, 0.25, 0.25]",
    "background": "[0, 0, 0]",
    "architecture": "channel means",
    "val_top1": "0.75",
}


def make_channel_mean_model(path: Path, metadata: dict | None = CONTRACT_META, input_name: str = "image",
                            outputs: tuple[str, ...] = ("logits", "probabilities"), classes: int = 3,
                            dtype: int = TensorProto.FLOAT) -> Path:
    """A tiny ONNX model built by hand: logits = per-channel mean of the image, probabilities = softmax."""
    image = helper.make_tensor_value_info(input_name, dtype, ["N", 3, "H", "W"])
    cast = [] if dtype == TensorProto.FLOAT else [helper.make_node("Cast", [input_name], ["as_float"], to=TensorProto.FLOAT)]
    source = input_name if not cast else "as_float"
    nodes = cast + [helper.make_node("GlobalAveragePool", [source], ["pooled"]),
             helper.make_node("Flatten", ["pooled"], ["logits"], axis=1),
             helper.make_node("Softmax", ["logits"], ["probabilities"], axis=1)]
    graph_outputs = [helper.make_tensor_value_info(name, TensorProto.FLOAT, ["N", classes]) for name in outputs]
    graph = helper.make_graph(nodes, "channel_means", [image], graph_outputs)
    proto = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], ir_version=9)
    for key, value in (metadata or {}).items():
        proto.metadata_props.add(key=key, value=value)
    onnx.save(proto, str(path))
    return path


def expected_flow_sizes(h: int, w: int) -> tuple[tuple[int, int], tuple[int, int]]:
    """Spatial sizes of the entry/middle flow (stride 16) and exit flow (stride 32), from the paper's layers:
    conv 3x3/2 (no padding), conv 3x3 (no padding), then max-pools 3x3/2 with padding 1."""
    def one(x: int) -> tuple[int, int]:
        x = (x - 3) // 2 + 1
        x = x - 2
        for _ in range(3):
            x = (x - 1) // 2 + 1
        return x, (x - 1) // 2 + 1
    (h16, h32), (w16, w32) = one(h), one(w)
    return (h16, w16), (h32, w32)


@pytest.fixture(scope="module")
def tiny_engine(tiny_model_path) -> Engine:
    return Engine(tiny_model_path)


@pytest.fixture(scope="module")
def photo_batch(tiny_engine, cat_photos, dog_photos) -> np.ndarray:
    spec = tiny_engine.info.preprocessing
    return np.stack([preprocess(p, spec) for p in cat_photos[:3] + dog_photos[:3]])


def _fc_bias(path: Path) -> np.ndarray:
    proto = onnx.load(str(path))
    inits = {t.name: t for t in proto.graph.initializer}
    for node in proto.graph.node:
        if node.op_type == "Gemm" and "logits" in node.output:
            return onnx.numpy_helper.to_array(inits[node.input[2]])
    pytest.fail("no Gemm node producing 'logits' with a bias initializer in the exported graph")


# ---------------------------------------------------------------------------------------- real model

def test_engine_reads_metadata_not_hardcoded(tiny_engine, tiny_model_path):
    info = tiny_engine.info
    assert isinstance(info, ModelInfo)
    assert info.path == Path(tiny_model_path) and info.name == "tiny.onnx"
    assert info.labels == ("cat", "dog")
    assert info.preprocessing.image_size == (96, 96)
    assert info.preprocessing.resize == "squash"
    assert info.preprocessing.mean == (0.5, 0.5, 0.5) and info.preprocessing.background == (255, 255, 255)
    assert info.contract in SUPPORTED_CONTRACTS
    assert info.outputs == ("logits", "probabilities", "entry_flow", "middle_flow", "exit_flow", "cam")
    assert info.metadata["catdog.contract"] == 1
    assert info.trained_on.startswith("nothing")
    assert info.val_top1 is None  # "unknown" in the metadata
    assert "Xception" in info.architecture and info.created
    assert tiny_engine.has_outputs(["entry_flow", "middle_flow", "exit_flow", "cam"])
    assert tiny_engine.has_outputs("cam") and not tiny_engine.has_outputs(["cam", "attention"])


def test_predict_real_photos(tiny_engine, photo_batch):
    logits, probs = tiny_engine.predict(photo_batch)
    assert logits.shape == probs.shape == (6, 2)
    assert logits.dtype == probs.dtype == np.float32
    assert np.isfinite(logits).all()
    np.testing.assert_allclose(probs.sum(axis=1), 1.0, atol=1e-5)
    softmax = np.exp(logits - logits.max(1, keepdims=True))
    np.testing.assert_allclose(probs, softmax / softmax.sum(1, keepdims=True), atol=1e-5)
    # a batch gives the same numbers as the photos one at a time
    one = np.concatenate([tiny_engine.predict(photo_batch[i:i + 1])[1] for i in range(6)])
    np.testing.assert_allclose(one, probs, atol=1e-5)
    empty_logits, empty_probs = tiny_engine.predict(np.zeros((0, 3, 96, 96), np.float32))
    assert empty_logits.shape == empty_probs.shape == (0, 2)


def test_all_six_outputs_have_contract_shapes(tiny_engine, cat_photos, dog_photos):
    # a non-square size: the contract's H and W are dynamic
    from dataclasses import replace
    spec = replace(tiny_engine.info.preprocessing, image_size=(96, 128))
    x = np.stack([preprocess(p, spec) for p in (cat_photos[0], dog_photos[0])])
    out = tiny_engine.run(x, tiny_engine.info.outputs)
    (h16, w16), (h32, w32) = expected_flow_sizes(96, 128)
    assert (h16, w16, h32, w32) == (6, 8, 3, 4)
    assert out["logits"].shape == out["probabilities"].shape == (2, 2)
    assert out["entry_flow"].shape == out["middle_flow"].shape == (2, 728, h16, w16)
    assert out["exit_flow"].shape == (2, 2048, h32, w32)
    assert out["cam"].shape == (2, 2, h32, w32)
    assert all(v.dtype == np.float32 and np.isfinite(v).all() for v in out.values())
    assert (out["exit_flow"] >= 0).all()  # after the last ReLU


def test_cam_mean_plus_bias_equals_logits(tiny_engine, tiny_model_path, photo_batch):
    out = tiny_engine.run(photo_batch, ["cam", "logits"])
    bias = _fc_bias(tiny_model_path)
    assert bias.shape == (2,)
    np.testing.assert_allclose(out["cam"].mean(axis=(2, 3)) + bias, out["logits"], atol=1e-3)
    # and without reading the bias: the difference between classes is carried by the maps alone
    cam_diff = out["cam"][:, 1].mean(axis=(1, 2)) - out["cam"][:, 0].mean(axis=(1, 2))
    np.testing.assert_allclose(cam_diff + bias[1] - bias[0], out["logits"][:, 1] - out["logits"][:, 0], atol=1e-3)


def test_run_returns_only_requested_outputs(tiny_engine, photo_batch):
    out = tiny_engine.run(photo_batch[:2], ["cam"])
    assert set(out) == {"cam"}
    out = tiny_engine.run(photo_batch[:2], ["entry_flow", "exit_flow"])
    assert set(out) == {"entry_flow", "exit_flow"}
    with pytest.raises(ModelError, match="no output"):
        tiny_engine.run(photo_batch[:2], ["attention"])
    with pytest.raises(ValueError, match=r"\[N, 3, H, W\]"):
        tiny_engine.predict(photo_batch[0])


def test_providers_reported(tiny_engine):
    import onnxruntime as ort

    assert tiny_engine.providers == tiny_engine._session.get_providers()
    assert tiny_engine.using_cuda == ("CUDAExecutionProvider" in tiny_engine.providers)
    text = tiny_engine.describe_provider()
    if tiny_engine.using_cuda:
        assert text == "CUDA" and tiny_engine.cuda_unavailable_reason is None
    else:
        reason = tiny_engine.cuda_unavailable_reason
        assert reason and text == f"CPU — CUDA unavailable: {reason}"
        if "CUDAExecutionProvider" not in ort.get_available_providers():
            assert "no CUDA support" in reason
        else:  # onnxruntime-gpu without a usable GPU: the reason names what is missing
            try:
                ctypes.CDLL("nvcuda.dll" if os.name == "nt" else "libcuda.so.1")
                driver = True
            except OSError:
                driver = False
            assert ("driver" in reason) != driver, reason
            assert "CUDA provider failed to load" in reason or not driver


def test_cpu_only_engine(tiny_model_path):
    engine = Engine(tiny_model_path, providers=("CPUExecutionProvider",))
    assert engine.providers == ["CPUExecutionProvider"] and not engine.using_cuda
    assert engine.cuda_unavailable_reason == "not requested"
    assert DEFAULT_PROVIDERS == ("CUDAExecutionProvider", "CPUExecutionProvider")


def test_cuda_reason_without_cuda_build():
    reason = model_mod._cuda_unavailable_reason(DEFAULT_PROVIDERS, ["CPUExecutionProvider"],
                                                ["CPUExecutionProvider"], None)
    assert "no CUDA support" in reason
    assert model_mod._cuda_unavailable_reason(DEFAULT_PROVIDERS, ["CUDAExecutionProvider"],
                                              ["CUDAExecutionProvider", "CPUExecutionProvider"], None) is None
    short = model_mod._short_loader_message("libcublasLt.so.13: cannot open shared object file: No such file or directory")
    assert short == "libcublasLt.so.13 not found"


# ------------------------------------------------------------------------------- hand-built contract models

def test_hand_built_contract_model(tmp_path, cat_photos):
    engine = Engine(make_channel_mean_model(tmp_path / "means.onnx"))
    info = engine.info
    assert info.labels == ("red", "green", "blue") and info.val_top1 == 0.75
    assert info.preprocessing.image_size == (64, 48) and info.preprocessing.std == (0.25, 0.25, 0.25)
    assert info.preprocessing.background == (0, 0, 0)
    assert not engine.has_outputs(["cam"]) and engine.has_outputs(["logits", "probabilities"])
    x = np.stack([preprocess(p, info.preprocessing) for p in cat_photos[:2]])
    assert x.shape == (2, 3, 64, 48)
    logits, probs = engine.predict(x)
    np.testing.assert_allclose(logits, x.mean(axis=(2, 3)), atol=1e-5)
    np.testing.assert_allclose(probs.sum(1), 1, atol=1e-6)
    with pytest.raises(ModelError, match="cam"):
        engine.run(x, ["cam"])


def test_missing_file(tmp_path):
    with pytest.raises(ModelError, match="not found"):
        Engine(tmp_path / "nope.onnx")
    with pytest.raises(ModelError, match="not a file"):
        Engine(tmp_path)
    (tmp_path / "empty.onnx").write_bytes(b"")
    with pytest.raises(ModelError, match="empty"):
        Engine(tmp_path / "empty.onnx")


def test_text_file_named_onnx(tmp_path):
    path = tmp_path / "notes.onnx"
    path.write_text("this is not a model\n" * 20)
    with pytest.raises(ModelError, match="cannot open 'notes.onnx' as an ONNX model"):
        Engine(path)


def test_onnx_without_contract(tmp_path):
    path = make_channel_mean_model(tmp_path / "plain.onnx", metadata=None)
    with pytest.raises(ModelError, match="not a catdog model.*catdog.contract"):
        Engine(path)


@pytest.mark.parametrize("version", ["2", "0", "99"])
def test_unknown_contract_version(tmp_path, version):
    path = make_channel_mean_model(tmp_path / "future.onnx", {**CONTRACT_META, "catdog.contract": version})
    with pytest.raises(ModelError, match=f"contract version {version}.*understands version 1"):
        Engine(path)


@pytest.mark.parametrize("key", ["labels", "image_size", "resize", "mean", "std", "background"])
def test_missing_metadata(tmp_path, key):
    meta = {k: v for k, v in CONTRACT_META.items() if k != key}
    with pytest.raises(ModelError, match=f"'{key}' is missing"):
        Engine(make_channel_mean_model(tmp_path / "m.onnx", meta))


@pytest.mark.parametrize("key, value, match", [
    ("catdog.contract", "one", "must be an integer"),
    ("labels", '["cat", "cat", "dog"]', "distinct"),
    ("labels", "cat,dog,bird", "not valid JSON"),
    ("labels", '["a", "b"]', "3 classes but the metadata names 2 labels"),
    ("image_size", "[299]", "list of 2 integers"),
    ("image_size", "[8, 8]", "invalid preprocessing"),
    ("resize", "stretch", "expected one of"),
    ("mean", '[0.5, "x", 0.5]', "list of 3 numbers"),
    ("std", "[0.5, 0, 0.5]", "invalid preprocessing"),
    ("background", "[255, 255, 256]", "invalid preprocessing"),
    ("background", "[0.5, 0, 0]", "list of 3 integers"),
])
def test_malformed_metadata(tmp_path, key, value, match):
    with pytest.raises(ModelError, match=match):
        Engine(make_channel_mean_model(tmp_path / "m.onnx", {**CONTRACT_META, key: value}))


def test_missing_input_or_outputs(tmp_path):
    with pytest.raises(ModelError, match="no input 'image'"):
        Engine(make_channel_mean_model(tmp_path / "a.onnx", input_name="pixels"))
    with pytest.raises(ModelError, match=r"lacks the output\(s\) \['probabilities'\]"):
        Engine(make_channel_mean_model(tmp_path / "b.onnx", outputs=("logits",)))
    with pytest.raises(ModelError, match=r"tensor\(float16\); the catdog contract needs float32"):
        Engine(make_channel_mean_model(tmp_path / "c.onnx", dtype=TensorProto.FLOAT16))


def test_default_model_path(monkeypatch, tmp_path):
    monkeypatch.setenv("CATDOG_MODEL", str(tmp_path / "mine.onnx"))
    assert default_model_path() == tmp_path / "mine.onnx"
    monkeypatch.delenv("CATDOG_MODEL")
    repo = Path(__file__).resolve().parents[1]
    assert default_model_path() == repo / "resources" / "models" / "catdog-xception.onnx"


# ------------------------------------------------------------------------------------ the default model

def test_default_model_predicts_real_photos(default_model_path, cat_photos, dog_photos):
    engine = Engine(default_model_path)
    info = engine.info
    assert set(info.labels) == {"cat", "dog"}
    x = np.stack([preprocess(p, info.preprocessing) for p in cat_photos + dog_photos])
    _, probs = engine.predict(x)
    predicted = [info.labels[i] for i in probs.argmax(1)]
    cats = predicted[:len(cat_photos)].count("cat")
    dogs = predicted[len(cat_photos):].count("dog")
    assert cats >= 6 and dogs >= 6, f"cats right {cats}/8, dogs right {dogs}/8: {predicted}"
    out = engine.run(x[:2], ["cam", "logits"])
    assert out["cam"].shape[:2] == (2, len(info.labels))


# ------------------------------------------------------------------------- TTA, precision, session

ALL_OUTPUTS = ("logits", "probabilities", "entry_flow", "middle_flow", "exit_flow", "cam")


def test_engine_flip_tta_matches_the_in_graph_mirror_on_real_photos(tiny_model_path, photo_batch):
    """The engine's own mirror pass gives what training.export's flip-TTA graph computes (PyTorch reference)."""
    import torch

    from training.export import ContractModule
    from training.recover import load_weights_from_onnx

    engine = Engine(tiny_model_path, providers=("CPUExecutionProvider",), tta=True)
    assert engine.tta and engine.describe_settings() == "fp32, flip TTA"
    got = engine.run(photo_batch, ALL_OUTPUTS)
    with torch.no_grad():
        want = ContractModule(load_weights_from_onnx(tiny_model_path), tta_flip=True)(torch.from_numpy(photo_batch))
    for name, ref in zip(ALL_OUTPUTS, want):
        np.testing.assert_allclose(got[name], ref.numpy(), atol=2e-4, rtol=1e-3, err_msg=name)
    plain = Engine(tiny_model_path, providers=("CPUExecutionProvider",)).run(photo_batch, ["entry_flow"])
    change = np.abs(plain["entry_flow"] - got["entry_flow"]).max()
    assert change > 0.05 * np.abs(plain["entry_flow"]).max()  # the option has an effect
    # a photo and its mirror image get the same prediction, and mirrored maps
    mirrored = engine.run(photo_batch[..., ::-1], ["probabilities", "cam"])
    np.testing.assert_allclose(mirrored["probabilities"], got["probabilities"], atol=1e-5)
    np.testing.assert_allclose(mirrored["cam"], got["cam"][..., ::-1], atol=1e-4)
    logits, probabilities = engine.predict(photo_batch)
    np.testing.assert_allclose(probabilities, got["probabilities"], atol=1e-6)
    assert engine.predict(photo_batch[:0])[0].shape == (0, 2)


class _CountingSession:
    """Wraps an ONNX Runtime session and records the batch size of every run."""

    def __init__(self, session) -> None:
        self.session, self.batches = session, []

    def run(self, names, feeds, *args):
        self.batches.append(feeds["image"].shape[0])
        return self.session.run(names, feeds, *args)


def test_engine_does_not_mirror_a_graph_that_already_does(tmp_path, cat_photos, dog_photos):
    """A model exported with ``--tta-flip`` (the first default models were) holds the mirror in its graph."""
    import torch

    from training.export import export_onnx
    from training.xception import Xception

    torch.manual_seed(0)
    spec = Preprocessing(image_size=(96, 96))
    x = np.stack([preprocess(p, spec) for p in cat_photos[:2] + dog_photos[:2]])
    path = tmp_path / "flip.onnx"
    export_onnx(Xception(num_classes=2).eval(), path, ["cat", "dog"], spec, x,
                {"trained_on": "nothing (random weights, tests only)"}, tta_flip=True)
    engine = Engine(path, providers=("CPUExecutionProvider",), tta=True)
    assert engine.info.metadata["tta"] == "flip" and engine.tta
    engine._session = _CountingSession(engine._session)
    _, probabilities = engine.predict(x)
    assert engine._session.batches == [4]  # one pass of 4 photos, not 8
    _, without = Engine(path, providers=("CPUExecutionProvider",), tta=False).predict(x)
    np.testing.assert_allclose(probabilities, without, atol=1e-6)  # the same graph, mirrored once


def test_precision_auto_picks_the_int8_sibling_on_the_cpu(tiny_light_exports):
    fp16, int8 = tiny_light_exports["fp16"], tiny_light_exports["int8"]
    assert int8 == model_mod.int8_sibling(fp16)
    cpu = ("CPUExecutionProvider",)
    auto = Engine(fp16, providers=cpu, precision="auto")
    assert auto.precision == "int8" and auto.info.path == int8 and auto.info.metadata["precision"] == "int8"
    fp32 = Engine(fp16, providers=cpu, precision="fp32")
    assert fp32.precision == "fp32" and fp32.info.path == fp16
    assert Engine(int8, providers=cpu, precision="int8").info.path == int8
    assert Engine(fp16, providers=cpu, precision="int8").info.path == int8
    assert Engine(fp16, providers=cpu).precision == "fp32"  # None: the file as it is
    with pytest.raises(ModelError, match="int8 file"):
        Engine(int8, providers=cpu, precision="fp32")
    with pytest.raises(ModelError, match="unknown precision"):
        Engine(fp16, providers=cpu, precision="fp16")


def test_precision_int8_without_an_int8_file_is_a_model_error(tiny_model_path, tmp_path):
    assert Engine(tiny_model_path, providers=("CPUExecutionProvider",), precision="auto").precision == "fp32"
    with pytest.raises(ModelError, match="no int8 version"):
        Engine(tiny_model_path, providers=("CPUExecutionProvider",), precision="int8")


def test_physical_cores_is_at_most_the_logical_count():
    assert 1 <= model_mod.physical_cores() <= (os.cpu_count() or 1)


def test_a_missing_model_from_catdog_model_names_the_variable(monkeypatch, tmp_path):
    """$CATDOG_MODEL pointing nowhere: the error says where the path came from."""
    from catdog_gui.core.model import default_model_path

    monkeypatch.setenv("CATDOG_MODEL", str(tmp_path / "nonexist.onnx"))
    with pytest.raises(ModelError, match=r"model file not found: .*nonexist\.onnx' \(set by \$CATDOG_MODEL\)"):
        Engine(default_model_path())
    monkeypatch.delenv("CATDOG_MODEL")
    with pytest.raises(ModelError, match=r"nonexist\.onnx'$"):
        Engine(tmp_path / "nonexist.onnx")
