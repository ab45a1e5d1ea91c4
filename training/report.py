"""An evaluation people can read: ``metrics.json`` and four figures, written by ``training.evaluate --out DIR``.

* ``metrics.json``: top-1, per-class precision / recall / F1 (scikit-learn), the confusion matrix, ROC AUC,
  ECE, the number of photos, model and data, and the photos the model gets most wrong;
* ``confusion_matrix.png``, ``roc_curve.png``, ``reliability_diagram.png`` (Guo et al. 2017, figure 1),
  ``mistakes.png``: a contact sheet of the most confident mistakes with their probabilities.

Figures are drawn with matplotlib's Agg backend (no window, no display needed).
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from pathlib import Path

import numpy as np

__all__ = ["classification_metrics", "most_confident_mistakes", "write_report"]


def classification_metrics(probabilities: np.ndarray, targets: np.ndarray, labels: Sequence[str]) -> dict:
    """Per-class precision, recall and F1, and the ROC AUC of the second class's probability.

    Args:
        probabilities: ``[N, C] float`` class probabilities.
        targets: ``[N] int`` true class indices.
        labels: the C class names.

    Returns:
        ``{"per_class": {label: {"precision", "recall", "f1", "support"}}, "roc_auc": float | None}``;
        ``roc_auc`` (scikit-learn's ``roc_auc_score``, scoring ``p[:, 1]``) only for two classes with both
        present, else ``None``.
    """
    from sklearn.metrics import precision_recall_fscore_support, roc_auc_score

    predictions = probabilities.argmax(1)
    precision, recall, f1, support = precision_recall_fscore_support(
        targets, predictions, labels=list(range(len(labels))), zero_division=0)
    per_class = {label: {"precision": float(p), "recall": float(r), "f1": float(f), "support": int(s)}
                 for label, p, r, f, s in zip(labels, precision, recall, f1, support)}
    auc = None
    if len(labels) == 2 and len(set(targets.tolist())) == 2:
        auc = float(roc_auc_score(targets, probabilities[:, 1]))
    return {"per_class": per_class, "roc_auc": auc}


def most_confident_mistakes(probabilities: np.ndarray, targets: np.ndarray, paths: Sequence[str],
                            labels: Sequence[str], count: int = 16) -> list[dict]:
    """The ``count`` wrong predictions with the highest predicted probability, most confident first.

    Returns:
        ``[{"path", "true", "predicted", "p_predicted", "p_true"}]`` (probabilities in 0..1).
    """
    predictions = probabilities.argmax(1)
    wrong = np.flatnonzero(predictions != targets)
    order = wrong[np.argsort(-probabilities[wrong, predictions[wrong]], kind="stable")][:count]
    return [{"path": str(paths[i]), "true": labels[targets[i]], "predicted": labels[predictions[i]],
             "p_predicted": float(probabilities[i, predictions[i]]), "p_true": float(probabilities[i, targets[i]])}
            for i in order]


def _figure(width: float, height: float):
    import matplotlib

    matplotlib.use("Agg", force=False)
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), dpi=110, layout="constrained")


def _plot_confusion(confusion: np.ndarray, labels: Sequence[str], path: Path) -> None:
    fig = _figure(4.2, 3.6)
    ax = fig.add_subplot()
    image = ax.imshow(confusion, cmap="Blues")
    fig.colorbar(image, ax=ax, shrink=0.8)
    ax.set_xticks(range(len(labels)), labels)
    ax.set_yticks(range(len(labels)), labels)
    ax.set_xlabel("predicted")
    ax.set_ylabel("true")
    threshold = confusion.max() / 2
    for (i, j), value in np.ndenumerate(confusion):
        ax.text(j, i, str(value), ha="center", va="center", color="white" if value > threshold else "black")
    ax.set_title(f"confusion matrix ({confusion.sum()} photos)")
    fig.savefig(path)


def _plot_roc(probabilities: np.ndarray, targets: np.ndarray, labels: Sequence[str], auc: float | None,
              path: Path) -> None:
    from sklearn.metrics import roc_curve

    fig = _figure(4.2, 4.0)
    ax = fig.add_subplot()
    if auc is not None:
        fpr, tpr, _ = roc_curve(targets, probabilities[:, 1])
        ax.plot(fpr, tpr, lw=2, label=f"AUC = {auc:.4f}")
    ax.plot([0, 1], [0, 1], ls="--", color="grey", lw=1, label="chance")
    ax.set_xlabel(f"false positive rate ({labels[0]}s called {labels[1]})")
    ax.set_ylabel(f"true positive rate ({labels[1]}s found)")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1.01)
    ax.legend(loc="lower right")
    ax.set_title(f"ROC curve, score p({labels[1]})")
    fig.savefig(path)


def _plot_reliability(probabilities: np.ndarray, targets: np.ndarray, ece: float, path: Path,
                      n_bins: int = 15) -> None:
    """Accuracy against mean confidence per confidence bin, bins as in ``expected_calibration_error``."""
    confidence = probabilities.max(1)
    correct = probabilities.argmax(1) == targets
    edges = np.linspace(0.0, 1.0, n_bins + 1)
    centres, accuracy, mean_conf, counts = [], [], [], []
    for lo, hi in zip(edges[:-1], edges[1:]):
        in_bin = (confidence > lo) & (confidence <= hi)
        if in_bin.any():
            centres.append((lo + hi) / 2)
            accuracy.append(correct[in_bin].mean())
            mean_conf.append(confidence[in_bin].mean())
            counts.append(int(in_bin.sum()))
    fig = _figure(4.6, 4.2)
    ax = fig.add_subplot()
    width = 1.0 / n_bins
    ax.bar(centres, accuracy, width=width * 0.95, color="tab:blue", edgecolor="black", label="accuracy")
    accuracy_arr, conf_arr = np.array(accuracy), np.array(mean_conf)
    ax.bar(centres, np.abs(conf_arr - accuracy_arr), bottom=np.minimum(conf_arr, accuracy_arr), width=width * 0.95,
           facecolor="none", edgecolor="tab:red", hatch="///", label="gap to mean confidence")
    ax.plot([0, 1], [0, 1], ls="--", color="grey", lw=1, label="perfect calibration")
    for x, n in zip(centres, counts):
        ax.text(x, 0.02, str(n), ha="center", va="bottom", fontsize=7, color="white", rotation=90)
    lowest = edges[max(0, int(np.floor(confidence.min() * n_bins)) - 1)] if len(confidence) else 0.0
    ax.set_xlim(lowest, 1.0)
    ax.set_ylim(0, 1.08)
    ax.set_xlabel("confidence (top probability)")
    ax.set_ylabel("accuracy")
    ax.legend(loc="upper left", fontsize=8)
    ax.set_title(f"reliability diagram, ECE {ece * 100:.2f}%\n(number of photos at the foot of each bar)", fontsize=10)
    fig.savefig(path)


def _plot_mistakes(mistakes: Sequence[dict], path: Path, columns: int = 4) -> None:
    from catdog_gui.core.imaging import ImageDecodeError, load_rgb

    rows = max(1, -(-len(mistakes) // columns))
    fig = _figure(columns * 2.3, rows * 2.6)
    for i in range(rows * columns):
        ax = fig.add_subplot(rows, columns, i + 1)
        ax.set_axis_off()
        if i >= len(mistakes):
            continue
        m = mistakes[i]
        try:
            image = load_rgb(m["path"])
            image.thumbnail((256, 256))
            ax.imshow(np.asarray(image))
        except ImageDecodeError:
            ax.text(0.5, 0.5, "unreadable", ha="center", va="center")
        ax.set_title(f"{os.path.basename(m['path'])[:24]}\n{m['true']} called {m['predicted']} "
                     f"{m['p_predicted'] * 100:.1f}%", fontsize=7)
    if not mistakes:
        fig.suptitle("no mistakes")
    else:
        fig.suptitle(f"the {len(mistakes)} most confident mistakes")
    fig.savefig(path)


def write_report(out: str | os.PathLike, metrics: dict, paths: Sequence[str], labels: Sequence[str],
                 details: dict, mistakes: int = 16) -> dict:
    """Write ``metrics.json`` and the four PNGs into ``out`` (created if needed).

    Args:
        out: folder to write into.
        metrics: :func:`training.evaluate.evaluate_samples`'s result (``probabilities [N, C]``, ``targets [N]``,
            ``top1``, ``ece``, ``confusion``, ``n``, ``errors``, ``images_per_s``).
        paths: the N evaluated photos, in the order of ``metrics["probabilities"]``.
        labels: class names.
        details: more keys for ``metrics.json`` (model, data, split, input size...).
        mistakes: how many confident mistakes to list and draw.

    Returns:
        The record written to ``metrics.json``.

    Raises:
        OSError: ``out`` cannot be created or written.
    """
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    probabilities, targets = metrics["probabilities"], metrics["targets"]
    extra = classification_metrics(probabilities, targets, labels)
    worst = most_confident_mistakes(probabilities, targets, paths, labels, mistakes)
    record = {k: v for k, v in metrics.items() if k not in ("probabilities", "targets")}
    record.update(extra, labels=list(labels), most_confident_mistakes=worst, **details)
    with open(out / "metrics.json", "w", encoding="utf-8") as f:
        json.dump(record, f, indent=2)
    _plot_confusion(np.asarray(metrics["confusion"]), labels, out / "confusion_matrix.png")
    _plot_roc(probabilities, targets, labels, extra["roc_auc"], out / "roc_curve.png")
    _plot_reliability(probabilities, targets, metrics["ece"], out / "reliability_diagram.png")
    _plot_mistakes(worst, out / "mistakes.png")
    return record
