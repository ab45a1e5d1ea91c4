"""Choose a model's ``uncertain_threshold`` on the validation split and record it in the ONNX metadata.

``python -m training.threshold --model MODEL.onnx --data DIR [DIR ...] [--write]``

Rule (selective classification, Geifman & El-Yaniv, "Selective Classification for Deep Neural Networks",
NeurIPS 2017): the **lowest** top probability ``t`` at which the photos with top probability ``>= t`` reach
at least :data:`TARGET_ACCURACY` (99%) top-1 on the validation split. The lowest such ``t`` keeps the most
photos (coverage) for the accuracy asked for; 99% means at most one wrong answer in a hundred confident
ones, about three times fewer than the model's error rate on all photos. The probabilities are those the
app shows by default (the engine's mirror averaging, ``tta=True``), of the very file measured, so an int8
file gets its own value.

The split is ``training.data.stratified_split`` of each data folder (10% per class, seed 0, as training
makes it; several folders, as a model trained on several sources: every folder's validation photos
together); never pets-ood-val. ``--write`` stores ``uncertain_threshold`` (and how it was found, in
``uncertain_threshold_rule``) in the file's metadata: the weights are untouched, which is checked by
running the same photos before and after (identical probabilities) before the file is replaced.
"""

from __future__ import annotations

import argparse
import math
import os
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

import numpy as np

__all__ = ["TARGET_ACCURACY", "choose_threshold", "measure", "write_threshold", "fit_and_record", "main"]

TARGET_ACCURACY = 0.99
RULE_KEY = "uncertain_threshold_rule"  # JSON dict: how the threshold was chosen (rule, data, coverage, accuracy)


def choose_threshold(confidence: np.ndarray, correct: np.ndarray, target: float = TARGET_ACCURACY) -> dict:
    """The lowest threshold whose accepted photos reach ``target`` accuracy.

    Args:
        confidence: ``[N] float`` top probability of each photo.
        correct: ``[N] bool``, whether the top label is right.
        target: accuracy asked of the accepted photos, in (0, 1].

    Returns:
        ``{"threshold", "coverage", "accuracy", "n", "overall_accuracy", "target"}``: ``threshold`` is one of
        the observed confidences rounded up to 3 decimals (so ``conf >= threshold`` accepts exactly what was
        measured, or fewer); ``coverage`` and ``accuracy`` are those of ``conf >= threshold``. When no
        threshold reaches ``target`` the highest confidence is returned (coverage of the top photo(s) only).

    Raises:
        ValueError: empty or mismatched inputs.
    """
    confidence = np.asarray(confidence, np.float64)
    correct = np.asarray(correct, bool)
    if confidence.ndim != 1 or confidence.shape != correct.shape or len(confidence) == 0:
        raise ValueError(f"need two [N] arrays of the same length, got {confidence.shape} and {correct.shape}")
    order = np.argsort(-confidence, kind="stable")
    conf_sorted, right_sorted = confidence[order], correct[order]
    accuracy_top_k = np.cumsum(right_sorted) / np.arange(1, len(order) + 1)
    # accepted set for threshold conf_sorted[k]: every photo with confidence >= it (ties included)
    last_of_tie = np.r_[conf_sorted[1:] != conf_sorted[:-1], True]
    good = np.flatnonzero(last_of_tie & (accuracy_top_k >= target))
    k = int(good.max()) if len(good) else 0
    threshold = math.ceil(conf_sorted[k] * 1000 - 1e-9) / 1000 if len(good) else float(conf_sorted[0])
    threshold = min(max(threshold, 0.5), 0.999)
    accepted = confidence >= threshold
    return {"threshold": threshold, "coverage": float(accepted.mean()),
            "accuracy": float(correct[accepted].mean()) if accepted.any() else float("nan"),
            "n": len(confidence), "overall_accuracy": float(correct.mean()), "target": target}


def _roots(data) -> list[str]:
    return [os.fspath(data)] if isinstance(data, (str, os.PathLike)) else [os.fspath(d) for d in data]


def data_name(data) -> str:
    """``"petimages"``, or ``"petimages + oxford-pets-sample"`` for several folders: how the rule names its data."""
    return " + ".join(Path(r).name for r in _roots(data))


def validation_samples(data, val_fraction: float = 0.1, seed: int = 0):
    """The validation photos of one data folder or of several (a sequence), as training splits them
    (``training.data.split_sources``: each folder stratified on its own, so one folder gives exactly
    ``stratified_split(find_samples(folder))``'s validation part).

    Raises:
        FileNotFoundError, ValueError: as :func:`training.data.split_sources`.
    """
    from training.data import split_sources

    return split_sources(_roots(data), val_fraction, seed)[1]


def measure(model: str | os.PathLike, samples: Sequence, batch_size: int = 32, workers: int = 2) -> dict:
    """Run ``model`` (as it is: no int8 sibling swapped in, CPU, mirror-averaged) over ``samples``.

    Returns:
        :func:`training.evaluate.evaluate_samples`'s dict (``probabilities [N, C]``, ``targets [N]``...).
    """
    import onnxruntime as ort

    from catdog_gui.core.model import Engine
    from training.evaluate import evaluate_samples

    ort.set_default_logger_severity(4)
    engine = Engine(model, providers=("CPUExecutionProvider",), precision=None, tta=True)
    return evaluate_samples(samples, lambda x: engine.predict(x)[1], engine.info.preprocessing,
                            batch_size=batch_size, workers=workers)


