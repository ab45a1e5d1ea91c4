"""catdog_gui.app.startup: ``catdog-gui --startup-report`` and the process-age clock behind it."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the kernel's start time is read on Linux only")
def test_process_age_counts_from_the_process_start():
    code = ("import time; time.sleep(0.5); from catdog_gui.app.startup import seconds_since_process_start; "
            "print(seconds_since_process_start())")
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                          env=dict(os.environ, QT_QPA_PLATFORM="offscreen"))
    wall = time.perf_counter() - start
    assert proc.returncode == 0, proc.stderr
    age = float(proc.stdout)
    assert 0.5 <= age <= wall + 0.02  # includes the sleep and the imports before it; 10 ms clock ticks


def test_startup_report_prints_when_the_window_is_up_with_the_model(tmp_path):
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "catdog_gui", "--startup-report"], capture_output=True, text=True,
                          cwd=tmp_path, timeout=300, env=dict(os.environ, QT_QPA_PLATFORM="offscreen"))
    wall = time.perf_counter() - start
    assert proc.returncode == 0, proc.stdout + proc.stderr
    match = re.search(r"startup: window shown ([\d.]+) s, model loaded ([\d.]+) s after process start "
                      r"\(catdog-xception(-int8)?\.onnx", proc.stdout)
    assert match, proc.stdout
    shown, loaded = float(match.group(1)), float(match.group(2))
    assert 0 < shown <= loaded <= wall + 0.02


def test_startup_report_says_at_once_when_the_model_cannot_load(tmp_path):
    """A missing model opens an error dialog; the report names the reason and exits 1 (it waited 60 s before)."""
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "catdog_gui", "--startup-report"], capture_output=True, text=True,
                          cwd=tmp_path, timeout=300, env=dict(os.environ, QT_QPA_PLATFORM="offscreen",
                                                              CATDOG_MODEL=str(tmp_path / "missing.onnx")))
    wall = time.perf_counter() - start
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "no model loaded" in proc.stdout and "missing.onnx" in proc.stdout, proc.stdout
    assert wall < 45  # far below the reporter's 60 s timeout
