"""Export a training checkpoint to the app's ONNX contract: ``python -m training.export --checkpoint CKPT --out M.onnx``.

The contract (DESIGN.md): input ``image`` ``[N, 3, H, W] float32`` (N, H, W dynamic); outputs ``logits``
``[N, C]``, ``probabilities`` ``[N, C]``, ``entry_flow`` ``[N, 728, h16, w16]``, ``middle_flow``
``[N, 728, h16, w16]``, ``exit_flow`` ``[N, 2048, h32, w32]``, ``cam`` ``[N, C, h32, w32]`` with
``cam[n, c] = sum_k W[c, k] * exit_flow[n, k]`` (Zhou et al., "Learning Deep Features for Discriminative
Localization", CVPR 2016, eq. 1), so ``cam[n, c].mean() + b[c] == logits[n, c]``; and the metadata
(``catdog.contract``, ``labels``, ``image_size``, ``resize``, ``crop_fraction``, ``mean``, ``std``,
``background``, ``architecture``, ``trained_on``, ``val_top1``, ``created``). Names, keys and the metadata
encoding live in :mod:`catdog_gui.core.contract`.

Before writing, the exported graph is run with ONNX Runtime on real photos and compared with PyTorch;
a mismatch refuses the export (:class:`ExportVerificationError`, exit code 1).
"""

from __future__ import annotations

import argparse
import datetime as _dt
import os
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import numpy as np
import onnx
import torch
import torch.nn.functional as F
from torch import nn

from catdog_gui.core import contract as c
from catdog_gui.core.contract import CONTRACT_VERSION, INPUT_NAME, OUTPUT_NAMES
from catdog_gui.core.imaging import Preprocessing, preprocess
from training.calibration import apply_temperature, fit_temperature
from training.checkpoint import load_checkpoint, load_exported
from training.data import find_samples, stratified_split
from training.quantize import calibration_samples, int8_path, quantize_int8
from training.xception import Xception

__all__ = ["ContractModule", "ExportVerificationError", "recompute_bn_statistics", "fit_validation_temperature", "export_onnx", "verify_onnx",
           "store_weights_float16", "compare_onnx", "main"]

PROB_ATOL = 1e-4  # |p_onnx - p_torch|
CAM_ATOL = 1e-3   # |cam.mean() + b - logits|
FLOAT16_PROB_ATOL = 1e-3  # |p_float16_weights - p_float32|
FLOAT16_MIN_ELEMENTS = 65536  # initializers this big or bigger are stored as float16 (store_weights_float16)


class ExportVerificationError(RuntimeError):
    """The exported graph does not reproduce PyTorch or breaks the contract; the message says how."""


class ContractModule(nn.Module):
    """Wrap an :class:`Xception` so that ``forward(image)`` returns the contract's six outputs in order.

    ``image: [N, 3, H, W] float32`` -> ``(logits [N, C], probabilities [N, C], entry_flow [N, 728, h16, w16],
    middle_flow [N, 728, h16, w16], exit_flow [N, 2048, h32, w32], cam [N, C, h32, w32])``.

    With ``tta_flip`` the photo and its horizontal mirror both go through the network and every output is
    the average of the two (each mirrored map flipped back first), so ``cam = W . exit_flow`` and
    ``cam.mean() + b == logits`` still hold exactly; it costs twice the inference time.
    """

    def __init__(self, model: Xception, tta_flip: bool = False) -> None:
        super().__init__()
        self.model = model
        self.tta_flip = tta_flip

    def forward(self, image: torch.Tensor):
        entry, middle, exit_, logits = self.model.forward_flows(image)
        if self.tta_flip:
            f_entry, f_middle, f_exit, f_logits = self.model.forward_flows(torch.flip(image, dims=[3]))
            entry = (entry + torch.flip(f_entry, dims=[3])) / 2
            middle = (middle + torch.flip(f_middle, dims=[3])) / 2
            exit_ = (exit_ + torch.flip(f_exit, dims=[3])) / 2
            logits = (logits + f_logits) / 2  # == fc(pool(exit_)): pooling and fc are linear
        probabilities = torch.softmax(logits, dim=1)
        weight = self.model.fc.weight  # [C, 2048]
        cam = F.conv2d(exit_, weight[:, :, None, None])  # [N, C, h32, w32], no bias (CAM, Zhou et al. 2016)
        return logits, probabilities, entry, middle, exit_, cam


