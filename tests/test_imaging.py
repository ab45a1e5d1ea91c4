"""catdog_gui.core.imaging: every photo people have becomes an upright RGB image and the model's tensor.

Issue 6 points 1-5 (orientation, pixel formats, damaged files, huge images, format by content) and
issue 2 point 6 (the app preprocesses exactly as training evaluated).
"""

from __future__ import annotations

import io
import os
import shutil
import struct
import subprocess
import sys
import textwrap
import zlib
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from catdog_gui.core import imaging
from catdog_gui.core.imaging import ImageDecodeError, Preprocessing, load_rgb, preprocess

REPO = Path(__file__).resolve().parents[1]
SPEC = Preprocessing(image_size=(160, 160))
ORIENTATION = 0x0112


@pytest.fixture(scope="module")
def upright(cat_photos) -> Image.Image:
    """A real, non-square cat photo, upright RGB."""
    image = load_rgb(cat_photos[0])
    assert image.width != image.height
    return image


def as_array(image: Image.Image) -> np.ndarray:
    return np.asarray(image).astype(np.int16)


# ------------------------------------------------------------------------------------- 1. orientation

def stored_for(upright: np.ndarray, orientation: int) -> np.ndarray:
    """The pixels a camera stores for a scene that must be shown upright, per the EXIF 2.3 definition of
    tag 0x0112 (where row 0 and column 0 of the stored image lie in the upright picture)."""
    return {
        1: lambda a: a,
        2: lambda a: a[:, ::-1],                  # row 0 top, column 0 right: mirrored
        3: lambda a: a[::-1, ::-1],               # row 0 bottom, column 0 right: upside down
        4: lambda a: a[::-1],                     # row 0 bottom, column 0 left
        5: lambda a: a.transpose(1, 0, 2),        # row 0 left, column 0 top
        6: lambda a: np.rot90(a, 1),              # row 0 right, column 0 top: phone held upright
        7: lambda a: np.rot90(a, 2).transpose(1, 0, 2),  # row 0 right, column 0 bottom
        8: lambda a: np.rot90(a, -1),             # row 0 left, column 0 bottom
    }[orientation](upright)


def save_with_orientation(pixels: np.ndarray, path: Path, orientation: int, **kwargs) -> Path:
    exif = Image.Exif()
    exif[ORIENTATION] = orientation
    Image.fromarray(np.ascontiguousarray(pixels)).save(path, exif=exif.tobytes(), **kwargs)
    return path


@pytest.mark.parametrize("orientation", range(1, 9))
def test_all_eight_exif_orientations_lossless(orientation, upright, tmp_path):
    up = np.asarray(upright)
    path = save_with_orientation(stored_for(up, orientation), tmp_path / f"o{orientation}.png", orientation)
    with Image.open(path) as raw:
        assert raw.getexif()[ORIENTATION] == orientation
    loaded = load_rgb(path)
    assert loaded.size == upright.size
    np.testing.assert_array_equal(np.asarray(loaded), up)
    np.testing.assert_array_equal(preprocess(path, SPEC), preprocess(upright, SPEC))


@pytest.mark.parametrize("orientation", [3, 6, 8])
def test_exif_orientation_jpeg_with_draft(orientation, upright, tmp_path):
    """A big phone JPEG stored sideways decodes (through draft mode) to the same picture as stored upright."""
    big = upright.resize((upright.width * 4, upright.height * 4), Image.Resampling.BICUBIC)
    straight = tmp_path / "straight.jpg"
    big.save(straight, quality=95)
    rotated = save_with_orientation(stored_for(np.asarray(big), orientation), tmp_path / "rot.jpg", orientation,
                                    quality=95)
    assert load_rgb(rotated).size == big.size
    a, b = preprocess(straight, SPEC), preprocess(rotated, SPEC)
    assert np.abs(a - b).mean() < 0.02  # JPEG re-encoding of rotated blocks only


def test_rotated_photo_keeps_its_prediction(default_model_path, cat_photos, dog_photos, tmp_path):
    from catdog_gui.core.model import Engine

    engine = Engine(default_model_path)
    spec = engine.info.preprocessing
    for photo in (cat_photos[1], dog_photos[1]):
        up = np.asarray(load_rgb(photo))
        paths = [save_with_orientation(stored_for(up, k), tmp_path / f"{photo.stem}-{k}.jpg", k, quality=95)
                 for k in range(1, 9)]
        _, probs = engine.predict(np.stack([preprocess(p, spec) for p in paths]))
        _, ref = engine.predict(preprocess(photo, spec)[None])
        labels = probs.argmax(1)
        assert (labels == ref.argmax(1)[0]).all(), f"{photo.name}: {probs.round(3).tolist()} vs {ref.round(3)}"
        assert np.abs(probs - ref).max() < 0.1


