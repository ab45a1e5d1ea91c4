"""The ONNX contract as training.export writes it, and its refusal to write a graph that does not verify."""

import json
import os

import numpy as np
import onnx
import pytest
import torch

from catdog_gui.core.imaging import Preprocessing, preprocess
from catdog_gui.core.contract import read_metadata
from training.export import OUTPUT_NAMES, ExportVerificationError, export_onnx, verify_onnx
from training.xception import Xception


def test_tiny_model_has_the_contract(tiny_model_path):
    proto = onnx.load(str(tiny_model_path))
    assert [i.name for i in proto.graph.input] == ["image"]
    dims = [d.dim_param or d.dim_value for d in proto.graph.input[0].type.tensor_type.shape.dim]
    assert dims[1] == 3 and all(isinstance(d, str) for d in (dims[0], dims[2], dims[3]))  # N, H, W dynamic
    assert tuple(o.name for o in proto.graph.output) == OUTPUT_NAMES
    raw = {p.key: p.value for p in proto.metadata_props}
    assert all(json.loads(value) is not None for value in raw.values())  # every value JSON-encoded
    meta = read_metadata(proto)
    assert meta["catdog.contract"] == 1
    assert meta["labels"] == ["cat", "dog"]
    assert meta["image_size"] == [96, 96]
    assert meta["resize"] in ("squash", "center_crop")
    assert len(meta["mean"]) == 3 and len(meta["std"]) == 3
    assert {"architecture", "trained_on", "val_top1", "created", "background"} <= set(meta)


def test_exported_graph_runs_at_other_sizes(tiny_model_path, cat_photos):
    import onnxruntime as ort

    sess = ort.InferenceSession(str(tiny_model_path), providers=["CPUExecutionProvider"])
    x = np.stack([preprocess(p, Preprocessing(image_size=(131, 177))) for p in cat_photos[:3]])
    logits, cam = sess.run(["logits", "cam"], {"image": x})
    assert logits.shape == (3, 2) and cam.shape[:2] == (3, 2)


def test_export_refuses_a_graph_that_differs_from_pytorch(tiny_model_path, cat_photos, dog_photos):
    spec = Preprocessing(image_size=(96, 96))
    x = np.stack([preprocess(p, spec) for p in cat_photos[:4] + dog_photos[:4]])
    torch.manual_seed(123)
    other = Xception(num_classes=2).eval()  # not the weights in the file
    with torch.no_grad():
        other.fc.weight.mul_(50)  # make its probabilities far from 0.5 so the difference shows
    with pytest.raises(ExportVerificationError, match="probabilities differ"):
        verify_onnx(tiny_model_path, other, x, ["cat", "dog"])


def test_export_writes_nothing_when_verification_fails(tmp_path, cat_photos, monkeypatch):
    from training import export as export_mod

    spec = Preprocessing(image_size=(80, 80))
    x = np.stack([preprocess(p, spec) for p in cat_photos[:2]])
    monkeypatch.setattr(export_mod, "CAM_ATOL", -1.0)  # an impossible tolerance: every check fails
    out = tmp_path / "refused.onnx"
    with pytest.raises(ExportVerificationError, match="cam.mean"):
        export_onnx(Xception(num_classes=2).eval(), out, ["cat", "dog"], spec, x)
    assert not out.exists() and list(tmp_path.iterdir()) == []


def test_flip_tta_graph_is_mirror_invariant_and_keeps_the_cam_identity():
    from training.export import ContractModule

    torch.manual_seed(0)
    model = Xception(num_classes=2).eval()
    module = ContractModule(model, tta_flip=True).eval()
    x = torch.randn(2, 3, 96, 80)
    with torch.no_grad():
        logits, probs, entry, middle, exit_, cam = module(x)
        mirrored = module(torch.flip(x, dims=[3]))
        plain = (model(x) + model(torch.flip(x, dims=[3]))) / 2
    torch.testing.assert_close(logits, plain, atol=1e-5, rtol=1e-5)
    torch.testing.assert_close(mirrored[0], logits, atol=1e-5, rtol=1e-5)  # a photo and its mirror agree
    torch.testing.assert_close(mirrored[5], torch.flip(cam, dims=[3]), atol=1e-5, rtol=1e-5)
    torch.testing.assert_close(cam.mean((2, 3)) + model.fc.bias, logits, atol=1e-4, rtol=1e-4)
    assert entry.shape == (2, 728, 6, 5) and exit_.shape == (2, 2048, 3, 3)