def _export_graph(model: Xception, path: Path, example_size: int, tta_flip: bool = False) -> None:
    wrapper = ContractModule(model, tta_flip).eval()
    example = torch.randn(2, 3, example_size, example_size)
    n, h, w = torch.export.Dim("N", min=1, max=4096), torch.export.Dim("H", min=71, max=8192), \
        torch.export.Dim("W", min=71, max=8192)
    program = torch.onnx.export(wrapper, (example,), dynamo=True, input_names=[INPUT_NAME],
                                output_names=list(OUTPUT_NAMES),
                                dynamic_shapes={INPUT_NAME: {0: n, 2: h, 3: w}}, optimize=True,
                                external_data=False, verbose=False)
    program.save(str(path), external_data=False)


def verify_onnx(path: str | os.PathLike, model: Xception, images: np.ndarray, labels: Sequence[str],
                tta_flip: bool = False) -> dict:
    """Check the ONNX file against PyTorch and the contract on ``images``.

    Args:
        path: the ONNX file.
        model: the eval-mode PyTorch model it came from.
        images: ``[N, 3, H, W] float32`` preprocessed real photos (N >= 8 recommended).
        labels: class names (C of them).

    Returns:
        ``{"max_prob_diff", "max_cam_diff", "n"}``.

    Raises:
        ExportVerificationError: a missing or misshapen output, probabilities off by more than 1e-4, or
            ``cam.mean() + b`` off from ``logits`` by more than 1e-3.
    """
    import onnxruntime as ort

    sess = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    names = [o.name for o in sess.get_outputs()]
    if names != list(OUTPUT_NAMES):
        raise ExportVerificationError(f"outputs are {names}, the contract needs {list(OUTPUT_NAMES)}")
    outs = dict(zip(names, sess.run(None, {INPUT_NAME: images})))
    with torch.no_grad():
        ref = ContractModule(model, tta_flip)(torch.from_numpy(images))
    n, c = images.shape[0], len(labels)
    h, w = images.shape[2:]
    h16, w16 = ref[2].shape[2:]
    h32, w32 = ref[4].shape[2:]
    expected = {"logits": (n, c), "probabilities": (n, c), "entry_flow": (n, 728, h16, w16),
                "middle_flow": (n, 728, h16, w16), "exit_flow": (n, 2048, h32, w32), "cam": (n, c, h32, w32)}
    for name, shape in expected.items():
        if outs[name].shape != shape:
            raise ExportVerificationError(f"output {name!r} has shape {outs[name].shape}, expected {shape} "
                                          f"for a {h}x{w} input")
    prob_diff = float(np.abs(outs["probabilities"] - ref[1].numpy()).max())
    if not prob_diff <= PROB_ATOL:
        raise ExportVerificationError(f"ONNX Runtime probabilities differ from PyTorch by {prob_diff:.2e} "
                                      f"(tolerance {PROB_ATOL:g})")
    bias = model.fc.bias.detach().numpy()
    cam_logits = outs["cam"].mean(axis=(2, 3)) + bias
    cam_diff = float(np.abs(cam_logits - outs["logits"]).max())
    if not cam_diff <= CAM_ATOL:
        raise ExportVerificationError(f"cam.mean() + b differs from logits by {cam_diff:.2e} (tolerance {CAM_ATOL:g})")
    return {"max_prob_diff": prob_diff, "max_cam_diff": cam_diff, "n": n}


