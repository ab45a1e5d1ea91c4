"""training.evaluate: the metrics and the command line on real photos."""

import json
import os

import numpy as np
import pytest
import torch

from training.calibration import apply_temperature, expected_calibration_error, fit_temperature
from training.evaluate import confusion_matrix, main
from training.xception import Xception


def test_ece_of_perfectly_calibrated_and_overconfident_predictions():
    # 10 photos at confidence 0.8 of which 8 right: calibrated, ECE 0.
    p = np.tile([[0.8, 0.2]], (10, 1))
    targets = np.array([0] * 8 + [1] * 2)
    assert expected_calibration_error(p, targets) == pytest.approx(0.0)
    # All at confidence 0.9, half right: |0.5 - 0.9| = 0.4.
    p = np.tile([[0.9, 0.1]], (10, 1))
    assert expected_calibration_error(p, np.array([0, 1] * 5)) == pytest.approx(0.4)


def test_confusion_matrix_rows_are_true_classes():
    cm = confusion_matrix(np.array([0, 0, 1, 1, 1]), np.array([0, 1, 1, 1, 0]), 2)
    assert cm.tolist() == [[1, 1], [1, 2]]


def test_fit_temperature_recovers_the_temperature_that_made_the_labels():
    rng = np.random.default_rng(0)
    logits = rng.normal(0, 3, size=(20000, 2))
    z = logits / 2.0
    p = np.exp(z - z.max(1, keepdims=True))
    p /= p.sum(1, keepdims=True)
    targets = (rng.random(len(p)) < p[:, 1]).astype(int)
    assert fit_temperature(logits, targets) == pytest.approx(2.0, rel=0.05)


def test_apply_temperature_scales_logits_and_keeps_predictions():
    torch.manual_seed(0)
    model = Xception(num_classes=2).eval()
    x = torch.randn(3, 3, 72, 72)
    with torch.no_grad():
        before = model(x)
        apply_temperature(model, 2.5)
        after = model(x)
    torch.testing.assert_close(after, before / 2.5)
    with pytest.raises(ValueError):
        apply_temperature(model, 0.0)


def test_cli_on_real_photos(tiny_model_path, tmp_path, cat_photos, dog_photos, capsys):
    for cls, photos in (("cat", cat_photos[:3]), ("dog", dog_photos[:2])):
        (tmp_path / "data" / cls).mkdir(parents=True)
        for p in photos:
            os.symlink(p, tmp_path / "data" / cls / p.name)
    (tmp_path / "data" / "dog" / "broken.jpg").write_bytes(b"\xff\xd8\xff\xe0 not really")
    out = tmp_path / "m.json"
    assert main(["--model", str(tiny_model_path), "--data", str(tmp_path / "data"), "--json", str(out)]) == 0
    text = capsys.readouterr().out
    assert "top-1" in text and "confusion matrix" in text and "unreadable photos: 1" in text
    record = json.loads(out.read_text())
    assert record["n"] == 5 and sum(map(sum, record["confusion"])) == 5
    assert 0.0 <= record["top1"] <= 1.0 and 0.0 <= record["ece"] <= 1.0


def test_cli_missing_model_is_an_error(tmp_path, data_dir, capsys):
    assert main(["--model", str(tmp_path / "none.onnx"), "--data", str(data_dir / "pets-ood-val")]) == 2
    assert "not found" in capsys.readouterr().err


@pytest.mark.parametrize("args, message", [
    (["--batch-size", "0"], "positive integer"),
    (["--batch-size", "-1"], "positive integer"),
    (["--workers", "0"], "positive integer"),
    (["--image-size", "8"], "at least 32"),
])
def test_cli_bad_numbers_are_usage_errors(args, message, tiny_model_path, data_dir, capsys):
    with pytest.raises(SystemExit) as exc:
        main(["--model", str(tiny_model_path), "--data", str(data_dir / "pets-ood-val"), *args])
    assert exc.value.code == 2
    assert message in capsys.readouterr().err


def test_cli_unwritable_json_is_refused_before_evaluating(tiny_model_path, tmp_path, data_dir, capsys):
    rc = main(["--model", str(tiny_model_path), "--data", str(data_dir / "pets-ood-val"),
               "--json", str(tmp_path / "no" / "such" / "m.json")])
    assert rc == 2
    captured = capsys.readouterr()
    assert "--json" in captured.err and "top-1" not in captured.out


def _tiny_data(root, cat_photos, dog_photos):
    for cls, photos in (("cat", cat_photos[:2]), ("dog", dog_photos[:2])):
        (root / cls).mkdir(parents=True)
        for p in photos:
            os.symlink(p, root / cls / p.name)
    return root


def test_cli_empty_split_is_an_error_not_nan(tiny_model_path, tmp_path, cat_photos, dog_photos, capsys):
    data = _tiny_data(tmp_path / "data", cat_photos, dog_photos)
    rc = main(["--model", str(tiny_model_path), "--data", str(data), "--split", "val", "--val-fraction", "0"])
    assert rc == 1
    assert "no photo was evaluated" in capsys.readouterr().err


def test_cli_all_photos_unreadable_is_an_error(tiny_model_path, tmp_path, capsys):
    for cls in ("cat", "dog"):
        (tmp_path / "data" / cls).mkdir(parents=True)
        (tmp_path / "data" / cls / "x.jpg").write_bytes(b"")
    out = tmp_path / "m.json"
    assert main(["--model", str(tiny_model_path), "--data", str(tmp_path / "data"), "--json", str(out)]) == 1
    assert "every photo failed to decode" in capsys.readouterr().err
    assert not out.exists()


def test_cli_split_val_on_a_tiny_folder(tiny_model_path, tmp_path, cat_photos, dog_photos, capsys):
    data = _tiny_data(tmp_path / "data", cat_photos, dog_photos)
    out = tmp_path / "m.json"
    assert main(["--model", str(tiny_model_path), "--data", str(data), "--split", "val", "--json", str(out)]) == 0
    assert json.loads(out.read_text())["n"] == 2  # at least one photo per class is held out
