"""Decode any photo to an upright 8-bit RGB image and turn it into the model's input.

One function, two callers: the app and the CLI call :func:`preprocess` on every photo, and training's
evaluation transform calls the very same function (``training/data.py``), so the model is measured on
exactly what the app feeds it. Training augmentation works on the output of :func:`load_rgb`.

Pipeline (DESIGN.md, "Preprocessing"): decode with Pillow (draft mode for big JPEGs, first frame of
animations and multi-page files), apply the EXIF orientation, flatten transparency onto the background
colour, convert any mode (1, L, LA, P, RGBA, CMYK, I;16, I, F, ...) to 8-bit RGB, resize per the model's
``resize`` rule, scale to 0..1, normalise with the model's mean and std.
"""

from __future__ import annotations

import io
import os
import stat
import warnings
from dataclasses import dataclass
from typing import BinaryIO, Sequence, Union

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

try:  # HEIC/HEIF and AVIF from iPhones and recent Android phones, through a maintained plugin.
    import pillow_heif

    pillow_heif.register_heif_opener()
    HEIF_SUPPORTED = True
except Exception:  # noqa: BLE001 - the plugin is optional; unsupported files get a clear error row.
    HEIF_SUPPORTED = False

__all__ = [
    "ImageDecodeError",
    "Preprocessing",
    "load_rgb",
    "to_rgb",
    "resize_for_model",
    "normalize",
    "preprocess",
    "RESIZE_MODES",
    "HEIF_SUPPORTED",
]

# load_rgb refuses images over Image.MAX_IMAGE_PIXELS itself (an error, not just Pillow's warning).
warnings.filterwarnings("ignore", category=Image.DecompressionBombWarning)

PathOrFile = Union[str, os.PathLike, BinaryIO]
RESIZE_MODES = ("squash", "center_crop")
_RESAMPLE = Image.Resampling.BILINEAR  # antialiased when shrinking, like torchvision's antialias=True


class ImageDecodeError(ValueError):
    """A file could not be turned into an RGB image; ``str(err)`` is a human-readable reason."""


@dataclass(frozen=True)
class Preprocessing:
    """How a photo becomes the model's input; travels with the weights as ONNX metadata.

    Attributes:
        image_size: (height, width) in pixels of the model input.
        resize: ``"squash"`` (resize to H x W ignoring aspect ratio) or ``"center_crop"`` (shorter side
            to ``size / crop_fraction``, then a central H x W crop).
        crop_fraction: fraction of the resized shorter side kept by ``center_crop`` (0 < f <= 1).
        mean, std: per-channel normalisation of 0..1 RGB values.
        background: RGB 0..255 colour that transparency is flattened onto.

    Raises:
        ValueError: on an unknown ``resize`` or an out-of-range value.
    """

    image_size: tuple[int, int] = (299, 299)
    resize: str = "squash"
    crop_fraction: float = 0.875
    mean: tuple[float, float, float] = (0.5, 0.5, 0.5)
    std: tuple[float, float, float] = (0.5, 0.5, 0.5)
    background: tuple[int, int, int] = (255, 255, 255)

    def __post_init__(self) -> None:
        object.__setattr__(self, "image_size", tuple(int(v) for v in self.image_size))
        object.__setattr__(self, "mean", tuple(float(v) for v in self.mean))
        object.__setattr__(self, "std", tuple(float(v) for v in self.std))
        object.__setattr__(self, "background", tuple(int(v) for v in self.background))
        if self.resize not in RESIZE_MODES:
            raise ValueError(f"unknown resize {self.resize!r}; expected one of {RESIZE_MODES}")
        if len(self.image_size) != 2 or min(self.image_size) < 32:
            raise ValueError(f"image_size must be (height, width) >= 32, got {self.image_size!r}")
        if not 0.0 < self.crop_fraction <= 1.0:
            raise ValueError(f"crop_fraction must be in (0, 1], got {self.crop_fraction!r}")
        if len(self.mean) != 3 or len(self.std) != 3 or min(self.std) <= 0:
            raise ValueError(f"mean and std need 3 values, std > 0; got {self.mean!r}, {self.std!r}")
        if len(self.background) != 3 or not all(0 <= v <= 255 for v in self.background):
            raise ValueError(f"background must be 3 values in 0..255, got {self.background!r}")