def _checkpoint_split(info: dict, folder: str | None = None, hint: str = "") -> tuple[list, list, list]:
    """``(samples, train, val)`` of ``folder`` (default: the checkpoint's data folder) split as training split
    it (the checkpoint's ``val_fraction`` and ``seed``).

    Raises:
        FileNotFoundError: the folder is not on this machine (``hint`` says what to do instead).
    """
    data = info["data"]
    folder = folder or data.get("path")
    if not folder or not Path(folder).is_dir():
        raise FileNotFoundError(f"the checkpoint's data folder {folder!r} is not here{hint}")
    samples, _ = find_samples(folder)
    train, val = stratified_split(samples, data.get("val_fraction", 0.1), data.get("seed", 0))
    return samples, train, val


def _batches(samples: Sequence, spec: Preprocessing, batch_size: int):
    """``[B, 3, H, W] float32`` channels-last tensors of ``samples`` preprocessed at ``spec``, in order."""
    for i in range(0, len(samples), batch_size):
        x = torch.from_numpy(np.stack([preprocess(s.path, spec) for s in samples[i:i + batch_size]]))
        yield x.contiguous(memory_format=torch.channels_last)


def recompute_bn_statistics(model: Xception, info: dict, spec: Preprocessing, count: int = 2000,
                            batch_size: int = 50) -> None:
    """Re-estimate every BatchNorm's running mean and variance for the current weights (in place).

    Averaged weights (EMA, SWA) do not match the averaged BN buffers; Izmailov et al., "Averaging Weights
    Leads to Wider Optima and Better Generalization" (UAI 2018), recompute them with one pass over training
    data. Here: ``count`` photos of the checkpoint's own *training* split (never validation or test
    photos), preprocessed at ``spec`` without augmentation, cumulative average (``momentum=None``).

    Raises:
        FileNotFoundError: the checkpoint's data folder is not on this machine.
    """
    _, train, _ = _checkpoint_split(info)
    rng = np.random.default_rng(0)
    chosen = [train[i] for i in rng.permutation(len(train))[:count]]
    bns = [m for m in model.modules() if isinstance(m, nn.BatchNorm2d)]
    momenta = [bn.momentum for bn in bns]
    for bn in bns:
        bn.reset_running_stats()
        bn.momentum = None
    model.train()
    with torch.no_grad():
        for x in _batches(chosen, spec, batch_size):
            model(x)
    for bn, momentum in zip(bns, momenta):
        bn.momentum = momentum
    model.eval()


def fit_validation_temperature(model: Xception, info: dict, spec: Preprocessing, batch_size: int = 50,
                               tta_flip: bool = False) -> tuple[float, float]:
    """Fit the temperature on the checkpoint's own validation split (the photos training held out), of every
    data source it was trained on (each split as training split it; the first source alone before).

    The logits are those the exported graph will give (``spec``'s size, ``tta_flip`` as exported).

    Returns:
        (T, top-1 on that split at ``spec``), top-1 in 0..1.

    Raises:
        FileNotFoundError: a data folder of the checkpoint is not on this machine.
    """
    folders = info["data"].get("paths") or [None]  # None: the checkpoint's one data folder
    val = [s for folder in folders for s in _checkpoint_split(info, folder, hint="; pass --temperature T")[2]]
    wrapper = ContractModule(model, tta_flip).eval()
    logits = []
    with torch.no_grad():
        for x in _batches(val, spec, batch_size):
            logits.append(wrapper(x)[0].numpy())
    logits_arr, targets = np.concatenate(logits), np.array([s.target for s in val])
    t = fit_temperature(logits_arr, targets)
    top1 = float((logits_arr.argmax(1) == targets).mean())
    print(f"validation split ({len(val)} photos of {len(folders)} source(s)) at {spec.image_size[0]}x{spec.image_size[1]} {spec.resize}"
          f"{' + flip TTA' if tta_flip else ''}: top-1 {top1:.4f}; temperature T = {t:.3f}", flush=True)
    return t, top1


