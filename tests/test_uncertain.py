"""The ``uncertain`` verdict: degenerate inputs (tiny, flat, a strip) and answers below the threshold, counted
the same way by the CSV, the CLI summary, the tally, the filters and sorting; ``--threshold`` and ``--device``;
the run columns of the CSV."""

from __future__ import annotations

import csv
import io
import re
import shutil
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from catdog_gui.cli import main
from catdog_gui.core.degenerate import MAX_ASPECT, MIN_SIDE, MIN_STD
from catdog_gui.core.filtering import UNCERTAIN, ResultFilter
from catdog_gui.core.imaging import Preprocessing
from catdog_gui.core.pipeline import decode_one, summarize
from catdog_gui.core.results import Result
from catdog_gui.core.sorting import UNCERTAIN_FOLDER, plan_sort
from catdog_gui.core.tally import Tally, uncertain_threshold
from test_imaging import bmp_v5_argb

REPO = Path(__file__).resolve().parents[1]
SPEC = Preprocessing(image_size=(256, 256), resize="squash", mean=(0.5,) * 3, std=(0.5,) * 3)


def degenerate_of(path) -> str:
    why: list[str] = []
    out = decode_one(str(path), SPEC, [], why)
    assert not isinstance(out, str), out
    return "; ".join(why)


@pytest.fixture()
def built_inputs(tmp_path, cat_photos) -> dict[str, Path]:
    """Inputs a photo tool can produce that hold no animal worth naming, each in its own file."""
    photo = np.asarray(Image.open(cat_photos[0]).convert("RGB"))
    files = {}
    Image.new("RGB", (1, 1), (200, 120, 40)).save(files.setdefault("1x1", tmp_path / "pixel.png"))
    Image.new("RGB", (640, 480), (255, 255, 255)).save(files.setdefault("blank", tmp_path / "blank.jpg"), quality=90)
    Image.new("RGB", (500, 400), (30, 90, 160)).save(files.setdefault("flat", tmp_path / "flat.png"))
    noise = np.random.default_rng(0).normal(0, 1.0, (400, 500, 3))  # a grey card photographed: sensor noise only
    Image.fromarray(np.clip(128 + noise, 0, 255).astype(np.uint8)).save(files.setdefault("grey", tmp_path / "grey.png"))
    strip = np.asarray(Image.fromarray(photo).resize((2000, 50)))  # a real photo's content, as a strip
    Image.fromarray(strip).save(files.setdefault("strip", tmp_path / "strip.png"))
    zero_alpha = np.zeros((300, 400, 3), np.uint8)  # what a screenshot tool left: colour bytes 0, alpha 0
    files["bmp"] = tmp_path / "screenshot.bmp"
    files["bmp"].write_bytes(bmp_v5_argb(zero_alpha, 0))
    return files


def test_built_degenerate_inputs_are_flagged_with_their_reason(built_inputs):
    assert "tiny image (1x1 px" in degenerate_of(built_inputs["1x1"])
    assert "flat colour" in degenerate_of(built_inputs["blank"])
    assert "flat colour" in degenerate_of(built_inputs["flat"])
    assert "flat colour" in degenerate_of(built_inputs["grey"])
    assert "extreme aspect ratio (2000x50" in degenerate_of(built_inputs["strip"])
    assert "flat colour" in degenerate_of(built_inputs["bmp"])  # opaque black after the alpha fix


def test_pixel_spread_is_the_population_std_of_the_pixels(cat_photos, dog_photos):
    """Pillow's histogram statistics give numpy's standard deviation (ddof 0) of the busiest channel, on real
    photos, and 0 on a flat colour."""
    from catdog_gui.core.degenerate import pixel_spread
    from catdog_gui.core.imaging import load_rgb

    for path in (cat_photos[0], dog_photos[0]):
        pixels = np.asarray(load_rgb(path).resize((256, 256)))
        expected = pixels.reshape(-1, 3).astype(np.float64).std(axis=0).max()
        assert expected > 10
        assert pixel_spread(pixels) == pytest.approx(expected, abs=1e-3)
        assert pixel_spread(Image.fromarray(pixels)) == pytest.approx(expected, abs=1e-3)
    assert pixel_spread(Image.new("RGB", (300, 200), (30, 90, 160))) == pytest.approx(0.0, abs=1e-3)


