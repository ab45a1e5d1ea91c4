"""Turn the model's maps (class activation maps, flow feature maps) into pictures: pure numpy.

Colour maps come from matplotlib (perceptually uniform ones such as ``inferno`` and ``viridis``),
smooth upsampling from Pillow (bilinear on 32-bit float images). Every function validates its
arguments first (``ValueError`` with the bad value), returns a new array, and never modifies its inputs.
Sizes are always ``(height, width)``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from PIL import Image

__all__ = ["normalize_map", "upsample", "colorize", "top_channels"]


def _check_map(m: np.ndarray, name: str = "map") -> np.ndarray:
    m = np.asarray(m)
    if m.ndim != 2 or m.size == 0:
        raise ValueError(f"{name} must be a non-empty (h, w) array, got shape {m.shape}")
    if not (np.issubdtype(m.dtype, np.floating) or np.issubdtype(m.dtype, np.integer)):
        raise ValueError(f"{name} must be numeric, got dtype {m.dtype}")
    return m


def normalize_map(m: np.ndarray) -> np.ndarray:
    """Min-max normalise one map to [0, 1].

    Args:
        m: ``(h, w)`` float (or int) map; NaN and infinities count as the map's minimum.

    Returns:
        ``(h, w) float32`` in [0, 1]: ``(m - min) / (max - min)``. A constant map gives zeros (no
        division by zero).

    Raises:
        ValueError: ``m`` is not a non-empty 2-D numeric array.
    """
    m = _check_map(m).astype(np.float64)  # a copy: the input is never touched
    finite = np.isfinite(m)
    if not finite.any():
        return np.zeros(m.shape, np.float32)
    lo, hi = float(m[finite].min()), float(m[finite].max())
    m[~finite] = lo
    span = hi - lo
    if span <= 0 or not math.isfinite(span):
        return np.zeros(m.shape, np.float32)
    return np.clip((m - lo) / span, 0.0, 1.0).astype(np.float32)


def upsample(m: np.ndarray, size: Sequence[int]) -> np.ndarray:
    """Resize a map smoothly (bilinear) to ``size``.

    Args:
        m: ``(h, w)`` float map.
        size: ``(height, width)`` in pixels, each >= 1.

    Returns:
        ``(height, width) float32``.

    Raises:
        ValueError: bad map or size.
    """
    m = _check_map(m)
    if len(size) != 2 or any(int(v) != v or v < 1 for v in size):
        raise ValueError(f"size must be (height, width) positive integers, got {size!r}")
    height, width = int(size[0]), int(size[1])
    image = Image.fromarray(np.ascontiguousarray(m, dtype=np.float32))  # mode "F"
    out = image.resize((width, height), Image.Resampling.BILINEAR)
    return np.asarray(out, dtype=np.float32).copy()


def colorize(m01: np.ndarray, cmap: str = "inferno") -> np.ndarray:
    """Colour a [0, 1] map with a matplotlib colour map.

    Args:
        m01: ``(h, w)`` float in [0, 1] (values outside are clipped, NaN -> 0).
        cmap: a matplotlib colour-map name (``inferno``, ``viridis``, ``magma``, ``plasma``, ...).

    Returns:
        ``(h, w, 3) uint8`` RGB.

    Raises:
        ValueError: bad map or unknown colour map.
    """
    import matplotlib

    m = _check_map(m01, "m01")
    try:
        colormap = matplotlib.colormaps[cmap]
    except KeyError:
        raise ValueError(f"unknown colour map {cmap!r}") from None
    values = np.clip(np.nan_to_num(m.astype(np.float64), nan=0.0), 0.0, 1.0)
    rgba = colormap(values, bytes=True)  # (h, w, 4) uint8
    return np.ascontiguousarray(rgba[..., :3])


def top_channels(fmap: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """The ``k`` channels with the highest mean activation.

    Args:
        fmap: ``(C, h, w)`` float feature map of one image.
        k: how many (>= 1; capped at C).

    Returns:
        ``(indices int64 [k], means float32 [k])``, by mean activation descending (ties: lower index first).

    Raises:
        ValueError: ``fmap`` not 3-D non-empty, or ``k < 1``.
    """
    fmap = np.asarray(fmap)
    if fmap.ndim != 3 or fmap.size == 0:
        raise ValueError(f"fmap must be a non-empty (C, h, w) array, got shape {fmap.shape}")
    if int(k) != k or k < 1:
        raise ValueError(f"k must be a positive integer, got {k!r}")
    means = fmap.reshape(fmap.shape[0], -1).astype(np.float64).mean(axis=1)
    order = np.argsort(-means, kind="stable")[: min(int(k), fmap.shape[0])]
    return order.astype(np.int64), means[order].astype(np.float32)