def _verification_photos(data_dir: str | None, info: dict, spec: Preprocessing, count: int) -> np.ndarray:
    samples, _, val = _checkpoint_split(info, data_dir, hint=": no photos to verify the export with, pass "
                                                             "--verify-data DIR")
    pool = val if len(val) >= count else samples
    per_class: dict[int, list] = {}
    for s in pool:
        per_class.setdefault(s.target, []).append(s)
    chosen = []
    while len(chosen) < min(count, len(pool)):
        for group in per_class.values():
            if group and len(chosen) < count:
                chosen.append(group.pop(0))
    return np.stack([preprocess(s.path, spec) for s in chosen])


def store_weights_float16(proto: onnx.ModelProto, min_elements: int = FLOAT16_MIN_ELEMENTS) -> int:
    """Store the big float32 initializers of ``proto`` as float16, each behind a ``Cast`` back to float32.

    The graph's inputs, outputs and arithmetic stay float32: ONNX Runtime's constant folding turns each
    ``Cast(float16 initializer)`` into a float32 tensor when the session loads, so only the file shrinks
    and the weights are rounded to float16 once (relative error <= 2**-11, IEEE 754 binary16). Tensors
    with fewer than ``min_elements`` values stay float32: BatchNorm statistics and biases (a variance near
    ``eps`` would lose too much), and the depthwise 3x3 filters, which hold few values but each touches
    every pixel of its channel: rounding them caused most of the error (measured on 64 pets-ood-val photos
    with the default model's weights, max |logit-margin change| 3.9e-3 with every rank >= 2 tensor in
    float16, 9.3e-4 with those under 65,536 values kept in float32, for 0.7 MB more). The Cast output keeps
    the original name, so every consumer is unchanged (``training.recover`` reads such files too).

    Args:
        proto: a model with its initializers inside the file (modified in place).
        min_elements: convert float32 initializers with at least this many values (the pointwise
            convolutions, which hold almost all of Xception's weights).

    Returns:
        The number of initializers converted.

    Raises:
        ValueError: an initializer's values do not fit float16 (|w| > 65504).
    """
    from onnx import helper, numpy_helper

    kept, casts, converted = [], [], 0
    for init in proto.graph.initializer:
        if init.data_type != onnx.TensorProto.FLOAT or int(np.prod(init.dims)) < min_elements:
            kept.append(init)
            continue
        values = numpy_helper.to_array(init)
        if np.abs(values).max(initial=0.0) > np.finfo(np.float16).max:
            raise ValueError(f"initializer {init.name!r} does not fit float16 (max |w| {np.abs(values).max():.3g})")
        half = numpy_helper.from_array(values.astype(np.float16), name=f"{init.name}.float16")
        kept.append(half)
        casts.append(helper.make_node("Cast", [half.name], [init.name], to=onnx.TensorProto.FLOAT,
                                      name=f"{init.name}.to_float32"))
        converted += 1
    del proto.graph.initializer[:]
    proto.graph.initializer.extend(kept)
    nodes = casts + list(proto.graph.node)
    del proto.graph.node[:]
    proto.graph.node.extend(nodes)
    return converted


