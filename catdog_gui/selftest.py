"""``catdog-gui --self-test`` / ``catdog-classify --self-test``: is this installation (or bundle) complete?

Headless, no window. Each check does the real thing on real files, so that a bundle missing a library
fails here rather than in a user's hands:

- **model**: the default (or ``--model``) ONNX model opens with the contract checked;
- **providers**: ONNX Runtime's execution providers available and in use, and why CUDA is not in use
  (information: a machine without a GPU passes);
- **samples**: the photos in ``resources/samples/`` (``cat.jpg``, ``dog.jpg``) get the label of their file
  name from the model, through the same ``core.imaging.preprocess`` the app uses;
- **Qt image formats**: Qt's image plugins read at least :data:`REQUIRED_QT_FORMATS` (the thumbnails and
  the photo view use Qt's readers), and the sample JPEG decodes through Qt;
- **Pillow / pillow-heif**: versions, and a HEIF image encoded and decoded again (the libheif library and
  its codecs are present);
- **colour maps**: matplotlib colours a small map as the class activation map view does.

Exit status: 0 when every check passes; 1 otherwise, the last line on stderr giving the first failure in
one line (``self-test failed: samples: dog.jpg -> cat (0.61), expected dog``).

Qt is imported only by the Qt check; ``catdog-classify`` skips that check where PySide6 is not installed
(it does not need Qt), ``catdog-gui`` requires it.
"""

from __future__ import annotations

import argparse
import io
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["Check", "SelfTestReport", "REQUIRED_QT_FORMATS", "run_self_test", "main", "check_model",
           "check_samples", "check_qt_image_formats", "check_pillow", "check_colour_maps"]

REQUIRED_QT_FORMATS = ("jpg", "png", "webp", "gif", "bmp", "tiff")


@dataclass(frozen=True)
class Check:
    """One line of the report.

    Attributes:
        name: what was checked (``model``, ``samples``...).
        ok: passed (``True``) or failed (``False``); ``None`` for an information line that cannot fail.
        detail: what was found, in words (one line).
    """

    name: str
    ok: bool | None
    detail: str

    def line(self) -> str:
        tag = {True: "ok", False: "FAIL", None: "info"}[self.ok]
        return f"  {tag:<5} {self.name}: {self.detail}"


@dataclass
class SelfTestReport:
    """Every check, in order; ``passed`` when none failed, ``failure`` the first failure in one line."""

    checks: list[Check] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return all(c.ok is not False for c in self.checks)

    @property
    def failure(self) -> str | None:
        failed = next((c for c in self.checks if c.ok is False), None)
        return None if failed is None else f"{failed.name}: {failed.detail}"


def _names(providers: Sequence[str]) -> str:
    return ", ".join(p.removesuffix("ExecutionProvider") for p in providers) or "none"


def check_model(model_path: str | Path | None, providers: Sequence[str], precision: str = "auto"):
    """Open the model as the app does; returns ``(checks, engine or None)``: the model line and the
    providers line.

    Args:
        model_path: the ONNX file; ``None`` for :func:`catdog_gui.core.model.default_model_path`.
        providers: execution providers to ask for, in order of preference.
        precision: ``"auto"`` (what catdog-gui and catdog-classify use: the int8 sibling on the CPU when there
            is one), ``"fp32"`` or ``"int8"``.
    """
    import onnxruntime as ort

    from catdog_gui.core.model import Engine, ModelError, default_model_path

    path = Path(model_path) if model_path is not None else default_model_path()
    start = time.perf_counter()
    try:
        engine = Engine(path, providers=providers, precision=precision)
    except ModelError as exc:
        return [Check(f"model ({precision})", False, str(exc))], None
    seconds = time.perf_counter() - start
    info = engine.info
    checks = [Check(f"model ({precision})", True,
                    f"{info.name}, {engine.precision} ({info.architecture or 'unknown architecture'}; labels "
                    f"{', '.join(info.labels)}) opened in {seconds:.2f} s from {info.path}")]
    reason = "" if engine.cuda_unavailable_reason is None else \
        f"; CUDA not in use: {engine.cuda_unavailable_reason}"
    checks.append(Check("providers", None, f"ONNX Runtime {ort.__version__}: available "
                                           f"{_names(ort.get_available_providers())}; in use "
                                           f"{_names(engine.providers)}{reason}"))
    return checks, engine


