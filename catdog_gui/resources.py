"""Find the files catdog ships beside its code (``resources/``): in the source tree and in a PyInstaller bundle.

Layout of ``resources/`` (the same in both places)::

    models/catdog-xception.onnx, models/MODEL_CARD.md   the default model and its card
    icons/catdog.svg, icons/catdog-<N>.png, .ico, .icns  the app icon (``scripts/make_icons.py``)
    samples/cat.jpg, samples/dog.jpg                     the two photos ``--self-test`` classifies
    catdog.desktop                                       the Linux desktop entry

In the source tree (an editable install) it is ``<repository>/resources``; in a PyInstaller bundle it is
``<sys._MEIPASS>/resources`` (``build.spec`` puts it there), wherever the current directory is; after a
regular (non-editable) ``pip install .`` it is the installed package ``catdog_resources`` (pyproject.toml maps
the ``resources/`` folder to that name so the wheel carries it). Only the
bundle's own files are looked up here: paths the user gives (photos, ``--csv``) keep resolving against
the current directory.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

__all__ = ["resources_dir", "resource_path", "is_frozen", "icon_png_paths", "sample_photos", "ICON_SIZES"]

# Sizes of the PNG icons, in pixels (freedesktop icon theme sizes; Windows .ico and macOS .icns use a subset).
ICON_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)


def is_frozen() -> bool:
    """True inside a PyInstaller bundle (``sys.frozen`` and ``sys._MEIPASS`` are set by its bootloader)."""
    return bool(getattr(sys, "frozen", False)) and hasattr(sys, "_MEIPASS")


# The import name under which a wheel installs the resources/ folder ([tool.setuptools] package-dir).
INSTALLED_PACKAGE = "catdog_resources"


def resources_dir() -> Path:
    """The folder holding catdog's resources, absolute: ``<sys._MEIPASS>/resources`` when frozen; else
    ``<repository>/resources`` (the folder beside the ``catdog_gui`` package) when it exists; else the
    installed ``catdog_resources`` package's folder (a non-editable install). When none exists it returns the
    repository path, so that lookups fail with a path that says where the files were expected."""
    if is_frozen():
        return Path(sys._MEIPASS) / "resources"  # type: ignore[attr-defined]
    source = Path(__file__).resolve().parents[1] / "resources"
    if source.is_dir():
        return source
    spec = importlib.util.find_spec(INSTALLED_PACKAGE)
    if spec is not None and spec.submodule_search_locations:
        return Path(next(iter(spec.submodule_search_locations))).resolve()
    return source


def resource_path(*parts: str) -> Path:
    """``resources_dir() / parts...``, e.g. ``resource_path("icons", "catdog.svg")`` (existence not checked)."""
    return resources_dir().joinpath(*parts)


def icon_png_paths() -> list[Path]:
    """The app icon's PNG files that exist, smallest first (for ``QIcon.addFile`` / the window icon)."""
    return [p for p in (resource_path("icons", f"catdog-{n}.png") for n in ICON_SIZES) if p.is_file()]


def sample_photos() -> dict[str, Path]:
    """The self-test's photos: ``{expected label: path}`` from ``resources/samples/<label>.jpg``.

    The expected label is the file's stem (``cat.jpg`` -> ``"cat"``); ``SOURCE.md`` there names each
    photo's origin. Returns an empty dict when the folder is missing."""
    folder = resource_path("samples")
    if not folder.is_dir():
        return {}
    return {p.stem: p for p in sorted(folder.glob("*.jpg"))}
