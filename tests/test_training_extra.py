"""Without the [train] extra, ``python -m training.train`` says what to install instead of a traceback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

# torch and torchvision made unimportable, as on a `pip install -e .` without the extra.
_NO_TORCH = "import sys; sys.modules['torch'] = None; sys.modules['torchvision'] = None; import runpy; "


def test_train_without_torch_prints_the_install_command():
    proc = subprocess.run([sys.executable, "-c", _NO_TORCH + "runpy.run_module('training.train', run_name='__main__')",
                           "--help"], capture_output=True, text=True, cwd=REPO, timeout=120)
    assert proc.returncode == 1
    assert proc.stderr.strip().splitlines() == [
        "error: torch is not installed; the training tools need the [train] extra: pip install -e \".[train]\""]


def test_other_errors_keep_their_traceback():
    proc = subprocess.run([sys.executable, "-c", "import training; raise ValueError('boom')"],
                          capture_output=True, text=True, cwd=REPO, timeout=60)
    assert proc.returncode == 1
    assert "Traceback" in proc.stderr and "ValueError: boom" in proc.stderr
