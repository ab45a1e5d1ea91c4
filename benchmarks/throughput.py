"""catdog against PyTorch on this CPU, one run, one table: ``python benchmarks/throughput.py [--model M.onnx]``.

Images/s at the model's own input size on real photos (``../shared/data/pets-ood-val``), higher is better,
all measured in this one run so that ratios hold on a shared, noisy machine:

* catdog's engine (ONNX Runtime, the session as the app opens it), fp32 and int8, flip TTA off and on,
  batch 1 and the chosen batch (:data:`catdog_gui.core.pipeline.DEFAULT_BATCH_SIZE`), preprocessed input;
* the same weights in PyTorch (rebuilt with ``training.recover``): eager fp32 channels_last, and bf16
  autocast channels_last where the CPU has AVX-512 BF16 or AMX; TTA = two passes there too;
* timm's ``legacy_xception`` (random weights, 2 classes, same size), fp32 channels_last: what a
  practitioner would run;
* ``catdog-classify`` end to end (process start + scan + decode + preprocess + inference + CSV) on
  pets-ood-val, at the app's defaults (int8 on the CPU, flip TTA, the chosen batch);
* the engine's model-only rate on the same photos (all of them decoded beforehand, then one timed pass of
  inference at the same settings), run back to back with each ``catdog-classify`` run: the CLI's share of the
  engine's rate comes from those pairs, so that the slow drifts of a shared machine's speed (+-10 % between
  minutes here) hit both sides of each ratio, rather than from the 16-photo rows above (best of a few short
  windows, a favourable draw by design);
* the GUI's rate on the same folder (the real window, offscreen at 1024x700, from the drop to the last row),
  run back to back with ``catdog-classify`` for ``--e2e-rounds`` rounds, order swapped each round, with the
  GUI/CLI ratio of each round (``--e2e-only`` measures just these two);
* the CLI's peak RSS (``/usr/bin/time -v``) on ``--rss-photos`` photos of ``../shared/data/petimages``.

The model must be a single-pass float32 file with ``<name>-int8.onnx`` beside it; when it is not (the
default model of contract v1 holds the mirror in its graph), its weights are re-exported once into
``runs/benchmark-models/`` with ``python -m training.export --from-onnx ... --int8``.
Appends the table, the machine and its CPU flags to ``benchmarks/RESULTS.md``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from catdog_gui.core.imaging import preprocess  # noqa: E402
from catdog_gui.core.model import Engine, default_model_path, int8_sibling, physical_cores  # noqa: E402
from catdog_gui.core.pipeline import DEFAULT_BATCH_SIZE, decode_one  # noqa: E402

HERE = Path(__file__).resolve().parent
DATA = Path(os.environ.get("CATDOG_DATA", REPO.parent / "shared" / "data"))
CPU = ("CPUExecutionProvider",)
FLAGS = ("avx2", "avx512f", "avx512_vnni", "avx_vnni", "avx512_bf16", "amx_bf16", "amx_int8", "amx_tile")


def cpu_flags() -> list[str]:
    """The CPU features that decide int8 / bf16 speed, as /proc/cpuinfo names them (Linux; else [])."""
    try:
        text = Path("/proc/cpuinfo").read_text()
    except OSError:
        return []
    have = set(re.search(r"^flags\s*:(.*)$", text, re.M).group(1).split()) if "flags" in text else set()
    return [f for f in FLAGS if f in have]


def machine() -> str:
    import onnxruntime as ort
    import torch

    cpu = platform.processor() or "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (f"{platform.system()} {platform.machine()}, {cpu}, {os.cpu_count()} logical CPUs "
            f"({physical_cores()} physical cores), CPU flags: {' '.join(cpu_flags()) or 'none found'}; Python "
            f"{platform.python_version()}, onnxruntime {ort.__version__}, torch {torch.__version__}")


def timed(step, images_per_call: int, seconds: float, min_calls: int = 2) -> float:
    """images/s of ``step()`` over at least ``seconds`` and ``min_calls`` calls (after warm-up elsewhere)."""
    calls, start = 0, time.perf_counter()
    while calls < min_calls or time.perf_counter() - start < seconds:
        step()
        calls += 1
    return images_per_call * calls / (time.perf_counter() - start)


def interleaved(steps: dict[str, tuple], seconds: float, rounds: int) -> list[tuple[str, float]]:
    """Measure every ``name -> (step, images_per_call)`` in turn, ``rounds`` times, and keep each one's best.

    On a machine shared with other work the load changes from minute to minute; measuring the settings
    round-robin and keeping each one's best round (the least disturbed) lets one run's ratios hold.
    """
    for step, _ in steps.values():
        step()  # warm-up: session arenas, oneDNN primitives
    best = {name: 0.0 for name in steps}
    for r in range(rounds):
        for name, (step, n) in steps.items():
            best[name] = max(best[name], timed(step, n, seconds / rounds, min_calls=1))
        print(f"  round {r + 1}/{rounds}: " + ", ".join(f"{k.split(',')[0][:24]}..{v:.1f}" for k, v in best.items()),
              flush=True)
    return list(best.items())


def prepared_models(model: Path) -> Path:
    """A single-pass float32 file with its int8 sibling: ``model`` itself, or a re-export of its weights."""
    meta = Engine(model, providers=CPU).info.metadata
    if meta.get("tta", "none") == "none" and meta.get("precision", "fp32") == "fp32" and int8_sibling(model).is_file():
        return model
    out = REPO / "runs" / "benchmark-models" / model.name
    if not (out.is_file() and int8_sibling(out).is_file() and out.stat().st_mtime >= model.stat().st_mtime):
        print(f"re-exporting {model.name} single-pass with an int8 sibling into {out.parent} ...", flush=True)
        subprocess.run([sys.executable, "-m", "training.export", "--from-onnx", str(model), "--out", str(out),
                        "--verify-data", str(DATA / "petimages"), "--int8",
                        "--calibration-data", str(DATA / "petimages")], check=True, cwd=REPO)
    return out


def engine_steps(model: Path, x: np.ndarray, batch: int) -> dict[str, tuple]:
    steps = {}
    for precision in ("fp32", "int8"):
        for tta in (False, True):
            engine = Engine(model, providers=CPU, precision=precision, tta=tta)
            for b in (1, batch):
                steps[f"catdog engine {precision}, TTA {'on' if tta else 'off'}, batch {b}"] = \
                    (lambda e=engine, b=b: e.predict(x[:b]), b)
    return steps


def torch_steps(model: Path, x: np.ndarray, batch: int) -> dict[str, tuple]:
    import timm
    import torch

    from training.recover import load_weights_from_onnx

    torch.set_num_threads(physical_cores())
    ours = load_weights_from_onnx(model).eval().to(memory_format=torch.channels_last)
    torch.manual_seed(0)
    reference = timm.create_model("legacy_xception", pretrained=False, num_classes=2).eval()
    reference = reference.to(memory_format=torch.channels_last)
    t = torch.from_numpy(x[:batch]).contiguous(memory_format=torch.channels_last)
    t_mirror = torch.flip(t, dims=[3]).contiguous(memory_format=torch.channels_last)
    settings = [("fp32", False)]
    if {"avx512_bf16", "amx_bf16"} & set(cpu_flags()):
        settings.append(("bf16 autocast", True))
    steps = {}
    for name, bf16 in settings:
        for tta in (False, True):
            @torch.inference_mode()
            def step(tta=tta, bf16=bf16):
                with torch.autocast("cpu", dtype=torch.bfloat16, enabled=bf16):
                    logits = ours(t)
                    if tta:
                        logits = (logits + ours(t_mirror)) / 2
                return torch.softmax(logits.float(), 1)
            steps[f"same weights, PyTorch eager {name} channels_last, TTA {'on' if tta else 'off'}, batch {batch}"] = \
                (step, batch)
    steps[f"timm legacy_xception (random weights), PyTorch fp32 channels_last, TTA off, batch {batch}"] = \
        (torch.inference_mode()(lambda: reference(t)), batch)
    return steps


def bench_cli(model: Path, folder: Path, extra: list[str]) -> tuple[float, int, float]:
    """(images/s of the whole process, photos, peak RSS in MB) of ``catdog-classify`` on ``folder``."""
    with tempfile.TemporaryDirectory() as tmp:
        cmd = ["/usr/bin/time", "-v", sys.executable, "-m", "catdog_gui.cli", str(folder), "--csv",
               str(Path(tmp) / "out.csv"), "--model", str(model), "-q", *extra]
        start = time.perf_counter()
        proc = subprocess.run(cmd, capture_output=True, text=True, cwd=REPO)
        elapsed = time.perf_counter() - start
        if proc.returncode != 0:
            raise RuntimeError(f"catdog-classify failed: {proc.stderr[-2000:]}")
        rows = len((Path(tmp) / "out.csv").read_text(encoding="utf-8-sig").splitlines()) - 1
    rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", proc.stderr)
    return rows / elapsed, rows, (int(rss.group(1)) / 1024 if rss else float("nan"))


_GUI_SCRIPT = """
import json, sys, time
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from catdog_gui.app.main_window import MainWindow
app = QApplication([])
w = MainWindow(sys.argv[1], batch_size=int(sys.argv[3]))
w.resize(1024, 700)
w.show()
t = {}
def go():
    t["cpu"], t["start"] = time.thread_time(), time.perf_counter()
    w.classify([sys.argv[2]])
