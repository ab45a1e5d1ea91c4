"""The ONNX Runtime engine: open a model that fulfils catdog's ONNX contract and run batches through it.

The contract (:mod:`catdog_gui.core.contract`, DESIGN.md "The ONNX contract"): one input ``image``
``[N, 3, H, W] float32``; outputs ``logits`` and ``probabilities`` ``[N, C]`` (required), and ``entry_flow``,
``middle_flow``, ``exit_flow``, ``cam`` (optional here: :meth:`Engine.has_outputs` tells whether a model has
them); and metadata (``catdog.contract``, ``labels``, ``image_size``, ``resize``, ``mean``, ``std``,
``background``...). Nothing about the model (labels, input size, normalisation) is hard-coded: it is
read from the file into a :class:`ModelInfo`.

The engine asks for ``["CUDAExecutionProvider", "CPUExecutionProvider"]``. ONNX Runtime silently falls
back to the CPU when CUDA cannot be used; the engine notices (``session.get_providers()``) and finds out
why (no NVIDIA driver, a CUDA/cuDNN library that does not load, a build without CUDA), so that the app
and the CLI can say so.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import sys
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from catdog_gui.core import contract as c
from catdog_gui.core.contract import INPUT_NAME, OPTIONAL_OUTPUTS, REQUIRED_OUTPUTS, SUPPORTED_CONTRACTS
from catdog_gui.core.imaging import RESIZE_MODES, Preprocessing
from catdog_gui.core.ort_errors import onnx_runtime_reason
from catdog_gui.resources import resource_path

__all__ = ["DEVICES", "providers_for", "DEFAULT_PROVIDERS", "SUPPORTED_CONTRACTS", "REQUIRED_OUTPUTS", "OPTIONAL_OUTPUTS", "PRECISIONS",
           "ModelError", "ModelInfo", "Engine", "default_model_path", "read_model_info", "int8_sibling",
           "physical_cores"]

DEFAULT_PROVIDERS = ("CUDAExecutionProvider", "CPUExecutionProvider")
MODEL_FILE_NAME = "catdog-xception.onnx"
PRECISIONS = ("auto", "fp32", "int8")
# Where to run: "auto" tries CUDA and falls back to the CPU; "cpu" never tries CUDA; "cuda" is refused by
# the callers (CLI exit 2, a dialog in the app) when the engine did not get the CUDA provider.
DEVICES = ("auto", "cpu", "cuda")


def providers_for(device: str) -> tuple[str, ...]:
    """The execution providers to ask :class:`Engine` for on ``device`` (one of :data:`DEVICES`).

    Raises:
        ValueError: an unknown device.
    """
    if device not in DEVICES:
        raise ValueError(f"unknown device {device!r}; expected one of {DEVICES}")
    return ("CPUExecutionProvider",) if device == "cpu" else DEFAULT_PROVIDERS
INT8_SUFFIX = "-int8"  # <name>-int8.onnx sits beside <name>.onnx (training.export --int8)
SPATIAL_OUTPUTS = OPTIONAL_OUTPUTS  # [N, K, h, w]: mirrored back under TTA
_CUDA = "CUDAExecutionProvider"


class ModelError(Exception):
    """Any problem with a model file: missing, not ONNX, unknown contract version, or missing
    input / outputs / metadata. ``str(err)`` is a clear, human-readable message naming the file."""


@dataclass(frozen=True)
class ModelInfo:
    """What a model file says about itself (its ONNX metadata), validated.

    Attributes:
        path: the ONNX file.
        labels: class names in output order (C of them).
        preprocessing: how a photo becomes this model's input (size, resize rule, mean/std, background).
        contract: the catdog ONNX contract version (in :data:`SUPPORTED_CONTRACTS`).
        outputs: names of all the model's outputs, in graph order.
        metadata: every ``metadata_props`` entry, decoded (key -> value, :func:`contract.decode_metadata`).
        architecture, trained_on, created: free text from the metadata ("" when absent).
        val_top1: validation top-1 accuracy recorded at export, or None when absent / unknown.
    """

    path: Path
    labels: tuple[str, ...]
    preprocessing: Preprocessing
    contract: int
    outputs: tuple[str, ...]
    metadata: dict[str, Any]
    architecture: str
    trained_on: str
    val_top1: float | None
    created: str

    @property
    def name(self) -> str:
        """The model's file name, e.g. ``catdog-xception.onnx``."""
        return self.path.name


