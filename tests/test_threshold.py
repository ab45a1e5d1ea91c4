"""training.threshold: the uncertain threshold chosen on the validation split by the documented rule, and
recorded in a model's metadata without touching its weights."""

from __future__ import annotations

from pathlib import Path

import os
import shutil

import numpy as np

from catdog_gui.core.model import Engine
from catdog_gui.core.tally import uncertain_threshold
from training.data import find_samples, stratified_split
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
    assert main(["--model", "x.onnx", "--data", str(data_dir / "petimages"), str(data_dir / "pets-ood-val")]) == 2


def test_a_model_of_several_sources_gets_its_threshold_from_every_validation_split(tiny_model_path, data_dir,
                                                                                  tmp_path, capsys):
    """Two data folders (PetImages' class folders and Oxford-IIIT Pet's layout): both validation splits count
    (the export used to take the first folder's only)."""
    roots = []
    for name, source, n in (("pets", "petimages", 20), ("oxford", "oxford-pets-sample", 40)):
        samples, _ = find_samples(data_dir / source)
        root = tmp_path / name
        for s in [s for s in samples if s.target == 0][:n // 2] + [s for s in samples if s.target == 1][:n // 2]:
            target = root / ("cat" if s.target == 0 else "dog") / Path(s.path).name
            target.parent.mkdir(parents=True, exist_ok=True)
            os.symlink(s.path, target)
        roots.append(root)
    expected = sum(len(stratified_split(find_samples(r)[0], 0.1, 0)[1]) for r in roots)
    model = tmp_path / "tiny.onnx"
    shutil.copy(tiny_model_path, model)
    assert main(["--model", str(model), "--data", *map(str, roots), "--write"]) == 0
    rule = Engine(model, providers=("CPUExecutionProvider",)).info.metadata["uncertain_threshold_rule"]
    assert rule["photos"] == expected == 6 and rule["data"].startswith("pets + oxford validation split")
    assert f"on {expected} validation photos of pets + oxford" in capsys.readouterr().out


def test_committed_models_carry_their_threshold(default_model_path):
    for precision in ("fp32", "int8"):
        engine = Engine(default_model_path, providers=("CPUExecutionProvider",), precision=precision)
        value = engine.info.metadata["uncertain_threshold"]
        assert 0.5 < value < 1 and uncertain_threshold(engine.info.metadata) == value
        assert engine.info.metadata["uncertain_threshold_rule"]["coverage"] > 0.8
