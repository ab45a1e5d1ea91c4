"""Measure a model on labelled photos: ``python -m training.evaluate --model MODEL.onnx --data DIR``.

Prints top-1 accuracy, the confusion matrix (rows: true class, columns: predicted) and the expected
calibration error; works on an ONNX file (through the app's own engine and preprocessing) or on a
training checkpoint (``--checkpoint``). ``--split val`` measures only the held-out part of the
deterministic split that training used (same ``--val-fraction`` and ``--seed``); ``--split all`` (the
default) measures every photo, which is what a separate test set such as ``pets-ood-val`` needs.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace

import numpy as np

from catdog_gui.argtypes import image_size_or_zero, positive_int
from catdog_gui.core.imaging import ImageDecodeError, Preprocessing, preprocess
from training.calibration import expected_calibration_error
from training.data import LABELS, Sample, find_samples, stratified_split

__all__ = ["confusion_matrix", "evaluate_samples", "main"]


def confusion_matrix(targets: np.ndarray, predictions: np.ndarray, num_classes: int) -> np.ndarray:
    """``[C, C] int64``: entry (i, j) counts photos of true class i predicted as j."""
    return np.bincount(targets * num_classes + predictions, minlength=num_classes ** 2).reshape(num_classes, num_classes)


def evaluate_samples(samples: Sequence[Sample], predict: Callable[[np.ndarray], np.ndarray], spec: Preprocessing,
                     batch_size: int = 32, workers: int = 4, tta_flip: bool = False) -> dict:
    """Run ``predict`` over ``samples`` and collect the metrics.

    Args:
        samples: labelled photos.
        predict: ``[N, 3, H, W] float32 -> [N, C] float32`` probabilities.
        spec: preprocessing (the model's).
        batch_size: photos per call of ``predict``.
        workers: decoding threads.
        tta_flip: average the probabilities of each photo and its horizontal mirror.

    Returns:
        ``{"n", "top1", "ece", "confusion", "errors", "images_per_s", "probabilities", "targets", "paths"}``;
        photos that fail to decode are listed in ``errors`` and left out of the metrics (and of ``paths``,
        which names the photo behind each row of ``probabilities``).
    """
    def load(s: Sample):
        try:
            return preprocess(s.path, spec), None
        except ImageDecodeError as exc:
            return None, f"{s.path}: {exc}"

    probs, targets, errors, paths = [], [], [], []
    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        for i in range(0, len(samples), batch_size):
            chunk = samples[i:i + batch_size]
            batch, tgt = [], []
            for s, (x, err) in zip(chunk, pool.map(load, chunk)):
                if err:
                    errors.append(err)
                else:
                    batch.append(x)
                    tgt.append(s.target)
                    paths.append(s.path)
            if not batch:
                continue
            x = np.stack(batch)
            p = predict(x)
            if tta_flip:
                p = (p + predict(np.ascontiguousarray(x[..., ::-1]))) / 2
            probs.append(p)
            targets += tgt
    elapsed = time.perf_counter() - start
    probabilities = np.concatenate(probs) if probs else np.zeros((0, len(LABELS)), np.float32)
    targets_arr = np.asarray(targets, np.int64)
    predictions = probabilities.argmax(1) if len(probabilities) else np.zeros(0, np.int64)
    n = len(targets_arr)
    return {
        "n": n,
        "top1": float((predictions == targets_arr).mean()) if n else float("nan"),
        "ece": expected_calibration_error(probabilities, targets_arr),
        "confusion": confusion_matrix(targets_arr, predictions, probabilities.shape[1]).tolist(),
        "errors": errors,
        "images_per_s": n / elapsed if elapsed > 0 else float("nan"),
        "probabilities": probabilities,
        "targets": targets_arr,
        "paths": paths,
    }


def _onnx_predictor(path: str, tta: bool = False, precision: str | None = None
                    ) -> tuple[Callable[[np.ndarray], np.ndarray], Preprocessing, list[str], str]:
    import onnxruntime as ort

    from catdog_gui.core.model import Engine

    ort.set_default_logger_severity(4)  # the engine reports why CUDA is not in use, in one line

    engine = Engine(path, precision=precision, tta=tta)  # the app's own mirror averaging (of the logits)
    return (lambda x: engine.predict(x)[1]), engine.info.preprocessing, list(engine.info.labels), \
        f"{engine.describe_provider()}; {engine.describe_settings()}"


def _checkpoint_predictor(path: str, weights: str):
    import torch

    from training.checkpoint import load_checkpoint

    model, info = load_checkpoint(path, weights)
    model = model.to(memory_format=torch.channels_last)

    @torch.no_grad()
    def predict(x: np.ndarray) -> np.ndarray:
        t = torch.from_numpy(x).contiguous(memory_format=torch.channels_last)
        return torch.softmax(model(t).float(), 1).numpy()

    return predict, Preprocessing(**info["preprocessing"]), info["labels"], f"PyTorch CPU ({info['weights']} weights)"


def format_report(metrics: dict, labels: Sequence[str]) -> str:
    """A human-readable report: top-1, ECE, the confusion matrix, errors."""
    width = max(8, *(len(label) for label in labels)) + 2
    lines = [f"photos: {metrics['n']}   top-1: {metrics['top1'] * 100:.2f}%   ECE: {metrics['ece'] * 100:.2f}%   "
             f"({metrics['images_per_s']:.1f} images/s)",
             "confusion matrix (rows: true, columns: predicted):",
             " " * width + "".join(f"{label:>{width}}" for label in labels)]
    for label, row in zip(labels, metrics["confusion"]):
        lines.append(f"{label:>{width}}" + "".join(f"{v:>{width}}" for v in row))
    if metrics["errors"]:
        lines.append(f"unreadable photos: {len(metrics['errors'])} (e.g. {metrics['errors'][0]})")
    return "\n".join(lines)


def get_args_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m training.evaluate", description=__doc__.split("\n")[0])
    src = p.add_mutually_exclusive_group(required=True)
    src.add_argument("--model", help="ONNX file (run through the app's engine)")
    src.add_argument("--checkpoint", help="training checkpoint (PyTorch on the CPU)")
    p.add_argument("--weights", default="auto", choices=["auto", "model", "ema"], help="with --checkpoint")
    p.add_argument("--data", required=True, help="labelled photos (class folders, Kaggle flat, Oxford pets)")
    p.add_argument("--split", default="all", choices=["all", "val", "train"])
    p.add_argument("--val-fraction", type=float, default=0.1)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--image-size", type=image_size_or_zero, default=0, help="override the model's input size (square)")
    p.add_argument("--resize", choices=["squash", "center_crop"], default=None, help="override the resize rule")
    p.add_argument("--tta-flip", action="store_true",
                   help="average with the horizontally flipped photo (an ONNX model: the engine's own flip TTA, as "
                        "the app's Accurate setting)")
    p.add_argument("--precision", choices=["fp32", "int8", "auto"], default=None,
                   help="ONNX model: which file of the pair to run (default: the file given, as it is)")
    p.add_argument("--batch-size", type=positive_int, default=32)
    p.add_argument("--workers", type=positive_int, default=4)
    p.add_argument("--json", default=None, help="also write the metrics to this JSON file")
    p.add_argument("--out", default=None, metavar="DIR",
                   help="write metrics.json (precision/recall/F1, ROC AUC, ECE, confusion, worst mistakes) and "
                        "confusion_matrix.png, roc_curve.png, reliability_diagram.png, mistakes.png into DIR")
    return p


def _write_report(args: argparse.Namespace, metrics: dict, labels: list[str], spec: Preprocessing,
                  engine_desc: str) -> bool:
    """``--out``: the report folder (:func:`training.report.write_report`) and its summary; False when it
    cannot be written (said on stderr)."""
    from training.report import write_report

    details = dict(model=args.model or args.checkpoint, data=args.data, split=args.split,
                   image_size=list(spec.image_size), resize=spec.resize, tta_flip=args.tta_flip, engine=engine_desc)
    try:
        record = write_report(args.out, {k: v for k, v in metrics.items() if k != "paths"}, metrics["paths"],
                              labels, details)
    except OSError as exc:
        print(f"error: cannot write the report into {args.out!r}: {exc.strerror or exc}", file=sys.stderr)
        return False
    auc = f"{record['roc_auc']:.4f}" if record["roc_auc"] is not None else "n/a"
    print(f"ROC AUC: {auc}; report written to {args.out} (metrics.json and 4 PNGs)")
    for m in record["most_confident_mistakes"][:10]:
        print(f"  {m['true']} called {m['predicted']} ({m['p_predicted'] * 100:.1f}%): {m['path']}")
    return True


def main(argv: list[str] | None = None) -> int:
    args = get_args_parser().parse_args(argv)
    if args.json is not None:  # find out now, not after evaluating every photo
        folder = os.path.dirname(os.path.abspath(args.json))
        if not args.json.strip() or os.path.isdir(args.json) or not os.path.isdir(folder):
            print(f"error: --json {args.json!r}: give a file name in a folder that exists", file=sys.stderr)
            return 2
    try:
        samples, layout = find_samples(args.data)
        if args.split != "all":
            train, val = stratified_split(samples, args.val_fraction, args.seed)
            samples = val if args.split == "val" else train
        if args.model:
            predict, spec, labels, engine_desc = _onnx_predictor(args.model, args.tta_flip, args.precision)
        else:
            predict, spec, labels, engine_desc = _checkpoint_predictor(args.checkpoint, args.weights)
    except Exception as exc:  # noqa: BLE001 - every failure here is a usage error with a message
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if [label.lower() for label in labels] != list(LABELS):
        print(f"error: the model's labels {labels} are not {list(LABELS)}, the classes of the data layouts",
              file=sys.stderr)
        return 2
    if args.image_size:
        spec = replace(spec, image_size=(args.image_size, args.image_size))
    if args.resize:
        spec = replace(spec, resize=args.resize)
    print(f"{args.model or args.checkpoint} on {args.data} ({layout}, split {args.split}); {engine_desc}; input "
          f"{spec.image_size[0]}x{spec.image_size[1]} {spec.resize}{', flip TTA' if args.tta_flip else ''}", flush=True)
    # An ONNX model mirrors inside the engine, as the app does; a checkpoint averages probabilities here.
    metrics = evaluate_samples(samples, predict, spec, args.batch_size, args.workers,
                               args.tta_flip and not args.model)
    print(format_report(metrics, labels))
    if metrics["n"] == 0:
        why = "every photo failed to decode" if metrics["errors"] else f"split {args.split!r} selects no photos"
        print(f"error: no photo was evaluated ({why}); no accuracy to report", file=sys.stderr)
        return 1
    if args.out and not _write_report(args, metrics, labels, spec, engine_desc):
        return 1
    if args.json:
        record = {k: v for k, v in metrics.items() if k not in ("probabilities", "targets", "paths")}
        record.update(model=args.model or args.checkpoint, data=args.data, split=args.split, labels=labels,
                      image_size=list(spec.image_size), resize=spec.resize, tta_flip=args.tta_flip)
        try:
            with open(args.json, "w", encoding="utf-8") as f:
                json.dump(record, f, indent=2)
        except OSError as exc:
            print(f"error: cannot write {args.json!r}: {exc.strerror or exc}", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
