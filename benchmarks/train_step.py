"""One training step of our Xception against timm's ``legacy_xception``: ``python benchmarks/train_step.py``.

A step = forward, cross-entropy, backward, AdamW step, at equal settings (image size, batch, channels_last,
fp32 or bf16 autocast where the CPU has native bf16). Both models have random weights (nothing is
downloaded) and 2 classes. The two models are timed in alternation, ``--rounds`` times, so that a busy
machine slows both alike; the table gives the median images/s of each and their ratio.

Appends a section to ``benchmarks/RESULTS.md`` with the machine's CPU and its flags.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import os
import platform
import statistics
import time
from pathlib import Path

import torch
from torch import nn

from training.train import autocast_dtype, build_model, cpu_flags

HERE = Path(__file__).resolve().parent


def _step_fn(model: nn.Module, batch: int, size: int, amp: torch.dtype | None, channels_last: bool):
    model.train()
    if channels_last:
        model = model.to(memory_format=torch.channels_last)
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-4)
    x = torch.randn(batch, 3, size, size)
    if channels_last:
        x = x.contiguous(memory_format=torch.channels_last)
    y = torch.randint(0, 2, (batch,))
    criterion = nn.CrossEntropyLoss()

    def step() -> None:
        ctx = torch.autocast("cpu", dtype=amp) if amp is not None else contextlib.nullcontext()
        with ctx:
            loss = criterion(model(x), y)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()

    return step


def _time(step, steps: int) -> float:
    start = time.perf_counter()
    for _ in range(steps):
        step()
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--image-size", type=int, default=160)
    p.add_argument("--batch-size", type=int, default=16)
    p.add_argument("--steps", type=int, default=3, help="steps per timed round")
    p.add_argument("--rounds", type=int, default=5)
    p.add_argument("--no-write", action="store_true", help="print only, do not append to RESULTS.md")
    args = p.parse_args(argv)

    import timm

    amp = autocast_dtype(torch.device("cpu"), "auto")
    settings = [("fp32, channels_last", None)] + ([("bf16 autocast, channels_last", amp)] if amp else [])
    rows = []
    for name, dtype in settings:
        torch.manual_seed(0)
        ours = _step_fn(build_model(2), args.batch_size, args.image_size, dtype, True)
        theirs = _step_fn(timm.create_model("legacy_xception", pretrained=False, num_classes=2),
                          args.batch_size, args.image_size, dtype, True)
        ours(), theirs()  # warm-up: oneDNN primitive creation, allocator
        times = {"ours": [], "timm": []}
        for _ in range(args.rounds):
            times["ours"].append(_time(ours, args.steps))
            times["timm"].append(_time(theirs, args.steps))
        rate = {k: args.batch_size * args.steps / statistics.median(v) for k, v in times.items()}
        rows.append((name, rate["ours"], rate["timm"], rate["ours"] / rate["timm"]))
        print(f"{name}: ours {rate['ours']:.1f} images/s, timm legacy_xception {rate['timm']:.1f} images/s, "
              f"ratio {rate['ours'] / rate['timm']:.2f}", flush=True)

    cpu = platform.processor() or "?"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    lines = [
        f"## {dt.datetime.now().isoformat(timespec='minutes')}: training step, ours vs timm "
        f"(`python benchmarks/train_step.py --image-size {args.image_size} --batch-size {args.batch_size} "
        f"--steps {args.steps} --rounds {args.rounds}`)",
        "",
        f"Machine: {platform.system()} {platform.machine()}, {cpu}, {os.cpu_count()} logical CPUs, torch "
        f"{torch.__version__} ({torch.get_num_threads()} threads), timm {timm.__version__}; CPU flags: {cpu_flags()}; "
        f"load average before: {load:.2f}. Forward + cross-entropy + backward + AdamW step, random weights, "
        f"2 classes, {args.image_size}x{args.image_size}, batch {args.batch_size}; medians of {args.rounds} "
        "alternating rounds.",
        "",
        "| setting | ours (images/s) | timm legacy_xception (images/s) | ours / timm |",
        "|---|---|---|---|",
        *[f"| {n} | {a:.1f} | {b:.1f} | **{r:.2f}** |" for n, a, b, r in rows],
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
