"""training.threshold: the uncertain threshold chosen on the validation split by the documented rule, and
recorded in a model's metadata without touching its weights."""

from __future__ import annotations

import numpy as np

from catdog_gui.core.model import Engine
from catdog_gui.core.tally import uncertain_threshold
from training.threshold import choose_threshold, main


def test_lowest_threshold_whose_accepted_photos_reach_the_target():
    # 200 photos: the 100 most confident are all right, then 1 wrong in every 10 down to 0.6
    confidence = np.r_[np.linspace(0.999, 0.9, 100), np.linspace(0.899, 0.6, 100)]
    correct = np.r_[np.ones(100, bool), np.arange(100) % 10 != 5]
    chosen = choose_threshold(confidence, correct, target=0.99)
    accepted = confidence >= chosen["threshold"]
    assert correct[accepted].mean() >= 0.99 and chosen["accuracy"] == correct[accepted].mean()
    lower = confidence >= chosen["threshold"] - 0.01  # any lower threshold falls short of 99%
    assert correct[lower].mean() < 0.99 or lower.sum() == accepted.sum()
    assert chosen["coverage"] == accepted.mean() and 0.5 < chosen["coverage"] < 0.6
    everything_right = choose_threshold(confidence, np.ones(200, bool))
    assert everything_right["threshold"] == 0.6 and everything_right["coverage"] == 1.0


def test_never_on_the_test_set(data_dir, capsys):
    assert main(["--model", "x.onnx", "--data", str(data_dir / "pets-ood-val")]) == 2
    assert "pets-ood-val" in capsys.readouterr().err


def test_committed_models_carry_their_threshold(default_model_path):
    for precision in ("fp32", "int8"):
        engine = Engine(default_model_path, providers=("CPUExecutionProvider",), precision=precision)
        value = engine.info.metadata["uncertain_threshold"]
        assert 0.5 < value < 1 and uncertain_threshold(engine.info.metadata) == value
        assert engine.info.metadata["uncertain_threshold_rule"]["coverage"] > 0.8