def test_float16_weights_halve_the_file_and_keep_fp32_inference(tiny_light_exports, tiny_model_path, cat_photos,
                                                                  dog_photos):
    import onnxruntime as ort

    from training.recover import load_weights_from_onnx

    path = tiny_light_exports["fp16"]
    assert path.stat().st_size < 0.55 * tiny_model_path.stat().st_size
    proto = onnx.load(str(path))
    assert [i.type.tensor_type.elem_type for i in proto.graph.input] == [onnx.TensorProto.FLOAT]
    assert all(o.type.tensor_type.elem_type == onnx.TensorProto.FLOAT for o in proto.graph.output)
    halves = [t for t in proto.graph.initializer if t.data_type == onnx.TensorProto.FLOAT16]
    assert len(halves) >= 30 and all(np.prod(t.dims) >= 65536 for t in halves)  # the pointwise convolutions
    meta = read_metadata(proto)
    assert meta["tta"] == "none" and meta["precision"] == "fp32" and meta["weights_storage"] == "float16"
    assert tiny_light_exports["result"]["float16_max_prob_diff"] <= 1e-3

    spec = Preprocessing(image_size=(96, 96))
    x = np.stack([preprocess(p, spec) for p in cat_photos[:3] + dog_photos[:3]])
    half = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"]).run(None, {"image": x})
    full = ort.InferenceSession(str(tiny_model_path), providers=["CPUExecutionProvider"]).run(None, {"image": x})
    np.testing.assert_allclose(half[1], full[1], atol=1e-3)  # probabilities
    for a, b in zip(half[2:], full[2:]):  # flow maps and CAM: weights rounded once, arithmetic float32
        assert np.abs(a - b).max() <= 0.01 * np.abs(b).max()
    # training.recover reads the float16 weights back (through their Cast nodes)
    with torch.no_grad():
        logits = load_weights_from_onnx(path)(torch.from_numpy(x)).numpy()
    np.testing.assert_allclose(logits, half[0], atol=1e-4)


def test_store_weights_float16_refuses_values_out_of_range():
    from onnx import helper, numpy_helper

    from training.export import store_weights_float16

    weight = numpy_helper.from_array(np.full((2, 2), 1e6, np.float32), name="w")
    graph = helper.make_graph([helper.make_node("MatMul", ["x", "w"], ["y"])], "g",
                              [helper.make_tensor_value_info("x", onnx.TensorProto.FLOAT, [1, 2])],
                              [helper.make_tensor_value_info("y", onnx.TensorProto.FLOAT, [1, 2])], [weight])
    assert store_weights_float16(helper.make_model(graph)) == 0  # 4 values: below min_elements, kept float32
    with pytest.raises(ValueError, match="float16"):
        store_weights_float16(helper.make_model(graph), min_elements=1)


def test_export_cli_from_onnx_writes_the_light_file_and_int8(tiny_model_path, tmp_path, data_dir, tmp_path_factory):
    from training.export import main

    small = tmp_path_factory.mktemp("threshold-data")  # 30 photos a class: a validation split of 3 + 3
    for folder in ("Cat", "Dog"):
        (small / folder).mkdir()
        for photo in sorted((data_dir / "petimages" / folder).glob("*.jpg"))[:30]:
            os.symlink(photo, small / folder / photo.name)
    out = tmp_path / "again.onnx"
    code = main(["--from-onnx", str(tiny_model_path), "--out", str(out), "--verify-data", str(data_dir / "petimages"),
                 "--int8", "--calibration-data", str(data_dir / "petimages"), "--calibration-count", "8",
                 "--threshold-data", str(small)])
    assert code == 0 and out.is_file() and (tmp_path / "again-int8.onnx").is_file()
    before = read_metadata(onnx.load(str(tiny_model_path), load_external_data=False))
    after = read_metadata(onnx.load(str(out), load_external_data=False))
    int8_meta = read_metadata(onnx.load(str(tmp_path / "again-int8.onnx"), load_external_data=False))
    for meta in (after, int8_meta):  # each file its own threshold, chosen on the 6 validation photos
        assert 0.5 <= meta["uncertain_threshold"] < 1 and meta["uncertain_threshold_rule"]["photos"] == 6
    assert after["trained_on"] == before["trained_on"] and after["image_size"] == before["image_size"]
    assert after["weights_storage"] == "float16" and after["tta"] == "none"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["again-int8.onnx", "again.onnx"]  # no leftovers


def test_temperature_is_fitted_on_every_sources_validation_split(tmp_path, data_dir, capsys):
    """A checkpoint trained on two sources: --temperature auto uses both held-out splits (it used the first only)."""
    from training.data import find_samples, stratified_split
    from training.export import fit_validation_temperature

    roots = []
    for name, n in (("a", 8), ("b", 12)):
        root = tmp_path / name
        for cls, sub in (("cat", "Cat"), ("dog", "Dog")):
            (root / cls).mkdir(parents=True)
            for p in sorted((data_dir / "petimages" / sub).glob("*.jpg"))[:n // 2]:
                os.symlink(p, root / cls / p.name)
        roots.append(str(root))
    info = {"data": {"path": roots[0], "paths": roots, "val_fraction": 0.25, "seed": 0}}
    expected = sum(len(stratified_split(find_samples(r)[0], 0.25, 0)[1]) for r in roots)
    torch.manual_seed(0)
    t, top1 = fit_validation_temperature(Xception(num_classes=2).eval(), info, Preprocessing(image_size=(64, 64)))
    assert f"validation split ({expected} photos of 2 source(s))" in capsys.readouterr().out
    assert t > 0 and 0.0 <= top1 <= 1.0
