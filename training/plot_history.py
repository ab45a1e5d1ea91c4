"""Draw a training run's history: ``python -m training.plot_history runs/X/history.jsonl [--out FILE.png]``.

Three panels per epoch, from the JSON lines ``training.train`` appends: loss (train, validation), top-1
(train, validation, validation of the EMA weights, and per ``--data`` source when there were several) and
the learning rate at the end of the epoch. Drawn with matplotlib's Agg backend; the default output is
``history.png`` beside the history file.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

__all__ = ["read_history", "plot_history", "main"]


def read_history(path: str | Path) -> list[dict]:
    """The epochs of ``history.jsonl``; when a resumed run wrote an epoch twice, the later line wins.

    Raises:
        OSError: the file cannot be read.
        ValueError: a line is not JSON or has no ``epoch``, or the file holds no epoch.
    """
    epochs: dict[int, dict] = {}
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
                epochs[int(record["epoch"])] = record
            except (json.JSONDecodeError, KeyError, TypeError, ValueError) as exc:
                raise ValueError(f"{path}:{number}: not a history line ({exc})") from None
    if not epochs:
        raise ValueError(f"{path}: no epoch recorded")
    return [epochs[e] for e in sorted(epochs)]


def plot_history(history: list[dict], out: str | Path) -> None:
    """Write the three-panel figure of ``history`` (from :func:`read_history`) to ``out`` (PNG)."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    from matplotlib.figure import Figure

    epochs = [h["epoch"] for h in history]

    def series(key: str) -> list[float] | None:
        values = [h.get(key) for h in history]
        return values if any(v is not None for v in values) else None

    fig = Figure(figsize=(12, 3.8), dpi=100, layout="constrained")
    loss_ax, top1_ax, lr_ax = fig.subplots(1, 3)
    for key, label in (("train_loss", "train"), ("val_loss", "validation"), ("val_loss_ema", "validation, EMA")):
        if (values := series(key)) is not None:
            loss_ax.plot(epochs, values, marker="o", label=label)
    loss_ax.set_title("loss (cross-entropy)")
    for key, label in (("train_top1", "train"), ("val_top1", "validation"), ("val_top1_ema", "validation, EMA")):
        if (values := series(key)) is not None:
            top1_ax.plot(epochs, [v * 100 if v is not None else None for v in values], marker="o", label=label)
    per_source = series("val_top1_per_source")
    if per_source is not None and max(len(v or []) for v in per_source) > 1:
        for s in range(max(len(v or []) for v in per_source)):
            values = [v[s] * 100 if v and s < len(v) and v[s] is not None else None for v in per_source]
            top1_ax.plot(epochs, values, ls="--", marker=".", label=f"validation, source [{s}]")
    top1_ax.set_title("top-1 (%)")
    if (values := series("lr")) is not None:
        lr_ax.plot(epochs, values, marker="o")
        lr_ax.set_yscale("log")
    lr_ax.set_title("learning rate (end of epoch)")
    for ax in (loss_ax, top1_ax, lr_ax):
        ax.set_xlabel("epoch")
        ax.grid(alpha=0.3)
    loss_ax.legend(fontsize=8)
    top1_ax.legend(fontsize=8)
    fig.savefig(out)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m training.plot_history", description=__doc__.split("\n")[0])
    p.add_argument("history", help="a run's history.jsonl")
    p.add_argument("--out", default=None, help="PNG to write (default: history.png beside the history file)")
    args = p.parse_args(argv)
    out = Path(args.out) if args.out else Path(args.history).with_name("history.png")
    try:
        history = read_history(args.history)
        plot_history(history, out)
    except (OSError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"{len(history)} epochs drawn to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
