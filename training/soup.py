"""Average the weights of several fine-tuned networks into one checkpoint (a "model soup").

Wortsman et al., "Robust fine-tuning of zero-shot models" (CVPR 2022, WiSE-FT) and "Model soups" (ICML 2022):
interpolating the weights of a model and of its fine-tuned descendant often beats both under distribution
shift. The ingredients must share one initialisation (e.g. a run started with ``--init-from`` the other),
otherwise their average is meaningless.

Usage::

    python -m training.soup --ingredients resources/models/catdog-xception.onnx runs/ft-mix192/best.pt \\
        --mix 0.5 0.5 --out runs/soup/soup.pt
    python -m training.export --checkpoint runs/soup/soup.pt --recompute-bn 2000 --temperature auto --int8 ...

Ingredients are ``training.train`` checkpoints (``.pt``, raw or EMA weights as ``--weights`` picks) or
``training.export`` files (``.onnx``). An exported file has its BatchNorm folded into the convolutions; it
is brought back into a training run's parametrisation exactly as ``train.py --init-from`` does (temperature
unfolded, BatchNorm statistics restored with :func:`training.recover.restore_batchnorm_statistics` on
training photos), which is the point its fine-tuned descendants started from. The soup's BatchNorm running
statistics are only a placeholder: export it with ``--recompute-bn`` (Izmailov et al. 2018).

The written checkpoint carries the data description (paths, split seed, validation fraction) of the first
``.pt`` ingredient, so ``training.export`` recomputes BatchNorm on, and fits the temperature to, that run's
own training and validation splits; its preprocessing is that of the first ingredient.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import asdict
from pathlib import Path
from collections.abc import Sequence

import numpy as np
import torch

from catdog_gui.core.imaging import Preprocessing
from training.checkpoint import load_checkpoint, load_exported
from training.export import _batches, _checkpoint_split
from training.xception import Xception

__all__ = ["average_state_dicts", "load_ingredient", "main"]


def average_state_dicts(states: Sequence[dict[str, torch.Tensor]], mix: Sequence[float]) -> dict[str, torch.Tensor]:
    """``sum_i mix[i] * states[i]`` for every floating-point tensor; integer buffers come from ``states[0]``.

    Args:
        states: state dicts of the same architecture (same keys and shapes).
        mix: one non-negative weight per state, summing to 1.

    Returns:
        A new state dict (float tensors in the first state's dtype).

    Raises:
        ValueError: keys or shapes differ, the lengths differ, or ``mix`` is negative or does not sum to 1.
    """
    if len(states) != len(mix) or not states:
        raise ValueError(f"{len(states)} state dicts but {len(mix)} mixing weights")
    if min(mix) < 0 or abs(sum(mix) - 1.0) > 1e-6:
        raise ValueError(f"mixing weights must be >= 0 and sum to 1, got {list(mix)}")
    keys = list(states[0])
    for i, state in enumerate(states[1:], start=1):
        if list(state) != keys:
            raise ValueError(f"ingredient {i} has different parameters from ingredient 0")
    out = {}
    for key in keys:
        first = states[0][key]
        if any(s[key].shape != first.shape for s in states):
            raise ValueError(f"{key}: shapes differ between ingredients")
        if first.is_floating_point():
            acc = sum(w * s[key].double() for w, s in zip(mix, states))
            out[key] = acc.to(first.dtype)
        else:
            out[key] = first.clone()
    return out


def load_ingredient(path: str | Path, weights: str, train_photos: Sequence | None, bn_photos: int = 512) -> tuple[Xception, dict]:
    """One ingredient as ``(model, info)`` in a training run's parametrisation.

    Args:
        path: a ``.pt`` checkpoint or a ``.onnx`` file of ``training.export``.
        weights: ``"auto"``, ``"model"`` or ``"ema"`` for checkpoints (ignored for ONNX files).
        train_photos: training samples to restore an ONNX file's BatchNorm statistics on (needed for ONNX).
        bn_photos: how many of ``train_photos`` to measure (the first ``bn_photos`` of a fixed permutation).

    Raises:
        FileNotFoundError: no such file; ValueError: an ONNX ingredient without training photos.
    """
    from training.recover import load_weights_from_onnx, restore_batchnorm_statistics

    if str(path).endswith(".onnx"):
        if not train_photos:
            raise ValueError(f"{path}: an exported ingredient needs a .pt ingredient's training photos")
        _, info = load_exported(path)
        spec = Preprocessing(**info["preprocessing"])  # the file's own input, no augmentation
        model = load_weights_from_onnx(path, unfold_temperature=True)
        chosen = [train_photos[i] for i in np.random.default_rng(0).permutation(len(train_photos))[:bn_photos]]
        restore_batchnorm_statistics(model, _batches(chosen, spec, 32))
        return model.eval(), info
    return load_checkpoint(path, weights)


def get_args_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m training.soup", description=__doc__.split("\n")[0])
    p.add_argument("--ingredients", nargs="+", required=True, metavar="FILE",
                   help=".pt checkpoints and/or .onnx exports that share one initialisation (at least one .pt)")
    p.add_argument("--mix", nargs="+", type=float, default=None,
                   help="one weight per ingredient, summing to 1 (default: equal)")
    p.add_argument("--weights", default="auto", choices=["auto", "model", "ema"],
                   help="which weights of each .pt checkpoint")
    p.add_argument("--bn-photos", type=int, default=512,
                   help="training photos to restore an .onnx ingredient's BatchNorm statistics on (512)")
    p.add_argument("--out", required=True, help="checkpoint to write (.pt)")
    return p


def main(argv: list[str] | None = None) -> int:
    args = get_args_parser().parse_args(argv)
    mix = args.mix or [1.0 / len(args.ingredients)] * len(args.ingredients)
    checkpoints = [p for p in args.ingredients if not p.endswith(".onnx")]
    try:
        if not checkpoints:
            raise ValueError("at least one ingredient must be a training checkpoint (.pt): it gives the data")
        _, base_info = load_checkpoint(checkpoints[0], args.weights)
        has_onnx = len(checkpoints) < len(args.ingredients)
        train = _checkpoint_split(base_info)[1] if has_onnx else None
        loaded = [load_ingredient(path, args.weights, train, args.bn_photos) for path in args.ingredients]
        state = average_state_dicts([m.state_dict() for m, _ in loaded], mix)
    except (FileNotFoundError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    first_info = loaded[0][1]
    preprocessing = first_info["preprocessing"]
    if isinstance(preprocessing, Preprocessing):
        preprocessing = asdict(preprocessing)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    torch.save({"model": state, "labels": base_info["labels"], "preprocessing": preprocessing,
                "data": base_info["data"], "args": base_info["args"], "metrics": {}, "epoch": None,
                "soup": {"ingredients": [str(p) for p in args.ingredients], "mix": mix,
                         "weights": [info["weights"] for _, info in loaded]}}, out)
    print(f"wrote {out}: {' + '.join(f'{w:g} x {Path(p).name}' for w, p in zip(mix, args.ingredients))}; "
          "export it with --recompute-bn")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
