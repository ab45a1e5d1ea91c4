"""Weights recovered from an exported ONNX file reproduce it (continuing training needs no checkpoint)."""

import copy
import json

import numpy as np
import onnx
import onnxruntime as ort
import torch

from catdog_gui.core.imaging import Preprocessing, preprocess
from training.recover import load_weights_from_onnx, restore_batchnorm_statistics


def test_recovered_model_gives_the_files_logits(tiny_model_path, cat_photos, dog_photos):
    model = load_weights_from_onnx(tiny_model_path)
    spec = Preprocessing(image_size=(96, 96))
    x = np.stack([preprocess(p, spec) for p in cat_photos[:2] + dog_photos[:2]])
    sess = ort.InferenceSession(str(tiny_model_path), providers=["CPUExecutionProvider"])
    expected, exit_flow = sess.run(["logits", "exit_flow"], {"image": x})
    with torch.no_grad():
        flows = model.forward_flows(torch.from_numpy(x))
    np.testing.assert_allclose(flows.logits.numpy(), expected, atol=1e-4, rtol=1e-4)
    np.testing.assert_allclose(flows.exit_flow.numpy(), exit_flow, atol=1e-3, rtol=1e-3)
    # Trainable: every parameter gets a gradient.
    model.train()
    torch.nn.functional.cross_entropy(model(torch.from_numpy(x)), torch.tensor([0, 0, 1, 1])).backward()
    assert all(p.grad is not None for p in model.parameters())


def test_restored_batchnorm_keeps_the_function_and_makes_training_mode_match(tiny_model_path, cat_photos,
                                                                             dog_photos):
    spec = Preprocessing(image_size=(96, 96))
    x = torch.from_numpy(np.stack([preprocess(p, spec) for p in cat_photos[:4] + dog_photos[:4]]))
    model = load_weights_from_onnx(tiny_model_path)
    with torch.no_grad():
        expected = model(x)
        naive_train = copy.deepcopy(model).train()(x)
    assert restore_batchnorm_statistics(model, [x[:4], x[4:]]) == 8
    with torch.no_grad():
        np.testing.assert_allclose(model(x).numpy(), expected.numpy(), atol=1e-4, rtol=1e-4)
        restored_train = model.train()(x)
    # Training mode on the photos the statistics came from now reproduces the eval-mode network.
    np.testing.assert_allclose(restored_train.numpy(), expected.numpy(), atol=1e-3, rtol=1e-3)
    assert (naive_train - expected).abs().max() > 10 * (restored_train - expected).abs().max()


def test_unfolding_the_temperature_gives_back_the_trained_logits(default_model_path, cat_photos, dog_photos):
    meta = {p.key: p.value for p in onnx.load(str(default_model_path), load_external_data=False).metadata_props}
    temperature = json.loads(meta["training"])["temperature"]
    assert temperature != 1.0
    folded = load_weights_from_onnx(default_model_path)
    unfolded = load_weights_from_onnx(default_model_path, unfold_temperature=True)
    spec = Preprocessing(image_size=(96, 96))
    x = torch.from_numpy(np.stack([preprocess(p, spec) for p in cat_photos[:1] + dog_photos[:1]]))
    with torch.no_grad():
        np.testing.assert_allclose(unfolded(x).numpy(), folded(x).numpy() * temperature, atol=1e-3, rtol=1e-4)