def default_model_path() -> Path:
    """Where the default model is: ``$CATDOG_MODEL`` when set, else ``resources/models/catdog-xception.onnx``
    in the folder :func:`catdog_gui.resources.resources_dir` finds (the repository's ``resources/``, the
    PyInstaller bundle's, or the installed ``catdog_resources`` package's). The file may not exist: the
    path then names the expected place for the error message."""
    env = os.environ.get("CATDOG_MODEL")
    if env:
        return Path(env).expanduser()
    return resource_path("models", MODEL_FILE_NAME)


# --------------------------------------------------------------------------------------------- metadata

_JSON_REQUIRED = (c.LABELS, c.IMAGE_SIZE, c.CROP_FRACTION, c.MEAN, c.STD, c.BACKGROUND)


def _required(meta: Mapping[str, Any], key: str, where: str) -> Any:
    if key not in meta:
        raise ModelError(f"{where}: metadata {key!r} is missing (the catdog ONNX contract requires it; "
                         "export the model with python -m training.export)")
    return meta[key]


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _numbers(meta: Mapping[str, Any], key: str, where: str, count: int, kind: type) -> tuple:
    value = _required(meta, key, where)
    ok = (isinstance(value, list) and len(value) == count and all(_is_number(v) for v in value)
          and (kind is float or all(float(v).is_integer() for v in value)))
    if not ok:
        raise ModelError(f"{where}: metadata {key!r} must be a list of {count} "
                         f"{'integers' if kind is int else 'numbers'}, got {value!r}")
    return tuple(kind(v) for v in value)


def _parse_contract(meta: Mapping[str, Any], where: str) -> int:
    value = meta.get(c.CONTRACT_KEY)
    if value is None:
        raise ModelError(f"{where} is not a catdog model: it has no {c.CONTRACT_KEY!r} metadata "
                         "(export it with python -m training.export)")
    try:
        version = int(value)
    except (TypeError, ValueError):
        raise ModelError(f"{where}: metadata {c.CONTRACT_KEY!r} must be an integer, got {value!r}") from None
    if version not in SUPPORTED_CONTRACTS:
        supported = ", ".join(str(v) for v in sorted(SUPPORTED_CONTRACTS))
        raise ModelError(f"{where} uses catdog contract version {version}; this version of the app "
                         f"understands version {supported} (update the app or re-export the model)")
    return version


def _parse_labels(meta: Mapping[str, Any], where: str) -> tuple[str, ...]:
    labels = _required(meta, c.LABELS, where)
    if (not isinstance(labels, list) or not labels or not all(isinstance(v, str) and v.strip() for v in labels)
            or len(set(labels)) != len(labels)):
        raise ModelError(f"{where}: metadata 'labels' must be a JSON list of distinct, non-empty class "
                         f"names, got {labels!r}")
    return tuple(labels)


def _parse_preprocessing(meta: Mapping[str, Any], where: str) -> Preprocessing:
    image_size = _numbers(meta, c.IMAGE_SIZE, where, 2, int)
    resize = meta.get(c.RESIZE)
    if resize is None:
        raise ModelError(f"{where}: metadata 'resize' is missing (the catdog ONNX contract requires it)")
    if resize not in RESIZE_MODES:
        raise ModelError(f"{where}: metadata 'resize' is {resize!r}; expected one of {RESIZE_MODES}")
    crop_fraction = 0.875
    if c.CROP_FRACTION in meta:
        value = meta[c.CROP_FRACTION]
        if not _is_number(value):
            raise ModelError(f"{where}: metadata 'crop_fraction' must be a number, got {value!r}")
        crop_fraction = float(value)
    elif resize == "center_crop":
        raise ModelError(f"{where}: metadata 'crop_fraction' is missing (needed with resize 'center_crop')")
    mean = _numbers(meta, c.MEAN, where, 3, float)
    std = _numbers(meta, c.STD, where, 3, float)
    background = _numbers(meta, c.BACKGROUND, where, 3, int)
    try:
        return Preprocessing(image_size=image_size, resize=resize, crop_fraction=crop_fraction, mean=mean,
                             std=std, background=background)
    except ValueError as exc:
        raise ModelError(f"{where}: invalid preprocessing metadata: {exc}") from None