def compare_onnx(reference: str | os.PathLike, candidate: str | os.PathLike, images: np.ndarray,
                 batch_size: int = 8) -> dict:
    """Run two contract files on the same ``images`` and measure how far ``candidate`` is from ``reference``.

    Args:
        reference, candidate: ONNX files with the contract's outputs.
        images: ``[N, 3, H, W] float32`` preprocessed photos.

    Returns:
        ``{"n", "max_prob_diff", "agreement"}``: the largest |p_candidate - p_reference| and the fraction of
        photos whose arg-max class is the same.
    """
    import onnxruntime as ort

    sessions = [ort.InferenceSession(str(p), providers=["CPUExecutionProvider"]) for p in (reference, candidate)]
    probs = [[], []]
    for i in range(0, len(images), batch_size):
        for k, sess in enumerate(sessions):
            probs[k].append(sess.run([c.PROBABILITIES_OUTPUT], {INPUT_NAME: images[i:i + batch_size]})[0])
    ref, cand = np.concatenate(probs[0]), np.concatenate(probs[1])
    return {"n": len(images), "max_prob_diff": float(np.abs(ref - cand).max()),
            "agreement": float((ref.argmax(1) == cand.argmax(1)).mean())}


def _contract_metadata(labels: Sequence[str], spec: Preprocessing, tta_flip: bool) -> dict:
    """The contract's metadata for a float32 export of ``labels`` at ``spec`` (values, not yet encoded)."""
    return {
        c.CONTRACT_KEY: CONTRACT_VERSION,
        c.LABELS: list(labels),
        c.IMAGE_SIZE: list(spec.image_size),
        c.RESIZE: spec.resize,
        c.CROP_FRACTION: spec.crop_fraction,
        c.MEAN: list(spec.mean),
        c.STD: list(spec.std),
        c.BACKGROUND: list(spec.background),
        c.ARCHITECTURE: "Xception (Chollet 2017), training/xception.py"
                        + (", horizontal-flip test-time augmentation in the graph" if tta_flip else ""),
        c.TTA: "flip" if tta_flip else "none",
        c.PRECISION: "fp32",
        c.CREATED: _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
    }


def _write_float16(proto: onnx.ModelProto, meta: dict, fp32_path: Path, out: Path, images: np.ndarray) -> float:
    """Write ``proto`` with float16 weights to ``out``; returns its largest probability change against
    ``fp32_path`` on ``images``.

    Raises:
        ExportVerificationError: the change exceeds :data:`FLOAT16_PROB_ATOL`.
    """
    store_weights_float16(proto)
    c.write_metadata(proto, {**meta, c.WEIGHTS_STORAGE: "float16"})
    onnx.save(proto, str(out))
    diff = compare_onnx(fp32_path, out, images)["max_prob_diff"]
    if not diff <= FLOAT16_PROB_ATOL:
        raise ExportVerificationError(f"float16 weights change the probabilities by {diff:.2e} "
                                      f"(tolerance {FLOAT16_PROB_ATOL:g})")
    return diff


