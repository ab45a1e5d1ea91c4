"""training.quantize: calibration photos from the training split only, and the int8 file's contract."""

from __future__ import annotations

import collections
from pathlib import Path

import numpy as np
import onnx
import onnxruntime as ort
import pytest

from catdog_gui.core.imaging import Preprocessing, preprocess
from training.data import find_samples, stratified_split
from catdog_gui.core.contract import read_metadata
from training.export import OUTPUT_NAMES
from training.quantize import calibration_samples, compare_models, head_nodes, int8_path


def test_int8_path_is_beside_the_float32_file():
    assert int8_path("/m/catdog-xception.onnx") == Path("/m/catdog-xception-int8.onnx")


def test_calibration_photos_come_from_the_training_split_only(data_dir):
    samples, _ = find_samples(data_dir / "petimages")
    train, val = stratified_split(samples, 0.1, 0)
    chosen = calibration_samples([data_dir / "petimages"], 64, val_fraction=0.1, seed=0)
    paths = {s.path for s in chosen}
    assert len(paths) == 64
    assert paths <= {s.path for s in train} and not paths & {s.path for s in val}
    assert collections.Counter(s.target for s in chosen) == {0: 32, 1: 32}
    assert [s.path for s in calibration_samples([data_dir / "petimages"], 64)] == [s.path for s in chosen]
    with pytest.raises(ValueError, match="count"):
        calibration_samples([data_dir / "petimages"], 0)


def test_int8_file_keeps_the_contract_and_is_quantised(tiny_light_exports, tiny_model_path, cat_photos,
                                                       dog_photos):
    path = tiny_light_exports["int8"]
    proto = onnx.load(str(path))
    ops = collections.Counter(n.op_type for n in proto.graph.node)
    assert ops["QuantizeLinear"] > 0 and ops["DequantizeLinear"] > 0
    int8_weights = [t for t in proto.graph.initializer if t.data_type == onnx.TensorProto.INT8 and len(t.dims) == 4]
    assert len(int8_weights) >= 70  # every convolution of the 36-layer network (depthwise + pointwise)
    assert path.stat().st_size < tiny_model_path.stat().st_size / 3
    meta = read_metadata(proto)
    assert meta["precision"] == "int8" and meta["tta"] == "none" and meta["catdog.contract"] == 1
    assert meta["quantization"]["calibration_split"] == "train"
    assert [o.name for o in proto.graph.output] == list(OUTPUT_NAMES)
    assert {n.op_type for n in proto.graph.node if n.name in head_nodes(proto)} >= {"Gemm", "Softmax"}

    spec = Preprocessing(image_size=(96, 96))
    x = np.stack([preprocess(p, spec) for p in cat_photos[:3] + dog_photos[:3]])
    got = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"]).run(None, {"image": x})
    want = ort.InferenceSession(str(tiny_model_path), providers=["CPUExecutionProvider"]).run(None, {"image": x})
    for name, a, b in zip(OUTPUT_NAMES, got, want):
        assert a.dtype == np.float32 and a.shape == b.shape and np.isfinite(a).all(), name
    # the head stays float32: the CAM identity holds on the int8 file's own exit flow
    fc_bias = next(np.frombuffer(t.raw_data, np.float32) if t.raw_data else np.array(t.float_data, np.float32)
                   for t in proto.graph.initializer if t.name.endswith("fc.bias"))
    np.testing.assert_allclose(got[5].mean(axis=(2, 3)) + fc_bias, got[0], atol=1e-4)
    # the quantised feature maps follow the float32 ones (random weights: maps, not predictions, are comparable)
    for name, a, b in zip(OUTPUT_NAMES[2:], got[2:], want[2:]):
        cosine = (a * b).sum() / (np.linalg.norm(a) * np.linalg.norm(b))
        assert cosine > 0.95, (name, cosine)


def test_compare_models_measures_agreement_and_maps(tiny_light_exports, tiny_model_path, data_dir):
    samples, _ = find_samples(data_dir / "petimages")
    few = samples[:4] + samples[-4:]
    same = compare_models(tiny_model_path, tiny_model_path, few, batch_size=4, map_photos=4)
    assert same["n"] == 8 and same["tta"]["agreement"] == 1.0 and same["no_tta"]["max_prob_diff"] == 0.0
    assert same["maps"]["cam"]["cosine_min"] == pytest.approx(1.0) and same["maps"]["cam"]["peak_same_cell"] == 1.0
    light = compare_models(tiny_model_path, tiny_light_exports["fp16"], few, batch_size=4, map_photos=0)
    assert light["no_tta"]["max_prob_diff"] <= 1e-3 and light["maps"] == {}
