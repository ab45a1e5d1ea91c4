"""Decode any photo to an upright 8-bit RGB image and turn it into the model's input.

One function, two callers: the app and the CLI call :func:`preprocess` on every photo, and training's
evaluation transform calls the very same function (``training/data.py``), so the model is measured on
exactly what the app feeds it. Training augmentation works on the output of :func:`load_rgb`.

Pipeline (DESIGN.md, "Preprocessing"): decode with Pillow (draft mode for big JPEGs, first frame of
animations and multi-page files; other big images shrunk by an integer factor in strips right after
decoding), apply the EXIF orientation, convert an embedded colour profile to sRGB (ImageCms), flatten
transparency onto the background colour (an alpha channel that is zero everywhere counts as none),
convert any mode (1, L, LA, P, RGBA, CMYK, I;16, I, F, ...) to 8-bit RGB, resize per the model's
``resize`` rule, scale to 0..1, normalise with the model's mean and std.

Images up to :data:`MAX_PIXELS` are decoded; peak memory is the decoded image itself (at most 1 GiB, RGBA
at the limit) plus a few strips. What goes wrong on the way without failing (a damaged EXIF block, a broken
colour profile, an empty alpha channel, a library warning) becomes a human-readable note (``notes=``)
instead of a line on stderr.
"""

from __future__ import annotations

import functools
import hashlib
import io
import os
import re
import stat
import threading
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import BinaryIO

import numpy as np
from PIL import Image, ImageCms, UnidentifiedImageError

from catdog_gui.core import warncapture
from catdog_gui.core.scan import heif_kind
from catdog_gui.core.pathtext import quoted

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
    "MAX_PIXELS",
]

# Phones take 200-megapixel photos and panoramas are bigger: decode up to 2**28 pixels (16384 x 16384, also
# the largest WebP). Pillow's own guard (89.5 Mpx warning, error at twice its limit, judged before JPEG
# draft mode) is raised to this; load_rgb refuses what decodes to more than Image.MAX_IMAGE_PIXELS itself.
MAX_PIXELS = 2 ** 28
if Image.MAX_IMAGE_PIXELS is not None and Image.MAX_IMAGE_PIXELS < MAX_PIXELS:
    Image.MAX_IMAGE_PIXELS = MAX_PIXELS
warnings.filterwarnings("ignore", category=Image.DecompressionBombWarning)
_STRIP_BYTES = 32 * 2 ** 20  # pixels of one strip when shrinking a big decoded image

PathOrFile = str | os.PathLike | BinaryIO
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


def _alpha_is_empty(image: Image.Image) -> bool:
    """True for an RGBA or LA image whose alpha is 0 everywhere: what many Windows tools write in 32-bit
    BMPs and screenshots (the alpha bytes unused), which means "no alpha", not "invisible"."""
    return image.mode in ("RGBA", "LA") and image.getextrema()[-1][1] == 0