def export_onnx(model: Xception, out: str | os.PathLike, labels: Sequence[str], spec: Preprocessing,
                verify_images: np.ndarray, extra_metadata: dict | None = None, tta_flip: bool = False,
                float16_weights: bool = False, int8_calibration: Sequence[str | os.PathLike] | None = None) -> dict:
    """Export ``model`` to ``out`` with the contract's outputs and metadata, verified first.

    Args:
        model: eval-mode :class:`Xception`.
        out: destination ``.onnx``; written only after verification passes (atomically).
        labels: class names in output order.
        spec: preprocessing recorded in the metadata (``image_size`` is the app's input size).
        verify_images: ``[N, 3, H, W] float32`` real photos preprocessed with ``spec``.
        extra_metadata: ``architecture``, ``trained_on``, ``val_top1``... (any JSON-serialisable values; every
            value is JSON-encoded by :func:`catdog_gui.core.contract.encode_metadata`).
        tta_flip: put horizontal-flip test-time augmentation into the graph (see :class:`ContractModule`);
            new exports leave it off: the engine mirrors itself when the user asks for it.
        float16_weights: store the weights as float16 (half the file; inference stays float32, see
            :func:`store_weights_float16`); refused unless its probabilities are within
            :data:`FLOAT16_PROB_ATOL` of the float32 graph's on ``verify_images``.
        int8_calibration: training photos; when given, also write the static int8 model beside ``out``
            (``<name>-int8.onnx``, :func:`training.quantize.quantize_int8`, metadata ``precision: int8``),
            quantised from the float32 graph.

    Returns:
        The verification numbers (see :func:`verify_onnx`) plus ``"bytes"``, the file size, and with
        ``float16_weights`` ``"float16_max_prob_diff"``, with ``int8_calibration`` ``"int8"`` (its path,
        ``bytes``, ``calibration_photos``, and ``max_prob_diff`` / ``agreement`` against float32 on
        ``verify_images``).

    Raises:
        ExportVerificationError: see :func:`verify_onnx`; a float16 or int8 file that breaks the contract.
    """
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=out.parent) as tmp:
        tmp_path = Path(tmp) / "model.onnx"
        _export_graph(model, tmp_path, example_size=spec.image_size[0], tta_flip=tta_flip)
        proto = onnx.load(str(tmp_path))
        meta = {**_contract_metadata(labels, spec, tta_flip), **(extra_metadata or {})}
        c.write_metadata(proto, meta)
        onnx.save(proto, str(tmp_path))
        images = verify_images.astype(np.float32)
        result = verify_onnx(tmp_path, model, images, labels, tta_flip)
        if int8_calibration is not None:
            result["int8"] = _write_int8(tmp_path, Path(tmp) / "int8.onnx", meta, int8_calibration, spec, images,
                                         model.fc.bias.detach().numpy())
        if float16_weights:
            half_path = Path(tmp) / "float16.onnx"
            result["float16_max_prob_diff"] = _write_float16(proto, meta, tmp_path, half_path, images)
            tmp_path = half_path
        os.replace(tmp_path, out)
        if int8_calibration is not None:
            int8_out = int8_path(out)
            os.replace(result["int8"]["path"], int8_out)
            result["int8"]["path"] = int8_out
    result["bytes"] = out.stat().st_size
    return result


def _write_int8(fp32_path: Path, out: Path, meta: dict[str, object], calibration: Sequence[str | os.PathLike],
                spec: Preprocessing, images: np.ndarray, fc_bias: np.ndarray) -> dict:
    """Quantise ``fp32_path`` into ``out`` and check the contract (outputs, CAM identity) on ``images``."""
    import onnxruntime as ort

    info = quantize_int8(fp32_path, out, calibration, spec)
    proto = onnx.load(str(out))
    c.write_metadata(proto, {**meta, c.PRECISION: "int8",
                             c.QUANTIZATION: {"tool": "onnxruntime.quantization.quantize_static",
                                              "format": "QDQ", "weights": "int8 per-channel symmetric",
                                              "activations": "uint8 MinMax",
                                              "calibration_photos": info["calibration_photos"],
                                              "calibration_split": "train"}})
    onnx.save(proto, str(out))
    sess = ort.InferenceSession(str(out), providers=["CPUExecutionProvider"])
    names = [o.name for o in sess.get_outputs()]
    if names != list(OUTPUT_NAMES):
        raise ExportVerificationError(f"int8 outputs are {names}, the contract needs {list(OUTPUT_NAMES)}")
    logits, cam = sess.run([c.LOGITS_OUTPUT, c.CAM_OUTPUT], {INPUT_NAME: images})
    cam_diff = float(np.abs(cam.mean(axis=(2, 3)) + fc_bias - logits).max())
    if not cam_diff <= CAM_ATOL:
        raise ExportVerificationError(f"int8: cam.mean() + b differs from logits by {cam_diff:.2e}")
    agreement = compare_onnx(fp32_path, out, images)
    return {"path": out, "bytes": out.stat().st_size, "calibration_photos": info["calibration_photos"],
            "max_prob_diff": agreement["max_prob_diff"], "agreement": agreement["agreement"],
            "max_cam_diff": cam_diff}


