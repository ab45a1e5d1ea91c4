"""Recover trainable weights from an exported ONNX file, so that a later session can continue training
from the committed default model without any checkpoint in the repository.

``training.export`` lets the exporter fold each BatchNorm into the convolution before it
(``W' = W * gamma / sqrt(var + eps)``, ``b' = beta - mean * gamma / sqrt(var + eps)``), keeping the
convolution's parameter name for ``W'`` and ``<name>_bias`` for ``b'``. Loading ``W'`` into the
convolution and setting the BatchNorm to ``gamma = 1``, ``beta = b'``, ``mean = 0``, ``var = 1 - eps``
gives the same function in eval mode. In training mode, though, BatchNorm normalises with the batch's own
statistics, which such a layer does not expect: fine-tuning would start from a different network. Call
:func:`restore_batchnorm_statistics` on some training photos first: it measures each BatchNorm input's mean
``mu`` and variance ``var`` and sets ``gamma = sqrt(var + eps)``, ``beta = b' + mu``, ``mean = mu``,
``var = var``, which keeps the eval-mode function exactly and makes the training-mode function match it
for batches like those photos.
"""

from __future__ import annotations

import os

import numpy as np
import onnx
import torch
from onnx import numpy_helper
from torch import nn

from catdog_gui.core.contract import LABELS, TRAINING, read_metadata
from training.xception import Xception

__all__ = ["load_weights_from_onnx", "restore_batchnorm_statistics"]


def _conv_bn_pairs(model: Xception) -> list[tuple[str, str]]:
    """(convolution parameter prefix, BatchNorm module name) for every convolution followed by a BN."""
    pairs = [("conv1", "bn1"), ("conv2", "bn2"), ("conv3.pointwise", "bn3"), ("conv4.pointwise", "bn4")]
    for i in range(1, 13):
        block = getattr(model, f"block{i}")
        if block.skip is not None:
            pairs.append((f"block{i}.skip", f"block{i}.skipbn"))
        layers = list(block.rep)
        for j, following in enumerate(layers[1:]):
            if isinstance(following, nn.BatchNorm2d):
                pairs.append((f"block{i}.rep.{j}.pointwise", f"block{i}.rep.{j + 1}"))
    return pairs


def _graph_weights(proto: onnx.ModelProto) -> dict[str, np.ndarray]:
    """The graph's initializers by parameter name, float16-stored ones as float32, and each convolution's
    folded bias under ``<weight name>_bias``."""
    inits = {i.name.removeprefix("model."): numpy_helper.to_array(i) for i in proto.graph.initializer}
    # Weights stored as float16 (training.export --float16-weights) reach the graph through a Cast to float32
    # that keeps the original name.
    for node in proto.graph.node:
        source = node.input[0].removeprefix("model.") if node.input else ""
        if node.op_type == "Cast" and source in inits:
            inits[node.output[0].removeprefix("model.")] = inits[source].astype(np.float32)
    # The folded bias of each convolution is its Conv node's third input (the exporter may share one
    # initializer between equal biases, so go by the graph, not by name).
    for node in proto.graph.node:
        if node.op_type == "Conv" and len(node.input) == 3:
            weight, bias = (name.removeprefix("model.") for name in node.input[1:3])
            if bias in inits:
                inits[f"{weight}_bias"] = inits[bias]
    return inits


def load_weights_from_onnx(path: str | os.PathLike, unfold_temperature: bool = False) -> Xception:
    """Build an :class:`Xception` whose eval-mode outputs equal the ONNX file's ``logits``.

    Args:
        path: an ONNX file written by ``training.export`` (BatchNorm folded or not).
        unfold_temperature: multiply ``fc`` by the temperature ``T`` that export folded into it (metadata
            ``training.temperature``), giving back the trained logits (Guo et al. 2017: ``logits / T``).
            Use it to continue training; leave it off to reproduce the file's logits.

    Returns:
        An eval-mode model (``num_classes`` from the ``labels`` metadata). Temperature scaling folded into
        ``fc`` at export stays in ``fc`` unless ``unfold_temperature``.

    Raises:
        ValueError: the file lacks a parameter the network needs (not written by ``training.export``).
    """
    proto = onnx.load(str(path))
    meta = read_metadata(proto)
    labels = meta.get(LABELS, ["cat", "dog"])
    inits = _graph_weights(proto)
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
            eps = model.get_submodule(bn).eps
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
    temperature = float(meta.get(TRAINING, {}).get("temperature") or 1.0)
    if unfold_temperature and temperature != 1.0:
        loaded["fc.weight"] = loaded["fc.weight"] * temperature
        loaded["fc.bias"] = loaded["fc.bias"] * temperature
    model.load_state_dict(loaded, strict=False)
    return model.eval()


@torch.no_grad()
def restore_batchnorm_statistics(model: nn.Module, batches, device: torch.device | str = "cpu") -> int:
    """Give every BatchNorm of ``model`` the statistics of its input, keeping the eval-mode function.

    For each ``nn.BatchNorm2d`` with running mean ``m``, variance ``v``, weight ``g``, bias ``b`` the
    eval-mode map is ``y = a * x + c`` with ``a = g / sqrt(v + eps)``, ``c = b - m * a``. Measured over
    ``batches`` (inputs of the model in eval mode), the layer's input has per-channel mean ``mu`` and
    variance ``var``; the layer is rewritten as ``mean = mu``, ``var = var``, ``weight = a * sqrt(var + eps)``,
    ``bias = c + a * mu``, the same map, whose training-mode output (batch statistics close to ``mu``,
    ``var``) now also matches it.

    Args:
        model: a network with ``nn.BatchNorm2d`` layers (e.g. from :func:`load_weights_from_onnx`).
        batches: an iterable of ``[N, 3, H, W] float32`` preprocessed images (or ``(images, targets)``).
        device: where to run the forward passes.

    Returns:
        The number of images measured.

    Raises:
        ValueError: ``batches`` is empty.
    """
    bns = [m for m in model.modules() if isinstance(m, nn.BatchNorm2d)]
    sums = {id(m): None for m in bns}
    count = 0

    def hook(module, inputs, _output):
        x = inputs[0].float()
        s1 = x.sum(dim=(0, 2, 3)).double()
        s2 = (x * x).sum(dim=(0, 2, 3)).double()
        n = x.numel() // x.shape[1]
        prev = sums[id(module)]
        sums[id(module)] = (s1, s2, n) if prev is None else (prev[0] + s1, prev[1] + s2, prev[2] + n)

    was_training = model.training
    model.eval()
    handles = [m.register_forward_hook(hook) for m in bns]
    try:
        for batch in batches:
            images = batch[0] if isinstance(batch, (tuple, list)) else batch
            model(images.to(device))
            count += images.shape[0]
    finally:
        for h in handles:
            h.remove()
    if count == 0:
        raise ValueError("no images to measure BatchNorm statistics on")
    for m in bns:
        s1, s2, n = sums[id(m)]
        mu = s1 / n
        var = (s2 / n - mu * mu).clamp_min(0.0)
        a = m.weight.double() / torch.sqrt(m.running_var.double() + m.eps)
        c = m.bias.double() - m.running_mean.double() * a
        m.running_mean.copy_(mu.to(m.running_mean.dtype))
        m.running_var.copy_(var.to(m.running_var.dtype))
        m.weight.copy_((a * torch.sqrt(var + m.eps)).to(m.weight.dtype))
        m.bias.copy_((c + a * mu).to(m.bias.dtype))
    model.train(was_training)
    return count