def _high_bit_depth_to_l(image: Image.Image) -> Image.Image:
    """Integer (I, I;16*) or float (F) grayscale -> 8-bit L, keeping tones (65535 -> 255, not clipped)."""
    arr = np.asarray(image)
    if image.mode == "F":
        lo, hi = float(np.nanmin(arr)), float(np.nanmax(arr))
        scale = 255.0 if hi <= 1.0 and lo >= 0.0 else 1.0  # 0..1 floats, else assume 0..255
        arr8 = np.clip(np.nan_to_num(arr) * scale, 0, 255)
    else:
        arr8 = np.clip(arr.astype(np.float64) / 257.0, 0, 255)  # 16-bit range, 65535 / 257 == 255
    return Image.fromarray(np.rint(arr8).astype(np.uint8), mode="L")


def to_rgb(image: Image.Image, background: Sequence[int] = (255, 255, 255)) -> Image.Image:
    """Convert any Pillow mode to 8-bit RGB, flattening transparency onto ``background``.

    Args:
        image: a decoded Pillow image of any mode (already upright).
        background: RGB 0..255 colour under transparent pixels.

    Returns:
        A new (or the same, when already RGB) ``"RGB"`` image of the same size.
    """
    mode = image.mode
    if mode == "RGB" and "transparency" not in image.info:
        return image
    if mode in ("I", "F") or mode.startswith("I;16"):
        image = _high_bit_depth_to_l(image)
        mode = "L"
    has_alpha = mode in ("RGBA", "LA", "La", "RGBa", "PA") or (
        mode in ("P", "L", "RGB", "1") and "transparency" in image.info
    )
    if has_alpha:
        rgba = image.convert("RGBA")
        base = Image.new("RGBA", rgba.size, tuple(background) + (255,))
        return Image.alpha_composite(base, rgba).convert("RGB")
    return image.convert("RGB")


def load_rgb(source: PathOrFile, *, min_size: tuple[int, int] | None = None,
             background: Sequence[int] = (255, 255, 255)) -> Image.Image:
    """Decode a photo into an upright 8-bit RGB Pillow image.

    Args:
        source: path or binary file object; the format is found from the content, not the extension.
        min_size: (height, width); when given, big JPEGs decode through draft mode (DCT scaling by 1/2,
            1/4 or 1/8) to no less than this size, which is fast and never holds the full-size image.
        background: RGB colour that transparency is flattened onto.

    Returns:
        ``"RGB"`` image, EXIF orientation applied; first frame of animations and multi-page files.

    Raises:
        ImageDecodeError: empty, truncated, unreadable, not an image, or over Pillow's
            decompression-bomb limit; the message says which.
    """
    name = os.fspath(source) if isinstance(source, (str, os.PathLike)) else "<stream>"
    try:
        if isinstance(source, (str, os.PathLike)):
            st = os.stat(source)
            if not stat.S_ISREG(st.st_mode):  # a pipe would block the decoder; devices report 0 bytes
                raise ImageDecodeError("cannot read file: not a regular file (a folder, pipe or device)")
            if st.st_size == 0:
                raise ImageDecodeError("empty file (0 bytes)")
        with Image.open(source) as im:
            fmt = im.format or "unknown"
            if getattr(im, "n_frames", 1) > 1:
                im.seek(0)
            if min_size is not None and fmt in ("JPEG", "MPO"):
                # Ask for at least twice the target so that the final resize still antialiases well;
                # square, so that a 90-degree EXIF rotation afterwards cannot leave a side too short.
                side = 2 * max(min_size)
                im.draft("RGB", (side, side))
            _check_pixel_limit(im)
            im.load()
            upright = _exif_upright(im)
            rgb = to_rgb(upright, background)
            if rgb is im:
                rgb = im.copy()
    except ImageDecodeError:
        raise
    except Image.DecompressionBombError as exc:
        raise ImageDecodeError(f"image too large (decompression-bomb limit): {exc}") from None
    except UnidentifiedImageError:
        raise ImageDecodeError(_unidentified_reason(source)) from None
    except FileNotFoundError:
        raise ImageDecodeError("file not found") from None
    except (PermissionError, IsADirectoryError) as exc:
        raise ImageDecodeError(f"cannot read file: {exc.strerror or exc}") from None
    except MemoryError:
        raise ImageDecodeError("not enough memory to decode this image") from None
    except (OSError, SyntaxError, ValueError, EOFError) as exc:
        msg = str(exc) or type(exc).__name__
        if "truncated" in msg.lower() or isinstance(exc, EOFError):
            raise ImageDecodeError(f"truncated or damaged image: {msg}") from None
        raise ImageDecodeError(f"cannot decode {os.path.basename(name)}: {msg}") from None
    except Exception as exc:  # noqa: BLE001 - odd files trip decoders in odd ways (struct.error, IndexError...)
        raise ImageDecodeError(f"damaged or unsupported image: {type(exc).__name__}: {exc}") from None
    return rgb