def finished():
    t["seconds"], t["main_cpu_s"] = time.perf_counter() - t["start"], time.thread_time() - t["cpu"]
    app.quit()
w.run_finished.connect(finished)
QTimer.singleShot(500, go)  # once the window is up, as a user who drops a folder on it
app.exec()
print(json.dumps({"rows": w.results.rowCount(), "seconds": t["seconds"], "main_cpu_s": t["main_cpu_s"],
                  "settings": w.engine.describe_settings()}))
w.shutdown()
"""


def bench_gui(model: Path, folder: Path, batch: int) -> tuple[float, int, str, float]:
    """(images/s, rows, settings, GUI-thread CPU seconds) of the real window classifying ``folder`` (offscreen,
    1024x700, in its own event loop, from the drop to the last row; the model is loaded before)."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    proc = subprocess.run([sys.executable, "-c", _GUI_SCRIPT, str(model), str(folder), str(batch)], capture_output=True,
                          text=True, cwd=REPO, env=env)
    if proc.returncode != 0:
        raise RuntimeError(f"GUI run failed: {proc.stderr[-2000:]}")
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    return result["rows"] / result["seconds"], result["rows"], result["settings"], result["main_cpu_s"]


class FolderModelOnly:
    """The engine's model-only rate on every photo of a folder, at the CLI's defaults (int8 on the CPU, flip
    TTA, ``batch``): the photos are decoded once, up front and untimed (about 0.8 MB each at 256x256), then
    each call of :meth:`rate` times one pass of inference over all of them.
    """

    def __init__(self, model: Path, folder: Path, batch: int) -> None:
        self.engine = Engine(model, providers=CPU, precision="auto", tta=True)
        decoded = [decode_one(str(p), self.engine.info.preprocessing)
                   for p in sorted(folder.rglob("*")) if p.is_file()]
        self.x = np.stack([a for a in decoded if not isinstance(a, str)])
        self.batch = batch
        self.engine.predict(self.x[:batch])  # warm-up: session arena, kernels

    def rate(self) -> float:
        """images/s of one timed pass over every photo."""
        start = time.perf_counter()
        for i in range(0, len(self.x), self.batch):
            self.engine.predict(self.x[i:i + self.batch])
        return len(self.x) / (time.perf_counter() - start)


