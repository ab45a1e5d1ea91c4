"""scripts/gpu_check.py, the one prepared run for a lent GPU machine, checked on the CPU before a lease."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest
from PIL import Image

REPO = Path(__file__).resolve().parents[1]
SCRIPT = REPO / "scripts" / "gpu_check.py"


def _module():
    spec = importlib.util.spec_from_file_location("gpu_check", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_pack_stays_within_budget_with_training_photos_at_224(tmp_path, monkeypatch, data_dir):
    gpu_check = _module()
    monkeypatch.setattr(gpu_check, "PACK", tmp_path / ".gpu" / "photos.tar")
    monkeypatch.setattr(gpu_check, "REPO", tmp_path)
    pack = gpu_check.pack(data_dir / "petimages", budget_mb=0.3, seed=0)
    assert pack.stat().st_size <= 0.3 * 1024 * 1024
    with tarfile.open(pack) as tar:
        members = tar.getmembers()
        assert {m.name.split("/")[0] for m in members} == {"cat", "dog"}
        with Image.open(tar.extractfile(members[0])) as im:
            assert im.size == (224, 224) and im.format == "JPEG"
    assert len(members) >= 10


def test_replicate_fills_one_epoch_with_hard_links(tmp_path):
    gpu_check = _module()
    for label in ("cat", "dog"):
        (tmp_path / "packed" / label).mkdir(parents=True)
        Image.new("RGB", (8, 8)).save(tmp_path / "packed" / label / "a.jpg")
    made = gpu_check.replicate(tmp_path / "packed", tmp_path / "photos", 7)
    files = sorted((tmp_path / "photos").rglob("*.jpg"))
    assert made == len(files) == 8
    assert {f.parent.name for f in files} == {"cat", "dog"}
    assert all(f.stat().st_nlink > 1 for f in files)


@pytest.mark.slow
def test_run_on_cpu_trains_exports_and_times_inference(tmp_path, data_dir):
    """The whole run (2 steps on the CPU): what it prints is what a GPU lease would report."""
    gpu_check = _module()
    pack = tmp_path / "repo" / ".gpu" / "photos.tar"
    pack.parent.mkdir(parents=True)
    gpu_check.PACK = pack
    gpu_check.REPO = tmp_path / "repo"
    gpu_check.pack(data_dir / "petimages", budget_mb=0.25, seed=0)
    proc = subprocess.run([sys.executable, "-c", f"""
import importlib.util, sys
from pathlib import Path
spec = importlib.util.spec_from_file_location("gpu_check", {str(SCRIPT)!r})
g = importlib.util.module_from_spec(spec); spec.loader.exec_module(g)
g.PACK = Path({str(pack)!r})
g.run(Path({str(tmp_path / 'out')!r}), "cpu", steps=2, seconds=0.5)
"""], capture_output=True, text=True, timeout=900, cwd=REPO)
    assert proc.returncode == 0, proc.stderr[-3000:]
    report = json.loads((tmp_path / "out" / "gpu_check.json").read_text())
    assert report["training"]["steps_done"] == 2
    assert report["onnxruntime_inference"]["used"] == ["CPUExecutionProvider"]
    assert report["onnxruntime_inference"]["images_per_s"] > 0 and report["torch_inference"]["images_per_s"] > 0
    assert (tmp_path / "out" / "gpu-check.onnx").stat().st_size > 1_000_000