def check_samples(engine, samples: dict[str, Path] | None = None) -> Check:
    """Classify the sample photos; passes when each gets the label of its file name.

    Args:
        engine: a :class:`catdog_gui.core.model.Engine`.
        samples: ``{expected label: photo}``; default :func:`catdog_gui.resources.sample_photos`.
    """
    import numpy as np

    from catdog_gui.core.imaging import ImageDecodeError, preprocess
    from catdog_gui.resources import resource_path, sample_photos

    name = f"samples ({engine.precision})"
    samples = sample_photos() if samples is None else samples
    if not samples:
        return Check(name, False, f"no sample photos in {resource_path('samples')}")
    unknown = [label for label in samples if label not in engine.info.labels]
    if unknown:
        return Check(name, False, f"sample label(s) {unknown} are not among the model's labels "
                                       f"{list(engine.info.labels)}")
    try:
        batch = np.stack([preprocess(path, engine.info.preprocessing) for path in samples.values()])
    except (ImageDecodeError, OSError) as exc:
        return Check(name, False, f"cannot read a sample photo: {exc}")
    _, probabilities = engine.predict(batch)
    parts, wrong = [], []
    for (expected, path), p in zip(samples.items(), probabilities):
        got = engine.info.labels[int(np.argmax(p))]
        parts.append(f"{path.name} -> {got} ({float(p.max()):.3f})")
        if got != expected:
            wrong.append(f"{path.name} -> {got} ({float(p.max()):.2f}), expected {expected}")
    if wrong:
        return Check(name, False, "; ".join(wrong))
    return Check(name, True, ", ".join(parts))


def check_qt_image_formats(required: Sequence[str] = REQUIRED_QT_FORMATS, qt_required: bool = True,
                           probe: Path | None = None) -> Check:
    """Qt's readable image formats (``QImageReader.supportedImageFormats``) include ``required``, and
    ``probe`` (default: the sample cat photo) decodes through Qt.

    Args:
        required: format names that must be readable (lower case, as Qt names them).
        qt_required: when False, a missing PySide6 is an information line instead of a failure.
        probe: a photo Qt must decode.
    """
    try:
        from PySide6 import __version__ as pyside_version
        from PySide6.QtGui import QImageReader
    except ImportError as exc:
        if qt_required:
            return Check("Qt image formats", False, f"PySide6 cannot be imported: {exc}")
        return Check("Qt image formats", None, "PySide6 not installed (only catdog-gui needs it)")
    from catdog_gui.resources import sample_photos

    formats = sorted({bytes(f).decode("ascii", "replace").lower() for f in QImageReader.supportedImageFormats()})
    missing = [f for f in required if f not in formats]
    if missing:
        return Check("Qt image formats", False, f"Qt {pyside_version} cannot read {', '.join(missing)} "
                                                f"(image plugins missing); it reads {', '.join(formats)}")
    probe = probe if probe is not None else next(iter(sample_photos().values()), None)
    if probe is not None:
        reader = QImageReader(str(probe))
        image = reader.read()
        if image.isNull():
            return Check("Qt image formats", False, f"Qt cannot decode {probe.name}: {reader.errorString()}")
    return Check("Qt image formats", True, f"Qt {pyside_version} reads {', '.join(formats)}")


def check_pillow() -> Check:
    """Pillow and pillow-heif versions; passes when a 16x16 HEIF image encodes and decodes again."""
    import PIL
    from PIL import Image

    from catdog_gui.core import imaging  # registers pillow-heif's opener, as the app does

    if not imaging.HEIF_SUPPORTED:
        return Check("Pillow", False, f"Pillow {PIL.__version__}; pillow-heif missing: HEIC/HEIF photos "
                                      "would get error rows")
    import pillow_heif

    versions = f"Pillow {PIL.__version__}, pillow-heif {pillow_heif.__version__} " \
               f"(libheif {pillow_heif.libheif_version()})"
    try:
        buffer = io.BytesIO()
        Image.new("RGB", (16, 16), (200, 120, 40)).save(buffer, format="HEIF", quality=90)
        buffer.seek(0)
        with Image.open(buffer) as decoded:
            decoded.load()
            size = decoded.size
    except Exception as exc:  # noqa: BLE001 - any codec failure is the finding
        return Check("Pillow", False, f"{versions}: HEIF round trip failed: {type(exc).__name__}: {exc}")
    if size != (16, 16):
        return Check("Pillow", False, f"{versions}: HEIF round trip gave size {size}, expected (16, 16)")
    return Check("Pillow", True, f"{versions}; HEIF encodes and decodes")