def to_rgb(image: Image.Image, background: Sequence[int] = (255, 255, 255)) -> Image.Image:
    """Convert any Pillow mode to 8-bit RGB, flattening transparency onto ``background``.

    An alpha channel that is zero everywhere is ignored (the image is taken as opaque).

    Args:
        image: a decoded Pillow image of any mode (already upright).
        background: RGB 0..255 colour under transparent pixels.

    Returns:
        A new (or the same, when already RGB) ``"RGB"`` image of the same size.
    """
    mode = image.mode
    if mode == "RGB" and "transparency" not in image.info:
        return image
    if _alpha_is_empty(image):
        return image.convert(mode[:-1]).convert("RGB")
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
             background: Sequence[int] = (255, 255, 255), notes: list[str] | None = None) -> Image.Image:
    """Decode a photo into an upright 8-bit sRGB Pillow image.

    Args:
        source: path or binary file object; the format is found from the content, not the extension.
        min_size: (height, width); when given, big images are reduced while or right after decoding to no
            less than twice this size on both sides: JPEGs through draft mode (DCT scaling by 1/2, 1/4 or
            1/8, never holding the full-size image), other formats by an integer box filter applied strip
            by strip. Without it the full size is returned.
        background: RGB colour that transparency is flattened onto.
        notes: when given, human-readable notes on what was repaired or ignored are appended (a damaged
            EXIF block, a colour profile that cannot be used, an empty alpha channel, library warnings).

    Returns:
        ``"RGB"`` image in sRGB, EXIF orientation applied; first frame of animations and multi-page files.

    Raises:
        ImageDecodeError: empty, truncated, unreadable, not an image, or bigger than ``MAX_PIXELS`` (as
            decoded: a JPEG that draft mode shrinks may be bigger on disk); the message says which.
    """
    name = os.fspath(source) if isinstance(source, (str, os.PathLike)) else "<stream>"
    found: list[str] = []
    try:
        with warncapture.capture() as caught:
            try:
                rgb = _decode(source, min_size, background, found)
            except OSError as exc:
                rgb = _decode_without_end_marker(source, exc, min_size, background, found)
    except ImageDecodeError:
        raise
    except Image.DecompressionBombError as exc:  # Pillow's own guard, at twice the limit
        raise ImageDecodeError(_too_large(_bomb_pixels(exc))) from None
    except UnidentifiedImageError:
        raise ImageDecodeError(_unidentified_reason(source)) from None
    except FileNotFoundError:
        if name != "<stream>" and os.path.islink(name):  # listed in its folder, but its target is gone
            raise ImageDecodeError(f"broken symbolic link: its target {quoted(os.readlink(name))} is missing") from None
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
    if notes is not None:
        notes.extend(_unique(found + _warning_notes(caught)))
    return rgb


def _decode(source: PathOrFile, min_size: tuple[int, int] | None, background: Sequence[int],
            notes: list[str]) -> Image.Image:
    if isinstance(source, (str, os.PathLike)):
        st = os.stat(source)
        if not stat.S_ISREG(st.st_mode):  # a pipe would block the decoder; devices report 0 bytes
            raise ImageDecodeError("cannot read file: not a regular file (a folder, pipe or device)")
        if st.st_size == 0:
            raise ImageDecodeError("empty file (0 bytes)")
    with Image.open(source) as im:
        fmt = im.format or "unknown"
        frames = getattr(im, "n_frames", 1)
        if frames > 1:
            im.seek(0)
            if fmt in _ANIMATED_FORMATS:  # not a multi-page TIFF, nor an MPO's depth map or stereo view
                notes.append(f"animated: first of {frames} frames classified")
        side = 2 * max(min_size) if min_size is not None else None
        if side is not None and fmt in ("JPEG", "MPO"):
            # Ask for at least twice the target so that the final resize still antialiases well;
            # square, so that a 90-degree EXIF rotation afterwards cannot leave a side too short.
            im.draft("RGB", (side, side))
        _check_pixel_limit(im)
        icc = im.info.get("icc_profile")
        reduced = None
        if side is not None and fmt == "WEBP":
            reduced = _webp_reduced(source, im, side, notes)
        elif side is not None and fmt in ("HEIF", "AVIF"):
            reduced = _heif_reduced(source, im, side, notes)
        if reduced is not None:
            image, opaque = reduced
        else:
            im.load()
            opaque = _alpha_is_empty(im)
            if opaque:
                notes.append("alpha channel is 0 everywhere; taken as an opaque image")
        orientation = _orientation(im, notes)  # after loading: a PNG's eXIf chunk may follow the pixels
        if reduced is None:
            image = _shrink(im, side, opaque) if side is not None else im
        if opaque and image.mode in ("RGBA", "LA"):
            image = image.convert(image.mode[:-1])
        image = _transpose(image, orientation)
        if icc and image.mode in ("CMYK", "L"):  # ink or grey values: through the profile, to RGB
            image = _to_srgb(image, icc, notes)
            icc = None
        rgb = to_rgb(image, background)
        if icc:
            rgb = _to_srgb(rgb, icc, notes)
        if rgb is im:
            rgb = im.copy()
    return rgb