def test_real_photos_are_not_degenerate(data_dir):
    """No real photo is flagged: every 10th photo of pets-ood-val (including its smallest, flattest and most
    elongated ones, see benchmarks/degenerate_inputs.py) and the bundled samples."""
    ood = sorted((data_dir / "pets-ood-val").rglob("*.jpg"))
    extremes = [data_dir / "pets-ood-val" / "dog" / "dog_0432.jpg", data_dir / "pets-ood-val" / "cat" / "cat_0209.jpg",
                data_dir / "photos-fullsize" / "dog" / "dog.630.jpg"]
    photos = ood[::10] + extremes + sorted((REPO / "resources" / "samples").glob("*.jpg"))
    assert len(photos) > 120
    flagged = {str(p): degenerate_of(p) for p in photos}
    assert not {p: why for p, why in flagged.items() if why}
    assert MIN_SIDE == 32 and MIN_STD > 0 and MAX_ASPECT == 8


def test_one_definition_for_csv_summary_tally_filter_and_sort(tmp_path):
    rows = [Result("/p/sure.jpg", "ok", "cat", 0.97, (0.97, 0.03)),
            Result("/p/unsure.jpg", "ok", "dog", 0.7, (0.3, 0.7)),
            Result("/p/blank.jpg", "ok", "cat", 0.99, (0.99, 0.01), uncertain_because="nearly one flat colour"),
            Result("/p/bad.jpg", "error", error="not an image")]
    threshold = 0.9
    assert [r.verdict(threshold) for r in rows] == ["cat", "uncertain", "uncertain", ""]
    assert "70.0% below the threshold 90.0%" in rows[1].uncertain_reason(threshold)
    tally = Tally(("cat", "dog"), threshold)
    tally.add(rows)
    summary = summarize(rows, ("cat", "dog"), 1.0, threshold=threshold)
    assert (tally.per_class, tally.uncertain) == (summary.per_class, summary.uncertain) == ({"cat": 1, "dog": 0}, 2)
    shown = [r.name for r in rows if ResultFilter(UNCERTAIN, threshold=threshold).accepts(r)]
    assert shown == ["unsure.jpg", "blank.jpg"]
    assert [r.name for r in rows if ResultFilter("cat", threshold=threshold).accepts(r)] == ["sure.jpg"]
    plan = plan_sort(rows, tmp_path / "sorted", ("cat", "dog"), threshold)
    assert [item.category for item in plan] == ["cat", UNCERTAIN_FOLDER, UNCERTAIN_FOLDER]
    assert uncertain_threshold({"uncertain_threshold": "0.9"}, override=0.6) == 0.6


def read_csv(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_bytes()[3:].decode("utf-8"), newline="")))