def _text(meta: Mapping[str, Any], key: str) -> str:
    value = meta.get(key, "")
    return value if isinstance(value, str) else str(value)


def read_model_info(path: Path, metadata: Mapping[str, str], input_names: Sequence[str],
                    input_shapes: Sequence[Sequence[Any]], outputs: Sequence[str],
                    output_shapes: Sequence[Sequence[Any]]) -> ModelInfo:
    """Validate a model's inputs, outputs and metadata against the contract and build its :class:`ModelInfo`.

    Args:
        path: the ONNX file (for messages).
        metadata: its ``metadata_props`` (key -> string as stored; decoded here with
            :func:`contract.decode_metadata`, which also reads files that store some values raw).
        input_names, input_shapes: the graph inputs and their (possibly symbolic) shapes.
        outputs, output_shapes: the graph outputs and their shapes.

    Raises:
        ModelError: unknown or missing contract version, missing input ``image`` or outputs ``logits`` /
            ``probabilities``, missing or malformed metadata, or labels that disagree with the outputs.
    """
    where = f"model {path.name!r}"
    contract = _parse_contract(c.decode_metadata(metadata), where)
    malformed = [key for key in c.not_json(metadata) if key in _JSON_REQUIRED]
    if malformed:
        raise ModelError(f"{where}: metadata {malformed[0]!r} is not valid JSON: {metadata[malformed[0]]!r}")
    metadata = c.decode_metadata(metadata)
    if INPUT_NAME not in input_names:
        raise ModelError(f"{where} has no input {INPUT_NAME!r} (it has {list(input_names)}); the catdog "
                         "contract needs image: [N, 3, H, W] float32")
    shape = input_shapes[list(input_names).index(INPUT_NAME)]
    if len(shape) != 4 or (isinstance(shape[1], int) and shape[1] != 3):
        raise ModelError(f"{where}: input {INPUT_NAME!r} has shape {list(shape)}, expected [N, 3, H, W]")
    missing = [o for o in REQUIRED_OUTPUTS if o not in outputs]
    if missing:
        raise ModelError(f"{where} lacks the output(s) {missing} (it has {list(outputs)}); the catdog "
                         f"contract needs {list(REQUIRED_OUTPUTS)}")
    labels = _parse_labels(metadata, where)
    for name in REQUIRED_OUTPUTS:
        out_shape = output_shapes[list(outputs).index(name)]
        if len(out_shape) == 2 and isinstance(out_shape[1], int) and out_shape[1] != len(labels):
            raise ModelError(f"{where}: output {name!r} has {out_shape[1]} classes but the metadata names "
                             f"{len(labels)} labels {list(labels)}")
    preprocessing = _parse_preprocessing(metadata, where)
    top1 = metadata.get(c.VAL_TOP1)
    return ModelInfo(path=path, labels=labels, preprocessing=preprocessing, contract=contract,
                     outputs=tuple(outputs), metadata=dict(metadata),
                     architecture=_text(metadata, c.ARCHITECTURE), trained_on=_text(metadata, c.TRAINED_ON),
                     val_top1=float(top1) if _is_number(top1) else None,
                     created=_text(metadata, c.CREATED))


def int8_sibling(path: str | os.PathLike) -> Path:
    """``<folder>/<name>.onnx`` -> ``<folder>/<name>-int8.onnx``, where ``training.export --int8`` writes the
    static int8 version of a model (whether or not it exists)."""
    path = Path(path)
    return path.with_name(f"{path.stem}{INT8_SUFFIX}{path.suffix or '.onnx'}")


