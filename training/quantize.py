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
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

import numpy as np
import onnx

from catdog_gui.core.contract import CAM_OUTPUT, INPUT_NAME, LOGITS_OUTPUT, OPTIONAL_OUTPUTS, read_metadata, write_metadata
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
        return {INPUT_NAME: np.stack([preprocess(p, self._spec) for p in batch])}

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
    metadata = read_metadata(onnx.load(str(fp32_path), load_external_data=False))
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
    write_metadata(proto, metadata)
    onnx.save(proto, str(out))
    return {"calibration_photos": len(paths), "bytes": out.stat().st_size}


# ------------------------------------------------------------------------------------------ comparison

def _cosine(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Per-photo cosine similarity of two ``[N, ...]`` arrays."""
    a, b = a.reshape(len(a), -1).astype(np.float64), b.reshape(len(b), -1).astype(np.float64)
    return (a * b).sum(1) / np.maximum(np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1), 1e-12)


def compare_models(reference: str | os.PathLike, candidate: str | os.PathLike, samples: Sequence[Sample],
                   batch_size: int = 8, map_photos: int = 64, workers: int = 2) -> dict:
    """Measure how a candidate file (int8, float16 weights) differs from its float32 reference on labelled photos.

    Both files run through :class:`catdog_gui.core.model.Engine` as the app runs them, without and with flip
    TTA (the mirrored pass computed once and averaged, as the engine does).

    Args:
        reference, candidate: contract ONNX files (opened as they are: ``precision=None``).
        samples: labelled photos (e.g. pets-ood-val, or the validation split).
        map_photos: how many of the first photos also compare ``entry_flow``, ``middle_flow``,
            ``exit_flow`` and ``cam``.

    Returns:
        ``{"n", "tta": {...}, "no_tta": {...}, "maps": {...}}``: per TTA setting ``top1_reference``,
        ``top1_candidate``, ``agreement`` (same arg-max), ``max_prob_diff``; for the maps, per output the
        mean and minimum per-photo cosine similarity, and for ``cam`` how often the peak of the predicted
        class's map is at the same cell.
    """
    from concurrent.futures import ThreadPoolExecutor

    from catdog_gui.core.model import Engine

    engines = [Engine(reference, providers=("CPUExecutionProvider",)),
               Engine(candidate, providers=("CPUExecutionProvider",))]
    spec = engines[0].info.preprocessing
    logits: list[list[np.ndarray]] = [[], [], [], []]  # ref, ref mirrored, cand, cand mirrored
    maps: dict[str, list[np.ndarray]] = {}
    with ThreadPoolExecutor(workers) as pool:
        for start in range(0, len(samples), batch_size):
            batch = samples[start:start + batch_size]
            x = np.stack(list(pool.map(lambda s: preprocess(s.path, spec), batch)))
            for k, engine in enumerate(engines):
                want = [LOGITS_OUTPUT] + (list(OPTIONAL_OUTPUTS) if start < map_photos else [])
                out = engine.run(x, want)
                logits[2 * k].append(out[LOGITS_OUTPUT])
                logits[2 * k + 1].append(engine.run(x[..., ::-1], [LOGITS_OUTPUT])[LOGITS_OUTPUT])
                for name in want[1:]:
                    maps.setdefault(name, [[], []])[k].append(out[name])
    arrays = [np.concatenate(v) for v in logits]
    targets = np.array([s.target for s in samples])
    result: dict = {"n": len(samples)}
    for key, (ref, cand) in {"no_tta": (arrays[0], arrays[2]),
                             "tta": ((arrays[0] + arrays[1]) / 2, (arrays[2] + arrays[3]) / 2)}.items():
        p_ref, p_cand = _softmax(ref), _softmax(cand)
        result[key] = {"top1_reference": float((ref.argmax(1) == targets).mean()),
                       "top1_candidate": float((cand.argmax(1) == targets).mean()),
                       "agreement": float((ref.argmax(1) == cand.argmax(1)).mean()),
                       "max_prob_diff": float(np.abs(p_ref - p_cand).max())}
    predicted = arrays[0][:map_photos].argmax(1)
    result["maps"] = {name: _compare_maps(name, np.concatenate(ref_list), np.concatenate(cand_list), predicted)
                      for name, (ref_list, cand_list) in maps.items()}
    return result


def _compare_maps(name: str, ref: np.ndarray, cand: np.ndarray, predicted: np.ndarray) -> dict:
    """Per-photo cosine similarity of two ``[N, K, h, w]`` maps; for ``cam`` also how often the peak of the
    ``predicted`` class's map is at the same cell."""
    cos = _cosine(ref, cand)
    entry = {"photos": len(ref), "cosine_mean": float(cos.mean()), "cosine_min": float(cos.min())}
    if name == CAM_OUTPUT:
        rows = np.arange(len(ref))
        r, c = ref[rows, predicted[:len(ref)]], cand[rows, predicted[:len(ref)]]
        entry["peak_same_cell"] = float((r.reshape(len(r), -1).argmax(1) == c.reshape(len(c), -1).argmax(1)).mean())
    return entry


def _softmax(logits: np.ndarray) -> np.ndarray:
    e = np.exp(logits - logits.max(1, keepdims=True))
    return e / e.sum(1, keepdims=True)


def main(argv: list[str] | None = None) -> int:
    """``python -m training.quantize --reference M.onnx --candidate M-int8.onnx --data DIR [--split val]``."""
    import argparse
    import json

    p = argparse.ArgumentParser(prog="python -m training.quantize",
                                description="Compare an int8 (or float16-weight) file with its float32 reference "
                                            "on labelled photos: top-1, agreement, flow maps and CAM.")
    p.add_argument("--reference", required=True, help="the float32 ONNX file")
    p.add_argument("--candidate", required=True, help="the int8 / float16-weight ONNX file")
    p.add_argument("--data", required=True, help="labelled photos (any layout training.data reads)")
    p.add_argument("--split", choices=["all", "val"], default="all",
                   help="all photos (a test set such as pets-ood-val) or the validation split of a training set")
    p.add_argument("--val-fraction", type=float, default=0.1)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--map-photos", type=int, default=64)
    p.add_argument("--json", default=None, help="also write the numbers to this file")
    args = p.parse_args(argv)
    samples, _ = find_samples(args.data)
    if args.split == "val":
        samples = stratified_split(samples, args.val_fraction, args.seed)[1]
    result = compare_models(args.reference, args.candidate, samples, map_photos=args.map_photos)
    text = json.dumps(result, indent=2)
    print(text)
    if args.json:
        Path(args.json).write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