def test_cli_marks_degenerate_and_low_confidence_rows_uncertain(built_inputs, cat_photos, dog_photos,
                                                                default_model_path, tmp_path, capsys):
    folder = tmp_path / "in"
    folder.mkdir()
    for p in list(built_inputs.values()) + cat_photos[:2] + dog_photos[:2]:
        shutil.copy(p, folder / p.name)
    out = tmp_path / "r.csv"
    assert main([str(folder), "--csv", str(out), "--model", str(default_model_path), "--no-tta", "-q"]) == 0
    rows = {Path(r["path"]).name: r for r in read_csv(out)}
    summary = capsys.readouterr().out
    threshold = uncertain_threshold({"uncertain_threshold": rows["pixel.png"]["threshold"]})
    for name in ("pixel.png", "blank.jpg", "flat.png", "grey.png", "strip.png", "screenshot.bmp"):
        r = rows[name]
        assert r["status"] == "ok" and r["label"] == "uncertain", (name, r)
        assert r["top_label"] in ("cat", "dog") and r["uncertain_reason"] and r["p_cat"] and r["p_dog"]
    for name in [p.name for p in cat_photos[:2] + dog_photos[:2]]:
        r = rows[name]
        sure = float(r["confidence"]) >= threshold
        assert r["label"] == (r["top_label"] if sure else "uncertain") and bool(r["uncertain_reason"]) != sure
    n_uncertain = sum(r["label"] == "uncertain" for r in rows.values())
    assert re.search(rf"^\s+uncertain\s+{n_uncertain}$", summary, re.M), summary
    assert {r["provider"] for r in rows.values()} == {"CPUExecutionProvider"}
    assert {r["precision"] for r in rows.values()} == {"int8"} and {r["tta"] for r in rows.values()} == {"none"}

    # --threshold overrides the model's: at 0.9999 (almost) nothing is sure any more, at 0.5 only degenerate rows stay
    assert main([str(folder), "--csv", str(out), "--model", str(default_model_path), "--no-tta", "-q",
                 "--threshold", "0.5001"]) == 0
    low = read_csv(out)
    assert {r["threshold"] for r in low} == {"0.500"}
    assert {Path(r["path"]).name for r in low if r["label"] == "uncertain"} == \
        {"pixel.png", "blank.jpg", "flat.png", "grey.png", "strip.png", "screenshot.bmp"}
    capsys.readouterr()
    for bad in ("0", "1", "1.5", "x"):
        assert main([str(folder), "--csv", str(out), "--threshold", bad]) == 2
        assert "--threshold" in capsys.readouterr().err


def test_cli_device_choice(tiny_model_path, cat_photos, tmp_path, capsys):
    import onnxruntime as ort

    out = tmp_path / "r.csv"
    assert main([str(cat_photos[0]), "--csv", str(out), "--model", str(tiny_model_path), "--device", "cpu", "-q"]) == 0
    assert read_csv(out)[0]["provider"] == "CPUExecutionProvider"
    capsys.readouterr()
    code = main([str(cat_photos[0]), "--csv", str(tmp_path / "cuda.csv"), "--model", str(tiny_model_path),
                 "--device", "cuda", "-q"])
    if "CUDAExecutionProvider" in ort.get_available_providers() and code == 0:
        pytest.skip("CUDA is usable on this machine")  # then the run happened on CUDA
    err = capsys.readouterr().err
    assert code == 2 and not (tmp_path / "cuda.csv").exists()
    assert len(err.strip().splitlines()) == 1 and "--device cuda: the CUDA provider cannot be used" in err
    assert main([str(cat_photos[0]), "--csv", str(out), "--device", "cuda", "--cpu"]) == 2


def test_embed_tags_refuse_a_sidecar_naming(cat_photos, tmp_path, capsys):
    photo = tmp_path / cat_photos[0].name
    shutil.copy(cat_photos[0], photo)
    before = photo.read_bytes()
    assert main([str(photo), "--write-tags", "embed", "--sidecar-naming", "replace"]) == 2
    assert "--sidecar-naming" in capsys.readouterr().err and photo.read_bytes() == before


def test_xmp_sidecars_are_not_skipped_non_images(tiny_model_path, cat_photos, tmp_path, capsys):
    from catdog_gui.core.scan import scan_paths

    folder = tmp_path / "tagged"
    folder.mkdir()
    for p in cat_photos[:2]:
        shutil.copy(p, folder / p.name)
    (folder / "notes.txt").write_text("not a photo")
    assert main([str(folder), "--model", str(tiny_model_path), "--write-tags", "--tag-uncertain", "-q"]) == 0
    assert len(list(folder.glob("*.jpg.xmp"))) == 2  # photo.jpg.xmp beside each photo
    (folder / cat_photos[0].stem).with_suffix(".xmp").write_text("<x:xmpmeta xmlns:x='adobe:ns:meta/'/>")  # photo.xmp
    paths, report = scan_paths([str(folder)])
    assert len(paths) == 2 and report.skipped_non_images == 1  # notes.txt only
    capsys.readouterr()
    assert main([str(folder), "--csv", str(tmp_path / "r.csv"), "--model", str(tiny_model_path), "-q"]) == 0
    assert re.search(r"^\s+skipped non-images\s+1$", capsys.readouterr().out, re.M)
