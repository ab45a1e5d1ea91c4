"""Load trained weights into an eval-mode :class:`Xception` with what they were trained on: from a
``training.train`` checkpoint (:func:`load_checkpoint`) or from a file ``training.export`` wrote
(:func:`load_exported`), both as ``(model, info)``."""

from __future__ import annotations

import os
import sys
from dataclasses import asdict
from pathlib import Path

import onnx
import torch

from catdog_gui.core import contract as c
from catdog_gui.core.imaging import Preprocessing
from training.data import LABELS
from training.xception import Xception

__all__ = ["load_checkpoint", "load_exported"]


def load_checkpoint(path: str | os.PathLike, weights: str = "auto") -> tuple[Xception, dict]:
    """Load a ``training.train`` checkpoint into an eval-mode :class:`Xception`.

    Args:
        path: ``last.pt`` / ``best.pt`` (full checkpoint) or a weights-only file (a bare state dict).
        weights: ``"model"`` (raw weights), ``"ema"`` (the exponential moving average), or ``"auto"``
            (whichever had the better validation top-1 in the checkpoint's metrics).

    Returns:
        (model, info) where info has ``labels``, ``preprocessing``, ``metrics``, ``data``, ``weights``.

    Raises:
        FileNotFoundError, ValueError: missing file, or ``weights`` not available in it.
    """
    if not Path(path).is_file():
        raise FileNotFoundError(f"checkpoint not found: {str(path)!r}")
    ckpt = torch.load(path, map_location="cpu", weights_only=False)
    if "model" not in ckpt:  # weights-only
        ckpt = {"model": ckpt}
    metrics = ckpt.get("metrics", {})
    ema_state = ckpt.get("model_ema")
    if weights == "auto":
        weights = "ema" if ema_state is not None and metrics.get("val_top1_ema", -1) > metrics.get("val_top1", -1) else "model"
    if weights == "ema":
        if ema_state is None:
            raise ValueError(f"{str(path)!r} has no EMA weights; use --weights model")
        state = {k.removeprefix("module."): v for k, v in ema_state.items() if k != "n_averaged"}
    elif weights == "model":
        state = ckpt["model"]
    else:
        raise ValueError(f"unknown weights {weights!r}; expected 'auto', 'model' or 'ema'")
    labels = list(ckpt.get("labels", LABELS))
    model = Xception(num_classes=len(labels))
    model.load_state_dict(state)
    model.eval()
    info = {"labels": labels, "preprocessing": ckpt.get("preprocessing", asdict(Preprocessing())),
            "metrics": metrics, "data": ckpt.get("data", {}), "weights": weights, "epoch": ckpt.get("epoch"),
            "args": ckpt.get("args", {})}
    return model, info


def load_exported(path: str | os.PathLike) -> tuple[Xception, dict]:
    """The weights and metadata of an exported file, in :func:`load_checkpoint`'s ``(model, info)`` form.

    The temperature folded into ``fc`` stays folded (``--temperature 1`` keeps the file's calibration).
    ``info["metadata_kept"]`` holds the metadata to carry over (``trained_on``, ``val_top1``, ``training``...).

    Raises:
        FileNotFoundError: no such file; ValueError: not a ``training.export`` file.
    """
    from training.recover import load_weights_from_onnx

    if not Path(path).is_file():
        raise FileNotFoundError(f"model not found: {str(path)!r}")
    meta = c.read_metadata(onnx.load(str(path), load_external_data=False))
    if meta.get(c.TTA, "none") != "none" or meta.get(c.PRECISION, "fp32") != "fp32":
        print(f"note: {Path(path).name} has tta={meta.get(c.TTA)!r}, precision={meta.get(c.PRECISION, 'fp32')!r}; "
              "re-exported as set by this command's options", file=sys.stderr)
    model = load_weights_from_onnx(path)
    pre = {key: tuple(meta[key]) for key in (c.IMAGE_SIZE, c.MEAN, c.STD, c.BACKGROUND)}
    pre.update(resize=meta[c.RESIZE], crop_fraction=float(meta.get(c.CROP_FRACTION, 0.875)))
    training = meta.get(c.TRAINING, {})
    kept = {k: meta[k] for k in (c.TRAINED_ON, c.VAL_TOP1, c.TRAINING, c.UNCERTAIN_THRESHOLD) if k in meta}
    info = {"labels": meta[c.LABELS], "preprocessing": pre, "metrics": {}, "data": {},
            "weights": training.get("weights", "model"), "epoch": training.get("epoch"), "args": {},
            "metadata_kept": kept}
    return model, info