_SOI, _EOI = b"\xff\xd8", b"\xff\xd9"  # JPEG start and end of image markers (ITU-T T.81, B.1.1.3)
# Bytes put between a JPEG's data and an appended end marker to test whether the data is complete: a decoder that
# finished the last scan skips them as "extraneous bytes before marker"; one that had not reads them as entropy-coded
# data, and the pixels change. Fixed pseudo-random bytes without 0xFF (a marker's first byte): a decoder that runs out
# of data fills with 0 bits, and a run of one byte value may decode just like that or as a bad Huffman code that is
# dropped (0xFE, 0x55 and 0xAA changed nothing on a real photo that lacked 6 bytes); three fillers must change nothing.
_FILLERS = tuple(bytes(b % 255 for b in hashlib.sha512(bytes([i])).digest()) for i in range(3))
NOTE_NO_END_MARKER = "JPEG end marker missing (the image data is complete)"
TRUNCATED_JPEG = "truncated or damaged image: the JPEG data ends before the image is complete (the file was cut short)"


def _decode_without_end_marker(source: PathOrFile, exc: OSError, min_size: tuple[int, int] | None,
                               background: Sequence[int], notes: list[str]) -> Image.Image:
    """Decode a JPEG whose file lacks only its 2-byte end marker (FF D9), which some cameras, phones and
    interrupted copies leave out: Pillow calls it truncated although no image data is missing.

    The file's bytes plus the end marker are decoded in memory (Pillow's global ``LOAD_TRUNCATED_IMAGES``, shared
    by the decode threads, stays off); :data:`NOTE_NO_END_MARKER` is added to ``notes``.

    Raises:
        OSError: ``exc`` itself when it is no truncation of a JPEG that lacks its end marker.
        ImageDecodeError: :data:`TRUNCATED_JPEG` when image data is missing too (the pixels depend on what follows
            the file's last byte).
    """
    if "truncated" not in str(exc).lower():
        raise exc
    data = _read_all(source)
    if not data.startswith(_SOI) or data.endswith(_EOI):
        raise exc
    if not _jpeg_data_complete(data, 2 * max(min_size) if min_size is not None else None):
        raise ImageDecodeError(TRUNCATED_JPEG) from None
    notes.clear()  # the notes of the failed attempt
    rgb = _decode(io.BytesIO(data + _EOI), min_size, background, notes)
    notes.append(NOTE_NO_END_MARKER)
    return rgb


def _read_all(source: PathOrFile) -> bytes:
    if isinstance(source, (str, os.PathLike)):
        with open(source, "rb") as f:
            return f.read()
    source.seek(0)
    return source.read()


def _jpeg_data_complete(data: bytes, side: int | None) -> bool:
    """Whether the JPEG ``data`` (no end marker) holds all of its image data: its pixels with the end marker
    appended equal those with any of :data:`_FILLERS` before the marker. Decoded as :func:`_decode` does (draft mode to
    ``side``), except progressive files, decoded at full size: their last scans refine detail that a reduced
    decode does not show."""
    def pixels_digest(tail: bytes) -> bytes:
        with Image.open(io.BytesIO(data + tail)) as im:
            if side is not None and im.format == "JPEG" and not im.info.get("progressive"):
                im.draft("RGB", (side, side))
            _check_pixel_limit(im)
            im.load()
            return hashlib.sha256(im.tobytes()).digest()

    try:
        plain = pixels_digest(_EOI)
        return all(pixels_digest(filler + _EOI) == plain for filler in _FILLERS)
    except ImageDecodeError:
        raise
    except Exception:  # noqa: BLE001 - a decoder that stumbles on the data ("broken data stream"): incomplete
        return False


def _megapixels(pixels: int | None) -> str:
    return "unlimited" if not pixels else f"{pixels / 1e6:.0f}"


def _too_large(pixels: int | None, size: tuple[int, int] | None = None) -> str:
    """The one message for an image over ``Image.MAX_IMAGE_PIXELS``, in megapixels only: ``pixels`` is the
    image's pixel count (None: not known), ``size`` its (width, height) when known."""
    limit = f"the {_megapixels(Image.MAX_IMAGE_PIXELS)} megapixels this app decodes in bounded memory"
    if pixels is None:
        return f"image too large: over {limit}"
    shape = f"{size[0]}x{size[1]} pixels ({_megapixels(pixels)} megapixels)" if size else \
        f"{_megapixels(pixels)} megapixels"
    return f"image too large: {shape} is over {limit}"