def get_args_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m training.export", description=__doc__.split("\n")[0])
    source = p.add_mutually_exclusive_group(required=True)
    source.add_argument("--checkpoint", help="training checkpoint (last.pt / best.pt)")
    source.add_argument("--from-onnx", metavar="MODEL.onnx",
                        help="re-export the weights of an exported file (training.recover; its metadata, "
                             "temperature and preprocessing are kept), e.g. to drop in-graph TTA or add --int8")
    p.add_argument("--out", required=True, help="ONNX file to write")
    p.add_argument("--weights", default="auto", choices=["auto", "model", "ema"])
    p.add_argument("--image-size", type=int, default=0,
                   help="input size the app uses (default: the training size); testing above the training "
                        "size often helps (Touvron et al. 2019, 'Fixing the train-test resolution discrepancy')")
    p.add_argument("--resize", choices=["squash", "center_crop"], default=None,
                   help="override the checkpoint's resize rule")
    p.add_argument("--verify-data", default=None, help="photos to verify with (default: the checkpoint's data)")
    p.add_argument("--verify-count", type=int, default=8)
    p.add_argument("--trained-on", default=None, help="text for the 'trained_on' metadata")
    p.add_argument("--tta-flip", action="store_true",
                   help="average each photo with its horizontal mirror inside the graph (2x inference time)")
    p.add_argument("--float16-weights", action=argparse.BooleanOptionalAction, default=True,
                   help="store the weights as float16 in the file (half the size; inference stays float32)")
    p.add_argument("--int8", action="store_true",
                   help="also write <name>-int8.onnx: static int8 (QDQ, per-channel) for the CPU, calibrated on "
                        "training photos")
    p.add_argument("--calibration-data", nargs="+", default=None, metavar="DIR",
                   help="data folder(s) whose *training* split calibrates --int8 (default: the checkpoint's)")
    p.add_argument("--calibration-count", type=int, default=256, metavar="N",
                   help="training photos to calibrate --int8 on (256)")
    p.add_argument("--split-seed", type=int, default=None,
                   help="seed of the train/val split of --calibration-data (default: the checkpoint's, else 0)")
    p.add_argument("--recompute-bn", type=int, default=0, metavar="N",
                   help="re-estimate BN statistics on N training photos (for EMA weights); 0 = keep")
    p.add_argument("--threshold-data", default=None, nargs="+", metavar="DIR",
                   help="training data whose validation split (of every folder given, together) chooses the "
                        "uncertain_threshold recorded in each written file (training.threshold; default: every "
                        "folder the checkpoint was trained on, else --verify-data)")
    p.add_argument("--no-threshold", action="store_true", help="record no uncertain_threshold")
    p.add_argument("--temperature", default="1",
                   help="divide the logits by T (folded into fc; predictions unchanged): a number, or 'auto' to fit "
                        "T on the checkpoint's validation split (Guo et al. 2017 temperature scaling)")
    return p