def _check_pixel_limit(im: Image.Image) -> None:
    """Refuse images over Pillow's decompression-bomb limit (Pillow only warns between 1x and 2x it).

    Runs after ``draft``, so a big JPEG that decodes at a reduced scale is judged by what is decoded.
    """
    limit = Image.MAX_IMAGE_PIXELS
    w, h = im.size
    if limit and w * h > limit:
        raise ImageDecodeError(f"image too large: {w}x{h} pixels is over the decompression-bomb limit "
                               f"of {limit} pixels")


def _exif_upright(im: Image.Image) -> Image.Image:
    """Apply the EXIF orientation; a damaged EXIF block leaves the image as stored instead of failing."""
    try:
        return ImageOps.exif_transpose(im)
    except Exception:  # noqa: BLE001 - malformed EXIF (SyntaxError, struct.error, KeyError...) in real files
        return im


def _unidentified_reason(source: PathOrFile) -> str:
    """A human-readable reason for a file Pillow could not identify (e.g. HEIC without the plugin)."""
    try:
        if isinstance(source, (str, os.PathLike)):
            with open(source, "rb") as f:
                head = f.read(32)
        else:
            source.seek(0)
            head = source.read(32)
    except OSError as exc:
        return f"cannot read file: {exc.strerror or exc}"
    if head[4:8] == b"ftyp":
        brand = head[8:12].decode("ascii", "replace").strip()
        kind = "AVIF" if brand.startswith("avi") else "HEIC"
        if HEIF_SUPPORTED:
            return f"damaged or unsupported {kind} file (the HEIF/AVIF decoder cannot read it)"
        return f"unsupported format: {kind} (install pillow-heif)"
    return "not an image (unrecognised file content)"


def resize_for_model(image: Image.Image, spec: Preprocessing) -> Image.Image:
    """Resize an RGB image to ``spec.image_size`` per ``spec.resize`` (bilinear, antialiased).

    Returns:
        RGB image of exactly (width, height) = ``spec.image_size[::-1]``.
    """
    h, w = spec.image_size
    if spec.resize == "squash":
        return image.resize((w, h), _RESAMPLE)
    # center_crop: the shorter side to size / crop_fraction, then the central crop.
    scale = max(h / image.height, w / image.width) / spec.crop_fraction
    rw, rh = max(w, round(image.width * scale)), max(h, round(image.height * scale))
    resized = image.resize((rw, rh), _RESAMPLE)
    left, top = (rw - w) // 2, (rh - h) // 2
    return resized.crop((left, top, left + w, top + h))


def normalize(rgb: np.ndarray, spec: Preprocessing) -> np.ndarray:
    """``[H, W, 3] uint8`` RGB -> ``[3, H, W] float32``: scale to 0..1, then ``(x - mean) / std``."""
    if rgb.ndim != 3 or rgb.shape[2] != 3 or rgb.dtype != np.uint8:
        raise ValueError(f"expected [H, W, 3] uint8, got {rgb.shape} {rgb.dtype}")
    x = rgb.astype(np.float32) / np.float32(255.0)
    x = (x - np.asarray(spec.mean, np.float32)) / np.asarray(spec.std, np.float32)
    return np.ascontiguousarray(x.transpose(2, 0, 1))


def preprocess(source: PathOrFile | Image.Image, spec: Preprocessing) -> np.ndarray:
    """Turn a photo (file, path or already decoded image) into the model input for one image.

    Args:
        source: path, binary file, or a Pillow image (any mode; assumed upright).
        spec: the model's :class:`Preprocessing`.

    Returns:
        ``[3, H, W] float32`` normalised RGB, H x W = ``spec.image_size``.

    Raises:
        ImageDecodeError: when a path or file cannot be decoded.
    """
    if isinstance(source, Image.Image):
        image = to_rgb(source, spec.background)
    else:
        image = load_rgb(source, min_size=spec.image_size, background=spec.background)
    return normalize(np.asarray(resize_for_model(image, spec)), spec)
