"""One prepared run on a lent GPU machine: train a few hundred steps at 224 px, export to the ONNX contract, run the
export with ONNX Runtime's CUDA execution provider, print images/s for training and inference and the providers
really used. Also runs on a CPU-only machine (``--device cpu``, fewer steps) so it can be checked before a lease.

Usage (here, before the call)::

    python scripts/gpu_check.py pack            # writes .gpu/photos.tar (training photos, 224 px JPEGs)

and on the device machine (``run`` with ``carry=[".gpu"]``; see ``scripts/gpu_check.sh``)::

    python scripts/gpu_check.py run --out $OUT

What travels is limited to 64 MiB in all (the working tree, whose two model files already take about 64 MB,
plus ``.gpu``): ``pack`` sizes the photo tar to what is left (``--budget-mb``, default: 64 MiB minus the tracked
tree minus 256 KiB), at 224 px so that no resizing is needed there. The device's image has PyTorch, onnx and
onnxruntime (a CPU-only build, 1.30 as seen in 2026-11); the CUDA provider needs ``onnxruntime-gpu``, whose wheel
(about 256 MB for cp312) cannot travel, so where the provider is missing the inference row is measured with ONNX
Runtime on whatever providers it has and with PyTorch on CUDA, and the report says so. ``pillow_heif`` is not
there either (5.7 MB wheel): the packed photos are JPEGs, so a stand-in module that registers nothing is used.

Printed (and written to ``<out>/gpu_check.json``): device name, torch/ORT versions, training images/s (bf16
autocast + channels_last on CUDA), ONNX Runtime providers requested and used, inference images/s (batch 64).
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PACK = REPO / ".gpu" / "photos.tar"
MIB = 1024 * 1024
TRAVEL_LIMIT = 64 * MIB  # what one device call may carry (working tree + carried paths), bytes
SIZE = 224  # training and inference size, pixels


def tracked_bytes() -> int:
    """Bytes of the files git tracks in the repository (what every device call sends)."""
    names = subprocess.run(["git", "ls-files", "-z"], cwd=REPO, capture_output=True, check=True).stdout
    return sum((REPO / n).stat().st_size for n in names.decode().split("\0") if n and (REPO / n).is_file())


def pack(data: Path, budget_mb: float | None, seed: int) -> Path:
    """Write ``.gpu/photos.tar`` (``cat/*.jpg``, ``dog/*.jpg`` at 224x224, quality 85) from the TRAINING part of
    ``data`` (training.data's stratified split; never pets-ood-val), alternating classes until the budget (MB) is
    used. Returns the tar's path."""
    from PIL import Image

    from training.data import LABELS, find_samples, stratified_split

    budget = TRAVEL_LIMIT - tracked_bytes() - 256 * 1024 if budget_mb is None else int(budget_mb * MIB)
    if budget < 200 * 1024:
        raise SystemExit(f"only {budget / MIB:.2f} MiB left of the 64 MiB a device call carries: no room for photos")
    samples, _layout = find_samples(data)
    train, _ = stratified_split(samples, val_fraction=0.1, seed=seed)
    random.Random(seed).shuffle(train)
    PACK.parent.mkdir(exist_ok=True)
    (REPO / ".gpu" / ".gitignore").write_text("*\n")
    used, count = 0, 0
    with tarfile.open(PACK, "w") as tar:
        for sample in train:
            try:
                with Image.open(sample.path) as im:
                    rgb = im.convert("RGB").resize((SIZE, SIZE), Image.Resampling.BILINEAR)
            except OSError:
                continue
            buf = io.BytesIO()
            rgb.save(buf, "JPEG", quality=85)
            if used + buf.tell() + 1024 > budget:
                break
            info = tarfile.TarInfo(f"{LABELS[sample.target]}/{count:05d}.jpg")
            info.size = buf.tell()
            buf.seek(0)
            tar.addfile(info, buf)
            used += info.size + 1024
            count += 1
    print(f"packed {count} photos ({PACK.stat().st_size / MIB:.2f} MiB, budget {budget / MIB:.2f} MiB) into {PACK}")
    return PACK


def _stand_in_pillow_heif(folder: Path) -> str | None:
    """When ``pillow_heif`` is absent, write a stand-in module into ``folder`` (to put first on PYTHONPATH) that
    registers nothing (the packed photos are JPEGs). Returns the folder to prepend, or None when it is installed."""
    try:
        import pillow_heif  # noqa: F401
    except ImportError:
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "pillow_heif.py").write_text('"""Stand-in: no HEIF decoding on this machine."""\n'
                                               '__version__ = "absent"\n'
                                               'def register_heif_opener(**_):\n    pass\n')
        return str(folder)
    return None


def _cpu_flags() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            flags = next(line for line in f if line.startswith("flags")).split()
    except (OSError, StopIteration):
        return "unknown"
    return " ".join(f for f in ("avx2", "avx512f", "avx512_vnni", "avx512_bf16", "amx_bf16") if f in flags)


def _python_env(extra: str | None) -> dict:
    paths = [p for p in (extra, str(REPO), os.environ.get("PYTHONPATH")) if p]
    return {**os.environ, "PYTHONPATH": os.pathsep.join(paths), "PYTHONUNBUFFERED": "1"}


def replicate(photos: Path, into: Path, count: int) -> int:
    """Hard-link the packed photos under ``into/<class>/`` until there are at least ``count``, so that one epoch
    holds every timed step (a pack of ~100 photos would otherwise make one-step epochs, each paying the
    DataLoader start and a validation pass). Returns the number of files."""
    originals = sorted(photos.rglob("*.jpg"))
    made = 0
    while made < count:
        for src in originals:
            dst = into / src.parent.name / f"{made:06d}.jpg"
            dst.parent.mkdir(parents=True, exist_ok=True)
            os.link(src, dst)
            made += 1
    return made


def _train(photos: Path, run: Path, device: str, steps: int, batch: int, stand_in: str | None) -> dict:
    """Run training.train for ``steps`` optimiser steps at 224 px in one epoch; returns the figures of its
    history row (images/s as training.train measures it)."""
    cmd = [sys.executable, "-m", "training.train", "--data", str(photos), "--out", str(run),
           "--image-size", str(SIZE), "--device", device, "--batch-size", str(batch), "--epochs", "1",
           "--max-steps", str(steps), "--warmup-epochs", "0", "--val-fraction", "0.02", "--data-mode", "stream",
           "--workers", str(min(12, os.cpu_count() or 1))]
    print("+", " ".join(cmd[1:]), flush=True)
    started = time.perf_counter()
    subprocess.run(cmd, cwd=REPO, check=True, env=_python_env(stand_in))
    rows = [json.loads(line) for line in (run / "history.jsonl").read_text().splitlines() if line.strip()]
    keep = ("steps_done", "images_per_s", "train_loss", "val_top1", "epoch_s")
    return {"wall_s": round(time.perf_counter() - started, 1), "batch": batch,
            **{k: rows[-1][k] for k in keep if k in rows[-1]}}


def _export(run: Path, out: Path, stand_in: str | None) -> Path:
    model = out / "gpu-check.onnx"
    cmd = [sys.executable, "-m", "training.export", "--checkpoint", str(run / "last.pt"), "--out", str(model), "--verify-count", "16"]
    print("+", " ".join(cmd[1:]), flush=True)
    subprocess.run(cmd, cwd=REPO, check=True, env=_python_env(stand_in))
    return model


def _ort_inference(model: Path, batch: int, seconds: float) -> dict:
    """images/s of ONNX Runtime on the exported model, CUDA provider first; the providers really used."""
    import numpy as np
    import onnxruntime as ort

    requested = ["CUDAExecutionProvider", "CPUExecutionProvider"]
    session = ort.InferenceSession(str(model), providers=[p for p in requested if p in ort.get_available_providers()])
    name = session.get_inputs()[0].name
    x = np.random.default_rng(0).standard_normal((batch, 3, SIZE, SIZE), dtype=np.float32)
    session.run(["logits"], {name: x})
    done, started = 0, time.perf_counter()
    while time.perf_counter() - started < seconds:
        session.run(["logits"], {name: x})
        done += batch
    return {"onnxruntime": ort.__version__, "available": ort.get_available_providers(),
            "used": session.get_providers(), "batch": batch,
            "images_per_s": round(done / (time.perf_counter() - started), 1)}


def _torch_inference(run: Path, device: str, batch: int, seconds: float) -> dict:
    """images/s of the trained PyTorch model (eval, channels_last, bf16 autocast on CUDA)."""
    import torch

    from training.xception import xception

    state = torch.load(run / "last.pt", map_location="cpu", weights_only=False)
    model = xception(num_classes=2)
    model.load_state_dict(state["model"])
    model = model.to(device).eval().to(memory_format=torch.channels_last)
    x = torch.randn(batch, 3, SIZE, SIZE, device=device).to(memory_format=torch.channels_last)
    autocast = torch.autocast(device, dtype=torch.bfloat16, enabled=device == "cuda")
    with torch.inference_mode(), autocast:
        model(x)
        if device == "cuda":
            torch.cuda.synchronize()
        done, started = 0, time.perf_counter()
        while time.perf_counter() - started < seconds:
            model(x)
            done += batch
        if device == "cuda":
            torch.cuda.synchronize()
    return {"device": device, "batch": batch, "bf16": device == "cuda",
            "images_per_s": round(done / (time.perf_counter() - started), 1)}


def run(out: Path, device: str, steps: int, seconds: float) -> dict:
    """Unpack the photos, train, export, time inference; print and return the report."""
    import torch

    if device == "auto":
        device = "cuda" if torch.cuda.is_available() else "cpu"
    report: dict = {"torch": torch.__version__, "cuda_available": torch.cuda.is_available(),
                    "device_name": torch.cuda.get_device_name(0) if torch.cuda.is_available() else "cpu",
                    "cpu_flags": _cpu_flags(), "device": device}
    print(json.dumps(report), flush=True)
    if not PACK.is_file():
        raise SystemExit(f"{PACK} is missing: run 'python scripts/gpu_check.py pack' here and carry .gpu")
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        photos, runs = Path(tmp) / "photos", Path(tmp) / "run"
        stand_in = _stand_in_pillow_heif(Path(tmp) / "stand-in")
        report["pillow_heif"] = "stand-in (not installed)" if stand_in else "installed"
        with tarfile.open(PACK) as tar:
            tar.extractall(Path(tmp) / "packed", filter="data")
        report["photos"] = sum(1 for _ in (Path(tmp) / "packed").rglob("*.jpg"))
        batch = 64 if device == "cuda" else 8
        report["photos_replicated"] = replicate(Path(tmp) / "packed", photos, int(steps * batch / 0.98) + batch)
        report["training"] = _train(photos, runs, device, steps, batch, stand_in)
        model = _export(runs, out, stand_in)
        report["onnxruntime_inference"] = _ort_inference(model, batch, seconds)
        if "CUDAExecutionProvider" not in report["onnxruntime_inference"]["used"] and device == "cuda":
            report["onnxruntime_note"] = ("CUDA execution provider unavailable in this onnxruntime build "
                                          "(onnxruntime-gpu is not installed there and its wheel cannot travel)")
        report["torch_inference"] = _torch_inference(runs, device, batch, seconds)
    (out / "gpu_check.json").write_text(json.dumps(report, indent=2))
    print(json.dumps(report, indent=2))
    return report


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = p.add_subparsers(dest="command", required=True)
    pk = sub.add_parser("pack", help="pack training photos for the device call into .gpu/photos.tar")
    pk.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data" / "petimages")
    pk.add_argument("--budget-mb", type=float, default=None, help="MiB for the tar (default: what the 64 MiB leaves)")
    pk.add_argument("--seed", type=int, default=0)
    rn = sub.add_parser("run", help="train, export and time on this machine")
    rn.add_argument("--out", type=Path, default=Path(os.environ.get("OUT", "gpu-check-out")))
    rn.add_argument("--device", choices=["auto", "cuda", "cpu"], default="auto")
    rn.add_argument("--steps", type=int, default=300, help="optimiser steps (default 300)")
    rn.add_argument("--seconds", type=float, default=10.0, help="seconds of timed inference per engine")
    args = p.parse_args(argv)
    if args.command == "pack":
        pack(args.data, args.budget_mb, args.seed)
    else:
        run(args.out, args.device, args.steps, args.seconds)
    return 0


if __name__ == "__main__":
    sys.exit(main())