def bench_end_to_end(model: Path, folder: Path, batch: int, rounds: int, gui: bool) -> dict:
    """``catdog-classify``, the engine's model-only pass on the same photos (:class:`FolderModelOnly`) and the
    GUI on ``folder``, back to back, ``rounds`` times (the order swapped each round, so that a change of load
    hits both); each one's best round, and the CLI/model-only and GUI/CLI ratios of every round.

    Returns:
        ``{"cli": images/s, "n": photos, "rss": CLI peak RSS MB, "gui": images/s or None, "gui_n", "settings",
        "gui_cpu": GUI-thread CPU s of the best GUI round, "ratios": [GUI/CLI per round], "model": model-only
        images/s (best round), "model_n": photos, "cli_ratios": [CLI/model-only per round]}``
    """
    out = {"cli": 0.0, "n": 0, "rss": float("nan"), "gui": None, "gui_n": 0, "settings": "", "gui_cpu": float("nan"),
           "ratios": [], "model": 0.0, "model_n": 0, "cli_ratios": []}
    model_only = FolderModelOnly(model, folder, batch)
    out["model_n"] = len(model_only.x)
    for r in range(rounds):
        order = ("model", "cli", "gui") if r % 2 == 0 else ("gui", "cli", "model")
        got = {}
        for what in order:
            if what == "model":
                got["model"] = model_only.rate()
                out["model"] = max(out["model"], got["model"])
            elif what == "cli":
                rate, out["n"], rss = bench_cli(model, folder, [])
                got["cli"] = rate
                if rate > out["cli"]:
                    out["cli"], out["rss"] = rate, rss
            elif gui:
                rate, out["gui_n"], out["settings"], cpu = bench_gui(model, folder, batch)
                got["gui"] = rate
                if rate > (out["gui"] or 0.0):
                    out["gui"], out["gui_cpu"] = rate, cpu
        out["cli_ratios"].append(got["cli"] / got["model"])
        line = (f"  end to end, round {r + 1}/{rounds}: engine model-only {got['model']:.2f} images/s, catdog-classify "
                f"{got['cli']:.2f} images/s ({out['cli_ratios'][-1]:.0%})")
        if "gui" in got:
            out["ratios"].append(got["gui"] / got["cli"])
            line += f", GUI {got['gui']:.2f} images/s, GUI/CLI {out['ratios'][-1]:.0%}"
        print(line, flush=True)
    return out


