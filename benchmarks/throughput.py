"""Throughput of the app's engine and pipeline: ``python benchmarks/throughput.py [--model M.onnx]``.

Measures, in one run on this machine (images/s, higher is better):

* ``engine``: ONNX Runtime ``predict`` on already preprocessed batches (batch 1 and 16), input at the
  model's own size;
* ``pipeline``: scan + decode (thread pool) + preprocess + inference over real full-size photos
  (``../shared/data/photos-fullsize``), what ``catdog-classify`` does.

Appends a table to ``benchmarks/RESULTS.md`` with the machine's description.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import time
from pathlib import Path

import numpy as np

from catdog_gui.core.imaging import preprocess
from catdog_gui.core.model import Engine, default_model_path
from catdog_gui.core.pipeline import classify
from catdog_gui.core.scan import scan_paths

HERE = Path(__file__).resolve().parent
DATA = Path(os.environ.get("CATDOG_DATA", HERE.parent.parent / "shared" / "data"))


def machine() -> str:
    import onnxruntime as ort

    cpu = platform.processor() or "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (f"{platform.system()} {platform.machine()}, {cpu}, {os.cpu_count()} logical CPUs, "
            f"Python {platform.python_version()}, onnxruntime {ort.__version__}")


def bench_engine(engine: Engine, photos: list[Path], batch: int, repeats: int) -> float:
    spec = engine.info.preprocessing
    x = np.stack([preprocess(p, spec) for p in (photos * batch)[:batch]])
    engine.predict(x)  # warm-up
    start = time.perf_counter()
    for _ in range(repeats):
        engine.predict(x)
    return batch * repeats / (time.perf_counter() - start)


def bench_pipeline(engine: Engine, folder: Path, batch: int) -> tuple[float, int]:
    paths, _ = scan_paths([folder])
    start = time.perf_counter()
    n = sum(1 for r in classify(engine, paths, batch_size=batch) if r.status == "ok")
    return n / (time.perf_counter() - start), n


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--model", default=str(default_model_path()))
    p.add_argument("--repeats", type=int, default=3)
    args = p.parse_args()
    engine = Engine(args.model)
    photos = sorted((DATA / "photos-fullsize" / "cat").glob("*.jpg"))[:16]
    h, w = engine.info.preprocessing.image_size
    rows = [(f"engine, batch 1, {h}x{w}", bench_engine(engine, photos, 1, 8 * args.repeats)),
            (f"engine, batch 16, {h}x{w}", bench_engine(engine, photos, 16, args.repeats))]
    rate, n = bench_pipeline(engine, DATA / "photos-fullsize", 16)
    rows.append((f"pipeline (decode + infer), {n} full-size photos, batch 16", rate))
    lines = [f"\n## {dt.datetime.now().isoformat(timespec='minutes')}: {Path(args.model).name}\n",
             f"Machine: {machine()}; provider: {engine.describe_provider()}\n",
             "| measurement | images/s |", "|---|---|"]
    lines += [f"| {name} | {value:.1f} |" for name, value in rows]
    text = "\n".join(lines) + "\n"
    print(text)
    results = HERE / "RESULTS.md"
    if not results.exists():
        results.write_text("# Benchmark results\n\nAppended by `python benchmarks/throughput.py`.\n", encoding="utf-8")
    with open(results, "a", encoding="utf-8") as f:
        f.write(text)


if __name__ == "__main__":
    main()
