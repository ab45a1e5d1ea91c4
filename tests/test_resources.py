"""Where catdog finds its own files (model, icons, samples): source tree, PyInstaller bundle, installed wheel."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from catdog_gui import resources
from catdog_gui.core.model import default_model_path

REPO = Path(__file__).resolve().parents[1]


def test_source_tree_resources_hold_model_icons_samples(monkeypatch):
    monkeypatch.delenv("CATDOG_MODEL", raising=False)
    assert resources.resources_dir() == REPO / "resources"
    assert default_model_path() == REPO / "resources" / "models" / "catdog-xception.onnx"
    assert set(resources.sample_photos()) == {"cat", "dog"}
    assert resources.icon_png_paths(), "no icon PNGs found"


def test_frozen_bundle_uses_meipass_not_the_source_tree(monkeypatch, tmp_path):
    monkeypatch.delenv("CATDOG_MODEL", raising=False)
    bundled = tmp_path / "resources" / "models" / "catdog-xception.onnx"
    bundled.parent.mkdir(parents=True)
    bundled.write_bytes(b"x")
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    assert default_model_path() == bundled
    assert resources.resource_path("icons", "catdog.svg") == tmp_path / "resources" / "icons" / "catdog.svg"


def test_installed_package_is_found_when_the_source_tree_is_absent(monkeypatch, tmp_path):
    """A regular ``pip install .`` puts resources/ in site-packages as ``catdog_resources``."""
    installed = tmp_path / "site" / resources.INSTALLED_PACKAGE
    (installed / "models").mkdir(parents=True)
    (installed / "models" / "catdog-xception.onnx").write_bytes(b"x")
    monkeypatch.syspath_prepend(str(tmp_path / "site"))
    monkeypatch.setattr(resources, "__file__", str(tmp_path / "nowhere" / "catdog_gui" / "resources.py"))
    monkeypatch.delenv("CATDOG_MODEL", raising=False)
    assert resources.resources_dir() == installed.resolve()
    assert default_model_path() == installed.resolve() / "models" / "catdog-xception.onnx"


@pytest.mark.slow
def test_wheel_carries_resources_and_classifies_from_site_packages(tmp_path):
    """Build the wheel (``pip install .`` installs exactly this), unpack it as an installed copy, and run
    ``catdog-classify --self-test`` from it: the bundled model and sample photos must be found without the
    repository."""
    wheels = tmp_path / "wheels"
    build = subprocess.run([sys.executable, "-m", "pip", "wheel", str(REPO), "--no-deps", "--no-build-isolation",
                            "-q", "-w", str(wheels)], capture_output=True, text=True, timeout=600)
    assert build.returncode == 0, build.stderr
    (wheel,) = wheels.glob("catdog-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for required in ("catdog_resources/models/catdog-xception.onnx", "catdog_resources/samples/cat.jpg",
                     "catdog_resources/icons/catdog.svg", "catdog_gui/core/model.py", "training/train.py"):
        assert required in names, f"{required} missing from {wheel.name}"
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    env = {"PYTHONPATH": str(site), "PATH": "/usr/bin:/bin", "QT_QPA_PLATFORM": "offscreen", "HOME": str(tmp_path)}
    proc = subprocess.run([sys.executable, "-c", "import sys; from catdog_gui.cli import main; sys.exit(main())",
                           "--self-test"], capture_output=True, text=True, cwd=tmp_path, env=env, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert str(site / "catdog_resources") in proc.stdout, proc.stdout
    assert "(installed package, Python" in proc.stdout, proc.stdout


def test_every_package_folder_is_listed_in_pyproject():
    """pyproject.toml lists its packages by hand: a new sub-package left out would be missing from the wheel."""
    tomllib = pytest.importorskip("tomllib")
    listed = set(tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    found = {".".join(p.parent.relative_to(REPO).parts) for top in ("catdog_gui", "training")
             for p in (REPO / top).rglob("__init__.py")}
    assert found <= listed, f"add {sorted(found - listed)} to [tool.setuptools] packages"