def _args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--model", default=str(default_model_path()))
    p.add_argument("--seconds", type=float, default=9.0, help="time per model-only setting, over all rounds (9)")
    p.add_argument("--rounds", type=int, default=3, help="round-robin rounds of the model-only settings (3)")
    p.add_argument("--rss-photos", type=int, default=10000,
                   help="photos of petimages for the CLI's peak RSS (10000; 0 to skip)")
    p.add_argument("--no-gui", action="store_true", help="skip the GUI measurement")
    p.add_argument("--e2e-rounds", type=int, default=2,
                   help="rounds of catdog-classify and the GUI back to back, order swapped each round (2)")
    p.add_argument("--e2e-only", action="store_true",
                   help="only the end-to-end rows (catdog-classify and the GUI), not the model-only or RSS ones")
    p.add_argument("--folder-photos", type=int, default=0,
                   help="end-to-end runs on the first N photos of pets-ood-val only (0: all 1,200)")
    return p.parse_args()


def _peak_rss_note(model: Path, count: int) -> str:
    """The CLI's peak RSS on the first ``count`` petimages photos, as one line."""
    with tempfile.TemporaryDirectory() as tmp:
        every = sorted((DATA / "petimages").rglob("*.jpg"))[:count]
        for i, src in enumerate(every):
            os.symlink(src, Path(tmp) / f"{i:05d}_{src.name}")
        rss_rate, rss_n, rss = bench_cli(model, Path(tmp), [])
    return f"catdog-classify peak RSS on {rss_n} petimages photos: {rss:.0f} MB ({rss_rate:.1f} images/s)"


def _ratios(rate: dict[str, float], batch: int, e2e: dict) -> list[str]:
    """The ratios the issue asks for, from one run's rows; only GUI/CLI when the model-only rows were skipped."""
    cli_rate, gui_rate = e2e["cli"], e2e["gui"]
    gui = ([f"GUI / catdog-classify: {gui_rate / cli_rate:.0%} (best rounds); per round, back to back: "
            + ", ".join(f"{r:.0%}" for r in e2e["ratios"])] if gui_rate is not None else [])
    gui.insert(0, f"catdog-classify end to end / engine model-only on the same {e2e['model_n']} photos at the same "
                  f"settings (int8, TTA on, batch {batch}): {cli_rate / e2e['model']:.0%} (best rounds); per round, "
                  "back to back: " + ", ".join(f"{r:.0%}" for r in e2e["cli_ratios"]))
    if not any(k.startswith("catdog engine") for k in rate):
        return gui

    def get(prefix: str) -> float:
        return next(v for k, v in rate.items() if k.startswith(prefix))

    best_torch = max(v for k, v in rate.items() if k.startswith("same weights") and "TTA on" in k)
    best_torch_name = max((k for k in rate if k.startswith("same weights") and "TTA on" in k), key=rate.get)
    default = get(f"catdog engine int8, TTA on, batch {batch}")
    ratios = [
        f"catdog default CPU path (int8, TTA on, batch {batch}) / best PyTorch with TTA ({best_torch_name.split(',')[1].strip()}): "
        f"{default / best_torch:.2f}x",
        f"int8 / fp32 in ONNX Runtime (TTA off, batch {batch}): "
        f"{get(f'catdog engine int8, TTA off, batch {batch}') / get(f'catdog engine fp32, TTA off, batch {batch}'):.2f}x",
        f"catdog-classify end to end / engine model-only row above (16 photos, best short window): "
        f"{cli_rate / default:.0%}",
    ]
    return ratios + gui


