"""Everything the detail view shows for one photo, computed on demand and cached (Qt-free).

The batch run asks ONNX Runtime only for ``probabilities``; when the user selects a photo, this module
runs the model once more on that photo alone and asks for the outputs the detail view needs: the
probabilities, the class activation maps (``cam``) and the three flow maps (``entry_flow``,
``middle_flow``, ``exit_flow``), as far as the model has them. Recently viewed photos stay in a small
LRU cache, so moving back and forth through the results does not recompute them.
"""

from __future__ import annotations

import os
import time
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
from PIL import Image

from catdog_gui.core.contract import CAM_OUTPUT, FLOW_OUTPUTS, PROBABILITIES_OUTPUT
from catdog_gui.core.imaging import center_crop_scale, load_rgb, preprocess
from catdog_gui.core.thumbnails import LRUCache

__all__ = ["FLOW_OUTPUTS", "FLOW_TITLES", "Explanation", "Explainer", "display_image", "model_region"]

FLOW_TITLES = {"entry_flow": "Entry flow", "middle_flow": "Middle flow", "exit_flow": "Exit flow"}


@dataclass(frozen=True)
class Explanation:
    """The model's view of one photo.

    Attributes:
        path: the photo's path.
        image: ``(H, W, 3) uint8`` upright RGB photo for display, its longer side at most the
            explainer's ``display_max`` pixels (aspect ratio kept).
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


def display_image(image: Image.Image, display_max: int) -> np.ndarray:
    """Scale an RGB image down so its longer side is at most ``display_max``; return ``(H, W, 3) uint8``."""
    if display_max < 1:
        raise ValueError(f"display_max must be >= 1, got {display_max!r}")
    if max(image.size) > display_max:
        image = image.copy()
        image.thumbnail((display_max, display_max), Image.Resampling.LANCZOS)
    return np.ascontiguousarray(np.asarray(image.convert("RGB"), dtype=np.uint8))


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
        cache_size: how many recent photos to keep (>= 1); each holds the display image and the maps,
            a few MB at 299x299.
        display_max: longest side, in pixels, of the display image.

    Raises:
        ValueError: on ``cache_size < 1`` or ``display_max < 1``.
    """

    def __init__(self, engine, cache_size: int = 8, display_max: int = 1024) -> None:
        if cache_size < 1 or display_max < 1:
            raise ValueError(f"cache_size and display_max must be >= 1, got {cache_size}, {display_max}")
        self.engine = engine
        self.cache_size = cache_size
        self.display_max = display_max
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
        # through draft mode too, at the display size.
        x = preprocess(path, spec)[None]
        half = max(1, self.display_max // 2)
        rgb = load_rgb(path, min_size=(half, half), background=spec.background)
        start = time.perf_counter()
        out = self.engine.run(x, list(self.outputs))
        inference_ms = (time.perf_counter() - start) * 1000.0
        shown = display_image(rgb, self.display_max)
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
