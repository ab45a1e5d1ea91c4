"""Cold start of catdog-gui, frozen (PyInstaller one-folder) and from source; the bundle's size.

    pyinstaller build.spec --noconfirm          # once: dist/catdog/
    python benchmarks/cold_start.py [--bundle dist/catdog] [--runs 5] [--build]

For each run, alternately, ``dist/catdog/catdog-gui --startup-report`` and ``python -m catdog_gui
--startup-report``: each prints the seconds from process creation (kernel's start time) until the main
window is exposed with the model loaded, then quits (catdog_gui/app/startup.py); the wall time of the
whole command, measured here, adds Qt's and Python's teardown. The page cache is warm after the first
run (the first run's figures are listed too). Also reports the bundle's size (total, the model folder, the
CUDA provider library) and any torch/triton/training/nvidia file in it (there must be none).

Qt platform: ``xcb`` when ``$DISPLAY`` is set, else ``offscreen`` (``--platform`` to choose). Appends a
section to ``benchmarks/RESULTS.md``; figures are from one run, the ratio frozen/source is the comparable one.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))
from throughput import machine  # noqa: E402

REPORT = re.compile(r"startup: window shown ([\d.]+) s, model loaded ([\d.]+) s after process start \((.*)\)")
FORBIDDEN = re.compile(r"(^|[/_.-])(torch|torchvision|triton|training|nvidia)([/_.-]|$)", re.IGNORECASE)


def cpu_flags() -> str:
    """The CPU features that matter for ONNX Runtime's kernels, as found in /proc/cpuinfo."""
    try:
        flags = next(line.split(":", 1)[1].split() for line in Path("/proc/cpuinfo").read_text().splitlines()
                     if line.startswith("flags"))
    except (OSError, StopIteration):
        return "unknown"
    wanted = ("avx2", "avx512f", "avx512_vnni", "avx512_bf16", "amx_tile", "amx_bf16", "amx_int8")
    return " ".join(f for f in wanted if f in flags) or "none of avx2/avx512/amx"


def bundle_facts(bundle: Path) -> dict:
    """Sizes in MB (10^6 bytes, apparent sizes) and forbidden paths of a built one-folder bundle."""
    files = [p for p in bundle.rglob("*") if p.is_file() and not p.is_symlink()]
    size = lambda ps: sum(p.stat().st_size for p in ps) / 1e6  # noqa: E731
    models = [p for p in files if "resources/models" in p.as_posix()]
    cuda = [p for p in files if "providers_cuda" in p.name]
    forbidden = [str(p.relative_to(bundle)) for p in bundle.rglob("*") if FORBIDDEN.search(str(p.relative_to(bundle)))]
    return {"total": size(files), "models": size(models), "cuda": size(cuda), "files": len(files),
            "forbidden": forbidden}


def run_once(command: list[str], env: dict) -> tuple[float, float, float, str]:
    """(window shown s, model loaded s, wall s of the whole command, what was loaded) of one start."""
    start = time.perf_counter()
    proc = subprocess.run(command, capture_output=True, text=True, env=env, cwd="/", timeout=180)
    wall = time.perf_counter() - start
    match = REPORT.search(proc.stdout)
    if proc.returncode != 0 or not match:
        raise RuntimeError(f"{' '.join(command)} failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}")
    return float(match.group(1)), float(match.group(2)), wall, match.group(3)