def main(argv: list[str] | None = None) -> int:
    args = get_args_parser().parse_args(argv)
    try:
        if args.from_onnx:
            model, info = load_exported(args.from_onnx)
        else:
            model, info = load_checkpoint(args.checkpoint, args.weights)
        spec = Preprocessing(**info["preprocessing"])
        if args.image_size:
            spec = replace(spec, image_size=(args.image_size, args.image_size))
        if args.resize:
            spec = replace(spec, resize=args.resize)
        if args.recompute_bn:
            recompute_bn_statistics(model, info, Preprocessing(**info["preprocessing"]), args.recompute_bn)
        val_top1_here = None
        if args.temperature == "auto":
            temperature, val_top1_here = fit_validation_temperature(model, info, spec, tta_flip=args.tta_flip)
        else:
            temperature = float(args.temperature)
        apply_temperature(model, temperature)
        images = _verification_photos(args.verify_data, info, spec, args.verify_count)
        data = info["data"]
        extra = _extra_metadata(args, info, temperature, val_top1_here)
        calibration = None
        if args.int8:
            roots = args.calibration_data or data.get("paths") or ([data["path"]] if data.get("path") else None)
            if not roots:
                raise FileNotFoundError("--int8 needs training photos to calibrate on: pass --calibration-data DIR")
            seed = args.split_seed if args.split_seed is not None else data.get("seed", 0)
            calibration = [s.path for s in calibration_samples(roots, args.calibration_count,
                                                               data.get("val_fraction", 0.1), seed)]
        result = export_onnx(model, args.out, info["labels"], spec, images, extra, tta_flip=args.tta_flip,
                             float16_weights=args.float16_weights, int8_calibration=calibration)
    except ExportVerificationError as exc:
        print(f"export refused: {exc}", file=sys.stderr)
        return 1
    except (FileNotFoundError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"wrote {args.out} ({result['bytes'] / 1e6:.1f} MB, {info['weights']} weights, input "
          f"{spec.image_size[0]}x{spec.image_size[1]} {spec.resize}); verified on {result['n']} photos: "
          f"max |dp| {result['max_prob_diff']:.2e}, max |cam.mean()+b-logits| {result['max_cam_diff']:.2e}")
    if "float16_max_prob_diff" in result:
        print(f"  weights stored as float16: max |dp| against float32 {result['float16_max_prob_diff']:.2e}")
    if "int8" in result:
        q = result["int8"]
        print(f"wrote {q['path']} ({q['bytes'] / 1e6:.1f} MB, int8 QDQ, calibrated on {q['calibration_photos']} "
              f"training photos); on the {result['n']} verification photos: agreement with float32 "
              f"{q['agreement']:.1%}, max |dp| {q['max_prob_diff']:.2e}")
    return _record_threshold(args, data, [args.out] + ([result["int8"]["path"]] if "int8" in result else []))


def _extra_metadata(args: argparse.Namespace, info: dict, temperature: float, val_top1_here: float | None) -> dict:
    """``trained_on``, ``val_top1`` and ``training`` for the export (an exported source keeps its own)."""
    if args.from_onnx:
        extra = {**info["metadata_kept"], **({"trained_on": args.trained_on} if args.trained_on else {})}
        if val_top1_here is not None:
            extra["val_top1"] = val_top1_here
        return extra
    top1 = val_top1_here if val_top1_here is not None else \
        info["metrics"].get("val_top1_ema" if info["weights"] == "ema" else "val_top1")
    data = info["data"]
    trained_on = args.trained_on or (f"{Path(data.get('path', '?')).name}: {data.get('train', '?')} train / "
                                     f"{data.get('val', '?')} val photos (seed {data.get('seed', 0)})")
    return {"trained_on": trained_on, "val_top1": top1 if top1 is not None else "unknown",
            "training": {"epoch": info["epoch"], "weights": info["weights"], "temperature": temperature,
                         "recomputed_bn_on": args.recompute_bn,
                         "train_image_size": info["preprocessing"].get("image_size")}}


def _record_threshold(args: argparse.Namespace, data: dict, files: list) -> int:
    """Choose and record each written file's ``uncertain_threshold`` on the validation split of every training
    folder (:mod:`training.threshold`; it took the first folder's only) unless ``--no-threshold``; 0, or 2 when
    that fails."""
    if args.no_threshold:
        return 0
    from training.threshold import fit_and_record

    roots = (args.threshold_data or data.get("paths") or ([data["path"]] if data.get("path") else None)
             or ([args.verify_data] if args.verify_data else []))
    if not roots or not all(Path(r).is_dir() for r in roots):
        print("warning: no uncertain_threshold recorded (pass --threshold-data DIR, the training data)",
              file=sys.stderr)
        return 0
    try:
        fit_and_record(files, roots, data.get("val_fraction", 0.1), data.get("seed", 0))
    except (FileNotFoundError, ValueError, RuntimeError) as exc:
        print(f"error: uncertain_threshold not recorded: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
