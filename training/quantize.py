"""Static int8 quantisation of a catdog ONNX file for the CPU, with ONNX Runtime's own tools.

``onnxruntime.quantization``: :func:`quant_pre_process` (shape inference, BatchNorm folded into the
convolutions), then :func:`quantize_static` in the QDQ format with per-channel int8 weights (symmetric)
and uint8 activations (asymmetric), calibrated with MinMax on a few hundred photos of the model's
*training* split (never validation or test photos). ONNX Runtime runs the QDQ graph with its int8 kernels
(VNNI / AMX where the CPU has them).

The classifier head (``fc``, the CAM convolution that reuses its weights, pooling, softmax) stays float32,
so ``logits``, ``probabilities`` and ``cam`` are computed in float32 from the same dequantised
``exit_flow`` and ``cam[n, c].mean() + b[c] == logits[n, c]`` still holds. The file keeps the contract
(input ``image`` float32, six float32 outputs, metadata) and records ``precision: int8``.

Usage: ``python -m training.export ... --int8`` (writes ``<name>-int8.onnx`` beside ``<name>.onnx``).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Iterable, Iterator, Sequence

import numpy as np
import onnx

from catdog_gui.core.imaging import Preprocessing, preprocess
from training.data import Sample, find_samples, stratified_split

__all__ = ["INT8_SUFFIX", "int8_path", "calibration_samples", "PhotoCalibrationReader", "head_nodes",
           "quantize_int8"]

INT8_SUFFIX = "-int8"


def int8_path(fp32_path: str | os.PathLike) -> Path:
    """``<folder>/<name>.onnx`` -> ``<folder>/<name>-int8.onnx`` (where the engine looks for it)."""
    path = Path(fp32_path)
    return path.with_name(f"{path.stem}{INT8_SUFFIX}{path.suffix or '.onnx'}")


def calibration_samples(roots: Sequence[str | os.PathLike], count: int = 256, val_fraction: float = 0.1,
                        seed: int = 0) -> list[Sample]:
    """``count`` photos of the *training* split of ``roots``, balanced over classes, in a fixed order.

    Each root is split as ``training.train`` splits it (:func:`training.data.stratified_split` with
    ``val_fraction`` and ``seed``), and only training photos are drawn, so neither the validation split
    nor any test set (pets-ood-val) ever informs the quantisation ranges.

    Raises:
        ValueError: ``count < 1``; FileNotFoundError / ValueError from :func:`training.data.find_samples`.
    """
    if count < 1:
        raise ValueError(f"count must be >= 1, got {count!r}")
    train: list[Sample] = []
    for root in roots:
        samples, _ = find_samples(root)
        train += stratified_split(samples, val_fraction, seed)[0]
    rng = np.random.default_rng(seed)
    by_class: dict[int, list[Sample]] = {}
    for i in rng.permutation(len(train)):
        by_class.setdefault(train[i].target, []).append(train[i])
    chosen: list[Sample] = []
    while len(chosen) < min(count, len(train)):
        for group in by_class.values():
            if group and len(chosen) < count:
                chosen.append(group.pop())
    return chosen


class PhotoCalibrationReader:
    """An ``onnxruntime.quantization.CalibrationDataReader``: feeds preprocessed photos in batches.

    Args:
        paths: photo files (training photos).
        spec: the model's preprocessing (its ``image_size`` is the calibration size).
        batch_size: photos per ``get_next`` (the calibrator keeps every intermediate tensor of a batch).

    ``get_next()`` returns ``{"image": [B, 3, H, W] float32}`` until the photos run out, then None.
    """

    def __init__(self, paths: Sequence[str | os.PathLike], spec: Preprocessing, batch_size: int = 8) -> None:
        self._batches: Iterator[list] = (list(paths[i:i + batch_size]) for i in range(0, len(paths), batch_size))
        self._spec = spec

    def get_next(self) -> dict[str, np.ndarray] | None:
        batch = next(self._batches, None)
        if batch is None:
            return None
        return {"image": np.stack([preprocess(p, self._spec) for p in batch])}

    def rewind(self) -> None:  # part of the CalibrationDataReader interface; one pass is all MinMax needs
        raise NotImplementedError("PhotoCalibrationReader is single-pass")


def head_nodes(proto: onnx.ModelProto) -> list[str]:
    """Names of the nodes after ``exit_flow``: global pooling, ``fc``, the CAM convolution, softmax.

    They are left in float32 so that the CAM identity holds and the two logits are not rounded.
    """
    consumers: dict[str, list[onnx.NodeProto]] = {}
    for node in proto.graph.node:
        for name in node.input:
            consumers.setdefault(name, []).append(node)
    head, frontier = [], ["exit_flow"]
    seen: set[str] = set()
    while frontier:
        tensor = frontier.pop()
        for node in consumers.get(tensor, []):
            if node.name not in seen:
                seen.add(node.name)
                head.append(node.name)
                frontier.extend(node.output)
    return head


def quantize_int8(fp32_path: str | os.PathLike, out: str | os.PathLike, calibration: Iterable[str | os.PathLike],
                  spec: Preprocessing, batch_size: int = 8) -> dict:
    """Write the static int8 (QDQ, per-channel) version of a float32 contract file.

    Args:
        fp32_path: the float32 ONNX file (initializers stored float32, inside the file).
        out: the int8 file to write (its metadata is copied from ``fp32_path``; the caller adds
            ``precision``).
        calibration: training photos to calibrate the activation ranges on (MinMax).
        spec: the preprocessing those photos get (the model's own).
        batch_size: photos per calibration batch.

    Returns:
        ``{"calibration_photos": n, "bytes": size of out}``.

    Raises:
        ValueError: no calibration photos.
    """
    from onnxruntime.quantization import CalibrationMethod, QuantFormat, QuantType, quantize_static
    from onnxruntime.quantization.shape_inference import quant_pre_process

    paths = [str(p) for p in calibration]
    if not paths:
        raise ValueError("no calibration photos")
    out = Path(out)
    metadata = {p.key: p.value for p in onnx.load(str(fp32_path), load_external_data=False).metadata_props}
    with tempfile.TemporaryDirectory(dir=out.parent) as tmp:
        prepared = Path(tmp) / "prepared.onnx"
        quant_pre_process(str(fp32_path), str(prepared), skip_symbolic_shape=False)
        exclude = head_nodes(onnx.load(str(prepared)))
        quantize_static(str(prepared), str(out), PhotoCalibrationReader(paths, spec, batch_size),
                        quant_format=QuantFormat.QDQ, per_channel=True, weight_type=QuantType.QInt8,
                        activation_type=QuantType.QUInt8, calibrate_method=CalibrationMethod.MinMax,
                        nodes_to_exclude=exclude,
                        extra_options={"CalibTensorRangeSymmetric": False, "WeightSymmetric": True})
    proto = onnx.load(str(out))
    del proto.metadata_props[:]
    for key, value in metadata.items():
        proto.metadata_props.add(key=key, value=value)
    onnx.save(proto, str(out))
    return {"calibration_photos": len(paths), "bytes": out.stat().st_size}