def physical_cores() -> int:
    """Physical CPU cores this process may run on (SMT siblings counted once), at least 1.

    Linux: distinct ``(physical id, core id)`` pairs in ``/proc/cpuinfo`` among the CPUs of
    ``os.sched_getaffinity``; elsewhere (or when that cannot be read) ``os.cpu_count()``. ONNX Runtime's
    intra-op threads are best set to this: a second hyper-thread on a core shares its vector units.
    """
    logical = os.cpu_count() or 1
    try:
        allowed = os.sched_getaffinity(0)
        cores, cpu, physical = set(), None, "0"
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            key, _, value = line.partition(":")
            key, value = key.strip(), value.strip()
            if key == "processor":
                cpu = int(value)
            elif key == "physical id":
                physical = value
            elif key == "core id" and cpu in allowed:
                cores.add((physical, value))
        return max(1, len(cores) or len(allowed))
    except (AttributeError, OSError, ValueError):
        return max(1, logical)


# -------------------------------------------------------------------------------------------- providers

_preload_lock = threading.Lock()
_preloaded = False


def _nvidia_driver_error() -> str | None:
    """None when the NVIDIA driver library loads, else why not (e.g. ``libcuda.so.1: cannot open ...``)."""
    if sys.platform == "darwin":
        return "macOS has no CUDA"
    name = "nvcuda.dll" if os.name == "nt" else "libcuda.so.1"
    try:
        ctypes.CDLL(name)
    except OSError as exc:
        return _loader_error(exc) or f"{name} not found"
    return None


def _loader_error(exc: OSError) -> str:
    """The dynamic loader's own message; in a PyInstaller bundle, ctypes raises "Failed to load dynlib/dll
    ... not found when the application was frozen" with the loader's error as its ``__cause__``."""
    cause = exc.__cause__
    return str(cause if isinstance(cause, OSError) and str(cause) else exc)


def _preload_cuda_libraries() -> None:
    """Let ONNX Runtime load CUDA and cuDNN from the ``nvidia-*`` pip packages when they are installed
    (``onnxruntime.preload_dlls``, ONNX Runtime >= 1.21); harmless when they are not."""
    global _preloaded
    with _preload_lock:
        if _preloaded:
            return
        _preloaded = True
        import onnxruntime as ort

        preload = getattr(ort, "preload_dlls", None)
        if preload is not None:
            with contextlib.suppress(Exception):  # best effort; the session reports what really happened
                preload(directory="")


def _cuda_library_error() -> str | None:
    """None when ONNX Runtime's CUDA provider library loads, else the loader's message."""
    import onnxruntime as ort

    capi = Path(ort.__file__).parent / "capi"
    if os.name == "nt":
        shared, cuda = capi / "onnxruntime_providers_shared.dll", capi / "onnxruntime_providers_cuda.dll"
    else:
        shared, cuda = capi / "libonnxruntime_providers_shared.so", capi / "libonnxruntime_providers_cuda.so"
    if not cuda.exists():
        return f"{cuda.name} is not installed"
    try:
        if shared.exists():
            ctypes.CDLL(str(shared), mode=getattr(ctypes, "RTLD_GLOBAL", 0))
        ctypes.CDLL(str(cuda))
    except OSError as exc:
        return _loader_error(exc) or f"{cuda.name} does not load"
    return None


def _short_loader_message(message: str) -> str:
    """``libX.so: cannot open shared object file: No such file or directory`` -> ``libX.so not found``."""
    text = message.strip()
    for suffix in (": cannot open shared object file: No such file or directory",):
        if suffix in text:
            text = text.split(suffix)[0].rsplit("/", 1)[-1] + " not found"
    return text


def _cuda_unavailable_reason(requested: Sequence[str], available: Sequence[str], used: Sequence[str],
                             driver_error: str | None) -> str | None:
    """Why CUDA is not in use (None when it is)."""
    if _CUDA in used:
        return None
    if _CUDA not in requested:
        return "not requested"
    if _CUDA not in available:
        return "this ONNX Runtime build has no CUDA support (install onnxruntime-gpu)"
    if driver_error is not None:
        return f"no NVIDIA GPU driver ({_short_loader_message(driver_error)})"
    library_error = _cuda_library_error()
    if library_error is not None:
        return f"CUDA provider failed to load ({_short_loader_message(library_error)}; needs CUDA and cuDNN)"
    return "ONNX Runtime could not create the CUDA provider (unsupported GPU or out of memory; see its log)"