def check_colour_maps(cmap: str = "inferno") -> Check:
    """matplotlib's colour maps (the class activation map and feature-map views): a 2x2 map in 0..1 is
    coloured, the ends of the scale differently."""
    import matplotlib
    import numpy as np

    from catdog_gui.core.visualize import colorize

    try:
        rgb = colorize(np.array([[0.0, 1.0], [0.25, 0.75]], np.float32), cmap)
    except Exception as exc:  # noqa: BLE001 - a broken matplotlib install is the finding
        return Check("colour maps", False, f"matplotlib {matplotlib.__version__}: {type(exc).__name__}: {exc}")
    if rgb.shape != (2, 2, 3) or rgb.dtype != np.uint8 or np.array_equal(rgb[0, 0], rgb[0, 1]):
        return Check("colour maps", False, f"matplotlib {matplotlib.__version__}: {cmap} gave {rgb.tolist()}")
    return Check("colour maps", True, f"matplotlib {matplotlib.__version__}: {cmap} from {rgb[0, 0].tolist()} "
                                      f"to {rgb[0, 1].tolist()}")


def run_self_test(model_path: str | Path | None = None, cpu: bool = False, qt_required: bool = True,
                  samples: dict[str, Path] | None = None) -> SelfTestReport:
    """Run every check (see the module docstring) and return the report; never raises for a failed check.

    Args:
        model_path: ONNX model; ``None`` for the default model.
        cpu: ask for the CPU provider only.
        qt_required: whether a missing PySide6 fails (``catdog-gui``) or is only reported (``catdog-classify``).
        samples: ``{expected label: photo}``; default: ``resources/samples``.
    """
    from catdog_gui.core.model import DEFAULT_PROVIDERS

    report = SelfTestReport()
    providers = ("CPUExecutionProvider",) if cpu else DEFAULT_PROVIDERS
    checks, engine = check_model(model_path, providers)
    report.checks += checks
    if engine is not None:
        report.checks.append(check_samples(engine, samples))
        if engine.precision == "int8":  # the float32 file serves --precision fp32 and CUDA: check it too
            fp32_checks, fp32_engine = check_model(model_path, providers, precision="fp32")
            report.checks += fp32_checks[:1]
            if fp32_engine is not None:
                report.checks.append(check_samples(fp32_engine, samples))
    report.checks.append(check_qt_image_formats(qt_required=qt_required))
    report.checks.append(check_pillow())
    report.checks.append(check_colour_maps())
    return report


def main(argv: Sequence[str] | None = None, prog: str = "catdog", qt_required: bool = True) -> int:
    """Parse ``--self-test [--model M] [--cpu]``, run :func:`run_self_test`, print the report; returns 0 or 1."""
    parser = argparse.ArgumentParser(prog=f"{prog} --self-test", description="check this installation")
    parser.add_argument("--self-test", action="store_true")
    parser.add_argument("--model", default=None, metavar="MODEL.onnx")
    parser.add_argument("--cpu", action="store_true")
    args, _ = parser.parse_known_args(argv)  # the other options of the program do not matter here

    import onnxruntime as ort

    from catdog_gui.resources import is_frozen, resources_dir

    ort.set_default_logger_severity(4)  # the providers line says why CUDA is off, in one line
    if is_frozen():
        where = f"frozen bundle, {sys.executable}"
    else:
        in_source = resources_dir() == Path(__file__).resolve().parents[1] / "resources"
        kind = "source tree" if in_source else "installed package"
        where = f"{kind}, Python {sys.version.split()[0]}"
    print(f"{prog} self-test ({where}; resources {resources_dir()})")
    report = run_self_test(args.model, cpu=args.cpu, qt_required=qt_required)
    for check in report.checks:
        print(check.line())
    sys.stdout.flush()
    if report.passed:
        print("self-test passed")
        return 0
    print(f"self-test failed: {report.failure}", file=sys.stderr)
    return 1