def _build(bundle: Path) -> float:
    """Run ``pyinstaller build.spec`` into ``bundle``'s parent; returns the seconds it took."""
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "PyInstaller", str(REPO / "build.spec"), "--noconfirm",
                    "--distpath", str(bundle.parent), "--workpath", str(REPO / "build")],
                   check=True, cwd=REPO, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def _time_starts(variants: dict[str, list[str]], env: dict, runs: int
                 ) -> tuple[dict[str, list[tuple[float, float, float]]], str]:
    """``runs`` interleaved starts of each variant: per variant (shown, loaded, wall) seconds, and what loaded."""
    times: dict[str, list[tuple[float, float, float]]] = {name: [] for name in variants}
    loaded = ""
    for i in range(runs):
        for name, command in variants.items():
            shown, ready, wall, loaded = run_once(command, env)
            times[name].append((shown, ready, wall))
            print(f"run {i + 1} {name}: window shown {shown:.2f} s, model loaded {ready:.2f} s, command {wall:.2f} s")
    return times, loaded


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bundle", type=Path, default=REPO / "dist" / "catdog", help="built bundle folder")
    parser.add_argument("--runs", type=int, default=5, help="starts of each variant (5)")
    parser.add_argument("--build", action="store_true", help="run pyinstaller build.spec first (timed)")
    parser.add_argument("--platform", default=None, help="QT_QPA_PLATFORM (xcb with $DISPLAY, else offscreen)")
    parser.add_argument("--no-append", action="store_true", help="print only; leave RESULTS.md alone")
    args = parser.parse_args()

    build_s = _build(args.bundle) if args.build else None
    frozen = args.bundle / ("catdog-gui.exe" if os.name == "nt" else "catdog-gui")
    if not frozen.is_file():
        print(f"no bundle at {args.bundle}: run `pyinstaller build.spec --noconfirm` or pass --build", file=sys.stderr)
        return 2

    platform_name = args.platform or ("xcb" if os.environ.get("DISPLAY") else "offscreen")
    env = dict(os.environ, QT_QPA_PLATFORM=platform_name)
    variants = {"frozen": [str(frozen), "--startup-report"],
                "source": [sys.executable, "-m", "catdog_gui", "--startup-report"]}
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    flags = cpu_flags()
    print(f"CPU flags: {flags}; load average before: {load:.2f}; Qt platform: {platform_name}")
    times, loaded = _time_starts(variants, env, args.runs)
    import onnxruntime as ort

    wheel = ("onnxruntime-gpu" if "CUDAExecutionProvider" in ort.get_available_providers() else "onnxruntime (CPU)")
    facts = bundle_facts(args.bundle)
    median = {name: statistics.median(t[1] for t in rows) for name, rows in times.items()}
    ratio = median["frozen"] / median["source"]

    lines = [f"\n## {dt.datetime.now().isoformat(timespec='minutes')}: cold start and bundle size "
             f"(`python benchmarks/cold_start.py{' --build' if args.build else ''}`)\n",
             f"Machine: {machine()} ({wheel} wheel, built into the bundle too); CPU flags: {flags}; load average "
             f"before: {load:.2f} (other jobs running); "
             f"Qt platform {platform_name}; model: {loaded}\n",
             "| variant | window shown + model loaded, median of "
             f"{args.runs} (s) | min (s) | first run (s) | whole command, median (s) |",
             "|---|---|---|---|---|"]
    for name, rows in times.items():
        label = {"frozen": "dist/catdog/catdog-gui --startup-report",
                 "source": "python -m catdog_gui --startup-report"}[name]
        lines.append(f"| {name} (`{label}`) "
                     f"| {median[name]:.2f} | {min(t[1] for t in rows):.2f} | {rows[0][1]:.2f} "
                     f"| {statistics.median(t[2] for t in rows):.2f} |")
    lines.append(f"\nFrozen / source: **{ratio:.2f}** (target: frozen under 3 s). Bundle `{args.bundle.name}/`: "
                 f"**{facts['total']:.0f} MB** in {facts['files']} files (apparent sizes, 1 MB = 10^6 bytes), of "
                 f"which the models folder {facts['models']:.0f} MB and ONNX Runtime's CUDA provider "
                 f"{facts['cuda']:.0f} MB; without the models {facts['total'] - facts['models']:.0f} MB. "
                 f"torch/triton/training/nvidia paths in it: {len(facts['forbidden'])}"
                 + (f" ({', '.join(facts['forbidden'][:5])})" if facts["forbidden"] else "")
                 + (f". Build time {build_s:.0f} s." if build_s is not None else "."))
    text = "\n".join(lines) + "\n"
    print(text)
    if not args.no_append:
        with open(HERE / "RESULTS.md", "a", encoding="utf-8") as f:
            f.write(text)
    return 0 if not facts["forbidden"] else 1


if __name__ == "__main__":
    sys.exit(main())
