"""Weights recovered from an exported ONNX file reproduce it (continuing training needs no checkpoint)."""

import numpy as np
import onnxruntime as ort
import torch

from catdog_gui.core.imaging import Preprocessing, preprocess
from training.recover import load_weights_from_onnx


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
