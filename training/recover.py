"""Recover trainable weights from an exported ONNX file, so that a later session can continue training
from the committed default model without any checkpoint in the repository.

``training.export`` lets the exporter fold each BatchNorm into the convolution before it
(``W' = W * gamma / sqrt(var + eps)``, ``b' = beta - mean * gamma / sqrt(var + eps)``), keeping the
convolution's parameter name for ``W'`` and ``<name>_bias`` for ``b'``. Loading ``W'`` into the
convolution and setting the BatchNorm to ``gamma = 1``, ``beta = b'``, ``mean = 0``, ``var = 1 - eps``
gives the same function in eval mode; in training mode BatchNorm re-learns its statistics from the data.
"""

from __future__ import annotations

import json
import os

import numpy as np
import onnx
import torch
from onnx import numpy_helper
from torch import nn

from training.xception import Xception

__all__ = ["load_weights_from_onnx"]


def _conv_bn_pairs(model: Xception) -> list[tuple[str, str]]:
    """(convolution parameter prefix, BatchNorm module name) for every convolution followed by a BN."""
    pairs = [("conv1", "bn1"), ("conv2", "bn2"), ("conv3.pointwise", "bn3"), ("conv4.pointwise", "bn4")]
    for i in range(1, 13):
        block = getattr(model, f"block{i}")
        if block.skip is not None:
            pairs.append((f"block{i}.skip", f"block{i}.skipbn"))
        layers = list(block.rep)
        for j, layer in enumerate(layers[:-1]):
            if isinstance(layers[j + 1], nn.BatchNorm2d):
                pairs.append((f"block{i}.rep.{j}.pointwise", f"block{i}.rep.{j + 1}"))
    return pairs


def load_weights_from_onnx(path: str | os.PathLike) -> Xception:
    """Build an :class:`Xception` whose eval-mode outputs equal the ONNX file's ``logits``.

    Args:
        path: an ONNX file written by ``training.export`` (BatchNorm folded or not).

    Returns:
        An eval-mode model (``num_classes`` from the ``labels`` metadata). Temperature scaling folded into
        ``fc`` at export stays in ``fc``.

    Raises:
        ValueError: the file lacks a parameter the network needs (not written by ``training.export``).
    """
    proto = onnx.load(str(path))
    meta = {p.key: p.value for p in proto.metadata_props}
    labels = json.loads(meta.get("labels", '["cat", "dog"]'))
    inits = {i.name.removeprefix("model."): numpy_helper.to_array(i) for i in proto.graph.initializer}
    # The folded bias of each convolution is its Conv node's third input (the exporter may share one
    # initializer between equal biases, so go by the graph, not by name).
    for node in proto.graph.node:
        if node.op_type == "Conv" and len(node.input) == 3:
            weight, bias = (name.removeprefix("model.") for name in node.input[1:3])
            if bias in inits:
                inits[f"{weight}_bias"] = inits[bias]
    model = Xception(num_classes=len(labels)).eval()
    state = model.state_dict()
    if all(f"{bn}.running_var" in inits for _, bn in _conv_bn_pairs(model)):  # BN kept (optimize=False)
        loaded = {k: torch.from_numpy(np.array(inits[k])) for k in state if k in inits}
    else:
        loaded = {}
        for conv, bn in _conv_bn_pairs(model):
            if f"{conv}.weight" not in inits:
                raise ValueError(f"{str(path)!r} has no parameter {conv}.weight; not a training.export file")
            # A Conv without a bias input had a zero folded bias (the exporter drops zero biases).
            bias = inits.get(f"{conv}.weight_bias", np.zeros(inits[f"{conv}.weight"].shape[0], np.float32))
            eps = getattr(model.get_submodule(bn), "eps")
            loaded[f"{bn}.weight"] = torch.ones(bias.shape)
            loaded[f"{bn}.bias"] = torch.from_numpy(np.array(bias))
            loaded[f"{bn}.running_mean"] = torch.zeros(bias.shape)
            loaded[f"{bn}.running_var"] = torch.full(bias.shape, 1.0 - eps)
        for key in state:
            if key.endswith((".weight", ".bias")) and key not in loaded and key in inits:
                loaded[key] = torch.from_numpy(np.array(inits[key]))
    missing = [k for k in state if k not in loaded and not k.endswith("num_batches_tracked")]
    if missing:
        raise ValueError(f"{str(path)!r} lacks {len(missing)} parameters, e.g. {missing[:3]}")
    model.load_state_dict(loaded, strict=False)
    return model.eval()