# ----------------------------------------------------------------------------------------------- engine

def _check_file(path: Path) -> None:
    env = os.environ.get("CATDOG_MODEL")
    source = " (set by $CATDOG_MODEL)" if env and Path(env).expanduser() == path else ""
    if not path.exists():
        raise ModelError(f"model file not found: {str(path)!r}{source}")
    if not path.is_file():
        raise ModelError(f"model path is not a file: {str(path)!r}")
    if path.stat().st_size == 0:
        raise ModelError(f"model file {path.name!r} is empty (0 bytes)")


def _softmax(logits: np.ndarray) -> np.ndarray:
    shifted = logits - logits.max(axis=1, keepdims=True)
    e = np.exp(shifted)
    return (e / e.sum(axis=1, keepdims=True)).astype(np.float32)


class Engine:
    """An ONNX Runtime session over a catdog model, with the precision and test-time augmentation asked for.

    Args:
        path: the ONNX file (for ``precision`` "auto" / "int8": the float32 one; its int8 sibling
            ``<name>-int8.onnx``, written by ``training.export --int8``, is found beside it).
        providers: execution providers in order of preference; those this ONNX Runtime build lacks are
            left out (ONNX Runtime falls back to the CPU).
        precision: ``None`` opens ``path`` as it is. ``"auto"``: the int8 sibling when the model runs on
            the CPU and the sibling exists, else ``path`` (CUDA runs float32). ``"fp32"``: ``path``, which
            must not be an int8 file. ``"int8"``: ``path`` when it is int8, else its int8 sibling, which
            must exist; runs on the CPU (ONNX Runtime's int8 kernels).
        tta: average each photo with its horizontal mirror (Krizhevsky et al. 2012; 2x the inference time):
            every output is the mean of the two passes, the mirrored maps flipped back first, and
            ``probabilities = softmax(mean logits)``, so ``cam = W . exit_flow`` and
            ``cam.mean() + b == logits`` still hold. A graph that already holds the mirror (metadata
            ``tta: flip``) is never mirrored again.
        threads: ONNX Runtime intra-op threads (default: :func:`physical_cores`).

    Attributes:
        info: the validated :class:`ModelInfo` of the file actually opened.
        precision: ``"fp32"`` or ``"int8"`` (the opened file's ``precision`` metadata).
        tta: whether predictions are mirror-averaged (by the engine or inside the graph).
        providers: providers actually in use (``session.get_providers()``).
        using_cuda: whether the CUDA provider is in use.
        cuda_unavailable_reason: why CUDA is not in use (None when it is).

    Raises:
        ModelError: missing file, not an ONNX model, not fulfilling the contract, unknown ``precision``,
            or no int8 file for ``precision="int8"``.

    ``predict`` and ``run`` may be called from several threads at once (ONNX Runtime sessions are
    thread-safe).
    """

    def __init__(self, path: str | os.PathLike, providers: Sequence[str] = DEFAULT_PROVIDERS,
                 precision: str | None = None, tta: bool = False, threads: int | None = None) -> None:
        import onnxruntime as ort

        if precision is not None and precision not in PRECISIONS:
            raise ModelError(f"unknown precision {precision!r}; expected one of {PRECISIONS}")
        path = Path(path)
        _check_file(path)
        requested = list(providers)
        available = ort.get_available_providers()
        driver_error = None
        if _CUDA in requested and _CUDA in available:
            driver_error = _nvidia_driver_error()
            if driver_error is None:
                _preload_cuda_libraries()
        chosen = [p for p in requested if p in available] or ["CPUExecutionProvider"]
        cpu_only = [p for p in chosen if p != _CUDA] or ["CPUExecutionProvider"]
        self._options = ort.SessionOptions()
        self._options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        self._options.intra_op_num_threads = threads if threads is not None else physical_cores()
        self._options.inter_op_num_threads = 1
        self._options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        self._options.enable_cpu_mem_arena = True
        # Idle intra-op threads sleep instead of spinning: the decode threads share the cores. Measured on
        # 2 cores, int8 + flip TTA, 120 pets-ood-val photos through core.pipeline, 3 alternating pairs:
        # 12.0 / 11.4 / 12.9 images/s spinning, 12.9 / 16.4 / 14.9 not.
        self._options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        sibling = int8_sibling(path)
        cuda_possible = _CUDA in chosen and driver_error is None
        if precision == "int8" or (precision == "auto" and not cuda_possible and sibling.is_file()):
            self._session = self._open_int8(path, sibling, cpu_only)
        else:
            self._session = self._open(path, chosen)
            opened_int8 = self._metadata().get(c.PRECISION) == "int8"
            if precision == "fp32" and opened_int8:
                raise ModelError(f"model {path.name!r} is an int8 file; open its float32 version for fp32 "
                                 "(or choose precision int8 / auto)")
            if (precision == "auto" and not opened_int8 and _CUDA not in self._session.get_providers()
                    and sibling.is_file()):  # CUDA was asked for but did not start: the CPU runs int8 faster
                self._session = self._open_int8(path, sibling, cpu_only)
        inputs = self._session.get_inputs()
        outputs = self._session.get_outputs()
        opened = Path(self._session_path)
        self.info = read_model_info(opened, self._session.get_modelmeta().custom_metadata_map, [i.name for i in inputs], [i.shape for i in inputs],
                                    [o.name for o in outputs], [o.shape for o in outputs])
        image_type = next(i.type for i in inputs if i.name == INPUT_NAME)
        if image_type != "tensor(float)":
            raise ModelError(f"model {opened.name!r}: input {INPUT_NAME!r} is {image_type}; the catdog contract "
                             "needs float32")
        self.precision: str = "int8" if self.info.metadata.get(c.PRECISION) == "int8" else "fp32"
        self._graph_tta = self.info.metadata.get(c.TTA, "none") == "flip"
        self._mirror = bool(tta) and not self._graph_tta
        self.tta: bool = bool(tta) or self._graph_tta
        self.providers: list[str] = list(self._session.get_providers())
        self.using_cuda: bool = _CUDA in self.providers
        self.cuda_unavailable_reason: str | None = _cuda_unavailable_reason(requested, available,
                                                                             self.providers, driver_error)

    def _open(self, path: Path, providers: Sequence[str]):
        import onnxruntime as ort

        try:
            session = ort.InferenceSession(str(path), self._options, providers=list(providers))
        except Exception as exc:  # noqa: BLE001 - ORT raises its own types (Fail, InvalidProtobuf, ...)
            raise ModelError(f"cannot open {path.name!r} as an ONNX model: {onnx_runtime_reason(exc)}") from None
        self._session_path = path
        return session

    def _open_int8(self, path: Path, sibling: Path, providers: Sequence[str]):
        """The int8 sibling of ``path`` when it exists, else ``path`` itself when it is an int8 file."""
        if sibling.is_file():
            _check_file(sibling)
            return self._open(sibling, providers)
        session = self._open(path, providers)
        if c.decode_metadata(session.get_modelmeta().custom_metadata_map).get(c.PRECISION) == "int8":
            return session
        raise ModelError(f"no int8 version of {path.name!r}: {sibling.name!r} is not beside it (write it with "
                         "python -m training.export ... --int8, or choose precision fp32 / auto)")

    def _metadata(self) -> dict[str, Any]:
        return c.decode_metadata(self._session.get_modelmeta().custom_metadata_map)

    def describe_settings(self) -> str:
        """Precision and test-time augmentation in words, e.g. ``"int8, flip TTA"`` or ``"fp32, no TTA"``."""
        return f"{self.precision}, {'flip TTA' if self.tta else 'no TTA'}"

    def describe_provider(self) -> str:
        """The provider in use in words: ``"CUDA"``, or ``"CPU — CUDA unavailable: <reason>"``."""
        main = self.providers[0].removesuffix("ExecutionProvider") if self.providers else "CPU"
        if self.using_cuda or self.cuda_unavailable_reason is None:
            return main
        return f"{main} — CUDA unavailable: {self.cuda_unavailable_reason}"

    def has_outputs(self, names: Sequence[str] | str) -> bool:
        """True when the model has every output in ``names`` (e.g. the flow maps and ``cam``)."""
        if isinstance(names, str):
            names = [names]
        return all(n in self.info.outputs for n in names)

    def _check_images(self, images: np.ndarray) -> np.ndarray:
        images = np.asarray(images)
        if images.ndim != 4 or images.shape[1] != 3:
            raise ValueError(f"images must be [N, 3, H, W], got shape {images.shape}")
        return np.ascontiguousarray(images, dtype=np.float32)

    def run(self, images: np.ndarray, outputs: Sequence[str], run_options=None) -> dict[str, np.ndarray]:
        """Run the model and fetch only the named outputs (ONNX Runtime computes only what they need).

        Args:
            images: ``[N, 3, H, W] float32``, preprocessed per ``info.preprocessing``.
            outputs: output names, e.g. ``["cam"]`` or ``["entry_flow", "middle_flow", "exit_flow"]``.
            run_options: optional ``onnxruntime.RunOptions``; setting its ``terminate`` from another thread
                stops the call within one operator (it then raises ONNX Runtime's error).

        Returns:
            ``{name: array}`` for exactly those names (``cam``: ``[N, C, h32, w32]``, flows
            ``[N, 728|2048, h, w]``, ``logits`` / ``probabilities``: ``[N, C]``), float32.

        Raises:
            ModelError: the model has no such output.
            ValueError: ``images`` is not ``[N, 3, H, W]``.
        """
        names = list(dict.fromkeys(outputs))
        unknown = [n for n in names if n not in self.info.outputs]
        if unknown:
            raise ModelError(f"model {self.info.name!r} has no output(s) {unknown} "
                             f"(it has {list(self.info.outputs)})")
        images = self._check_images(images)
        if not self._mirror or images.shape[0] == 0:
            values = self._session.run(names, {INPUT_NAME: images}, run_options)
            return {n: np.asarray(v, dtype=np.float32) for n, v in zip(names, values)}
        # Flip TTA: the photos and their mirrors in one batch; probabilities = softmax of the mean logits.
        fetch = [n for n in names if n != "probabilities"]
        if "probabilities" in names and "logits" not in fetch:
            fetch.append("logits")
        n = images.shape[0]
        both = np.concatenate([images, images[..., ::-1]])
        out = {}
        for name, value in zip(fetch, self._session.run(fetch, {INPUT_NAME: both}, run_options)):
            value = np.asarray(value, dtype=np.float32)
            mirrored = value[n:, ..., ::-1] if name in SPATIAL_OUTPUTS else value[n:]
            out[name] = (value[:n] + mirrored) / 2
        if "probabilities" in names:
            out["probabilities"] = _softmax(out["logits"])
        return {name: np.ascontiguousarray(out[name]) for name in names}

    def predict(self, images: np.ndarray, run_options=None) -> tuple[np.ndarray, np.ndarray]:
        """Classify a batch.

        Args:
            images: ``[N, 3, H, W] float32`` preprocessed photos (N may be 0).
            run_options: optional ``onnxruntime.RunOptions`` (see :meth:`run`: ``terminate`` cancels).

        Returns:
            ``(logits [N, C] float32, probabilities [N, C] float32)``, C = ``len(info.labels)``.

        Raises:
            ValueError: ``images`` is not ``[N, 3, H, W]``.
        """
        images = self._check_images(images)
        if images.shape[0] == 0:
            empty = np.zeros((0, len(self.info.labels)), np.float32)
            return empty, empty.copy()
        out = self.run(images, REQUIRED_OUTPUTS, run_options)
        return out["logits"], out["probabilities"]

    def __repr__(self) -> str:
        return f"Engine({str(self.info.path)!r}, {self.describe_provider()!r})"