def _bomb_pixels(exc: Image.DecompressionBombError) -> int | None:
    """The pixel count in Pillow's ``DecompressionBombError`` ("Image size (N pixels) exceeds ..."), or None."""
    m = re.search(r"\((\d+) pixels\)", str(exc))
    return int(m.group(1)) if m else None


def _unique(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))


def _check_pixel_limit(im: Image.Image) -> None:
    """Refuse images over ``Image.MAX_IMAGE_PIXELS`` (``MAX_PIXELS`` unless the host app lowered it).

    Runs after ``draft``, so a big JPEG that decodes at a reduced scale is judged by what is decoded.
    """
    limit = Image.MAX_IMAGE_PIXELS
    w, h = im.size
    if limit and w * h > limit:
        raise ImageDecodeError(_too_large(w * h, (w, h)))


def _strip_mode(im: Image.Image, opaque: bool) -> str:
    """The mode a strip is converted to before ``Image.reduce`` (which takes neither 1, P, PA nor I;16)."""
    mode = im.mode
    if mode == "1":
        return "L"
    if mode in ("P", "PA"):
        return "RGBA" if mode == "PA" or "transparency" in im.info else "RGB"
    if mode.startswith("I;16"):
        return "I"
    if opaque and mode in ("RGBA", "LA"):
        return mode[:-1]
    return mode


