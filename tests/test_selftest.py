"""catdog_gui.selftest and catdog_gui.resources: the installation check, in the source tree.

The same self-test run frozen, from ``/``, is in tests/test_bundle.py.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from catdog_gui import resources
from catdog_gui.selftest import REQUIRED_QT_FORMATS, check_qt_image_formats, run_self_test

REPO = Path(__file__).resolve().parents[1]


def test_resources_are_found_in_the_source_tree():
    assert resources.resources_dir() == REPO / "resources"
    samples = resources.sample_photos()
    assert set(samples) == {"cat", "dog"}
    assert all(p.is_file() and p.stat().st_size < 60_000 for p in samples.values())
    icons = resources.icon_png_paths()
    assert [p.name for p in icons] == [f"catdog-{n}.png" for n in resources.ICON_SIZES]


def test_resources_are_found_in_a_bundle(monkeypatch, tmp_path):
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    assert resources.is_frozen()
    assert resources.resource_path("models", "x.onnx") == tmp_path / "resources" / "models" / "x.onnx"
    assert resources.sample_photos() == {}  # nothing there yet
    (tmp_path / "resources" / "samples").mkdir(parents=True)
    (tmp_path / "resources" / "samples" / "cat.jpg").write_bytes((REPO / "resources/samples/cat.jpg").read_bytes())
    assert resources.sample_photos() == {"cat": tmp_path / "resources" / "samples" / "cat.jpg"}


def test_self_test_passes_on_the_default_model(default_model_path):
    report = run_self_test(default_model_path, cpu=True)
    assert report.passed, report.failure
    by_name = {c.name: c for c in report.checks}
    # On the CPU the app opens the int8 sibling: both files are checked on the sample photos.
    assert set(by_name) == {"model (auto)", "samples (int8)", "model (fp32)", "samples (fp32)", "providers",
                            "Qt image formats", "Pillow", "colour maps"}
    assert "catdog-xception-int8.onnx, int8" in by_name["model (auto)"].detail
    for name in ("samples (int8)", "samples (fp32)"):
        assert "cat.jpg -> cat" in by_name[name].detail and "dog.jpg -> dog" in by_name[name].detail
    assert "in use CPU" in by_name["providers"].detail
    assert "CUDA not in use: not requested" in by_name["providers"].detail
    for fmt in REQUIRED_QT_FORMATS:
        assert fmt in by_name["Qt image formats"].detail


def test_self_test_fails_when_a_photo_gets_the_wrong_label(default_model_path):
    swapped = {"dog": REPO / "resources/samples/cat.jpg", "cat": REPO / "resources/samples/dog.jpg"}
    report = run_self_test(default_model_path, cpu=True, samples=swapped)
    assert not report.passed
    assert report.failure.startswith("samples (int8): cat.jpg -> cat")
    assert "expected dog" in report.failure and "\n" not in report.failure


def test_self_test_fails_on_a_model_that_does_not_fulfil_the_contract(tmp_path):
    broken = tmp_path / "broken.onnx"
    broken.write_bytes(b"not an onnx file")
    report = run_self_test(broken, cpu=True)
    assert not report.passed
    assert report.failure.startswith("model (auto): cannot open 'broken.onnx' as an ONNX model")
    assert "samples" not in {c.name for c in report.checks}  # nothing to classify with


def test_qt_format_check_names_what_is_missing():
    check = check_qt_image_formats(required=("jpg", "nosuchformat"))
    assert check.ok is False
    assert "cannot read nosuchformat" in check.detail


def _run(args, cwd, env_extra=None):
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    env.update(env_extra or {})
    return subprocess.run([sys.executable, *args], capture_output=True, text=True, cwd=cwd, env=env, timeout=300)


def test_gui_self_test_runs_headless_from_another_folder(tmp_path):
    """No display at all (no DISPLAY, no QT_QPA_PLATFORM): --self-test opens no window."""
    proc = _run(["-m", "catdog_gui", "--self-test"], cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.startswith("catdog-gui self-test (source tree")
    assert proc.stdout.rstrip().endswith("self-test passed")
    assert "FAIL" not in proc.stdout


@pytest.mark.parametrize("module", ["catdog_gui", "catdog_gui.cli"])
def test_self_test_exits_1_with_a_one_line_reason(module, tmp_path):
    proc = _run(["-m", module, "--self-test", "--model", "missing.onnx"], cwd=tmp_path)
    assert proc.returncode == 1
    assert proc.stderr.splitlines() == ["self-test failed: model (auto): model file not found: 'missing.onnx'"]


def test_cli_self_test_needs_no_path_or_csv(tmp_path):
    proc = _run(["-m", "catdog_gui.cli", "--self-test"], cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.startswith("catdog-classify self-test")
    assert "ok    samples (int8): cat.jpg -> cat" in proc.stdout


def test_cuda_reason_is_the_loaders_own_message_in_a_bundle():
    """PyInstaller's ctypes raises "Failed to load dynlib/dll ... not found when the application was frozen"
    from the loader's OSError; the providers line must give the loader's message (the missing library)."""
    from catdog_gui.core.model import _loader_error, _short_loader_message

    loader = OSError("libcublasLt.so.13: cannot open shared object file: No such file or directory")
    try:
        try:
            raise loader
        except OSError as exc:
            raise OSError("Failed to load dynlib/dll 'libonnxruntime_providers_cuda.so'. Most likely this "
                          "dynlib/dll was not found when the application was frozen.") from exc
    except OSError as frozen:
        assert _short_loader_message(_loader_error(frozen)) == "libcublasLt.so.13 not found"
    assert _loader_error(loader) == str(loader)  # from source: unchanged
