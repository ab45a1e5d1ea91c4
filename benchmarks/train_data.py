"""Training data modes at scale: ``python benchmarks/train_data.py [--sizes 10000 40000]``.

For each number of photos (the petimages list repeated through symlinks, as many times as needed) and each
``--data-mode`` (``memory``: every photo decoded into memory; ``cache``: one memory-mapped ``.npy`` at the
training size; ``stream``: decoded from disk every epoch), runs ``python -m training.train`` for a fixed number
of steps under ``/usr/bin/time -v`` and records the training images/s (from the epoch line) and the peak
resident memory of the run (GNU time's "Maximum resident set size": the largest of the process and its
children), plus the wall time to the end including decoding or caching.

Appends a table to ``benchmarks/RESULTS.md`` with the machine's CPU flags.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA = Path(os.environ.get("CATDOG_DATA", HERE.parent.parent / "shared" / "data"))


def make_folder(root: Path, n: int) -> Path:
    """``root/cat`` and ``root/dog`` with ``n // 2`` symlinks each, cycling through petimages' photos."""
    for cls, sub in (("cat", "Cat"), ("dog", "Dog")):
        photos = sorted((DATA / "petimages" / sub).glob("*.jpg"))
        folder = root / cls
        folder.mkdir(parents=True, exist_ok=True)
        for i in range(n // 2):
            os.symlink(photos[i % len(photos)], folder / f"{i:06d}.jpg")
    return root


def run(data: Path, out: Path, mode: str, args) -> dict:
    cmd = ["/usr/bin/time", "-v", sys.executable, "-m", "training.train", "--data", str(data), "--out", str(out),
           "--image-size", str(args.image_size), "--epochs", "1", "--batch-size", str(args.batch_size),
           "--max-steps", str(args.steps), "--workers", str(args.workers), "--val-fraction", "0.005",
           "--data-mode", mode, "--ema-decay", "0"]
    start = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=HERE.parent)
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed:\n{proc.stderr[-2000:]}")
    rss_kb = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", proc.stderr).group(1))
    rate = float(re.search(r"epoch 0: .*?, ([\d.]+) images/s", proc.stdout).group(1))
    return {"images_per_s": rate, "peak_rss_mb": rss_kb / 1024, "wall_s": wall}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--sizes", type=int, nargs="+", default=[10_000, 40_000])
    p.add_argument("--modes", nargs="+", default=["memory", "cache", "stream"])
    p.add_argument("--image-size", type=int, default=160)
    p.add_argument("--batch-size", type=int, default=32)
    p.add_argument("--steps", type=int, default=20)
    p.add_argument("--workers", type=int, default=1)
    p.add_argument("--no-write", action="store_true")
    args = p.parse_args(argv)

    from training.train import cpu_flags

    rows = []
    with tempfile.TemporaryDirectory(prefix="catdog-train-data-") as tmp:
        for n in args.sizes:
            data = make_folder(Path(tmp) / f"data{n}", n)
            for mode in args.modes:
                result = run(data, Path(tmp) / f"out{n}-{mode}", mode, args)
                rows.append((n, mode, result))
                print(f"{n} photos, {mode}: {result['images_per_s']:.1f} images/s, peak RSS "
                      f"{result['peak_rss_mb']:.0f} MB, {result['wall_s']:.0f} s", flush=True)
    lines = [
        f"## {dt.datetime.now().isoformat(timespec='minutes')}: training data modes (`python benchmarks/train_data.py "
        f"--sizes {' '.join(map(str, args.sizes))} --steps {args.steps}`)",
        "",
        f"CPU flags: {cpu_flags()}; {os.cpu_count()} logical CPUs; load average before: {os.getloadavg()[0]:.2f}. "
        f"{args.image_size} px, batch {args.batch_size}, {args.steps} steps, {args.workers} DataLoader worker(s); "
        "petimages (180x180 JPEGs) repeated through symlinks.",
        "",
        "| photos | mode | training images/s | peak RSS (MB) | wall time incl. decoding/caching (s) |",
        "|---|---|---|---|---|",
        *[f"| {n:,} | {m} | {r['images_per_s']:.1f} | {r['peak_rss_mb']:.0f} | {r['wall_s']:.0f} |" for n, m, r in rows],
        "",
    ]
    text = "\n".join(lines)
    print(text)
    if not args.no_write:
        with open(HERE / "RESULTS.md", "a", encoding="utf-8") as f:
            f.write("\n" + text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
