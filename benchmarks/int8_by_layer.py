"""Where int8 wins and where it does not, on this CPU: ``python benchmarks/int8_by_layer.py [--model M.onnx]``.

Runs the float32 file and its int8 sibling as the app opens them (:class:`catdog_gui.core.model.Engine`'s
session options: intra-op threads = physical cores, no spinning), single pass, on one batch of real
pets-ood-val photos; times both in alternating rounds (best round each), then profiles one run of each with
ONNX Runtime's profiler and sums the kernel time per kind of layer, read from the optimised graph ONNX Runtime
actually runs: pointwise (1x1) convolutions, depthwise 3x3 convolutions, full 3x3 convolutions (the stem),
everything else (QuantizeLinear/DequantizeLinear, pooling, adds, layout changes).

Int8 GEMMs gain most from VNNI (AVX-512 VNNI / AVX-VNNI: one instruction per 4 int8 multiply-adds); on an
AVX2-only CPU ONNX Runtime's kernels use VPMADDUBSW + VPMADDWD, about half of that. Appends the table, the
machine and its CPU flags to ``benchmarks/RESULTS.md``.
"""

from __future__ import annotations

import argparse
import collections
import datetime as dt
import json
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from throughput import DATA, _append_results, machine  # noqa: E402

from catdog_gui.core.imaging import preprocess  # noqa: E402
from catdog_gui.core.model import Engine, default_model_path, int8_sibling  # noqa: E402
from catdog_gui.core.pipeline import DEFAULT_BATCH_SIZE  # noqa: E402

CONVS = ("Conv", "QLinearConv", "NchwcConv", "FusedConv")


def layer_kinds(optimized: Path) -> dict[str, str]:
    """Node name -> ``"pointwise"``, ``"depthwise"`` or ``"full 3x3"`` for the convolutions of an optimised
    ONNX graph (what ONNX Runtime's profiler names its nodes by)."""
    import onnx

    kinds = {}
    for node in onnx.load(str(optimized)).graph.node:
        if node.op_type not in CONVS:
            continue
        attrs = {a.name: onnx.helper.get_attribute_value(a) for a in node.attribute}
        kinds[node.name] = ("depthwise" if attrs.get("group", 1) > 1
                            else "pointwise" if list(attrs.get("kernel_shape", [])) == [1, 1] else "full 3x3")
    return kinds


def profile(path: Path, x: np.ndarray, workdir: Path) -> dict[str, float]:
    """ms per batch of each layer kind (one profiled run after a warm-up run), with the session options the
    app uses (copied from an :class:`Engine` over ``path``)."""
    import onnxruntime as ort

    options = Engine(path, providers=("CPUExecutionProvider",))._options  # noqa: SLF001 - the app's options
    options.enable_profiling = True
    options.profile_file_prefix = str(workdir / path.stem)
    options.optimized_model_filepath = str(workdir / f"{path.stem}-optimized.onnx")
    session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
    session.run(["probabilities"], {"image": x})  # warm-up
    session.run(["probabilities"], {"image": x})  # measured
    events = json.loads(Path(session.end_profiling()).read_text())
    kinds = layer_kinds(workdir / f"{path.stem}-optimized.onnx")
    nodes = [e for e in events if e.get("cat") == "Node" and e["name"].endswith("_kernel_time")]
    measured = nodes[len(nodes) // 2:]  # the second of the two runs
    total: dict[str, float] = collections.Counter()
    for e in measured:
        name = e["name"].removesuffix("_kernel_time")
        total[kinds.get(name, "other")] += e["dur"] / 1000
    return dict(total)


def timed(engine: Engine, x: np.ndarray, rounds: int) -> float:
    """Best images/s of ``rounds`` rounds of two batches each."""
    best = 0.0
    for _ in range(rounds):
        start = time.perf_counter()
        engine.predict(x)
        engine.predict(x)
        best = max(best, 2 * len(x) / (time.perf_counter() - start))
    return best


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--model", default=str(default_model_path()))
    p.add_argument("--rounds", type=int, default=4)
    args = p.parse_args()
    fp32 = Path(args.model)
    int8 = int8_sibling(fp32)
    photos = sorted((DATA / "pets-ood-val").rglob("*.jpg"))[::150][:DEFAULT_BATCH_SIZE]
    engines = {name: Engine(path, providers=("CPUExecutionProvider",)) for name, path in (("fp32", fp32),
                                                                                          ("int8", int8))}
    spec = engines["fp32"].info.preprocessing
    x = np.stack([preprocess(str(p), spec) for p in photos])
    for e in engines.values():
        e.predict(x)  # warm-up
    rate = {name: 0.0 for name in engines}
    for _ in range(args.rounds):  # alternate, keep each one's best: the ratio holds on a noisy machine
        for name, engine in engines.items():
            rate[name] = max(rate[name], timed(engine, x, 1))
    with tempfile.TemporaryDirectory() as tmp:
        ms = {name: profile(path, x, Path(tmp)) for name, path in (("fp32", fp32), ("int8", int8))}
    kinds = ["pointwise", "depthwise", "full 3x3", "other"]
    rows = [f"| {k} | {ms['fp32'].get(k, 0):.0f} | {ms['int8'].get(k, 0):.0f} | "
            f"{ms['fp32'].get(k, 0) / max(ms['int8'].get(k, 0), 1e-9):.2f}x |" for k in kinds]
    tot = {n: sum(v.values()) for n, v in ms.items()}
    text = (f"\n## {dt.datetime.now():%Y-%m-%dT%H:%M}: int8 against fp32 by layer kind "
            f"(`python benchmarks/int8_by_layer.py`)\n\nMachine: {machine()}; load average before: "
            f"{os.getloadavg()[0]:.2f}. {fp32.name} and {int8.name}, single pass, batch {len(x)} of pets-ood-val "
            f"photos, {x.shape[2]}x{x.shape[3]}.\n\n"
            f"Engine rate, best of {args.rounds} alternating rounds: fp32 {rate['fp32']:.1f} images/s, int8 "
            f"{rate['int8']:.1f} images/s: **int8 / fp32 = {rate['int8'] / rate['fp32']:.2f}x**.\n\n"
            "| layer kind | fp32 ms per batch | int8 ms per batch | fp32 / int8 |\n|---|---|---|---|\n"
            + "\n".join(rows)
            + f"\n| all (kernel time) | {tot['fp32']:.0f} | {tot['int8']:.0f} | {tot['fp32'] / tot['int8']:.2f}x |\n")
    print(text)
    _append_results(text)


if __name__ == "__main__":
    main()
