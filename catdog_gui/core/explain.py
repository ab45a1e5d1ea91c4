"""Everything the detail view shows for one photo, computed on demand and cached (Qt-free).

The batch run asks ONNX Runtime only for ``probabilities``; when the user selects a photo, this module
runs the model once more on that photo alone and asks for the outputs the detail view needs: the
probabilities, the class activation maps (``cam``) and the three flow maps (``entry_flow``,
``middle_flow``, ``exit_flow``), as far as the model has them. Recently viewed photos stay in a small
LRU cache, so moving back and forth through the results does not recompute them.
"""

from __future__ import annotations

import math
import os
import time
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
from PIL import Image

from catdog_gui.core.contract import CAM_OUTPUT, FLOW_OUTPUTS, PROBABILITIES_OUTPUT
from catdog_gui.core.imaging import center_crop_scale, load_rgb, preprocess
from catdog_gui.core.thumbnails import LRUCache

__all__ = ["DISPLAY_MAX_PIXELS", "FLOW_OUTPUTS", "FLOW_TITLES", "Explanation", "Explainer", "display_image",
           "display_size", "model_region"]

FLOW_TITLES = {"entry_flow": "Entry flow", "middle_flow": "Middle flow", "exit_flow": "Exit flow"}

# Most pixels of the display copy that the detail view zooms into, saves and copies. A limit on the pixel
# count, not on the longer side, so a 3990 x 399 panorama keeps its real pixels (a 1024-px side made it
# 1024 x 102) and an ordinary 12-megapixel photo is shown, saved and copied at its own size; a 24-megapixel
# one becomes 6000 x 4000 * 0.577 = 3464 x 2309. The limit is set by the explanation cache: a display copy
# takes 3 bytes a pixel, at most 24 MB, beside 2.0 MB of maps for the bundled 256 x 256 model (entry and
# middle flow 728 x 16 x 16, exit flow 2048 x 8 x 8, CAM 2 x 8 x 8, float32; 2.9 MB at 299 x 299), so the
# Explainer's default 8 cached photos hold at most 8 x 26 MB = 208 MB (photos of 1-2 megapixels: 40-65 MB).
DISPLAY_MAX_PIXELS = 8_000_000


@dataclass(frozen=True)
class Explanation:
    """The model's view of one photo.

    Attributes:
        path: the photo's path.
        image: ``(H, W, 3) uint8`` upright RGB photo for display: at its own size, or scaled down to
            at most the explainer's ``display_max_pixels`` pixels (H * W; aspect ratio kept).
        labels: class names in output order.
        probabilities: ``(C,) float32`` softmax probabilities.
        cam: ``(C, h32, w32) float32`` class activation maps, or ``None`` when the model lacks ``cam``.
        flows: flow name (``"entry_flow"``, ...) -> ``(channels, h, w) float32`` map; only the flows the
            model has.
        missing: the outputs of :data:`FLOW_OUTPUTS` and ``"cam"`` that the model lacks.
        inference_ms: wall time of the single ONNX Runtime call, in milliseconds.
        provider: the engine's :meth:`describe_provider` text.
        region: ``(left, top, width, height)`` in ``image`` pixels of the part of the photo the model
            saw (the whole photo for ``squash``, the central crop for ``center_crop``); maps belong there.
    """

    path: str
    image: np.ndarray
    labels: tuple[str, ...]
    probabilities: np.ndarray
    cam: np.ndarray | None
    flows: Mapping[str, np.ndarray] = field(default_factory=dict)
    missing: tuple[str, ...] = ()
    inference_ms: float = 0.0
    provider: str = ""
    region: tuple[int, int, int, int] = (0, 0, 0, 0)

    @property
    def predicted(self) -> int:
        """Index of the most probable class."""
        return int(np.argmax(self.probabilities))

    @property
    def label(self) -> str:
        """Name of the most probable class."""
        return self.labels[self.predicted]

    @property
    def confidence(self) -> float:
        """Probability of the most probable class, 0..1."""
        return float(self.probabilities[self.predicted])


def display_size(size: tuple[int, int], max_pixels: int = DISPLAY_MAX_PIXELS) -> tuple[int, int]:
    """The size a photo is displayed at: ``size`` itself, or scaled down to at most ``max_pixels`` pixels.

    Args:
        size: (width, height) of the photo in pixels, each >= 1.
        max_pixels: most pixels (width * height) of the result, >= 1.

    Returns:
        (width, height), aspect ratio kept (each side rounded down, at least 1 pixel).

    Raises:
        ValueError: on ``max_pixels < 1``.
    """
    if max_pixels < 1:
        raise ValueError(f"max_pixels must be >= 1, got {max_pixels!r}")
    width, height = size
    if width * height <= max_pixels:
        return width, height
    scale = math.sqrt(max_pixels / (width * height))
    return max(1, int(width * scale)), max(1, int(height * scale))


def display_image(image: Image.Image, max_pixels: int = DISPLAY_MAX_PIXELS) -> np.ndarray:
    """An RGB image as ``(H, W, 3) uint8``, scaled down (Lanczos) to :func:`display_size` when it has more
    than ``max_pixels`` pixels; otherwise its own pixels, unchanged.

    Raises:
        ValueError: on ``max_pixels < 1``.
    """
    size = display_size(image.size, max_pixels)
    if size != image.size:
        image = image.resize(size, Image.Resampling.LANCZOS)
    return np.ascontiguousarray(np.asarray(image.convert("RGB"), dtype=np.uint8))