def _end_to_end_rows(e2e: dict, batch: int, rounds: int) -> list[tuple[str, float]]:
    """The table rows of :func:`bench_end_to_end`'s result (printed as they are made)."""
    rows = [(f"model-only pass of catdog's engine over the same {e2e['model_n']} pets-ood-val photos decoded beforehand (int8, TTA "
             f"on, batch {batch}; one pass each round; best of {rounds})", e2e["model"]),
            (f"catdog-classify end to end, {e2e['n']} pets-ood-val photos (int8, TTA on, batch {batch}; process "
             f"start included; peak RSS {e2e['rss']:.0f} MB; best of {rounds})", e2e["cli"])]
    if e2e["gui"] is not None:
        rows.append((f"catdog GUI (offscreen, 1024x700), {e2e['gui_n']} pets-ood-val photos ({e2e['settings']}, "
                     f"batch {batch}; from the drop to the last row; GUI thread busy {e2e['gui_cpu']:.1f} s; best of "
                     f"{rounds})", e2e["gui"]))
    for name, value in rows:
        print(f"  {name}: {value:.1f}", flush=True)
    return rows


def _append_results(text: str) -> None:
    results = HERE / "RESULTS.md"
    if not results.exists():
        results.write_text("# Benchmark results\n\nAppended by `python benchmarks/throughput.py`.\n", encoding="utf-8")
    with open(results, "a", encoding="utf-8") as f:
        f.write(text)


def main() -> None:
    args = _args()
    model = prepared_models(Path(args.model))
    batch = DEFAULT_BATCH_SIZE
    folder = DATA / "pets-ood-val"
    photos = sorted(folder.rglob("*.jpg"))[::37][:max(batch, 16)]
    subset = tempfile.TemporaryDirectory()
    if args.folder_photos:
        for i, src in enumerate(sorted(folder.rglob("*.jpg"))[::max(1, 1200 // args.folder_photos)][:args.folder_photos]):
            os.symlink(src, Path(subset.name) / f"{i:05d}_{src.name}")
        folder = Path(subset.name)
    spec = Engine(model, providers=CPU).info.preprocessing
    x = np.stack([preprocess(p, spec) for p in photos])
    h, w = spec.image_size
    print(machine(), flush=True)
    load_before = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    rows = [] if args.e2e_only else interleaved({**engine_steps(model, x, batch), **torch_steps(model, x, batch)},
                                                args.seconds, args.rounds)
    e2e = bench_end_to_end(model, folder, batch, max(1, args.e2e_rounds), gui=not args.no_gui)
    rows += _end_to_end_rows(e2e, batch, args.e2e_rounds)
    rss_note = _peak_rss_note(model, args.rss_photos) if args.rss_photos and not args.e2e_only else ""
    if rss_note:
        print("  " + rss_note, flush=True)
    ratios = _ratios(dict(rows), batch, e2e)
    lines = [f"\n## {dt.datetime.now().isoformat(timespec='minutes')}: {Path(args.model).name}, {h}x{w}, one run"
             f"{' (end to end only)' if args.e2e_only else ''}\n",
             f"Machine: {machine()}; ONNX Runtime intra-op threads {physical_cores()}; load average "
             f"{load_before:.1f} before, {os.getloadavg()[0] if hasattr(os, 'getloadavg') else float('nan'):.1f} "
             f"after; {'' if args.e2e_only else f'model-only rows: best of {args.rounds} interleaved rounds; '}"
             f"measured on "
             f"{model.relative_to(REPO) if model.is_relative_to(REPO) else model} and its int8 sibling\n",
             "| measurement | images/s |", "|---|---|"]
    lines += [f"| {name} | {value:.1f} |" for name, value in rows]
    lines += [""] + [f"- {r}" for r in ratios] + ([f"- {rss_note}"] if rss_note else [])
    text = "\n".join(lines) + "\n"
    print(text)
    _append_results(text)


if __name__ == "__main__":
    main()
