"""Inputs whose label is not worth much whatever the model says: tiny, (nearly) one flat colour, or a
long strip, as decoded. Such a row is ``uncertain`` (:meth:`catdog_gui.core.results.Result.uncertain_reason`).

Thresholds and where they come from (measured with ``python -m benchmarks.degenerate_inputs``, which prints
the extremes over the 1,322 photos of ``pets-ood-val``, ``photos-fullsize`` and ``resources/samples``; none is
flagged):

- :data:`MIN_SIDE` = 32 px on the short side: the model sees 256x256, so a 32 px photo is upscaled 8x and
  holds less than 2% of the detail it is given; the smallest real photo measured has a short side of 50 px
  (``photos-fullsize/dog/dog.630.jpg``).
- :data:`MIN_STD` = 3.0 (0-255 scale, the largest per-channel standard deviation of the model's input): a blank
  or one-colour image gives 0; the flattest real photo measured
  has 19.4 (``pets-ood-val/dog/dog_0432.jpg``).
- :data:`MAX_ASPECT` = 8: phone panoramas are about 4:1 to 6:1; squashed to a square, a strip beyond 8:1 no
  longer shows an animal's shape; the most elongated real photo measured is 3.1:1 (``pets-ood-val/cat/cat_0209.jpg``).
"""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageStat

__all__ = ["MIN_SIDE", "MIN_STD", "MAX_ASPECT", "degenerate_reason", "pixel_spread"]

MIN_SIDE = 32
MIN_STD = 3.0
MAX_ASPECT = 8.0


def pixel_spread(pixels: Image.Image | np.ndarray) -> float:
    """The largest per-channel (population) standard deviation of RGB pixels, 0-255 scale.

    Args:
        pixels: an RGB Pillow image, or ``[H, W, 3] uint8``.

    Computed from each channel's histogram by Pillow's ``ImageStat`` (0.26 ms for 256x256 against 3.1 ms for
    ``numpy.std`` over the pixels, on this project's AVX2 machine: it runs once per photo, beside inference).
    """
    image = Image.fromarray(pixels) if isinstance(pixels, np.ndarray) else pixels
    if image.width == 0 or image.height == 0:
        return 0.0
    return float(max(ImageStat.Stat(image).stddev))


def degenerate_reason(width: int, height: int, pixels: Image.Image | np.ndarray) -> str:
    """Why a decoded photo is degenerate, or ``""`` when it is not.

    Args:
        width, height: the decoded image's size in pixels (after EXIF rotation; for big JPEGs, the size draft
            mode decoded, which keeps at least twice the model's input on each side).
        pixels: RGB of the photo at any scale (Pillow image or ``[H, W, 3] uint8``), e.g. the model's resized
            input.

    Returns:
        A human-readable reason (``"tiny image (1x1 px; under 32 px on a side)"``...), or ``""``.
    """
    short, long = min(width, height), max(width, height)
    if short < MIN_SIDE:
        return f"tiny image ({width}x{height} px; under {MIN_SIDE} px on a side)"
    if long / short > MAX_ASPECT:
        return f"extreme aspect ratio ({width}x{height} px, over {MAX_ASPECT:g}:1)"
    spread = pixel_spread(pixels)
    if spread < MIN_STD:
        return f"nearly one flat colour (pixel standard deviation {spread:.1f}, under {MIN_STD:g})"
    return ""