def _decode_min_size(path: str, max_pixels: int) -> tuple[int, int]:
    """``min_size`` for :func:`~catdog_gui.core.imaging.load_rgb` so that the decoder may reduce the photo
    (JPEG draft mode, strip-wise box filter) but never below its :func:`display_size` on either side: half
    the display size's shorter side (load_rgb keeps both sides >= twice ``min_size``). Reads only the header;
    when that fails, the value for a square photo of ``max_pixels`` (load_rgb then reports the error)."""
    side = math.isqrt(max_pixels)
    try:
        with Image.open(path) as im:
            side = min(display_size(im.size, max_pixels))
    except Exception:  # noqa: BLE001 - load_rgb decodes it again and raises the real, described error
        pass
    half = max(1, side // 2)
    return half, half


def model_region(size: tuple[int, int], spec) -> tuple[int, int, int, int]:
    """Where the model's input lies in a photo of ``size`` = (height, width) pixels.

    Args:
        size: (height, width) of the photo as displayed.
        spec: the model's :class:`~catdog_gui.core.imaging.Preprocessing`.

    Returns:
        ``(left, top, width, height)`` in those pixels: the whole photo for ``resize="squash"``; for
        ``"center_crop"`` the central region that survives the crop (same rule as
        :func:`~catdog_gui.core.imaging.resize_for_model`).
    """
    height, width = size
    if spec.resize != "center_crop":
        return (0, 0, width, height)
    h, w = spec.image_size
    scale = center_crop_scale(size, spec)
    cw, ch = min(width, round(w / scale)), min(height, round(h / scale))
    return ((width - cw) // 2, (height - ch) // 2, cw, ch)


def _file_stamp(path: str) -> tuple[int, int] | None:
    """``(size in bytes, modification time in ns)`` of ``path``, or ``None`` when it cannot be read."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_size, st.st_mtime_ns


class Explainer:
    """Computes and caches :class:`Explanation` objects for one engine. Thread-safe.

    Args:
        engine: a :class:`catdog_gui.core.model.Engine` (anything with ``info``, ``run``,
            ``has_outputs`` and ``describe_provider``).
        cache_size: how many recent photos to keep (>= 1); each holds the display image (3 bytes a
            pixel, at most ``3 * display_max_pixels``: 24 MB by default) and the maps (2.0 MB at
            256x256, 2.9 MB at 299x299), so the default 8 hold at most about 208 MB.
        display_max_pixels: most pixels (height * width) of the display image; photos with more are
            scaled down to that, aspect ratio kept (see :data:`DISPLAY_MAX_PIXELS`).

    Raises:
        ValueError: on ``cache_size < 1`` or ``display_max_pixels < 1``.
    """

    def __init__(self, engine, cache_size: int = 8, display_max_pixels: int = DISPLAY_MAX_PIXELS) -> None:
        if cache_size < 1 or display_max_pixels < 1:
            raise ValueError(f"cache_size and display_max_pixels must be >= 1, got {cache_size}, {display_max_pixels}")
        self.engine = engine
        self.cache_size = cache_size
        self.display_max_pixels = display_max_pixels
        # path -> (the file's (size, mtime_ns) when it was explained, the explanation)
        self._cache: LRUCache[str, tuple[tuple[int, int] | None, Explanation]] = LRUCache(cache_size)
        available = [name for name in (*FLOW_OUTPUTS, CAM_OUTPUT) if engine.has_outputs([name])]
        self.outputs: tuple[str, ...] = (PROBABILITIES_OUTPUT, *available)
        self.missing: tuple[str, ...] = tuple(n for n in (*FLOW_OUTPUTS, CAM_OUTPUT) if n not in available)

    def cached(self, path: str) -> Explanation | None:
        """The cached explanation of ``path`` (marking it recently used), or ``None``; also ``None`` when the
        file changed since (another size or modification time: a photo edited or replaced under the same name)."""
        entry = self._cache.get(path)
        if entry is None or entry[0] != _file_stamp(path):
            return None
        return entry[1]

    def explain(self, path: str) -> Explanation:
        """Explain one photo: decode it, run the model once for the needed outputs, cache the result.

        Raises:
            catdog_gui.core.imaging.ImageDecodeError: the photo cannot be decoded.
            catdog_gui.core.model.ModelError or onnxruntime errors: the model run failed.
        """
        hit = self.cached(path)
        if hit is not None:
            return hit
        stamp = _file_stamp(path)
        info = self.engine.info
        spec = info.preprocessing
        # The model input is made exactly as the batch run makes it (same draft decode), so the
        # detail view's probabilities equal the table's; the display copy is decoded separately,
        # through draft mode too, never below the display size.
        x = preprocess(path, spec)[None]
        min_size = _decode_min_size(path, self.display_max_pixels)
        rgb = load_rgb(path, min_size=min_size, background=spec.background)
        start = time.perf_counter()
        out = self.engine.run(x, list(self.outputs))
        inference_ms = (time.perf_counter() - start) * 1000.0
        shown = display_image(rgb, self.display_max_pixels)
        exp = Explanation(
            path=path,
            image=shown,
            labels=tuple(info.labels),
            probabilities=np.asarray(out[PROBABILITIES_OUTPUT][0], dtype=np.float32),
            cam=np.asarray(out[CAM_OUTPUT][0], dtype=np.float32) if CAM_OUTPUT in out else None,
            flows={name: np.asarray(out[name][0], dtype=np.float32) for name in FLOW_OUTPUTS if name in out},
            missing=self.missing,
            inference_ms=inference_ms,
            provider=self.engine.describe_provider(),
            region=model_region(shown.shape[:2], spec),
        )
        self._cache.put(path, (stamp, exp))
        return exp

    def __len__(self) -> int:
        return len(self._cache)