def test_broken_exif_does_not_fail_the_photo(cat_photos, upright):
    data = cat_photos[0].read_bytes()
    for tiff in (b"MM\x00\x2a\x00\x00\x00\x08\x00\x01\x01\x12\x00\x03\x00\x00\x00\x01\x00\x09\x00\x00\x00\x00\x00\x00",
                 b"XX\x00\x2a\x00\x00\x00\x08",
                 b"MM\x00\x2a\x00\x00\x00\x08\x00\x01\x01\x12\x00\x03\xff\xff\xff\xff\x00\x00\x00\x00"):
        app1 = b"Exif\x00\x00" + tiff
        broken = data[:2] + b"\xff\xe1" + struct.pack(">H", len(app1) + 2) + app1 + data[2:]
        loaded = load_rgb(io.BytesIO(broken))
        np.testing.assert_array_equal(np.asarray(loaded), np.asarray(upright))


# ----------------------------------------------------------------------------------- 2. pixel formats

def test_16bit_grayscale_png_keeps_tones(upright, tmp_path):
    gray8 = np.asarray(upright.convert("L"))
    path = tmp_path / "gray16.png"
    Image.fromarray(gray8.astype(np.uint16) * 257).save(path)
    with Image.open(path) as raw:
        assert raw.mode.startswith("I")  # really a 16-bit file
    rgb = np.asarray(load_rgb(path))
    assert rgb.shape == gray8.shape + (3,)
    for c in range(3):
        np.testing.assert_array_equal(rgb[..., c], gray8)  # 257 * v -> v exactly: not clipped to white
    ramp = np.linspace(0, 65535, 256 * 4, dtype=np.float64).round().astype(np.uint16).reshape(32, 32)
    Image.fromarray(ramp).save(tmp_path / "ramp16.png")
    got = np.asarray(load_rgb(tmp_path / "ramp16.png"))[..., 0].astype(int)
    assert np.abs(got - np.rint(ramp / 257.0)).max() <= 1
    assert 120 <= got[16, 0] <= 135  # mid-grey stays mid-grey


def test_16bit_tiff_and_float_images(upright, tmp_path):
    gray8 = np.asarray(upright.convert("L"))
    Image.fromarray(gray8.astype(np.uint16) * 257).save(tmp_path / "g16.tif")
    np.testing.assert_array_equal(np.asarray(load_rgb(tmp_path / "g16.tif"))[..., 1], gray8)
    floats = Image.fromarray(gray8.astype(np.float32) / 255.0)  # mode "F", 0..1
    np.testing.assert_array_equal(np.asarray(imaging.to_rgb(floats))[..., 2], gray8)


def test_one_bit_and_grayscale(upright, tmp_path):
    bw = upright.convert("1")
    bw.save(tmp_path / "bw.png")
    rgb = np.asarray(load_rgb(tmp_path / "bw.png"))
    assert set(np.unique(rgb)) <= {0, 255} and len(np.unique(rgb)) == 2
    np.testing.assert_array_equal(rgb[..., 0], np.asarray(bw).astype(np.uint8) * 255)
    gray = upright.convert("L")
    gray.save(tmp_path / "gray.png")
    gray.save(tmp_path / "gray.jpg", quality=95)
    for name in ("gray.png", "gray.jpg"):
        rgb = np.asarray(load_rgb(tmp_path / name))
        assert rgb.shape[2] == 3 and (rgb[..., 0] == rgb[..., 1]).all() and (rgb[..., 1] == rgb[..., 2]).all()
    np.testing.assert_array_equal(np.asarray(load_rgb(tmp_path / "gray.png"))[..., 0], np.asarray(gray))


