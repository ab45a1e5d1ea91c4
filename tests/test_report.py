"""``training.evaluate --out``: metrics.json and four readable figures; ``training.plot_history``."""

import json
import os

import numpy as np
import pytest
from PIL import Image

from training import evaluate as evaluate_mod
from training import plot_history
from training.report import classification_metrics, most_confident_mistakes


def _link_photos(root, data_dir, per_class):
    for cls in ("cat", "dog"):
        (root / cls).mkdir(parents=True)
        for p in sorted((data_dir / "pets-ood-val" / cls).glob("*"))[:per_class]:
            os.symlink(p, root / cls / p.name)


def _rank_auc(scores: np.ndarray, positive: np.ndarray) -> float:
    """Mann-Whitney U / (n_pos n_neg): the probability that a positive outscores a negative (ties count 1/2)."""
    pos, neg = scores[positive], scores[~positive]
    return float(((pos[:, None] > neg[None]).sum() + 0.5 * (pos[:, None] == neg[None]).sum()) / (len(pos) * len(neg)))


def test_evaluate_out_writes_metrics_and_four_figures(default_model_path, tmp_path, data_dir, capsys):
    photos = tmp_path / "photos"
    _link_photos(photos, data_dir, 12)
    out = tmp_path / "report"
    assert evaluate_mod.main(["--model", str(default_model_path), "--data", str(photos), "--workers", "1",
                              "--out", str(out)]) == 0
    record = json.loads((out / "metrics.json").read_text())
    confusion = np.array(record["confusion"])
    assert record["n"] == 24 and confusion.sum() == 24
    assert record["top1"] >= 0.75  # the default model on real photos from outside its training set
    cat, dog = record["per_class"]["cat"], record["per_class"]["dog"]
    assert cat["recall"] == pytest.approx(confusion[0, 0] / confusion[0].sum())
    assert dog["precision"] == pytest.approx(confusion[1, 1] / confusion[:, 1].sum())
    assert cat["support"] == dog["support"] == 12
    assert 0.5 < record["roc_auc"] <= 1.0
    mistakes = record["most_confident_mistakes"]
    assert len(mistakes) == confusion.sum() - np.trace(confusion)
    assert all(m["true"] != m["predicted"] and m["p_predicted"] >= 0.5 for m in mistakes)
    assert [m["p_predicted"] for m in mistakes] == sorted((m["p_predicted"] for m in mistakes), reverse=True)
    for name in ("confusion_matrix.png", "roc_curve.png", "reliability_diagram.png", "mistakes.png"):
        with Image.open(out / name) as im:
            assert im.format == "PNG" and im.width >= 300 and im.height >= 250
            assert len(im.convert("L").getcolors(1 << 16) or []) > 20  # drawn, not a blank canvas
    assert "report written to" in capsys.readouterr().out


def test_classification_metrics_and_mistakes_on_known_scores():
    rng = np.random.default_rng(0)
    targets = rng.integers(0, 2, 200)
    p_dog = np.clip(0.5 + 0.35 * (2 * targets - 1) + rng.normal(0, 0.25, 200), 0.001, 0.999)
    probabilities = np.stack([1 - p_dog, p_dog], 1)
    result = classification_metrics(probabilities, targets, ["cat", "dog"])
    assert result["roc_auc"] == pytest.approx(_rank_auc(p_dog, targets == 1))
    predictions = probabilities.argmax(1)
    tp = ((predictions == 1) & (targets == 1)).sum()
    assert result["per_class"]["dog"]["recall"] == pytest.approx(tp / (targets == 1).sum())
    worst = most_confident_mistakes(probabilities, targets, [f"p{i}.jpg" for i in range(200)], ["cat", "dog"], 5)
    wrong = np.flatnonzero(predictions != targets)
    assert worst[0]["p_predicted"] == pytest.approx(probabilities[wrong, predictions[wrong]].max())
    assert len(worst) == min(5, len(wrong))
    one_class = classification_metrics(probabilities[targets == 0], targets[targets == 0], ["cat", "dog"])
    assert one_class["roc_auc"] is None  # undefined with a single class present


def test_plot_history_draws_a_resumed_run(tmp_path, capsys):
    history = tmp_path / "history.jsonl"
    lines = [{"epoch": e, "train_loss": 0.7 - 0.1 * e, "val_loss": 0.6 - 0.1 * e, "train_top1": 0.6 + 0.1 * e,
              "val_top1": 0.65 + 0.1 * e, "val_top1_per_source": [0.6 + 0.1 * e, 0.5 + 0.1 * e], "lr": 1e-3 / (e + 1)}
             for e in range(3)]
    lines.insert(1, {**lines[1], "val_top1": 0.1})  # epoch 1 written twice (a resumed run): the later line wins
    history.write_text("".join(json.dumps(line) + "\n" for line in lines))
    assert [h["val_top1"] for h in plot_history.read_history(history)] == pytest.approx([0.65, 0.75, 0.85])
    assert plot_history.main([str(history)]) == 0
    with Image.open(tmp_path / "history.png") as im:
        assert im.width >= 1000 and len(im.convert("L").getcolors(1 << 16) or []) > 20
    (tmp_path / "bad.jsonl").write_text("{not json\n")
    assert plot_history.main([str(tmp_path / "bad.jsonl")]) == 1
    assert "not a history line" in capsys.readouterr().err