def _probabilities(model: str | os.PathLike, images: np.ndarray) -> np.ndarray:
    import onnxruntime as ort

    session = ort.InferenceSession(str(model), providers=["CPUExecutionProvider"])
    return session.run(["probabilities"], {"image": images})[0]


def write_threshold(model: str | os.PathLike, chosen: dict, check_images: np.ndarray, data_name: str) -> None:
    """Store ``chosen["threshold"]`` as the ``uncertain_threshold`` metadata of ``model`` (replaced atomically).

    Args:
        model: the ONNX file to rewrite (metadata only).
        chosen: :func:`choose_threshold`'s result.
        check_images: ``[N, 3, H, W] float32`` photos run before and after; the file is replaced only when
            the probabilities are bit-identical.
        data_name: the data folder's name (or names, :func:`data_name`), recorded with the rule.

    Raises:
        RuntimeError: the rewritten file gives other probabilities (it is not kept).
    """
    import onnx

    model = Path(model)
    before = _probabilities(model, check_images)
    proto = onnx.load(str(model))
    rule = {"rule": f"lowest top probability whose accepted validation photos reach >= {chosen['target']:.0%} "
                    "top-1 (engine mirror averaging on)",
            "data": f"{data_name} validation split (training.data.stratified_split)", "photos": chosen["n"],
            "coverage": round(chosen["coverage"], 4), "accuracy_accepted": round(chosen["accuracy"], 4),
            "accuracy_all": round(chosen["overall_accuracy"], 4), "command": "python -m training.threshold"}
    from catdog_gui.core.contract import UNCERTAIN_THRESHOLD, read_metadata, write_metadata

    meta = read_metadata(proto)  # the other keys keep their values (re-encoded as the contract writes them)
    meta[UNCERTAIN_THRESHOLD] = round(float(chosen["threshold"]), 3)
    meta[RULE_KEY] = rule
    write_metadata(proto, meta)
    fd, tmp = tempfile.mkstemp(prefix=".threshold-", suffix=".onnx", dir=model.parent)
    os.close(fd)
    try:
        onnx.save(proto, tmp)
        after = _probabilities(tmp, check_images)
        if not np.array_equal(before, after):
            raise RuntimeError(f"{model.name}: probabilities changed by {np.abs(before - after).max():.2e} after "
                               "rewriting the metadata; file left as it was")
        os.chmod(tmp, model.stat().st_mode & 0o777)
        os.replace(tmp, model)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def fit_and_record(models: Sequence[str | os.PathLike], data, val_fraction: float = 0.1,
                   seed: int = 0, write: bool = True, out=None) -> dict[str, dict]:
    """Choose each model's threshold on the validation split of ``data`` (one folder, or a sequence of them:
    their validation photos together); with ``write``, record it.

    Returns:
        ``{model path: choose_threshold(...) result}``.
    """
    from catdog_gui.core.imaging import preprocess

    out = out or sys.stdout  # looked up now, not when the module was imported (captured or redirected output)
    samples = validation_samples(data, val_fraction, seed)
    chosen_by_model = {}
    for model in models:
        result = measure(model, samples)
        probs, targets = result["probabilities"], result["targets"]
        chosen = choose_threshold(probs.max(1), probs.argmax(1) == targets)
        chosen_by_model[str(model)] = chosen
        print(f"{Path(model).name}: uncertain_threshold {chosen['threshold']:.3f} on {chosen['n']} validation photos "
              f"of {data_name(data)}: coverage {chosen['coverage']:.1%}, top-1 above it {chosen['accuracy']:.2%} "
              f"(all photos {chosen['overall_accuracy']:.2%}); {len(result['errors'])} unreadable", file=out)
        if write:
            from catdog_gui.core.model import Engine

            spec = Engine(model, providers=("CPUExecutionProvider",)).info.preprocessing
            check = np.stack([preprocess(p, spec) for p in result["paths"][:8]])
            write_threshold(model, chosen, check, data_name(data))
            print(f"  written into {model} (probabilities identical before/after on {len(check)} photos)", file=out)
    return chosen_by_model


def get_args_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m training.threshold", description=__doc__.split("\n")[0])
    p.add_argument("--model", nargs="+", required=True, metavar="MODEL.onnx",
                   help="ONNX file(s); each gets its own threshold (e.g. the float32 file and its -int8 sibling)")
    p.add_argument("--data", required=True, nargs="+", metavar="DIR",
                   help="the training data folder(s); their validation splits are used together")
    p.add_argument("--val-fraction", type=float, default=0.1)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--write", action="store_true", help="record the threshold in each file's metadata")
    return p


def main(argv: list[str] | None = None) -> int:
    args = get_args_parser().parse_args(argv)
    if any("pets-ood-val" in Path(d).resolve().parts for d in args.data):
        print("error: pets-ood-val is a test set; choose the threshold on the training data's validation split",
              file=sys.stderr)
        return 2
    try:
        fit_and_record(args.model, args.data, args.val_fraction, args.seed, write=args.write)
    except (FileNotFoundError, ValueError, RuntimeError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