def _shrink(im: Image.Image, side: int, opaque: bool) -> Image.Image:
    """Reduce a decoded image by the largest integer factor that keeps both sides >= ``side`` (a box
    filter, ``Image.reduce``; premultiplied for alpha), one strip of rows at a time, so that no second
    full-size copy is made. Returns ``im`` itself when it is already small."""
    factor = min(im.width, im.height) // side
    if factor < 2:
        return im
    mode = _strip_mode(im, opaque)
    out = Image.new(mode, (-(-im.width // factor), -(-im.height // factor)))
    bytes_per_row = im.width * max(4, len(im.getbands()))
    rows = max(1, _STRIP_BYTES // bytes_per_row // factor) * factor
    for top in range(0, im.height, rows):
        strip = im.crop((0, top, im.width, min(im.height, top + rows)))
        if strip.mode != mode:
            strip = strip.convert(mode)
        out.paste(strip.reduce(factor), (0, top // factor))
    if "transparency" in im.info and mode not in ("RGBA", "LA"):
        out.info["transparency"] = im.info["transparency"]
    return out


def _webp_reduced(source: PathOrFile, im: Image.Image, side: int,
                  notes: list[str]) -> tuple[Image.Image, bool] | None:
    """A big still WebP decoded with libwebp's ``WebPDecode`` straight into one RGB(A) array (3-4 bytes
    per pixel) and shrunk in strips, instead of Pillow's animation decoder, which holds about 15 bytes per
    pixel (two RGBA canvases, a copy, the image): 3.8 GB for a 16383 x 15625 panorama. Uses the ``webp``
    package (libwebp bindings); returns ``(image, alpha was empty)``, or None to let Pillow decode
    (small or animated images, or the package missing)."""
    factor = min(im.size) // side
    if factor < 2 or getattr(im, "n_frames", 1) > 1:
        return None
    try:
        import webp
    except ImportError:
        return None
    if isinstance(source, (str, os.PathLike)):
        with open(source, "rb") as f:
            data = f.read()
    else:
        source.seek(0)
        data = source.read()
    webp_data = webp.WebPData.from_buffer(data)
    config = webp.WebPDecoderConfig.new()
    config.read_features(webp_data)
    if config.input.has_animation:
        return None
    has_alpha = bool(config.input.has_alpha)
    bands = 4 if has_alpha else 3
    pixels = np.empty((config.input.height, config.input.width, bands), np.uint8)
    mode = webp.WebPColorMode.RGBA if has_alpha else webp.WebPColorMode.RGB
    config.output.colorspace = mode.value
    config.output.u.RGBA.rgba = webp.ffi.cast("uint8_t*", webp.ffi.from_buffer(pixels))
    config.output.u.RGBA.size = pixels.size
    config.output.u.RGBA.stride = pixels.shape[1] * bands
    config.output.is_external_memory = 1
    status = webp.lib.WebPDecode(webp_data.ptr.bytes, webp_data.size, config.ptr)
    webp.lib.WebPFreeDecBuffer(webp.ffi.addressof(config.ptr, "output"))
    del data, webp_data
    if status != webp.lib.VP8_STATUS_OK:
        raise OSError(f"WebP decoder error {status} (damaged or truncated file)")
    return _reduce_array(pixels, factor, im, notes)


def _heif_reduced(source: PathOrFile, im: Image.Image, side: int,
                  notes: list[str]) -> tuple[Image.Image, bool] | None:
    """A big HEIC/AVIF decoded by pillow-heif into its own buffer and shrunk in strips from there, without
    Pillow's full-size copy: about 4.8 bytes per pixel at the peak instead of 7.2 (a 200-megapixel phone
    photo: 0.9 GB instead of 1.4 GB). Returns None to let Pillow decode (small images, plugin missing)."""
    factor = min(im.size) // side
    if factor < 2 or not HEIF_SUPPORTED:
        return None
    if not isinstance(source, (str, os.PathLike)):
        source.seek(0)
    heif = pillow_heif.open_heif(source, convert_hdr_to_8bit=True)
    if heif.mode not in ("RGB", "RGBA") or heif.size != im.size:
        return None
    return _reduce_array(np.asarray(heif), factor, im, notes)


def _reduce_array(pixels: np.ndarray, factor: int, im: Image.Image,
                  notes: list[str]) -> tuple[Image.Image, bool]:
    """``[H, W, 3|4] uint8`` -> an RGB(A) image ``factor`` times smaller (box filter, premultiplied alpha),
    one strip at a time; ``im.info``'s colour profile and EXIF carried over. Returns ``(image, alpha was
    all zero)``; an all-zero alpha is dropped (with a note)."""
    has_alpha = pixels.shape[2] == 4
    opaque = has_alpha and not pixels[..., 3].any()
    if opaque:
        notes.append("alpha channel is 0 everywhere; taken as an opaque image")
    mode_name = "RGBA" if has_alpha and not opaque else "RGB"
    h, w = pixels.shape[:2]
    out = Image.new(mode_name, (-(-w // factor), -(-h // factor)))
    rows = max(1, _STRIP_BYTES // (w * 4) // factor) * factor
    for top in range(0, h, rows):
        strip = pixels[top:top + rows, :, :3] if mode_name == "RGB" else pixels[top:top + rows]
        out.paste(Image.fromarray(np.ascontiguousarray(strip), mode_name).reduce(factor), (0, top // factor))
    out.info.update({k: v for k, v in im.info.items() if k in ("icc_profile", "exif")})
    return out, opaque


_ANIMATED_FORMATS = ("GIF", "WEBP", "PNG")  # Pillow's format names; PNG with more frames is APNG
_TRANSPOSE = {  # EXIF 2.3 tag 0x0112 -> the transposition that makes the stored image upright
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}


def _orientation(im: Image.Image, notes: list[str]) -> int:
    """The EXIF (or XMP) orientation, 1..8; 1 when absent or unreadable, or when the value is not one of EXIF's 1..8
    (with a note, except 0, which some software writes for "not set").

    Only this one tag is read: another damaged tag (a GPS entry of the wrong type, a count past the end of
    the block) does not stop the rotation, unlike ``ImageOps.exif_transpose``, which also rewrites the
    whole EXIF block and fails on such tags.
    """
    try:
        value = im.getexif().get(0x0112, 1)
    except Exception as exc:  # noqa: BLE001 - malformed EXIF (SyntaxError, struct.error, KeyError...) in real files
        notes.append(f"damaged EXIF metadata ignored, orientation unknown ({type(exc).__name__}: {exc})")
        return 1
    try:
        number = int(value[0] if isinstance(value, tuple) else value)
    except (TypeError, ValueError, IndexError):
        number = None
    if number in _TRANSPOSE or number in (0, 1):
        return number or 1
    notes.append(f"EXIF orientation {str(value)[:40]} is not valid, image used as stored")
    return 1


def _transpose(image: Image.Image, orientation: int) -> Image.Image:
    method = _TRANSPOSE.get(orientation)
    return image.transpose(method) if method is not None else image


_SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))
_RELATIVE_COLORIMETRIC = 1  # ICC.1 rendering intent: in-gamut colours kept, white mapped to white
_CMS_FLAGS = 0x0040 | 0x2000  # littleCMS cmsFLAGS_NOCACHE | cmsFLAGS_BLACKPOINTCOMPENSATION (ImageCms.Flags)
_profile_lock = threading.Lock()
_profile_cache: dict[bytes, object] = {}  # profile bytes -> (colour space, transform per mode) or error text
_PROFILE_CACHE_SIZE = 32


def _profile_info(icc: bytes):
    """``(colour space, sRGB-or-not, {mode: transform})`` for a profile, or its error text; cached."""
    with _profile_lock:
        hit = _profile_cache.get(icc)
    if hit is not None:
        return hit
    try:
        profile = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        space = profile.profile.xcolor_space.strip()
        description = (profile.profile.profile_description or "").strip()
        is_srgb = space == "RGB" and description.lower().startswith("srgb") and "linear" not in description.lower()
        info = (space, is_srgb, {}, profile, description)
    except Exception as exc:  # noqa: BLE001 - ImageCms.PyCMSError, OSError, ValueError on broken profiles
        info = f"{type(exc).__name__}: {exc}".strip()
    with _profile_lock:
        if len(_profile_cache) >= _PROFILE_CACHE_SIZE:
            _profile_cache.pop(next(iter(_profile_cache)))
        _profile_cache[icc] = info
    return info


def _to_srgb(image: Image.Image, icc: bytes, notes: list[str]) -> Image.Image:
    """Convert ``image`` (RGB, CMYK or L) from its embedded ICC profile to sRGB (relative colorimetric).

    sRGB profiles (what most cameras and phones embed) are recognised by their description and cost
    nothing; other profiles (Adobe RGB, Display P3, ProPhoto, CMYK press profiles) go through littleCMS,
    one cached transform per profile. A broken or mismatched profile is ignored with a note.
    """
    info = _profile_info(icc)
    if isinstance(info, str):
        notes.append(f"colour profile unreadable, colours used as stored ({info[:120]})")
        return image
    space, is_srgb, transforms, profile, description = info
    expected = {"RGB": "RGB", "CMYK": "CMYK", "L": "GRAY"}[image.mode]
    if space == "GRAY" and expected != "GRAY":
        return image  # grey with alpha, 16-bit or float grey: tone curve only, left as stored
    if space != expected:
        notes.append(f"colour profile {description!r} is for {space}, the image is {image.mode}; ignored")
        return image
    if is_srgb:
        return image
    out_mode = "RGB"
    try:
        with _profile_lock:
            transform = transforms.get(image.mode)
            if transform is None:
                # NOCACHE: the transform is shared by the decode threads (littleCMS's one-pixel cache is not)
                transform = ImageCms.buildTransform(profile, _SRGB, image.mode, out_mode,
                                                    renderingIntent=_RELATIVE_COLORIMETRIC, flags=_CMS_FLAGS)
                transforms[image.mode] = transform
        return ImageCms.applyTransform(image, transform)
    except Exception as exc:  # noqa: BLE001 - ImageCms.PyCMSError on profiles littleCMS cannot use
        notes.append(f"colour profile {description!r} cannot be applied, colours used as stored ({exc})")
        return image


# Warnings that need no note: handled by this module, or cosmetic.
_QUIET_WARNINGS = ("Palette images with Transparency", "Couldn't allocate palette entry", "decompression bomb")


def _warning_notes(caught: list) -> list[str]:
    """Turn the warnings caught while decoding one file into notes (metadata damage named as such)."""
    notes = []
    metadata = False
    for w in caught:
        text = " ".join(w.message.split())
        if issubclass(w.category, Image.DecompressionBombWarning) or any(q in text for q in _QUIET_WARNINGS):
            continue
        if any(k in text for k in ("EXIF", "Tag data", "Tag offset", "Metadata", "MakerNote")):
            if not metadata:  # one note per file: the first complaint names the damage
                notes.append(f"damaged EXIF metadata ignored ({text[:150]})")
            metadata = True
        else:
            notes.append(f"decoder warning: {text[:150]}")
    return notes


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
    kind = heif_kind(head)
    if kind is not None:
        if HEIF_SUPPORTED:
            return f"damaged or unsupported {kind} file (the HEIF/AVIF decoder cannot read it)"
        return f"unsupported format: {kind} (install pillow-heif)"
    return "not an image (unrecognised file content)"


def center_crop_scale(size: tuple[int, int], spec: Preprocessing) -> float:
    """The factor ``resize="center_crop"`` scales a photo of ``size`` = (height, width) pixels by: the
    shorter side (relative to the input's) goes to ``image_size / crop_fraction`` before the central crop."""
    h, w = spec.image_size
    return max(h / size[0], w / size[1]) / spec.crop_fraction


def resize_for_model(image: Image.Image, spec: Preprocessing) -> Image.Image:
    """Resize an RGB image to ``spec.image_size`` per ``spec.resize`` (bilinear, antialiased).

    Returns:
        RGB image of exactly (width, height) = ``spec.image_size[::-1]``.
    """
    h, w = spec.image_size
    if spec.resize == "squash":
        return image.resize((w, h), _RESAMPLE)
    scale = center_crop_scale((image.height, image.width), spec)
    rw, rh = max(w, round(image.width * scale)), max(h, round(image.height * scale))
    resized = image.resize((rw, rh), _RESAMPLE)
    left, top = (rw - w) // 2, (rh - h) // 2
    return resized.crop((left, top, left + w, top + h))


@functools.lru_cache(maxsize=8)
def _normalize_table(mean: tuple[float, ...], std: tuple[float, ...]) -> np.ndarray:
    """``[3, 256] float32``: ``(v / 255 - mean[c]) / std[c]`` for every channel c and uint8 value v, computed
    in float32 in the same order as the formula, so a lookup gives the same numbers as the arithmetic."""
    values = np.arange(256, dtype=np.float32) / np.float32(255.0)
    return ((values[None, :] - np.asarray(mean, np.float32)[:, None]) / np.asarray(std, np.float32)[:, None]
            ).astype(np.float32)


def normalize(rgb: np.ndarray, spec: Preprocessing) -> np.ndarray:
    """``[H, W, 3] uint8`` RGB -> ``[3, H, W] float32``: scale to 0..1, then ``(x - mean) / std``.

    A uint8 has 256 values, so each channel goes through a 256-entry table (one ``numpy.take`` per channel,
    0.29 ms for 256x256 against 1.1 ms for the arithmetic on this project's AVX2 machine).

    Raises:
        ValueError: ``rgb`` is not ``[H, W, 3] uint8``.
    """
    if rgb.ndim != 3 or rgb.shape[2] != 3 or rgb.dtype != np.uint8:
        raise ValueError(f"expected [H, W, 3] uint8, got {rgb.shape} {rgb.dtype}")
    table = _normalize_table(tuple(spec.mean), tuple(spec.std))
    out = np.empty((3, rgb.shape[0], rgb.shape[1]), np.float32)
    for c in range(3):
        np.take(table[c], rgb[:, :, c], out=out[c])
    return out


def preprocess(source: PathOrFile | Image.Image, spec: Preprocessing, notes: list[str] | None = None) -> np.ndarray:
    """Turn a photo (file, path or already decoded image) into the model input for one image.

    Args:
        source: path, binary file, or a Pillow image (any mode; assumed upright, in sRGB).
        spec: the model's :class:`Preprocessing`.
        notes: when given, :func:`load_rgb`'s notes on the file are appended.

    Returns:
        ``[3, H, W] float32`` normalised RGB, H x W = ``spec.image_size``.

    Raises:
        ImageDecodeError: when a path or file cannot be decoded.
    """
    if isinstance(source, Image.Image):
        image = to_rgb(source, spec.background)
    else:
        image = load_rgb(source, min_size=spec.image_size, background=spec.background, notes=notes)
    return normalize(np.asarray(resize_for_model(image, spec)), spec)