@pytest.mark.parametrize("background", [(255, 255, 255), (10, 200, 30)])
def test_rgba_and_la_transparency_flattened(upright, tmp_path, background):
    up = np.asarray(upright)
    h, w = up.shape[:2]
    alpha = np.full((h, w), 255, np.uint8)
    alpha[: h // 3] = 0          # fully transparent band
    alpha[h // 3: h // 2] = 128  # half transparent band
    Image.fromarray(np.dstack([up, alpha])).save(tmp_path / "rgba.png")
    gray = np.asarray(upright.convert("L"))
    Image.fromarray(np.dstack([gray, alpha]), mode="LA").save(tmp_path / "la.png")
    for name, base in (("rgba.png", up), ("la.png", np.repeat(gray[..., None], 3, axis=2))):
        rgb = as_array(load_rgb(tmp_path / name, background=background))
        assert (rgb[: h // 3] == background).all(), name
        np.testing.assert_array_equal(rgb[h // 2:], base[h // 2:])
        expected = (base[h // 3: h // 2].astype(float) * 128 + np.array(background) * 127) / 255
        assert np.abs(rgb[h // 3: h // 2] - expected).max() <= 1.5


def test_palette_with_transparent_entry(upright, tmp_path):
    pal = upright.quantize(16)
    idx = np.asarray(pal)
    transparent = int(np.bincount(idx.ravel()).argmax())  # the most used colour becomes see-through
    pal.info["transparency"] = transparent
    pal.save(tmp_path / "pal.png", transparency=transparent)
    pal.save(tmp_path / "pal.gif", transparency=transparent)
    for name in ("pal.png", "pal.gif"):
        with Image.open(tmp_path / name) as raw:
            assert raw.mode == "P" and raw.info.get("transparency") == transparent
        rgb = as_array(load_rgb(tmp_path / name, background=(1, 2, 3)))
        assert (rgb[idx == transparent] == (1, 2, 3)).all(), name
        assert not (rgb[idx != transparent] == (1, 2, 3)).all(axis=-1).any()


def test_rgb_png_with_transparent_colour_key(tmp_path):
    pixels = np.zeros((40, 40, 3), np.uint8)
    pixels[:, 20:] = (200, 100, 50)
    Image.fromarray(pixels).save(tmp_path / "key.png", transparency=(0, 0, 0))
    rgb = as_array(load_rgb(tmp_path / "key.png", background=(255, 255, 255)))
    assert (rgb[:, :20] == 255).all() and (rgb[:, 20:] == (200, 100, 50)).all()


def test_cmyk_jpeg(upright, tmp_path):
    upright.convert("CMYK").save(tmp_path / "cmyk.jpg", quality=95)
    with Image.open(tmp_path / "cmyk.jpg") as raw:
        assert raw.mode == "CMYK"
    rgb = load_rgb(tmp_path / "cmyk.jpg")
    assert rgb.mode == "RGB" and rgb.size == upright.size
    assert np.abs(as_array(rgb) - as_array(upright)).mean() < 3


def test_same_background_in_training_and_inference(upright, tmp_path):
    """Transparency is flattened onto one colour: the default of load_rgb (used by training), the
    default Preprocessing (written to the model's metadata), and the app's preprocess agree."""
    import inspect

    from training.data import eval_transform

    default_bg = inspect.signature(load_rgb).parameters["background"].default
    assert tuple(default_bg) == Preprocessing().background == SPEC.background
    up = np.asarray(upright)
    alpha = np.zeros(up.shape[:2], np.uint8)
    alpha[:, : up.shape[1] // 2] = 255
    Image.fromarray(np.dstack([up, alpha])).save(tmp_path / "half.png")
    train_view = eval_transform(SPEC)(load_rgb(tmp_path / "half.png")).numpy()
    np.testing.assert_allclose(preprocess(tmp_path / "half.png", SPEC), train_view, atol=1e-6)


# ------------------------------------------------------------------------------------ 3. damaged files

def test_truncated_jpeg(cat_photos, tmp_path):
    data = cat_photos[0].read_bytes()
    (tmp_path / "half.jpg").write_bytes(data[: len(data) // 2])
    with pytest.raises(ImageDecodeError, match="truncated"):
        load_rgb(tmp_path / "half.jpg")
    (tmp_path / "header.jpg").write_bytes(data[:200])
    with pytest.raises(ImageDecodeError):
        preprocess(tmp_path / "header.jpg", SPEC)


def test_zero_byte_and_text_files(tmp_path):
    (tmp_path / "zero.jpg").write_bytes(b"")
    with pytest.raises(ImageDecodeError, match=r"empty file \(0 bytes\)"):
        load_rgb(tmp_path / "zero.jpg")
    (tmp_path / "readme.jpg").write_text("Hello, this is text with an image extension.\n")
    with pytest.raises(ImageDecodeError, match="not an image"):
        load_rgb(tmp_path / "readme.jpg")
    (tmp_path / "fake.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"garbage" * 10)
    with pytest.raises(ImageDecodeError):
        load_rgb(tmp_path / "fake.png")


def test_missing_file_and_folder(tmp_path):
    with pytest.raises(ImageDecodeError, match="file not found"):
        load_rgb(tmp_path / "gone.jpg")
    with pytest.raises(ImageDecodeError, match="cannot read file"):
        load_rgb(tmp_path)


# ------------------------------------------------------------------------------------ 4. huge images

def png_header_only(width: int, height: int) -> bytes:
    """A tiny PNG file that claims to be ``width x height`` (a decompression bomb's shape)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\x00" * 64)) + chunk(b"IEND", b""))


@pytest.mark.parametrize("side", [30000, 10000])  # over 2x Pillow's limit (its error), and between 1x and 2x
def test_decompression_bomb_is_an_error(side, tmp_path):
    path = tmp_path / "bomb.png"
    path.write_bytes(png_header_only(side, side))
    assert path.stat().st_size < 200
    with pytest.raises(ImageDecodeError, match="too large"):
        load_rgb(path)
    with pytest.raises(ImageDecodeError, match="too large"):
        preprocess(path, SPEC)


def test_pixel_limit_judges_what_draft_decodes(cat_photos, monkeypatch, tmp_path):
    with Image.open(cat_photos[0]) as raw:
        w, h = raw.size
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", w * h * 2 // 3)  # 1.5x over: Pillow itself only warns
    with pytest.raises(ImageDecodeError, match="too large"):
        load_rgb(cat_photos[0])  # full size: over the (lowered) limit
    # for a small model input the JPEG decodes at a quarter scale (draft), under the limit
    assert preprocess(cat_photos[0], Preprocessing(image_size=(32, 32))).shape == (3, 32, 32)


@pytest.fixture(scope="module")
def photo_8000x6000(tmp_path_factory, dog_photos) -> Path:
    path = tmp_path_factory.mktemp("big") / "big.jpg"
    with Image.open(dog_photos[0]) as im:
        im.convert("RGB").resize((8000, 6000), Image.Resampling.BILINEAR).save(path, quality=90)
    return path


@pytest.mark.slow
def test_8000x6000_decodes_through_draft_in_little_memory(photo_8000x6000, dog_photos):
    code = textwrap.dedent(f"""
        import resource
        from catdog_gui.core.imaging import Preprocessing, preprocess
        spec = Preprocessing(image_size=(299, 299))
        preprocess({str(dog_photos[1])!r}, spec)  # load the libraries on a small photo first
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        x = preprocess({str(photo_8000x6000)!r}, spec)
        after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        assert x.shape == (3, 299, 299), x.shape
        print((after - before) / 1024)  # MiB (ru_maxrss is in KiB on Linux)
    """)
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, timeout=120)
    assert proc.returncode == 0, proc.stderr
    grown_mib = float(proc.stdout.strip())
    assert grown_mib < 40, f"peak memory grew {grown_mib:.0f} MiB; the full image alone is 137 MiB"


@pytest.mark.slow
def test_8000x6000_draft_matches_full_decode(photo_8000x6000):
    with Image.open(photo_8000x6000) as raw:
        assert raw.size == (8000, 6000)
    full = load_rgb(photo_8000x6000)
    assert full.size == (8000, 6000)
    fast = preprocess(photo_8000x6000, SPEC)
    slow = preprocess(full, SPEC)
    del full
    assert np.abs(fast - slow).mean() < 0.01


# --------------------------------------------------------------------------------- 5. format by content

@pytest.mark.parametrize("name, fmt, lossless", [
    ("copy.JPG", None, True), ("copy.jpeg", None, True), ("copy.jfif", None, True), ("no_extension", None, True),
    ("photo.webp", "WEBP", False), ("photo.bmp", "BMP", True), ("photo.tif", "TIFF", True),
    ("photo.gif", "GIF", False), ("png_inside.jpg", "PNG", True), ("jpeg_inside.png", None, True),
    ("photo.heic", "HEIF", False), ("photo.avif", "AVIF", False),
])
def test_formats_recognised_by_content(name, fmt, lossless, cat_photos, upright, tmp_path):
    path = tmp_path / name
    if fmt is None:
        shutil.copy(cat_photos[0], path)  # the original JPEG bytes under another name
    else:
        try:
            upright.save(path, format=fmt, **({"quality": 95} if fmt in ("WEBP", "HEIF", "AVIF") else {}))
        except (KeyError, OSError) as exc:
            assert fmt in ("HEIF", "AVIF"), exc
            pytest.skip(f"this Pillow cannot write {fmt} ({exc}); the unsupported case is tested below")
    loaded = load_rgb(path)
    assert loaded.mode == "RGB" and loaded.size == upright.size
    diff = np.abs(as_array(loaded) - as_array(upright)).mean()
    assert diff == 0 if lossless else diff < 12, diff
    assert preprocess(path, SPEC).shape == (3, 160, 160)


def test_animated_gif_webp_and_multipage_tiff_use_the_first_frame(upright, tmp_path):
    frames = [Image.new("RGB", (64, 48), c) for c in ((220, 20, 20), (20, 220, 20), (20, 20, 220))]
    frames[0].save(tmp_path / "anim.gif", save_all=True, append_images=frames[1:], duration=100, loop=0)
    frames[0].save(tmp_path / "anim.webp", save_all=True, append_images=frames[1:], duration=100, lossless=True)
    frames[0].save(tmp_path / "pages.tif", save_all=True, append_images=frames[1:])
    for name in ("anim.gif", "anim.webp", "pages.tif"):
        with Image.open(tmp_path / name) as raw:
            assert getattr(raw, "n_frames", 1) == 3, name
        rgb = as_array(load_rgb(tmp_path / name))
        assert rgb.shape == (48, 64, 3)
        assert np.abs(rgb - (220, 20, 20)).max() <= 8, name


def test_heic_decoded_or_clear_message(upright, tmp_path):
    path = tmp_path / "IMG_0001.HEIC"
    if imaging.HEIF_SUPPORTED:
        upright.save(path, format="HEIF", quality=90)
        assert path.read_bytes()[4:12] == b"ftypheic"
        loaded = load_rgb(path)
        assert loaded.size == upright.size and np.abs(as_array(loaded) - as_array(upright)).mean() < 12
    # a HEIC file nothing can decode (here: a damaged one) gets a message that names the format
    path.write_bytes(b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00" * 64)
    with pytest.raises(ImageDecodeError, match="HEIC"):
        load_rgb(path)


def test_heic_without_plugin_says_unsupported(tmp_path, monkeypatch):
    path = tmp_path / "IMG_0002.heic"
    path.write_bytes(b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00" * 64)
    monkeypatch.setattr(imaging, "HEIF_SUPPORTED", False)
    assert imaging._unidentified_reason(path) == "unsupported format: HEIC (install pillow-heif)"
    path.write_bytes(b"\x00\x00\x00\x1cftypavif\x00\x00\x00\x00avifmif1" + b"\x00" * 64)
    assert imaging._unidentified_reason(path).startswith("unsupported format: AVIF")


# -------------------------------------------------------------------------- same tensor as training

@pytest.mark.parametrize("size", [160, 299])
def test_preprocess_equals_training_eval_transform(size, data_dir, cat_photos, dog_photos):
    """Issue 2 point 6: the app's tensor equals training's evaluation transform within 1e-5."""
    from training.data import eval_transform

    spec = Preprocessing(image_size=(size, size))
    transform = eval_transform(spec)
    petimages = sorted((data_dir / "petimages" / "Cat").glob("*.jpg"))[:4] + \
        sorted((data_dir / "petimages" / "Dog").glob("*.jpg"))[:4]
    for path in petimages + cat_photos + dog_photos:
        app = preprocess(path, spec)
        train = transform(load_rgb(path)).numpy()
        assert app.shape == train.shape == (3, size, size) and app.dtype == train.dtype == np.float32
        np.testing.assert_allclose(app, train, atol=1e-5, err_msg=str(path))


def test_preprocess_center_crop_and_normalisation(upright):
    spec = Preprocessing(image_size=(64, 96), resize="center_crop", crop_fraction=0.5, mean=(0.1, 0.2, 0.3),
                         std=(0.2, 0.25, 0.5))
    x = preprocess(upright, spec)
    assert x.shape == (3, 64, 96) and x.dtype == np.float32
    # undo the normalisation: back to 0..1 RGB of the central part of the photo
    rgb01 = x * np.array(spec.std, np.float32)[:, None, None] + np.array(spec.mean, np.float32)[:, None, None]
    assert rgb01.min() >= -1e-5 and rgb01.max() <= 1 + 1e-5
    centre = np.asarray(upright.resize((96, 96 * upright.height // upright.width)))  # rough reference
    assert abs(rgb01.mean() - centre.mean() / 255) < 0.1


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_pipe_and_device_are_not_called_empty_files(tmp_path):
    os.mkfifo(tmp_path / "pipe.jpg")  # must not block, and must not be reported as an empty file
    with pytest.raises(ImageDecodeError, match="not a regular file"):
        load_rgb(tmp_path / "pipe.jpg")
    if os.path.exists("/dev/zero"):
        with pytest.raises(ImageDecodeError, match="not a regular file"):
            load_rgb("/dev/zero")
