"""catdog_gui.core.imaging: every photo people have becomes an upright RGB image and the model's tensor.

Orientation, pixel formats, damaged files, huge images, format by content, and the app preprocessing
exactly as training evaluated.
"""

from __future__ import annotations

import io
import os
import shutil
import struct
import subprocess
import sys
import textwrap
import warnings
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


def test_jpeg_missing_only_its_end_marker_is_decoded_with_a_note(cat_photos, dog_photos, tmp_path):
    """Some cameras, phones and interrupted copies leave out a JPEG's last 2 bytes (FF D9): no image data is missing,
    so the photo decodes to the same pixels, with a note; Pillow's global LOAD_TRUNCATED_IMAGES stays off (tester 8)."""
    from PIL import ImageFile

    for photo in (cat_photos[0], dog_photos[1]):
        data = photo.read_bytes()
        assert data.endswith(b"\xff\xd9")
        variants = {"baseline": data}
        progressive = io.BytesIO()
        Image.open(photo).save(progressive, "JPEG", quality=90, progressive=True)
        variants["progressive"] = progressive.getvalue()
        for kind, whole in variants.items():
            cut = tmp_path / f"{kind}-{photo.name}"
            cut.write_bytes(whole[:-2])
            (tmp_path / "whole.jpg").write_bytes(whole)
            for min_size in (None, SPEC.image_size):
                notes: list[str] = []
                got = load_rgb(cut, min_size=min_size, notes=notes)
                want = load_rgb(tmp_path / "whole.jpg", min_size=min_size)
                assert np.array_equal(np.asarray(got), np.asarray(want)), (kind, photo.name, min_size)
                assert notes == ["JPEG end marker missing (the image data is complete)"]
            with open(cut, "rb") as stream:  # a file object too
                assert np.array_equal(preprocess(stream, SPEC), preprocess(tmp_path / "whole.jpg", SPEC))
    assert ImageFile.LOAD_TRUNCATED_IMAGES is False


@pytest.mark.parametrize("cut", [4, 6, 100, 2000])
def test_jpeg_that_lost_image_data_stays_an_error(cut, cat_photos, tmp_path):
    """A JPEG cut short by more than its end marker misses image data: an error that says so, even where the end
    marker put back would let it decode (the missing part then decodes as grey or smeared blocks). (Its last data
    byte may hold only padding bits, as in this progressive file: cut 3 still decodes to the same pixels, and is
    accepted.)"""
    data = cat_photos[0].read_bytes()
    variants = {"baseline": data}
    progressive = io.BytesIO()
    Image.open(cat_photos[0]).save(progressive, "JPEG", quality=90, progressive=True)
    variants["progressive"] = progressive.getvalue()
    for kind, whole in variants.items():
        path = tmp_path / f"{kind}.jpg"
        path.write_bytes(whole[:-cut])
        for min_size in (None, SPEC.image_size):
            with pytest.raises(ImageDecodeError, match=r"^truncated or damaged image: the JPEG data ends before the "
                                                       r"image is complete \(the file was cut short\)$"):
                load_rgb(path, min_size=min_size)


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
    # a link whose target is gone is listed in its folder: say so rather than "file not found" (tester 5)
    (tmp_path / "dangling.jpg").symlink_to(tmp_path / "moved-away.jpg")
    with pytest.raises(ImageDecodeError, match=r"^broken symbolic link: its target '.*moved-away\.jpg' is missing$"):
        load_rgb(tmp_path / "dangling.jpg")


# ------------------------------------------------------------------------------------ 4. huge images

def png_header_only(width: int, height: int) -> bytes:
    """A tiny PNG file that claims to be ``width x height`` (a decompression bomb's shape)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\x00" * 64)) + chunk(b"IEND", b""))


# over twice the limit (Pillow's own error), and between 1x and 2x (our check; Pillow only warns there)
@pytest.mark.parametrize("side", [40000, 20000])
def test_decompression_bomb_is_an_error(side, tmp_path):
    path = tmp_path / "bomb.png"
    path.write_bytes(png_header_only(side, side))
    assert path.stat().st_size < 200
    with pytest.raises(ImageDecodeError, match="too large"):
        load_rgb(path)
    with pytest.raises(ImageDecodeError, match="too large"):
        preprocess(path, SPEC)


def test_a_bomb_beyond_pillows_own_guard_gets_one_message_in_megapixels(tmp_path):
    """40000 x 40000 is over twice the limit, where Pillow raises its own error: the message is ours, in
    megapixels, naming our limit (Pillow's pixel counts and its doubled limit are not shown)."""
    (tmp_path / "bomb.png").write_bytes(png_header_only(40000, 40000))
    with pytest.raises(ImageDecodeError) as info:
        load_rgb(tmp_path / "bomb.png")
    assert str(info.value) == ("image too large: 1600 megapixels is over the 268 megapixels this app decodes "
                               "in bounded memory")


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
        import resource, os
        from catdog_gui.core.imaging import Preprocessing, preprocess
        def peak_kib():  # this process's own peak (ru_maxrss starts at the parent's RSS after fork + exec)
            if os.path.exists("/proc/self/status"):
                with open("/proc/self/status") as f:
                    return next(int(line.split()[1]) for line in f if line.startswith("VmHWM:"))
            return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        spec = Preprocessing(image_size=(299, 299))
        preprocess({str(dog_photos[1])!r}, spec)  # load the libraries on a small photo first
        before = peak_kib()
        x = preprocess({str(photo_8000x6000)!r}, spec)
        after = peak_kib()
        assert x.shape == (3, 299, 299), x.shape
        print((after - before) / 1024)  # MiB
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


_MAKE_BIG = textwrap.dedent("""
    # Make a big image of a real photo cheaply: PNG written row by row (a row repeated from the one above
    # is stored with PNG filter 2, "Up", so it costs almost nothing), JPEG and WebP through Pillow.
    import struct, sys, zlib
    import numpy as np
    from PIL import Image
    fmt, width, height, photo, out = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], sys.argv[5]
    src = Image.open(photo).convert("RGB")
    if fmt == "png":
        rows = np.asarray(src.resize((width, src.height), Image.Resampling.BILINEAR))
        def chunk(kind, data):
            return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        with open(out, "wb") as f:
            f.write(b"\\x89PNG\\r\\n\\x1a\\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)))
            z, same, previous = zlib.compressobj(1), b"\\x02" + bytes(3 * width), -1
            for y in range(height):
                i = y * src.height // height
                data = z.compress(same if i == previous else b"\\x00" + rows[i].tobytes())
                previous = i
                if len(data) > 0:
                    f.write(chunk(b"IDAT", data))
            f.write(chunk(b"IDAT", z.flush()) + chunk(b"IEND", b""))
    else:
        src.resize((width, height), Image.Resampling.BILINEAR).save(out, quality=85, **({"method": 0} if fmt == "webp" else {}))
""")

_MEASURE = textwrap.dedent("""
    import sys
    from catdog_gui.core.imaging import Preprocessing, preprocess

    def peak_kib():
        # VmHWM: this process's own peak RSS. (ru_maxrss would start at the parent's RSS, which Linux
        # carries over fork and exec, and hide a peak below it.)
        with open("/proc/self/status") as f:
            return next(int(line.split()[1]) for line in f if line.startswith("VmHWM:"))

    spec = Preprocessing(image_size=(299, 299))
    preprocess(sys.argv[2], spec)  # load the libraries on a small photo first
    before = peak_kib()
    x = preprocess(sys.argv[1], spec)
    after = peak_kib()
    import numpy as np
    np.save(sys.argv[3], x)
    print((after - before) / 1024)  # MiB
""")


@pytest.mark.slow
@pytest.mark.skipif(not os.path.exists("/proc/self/status"), reason="measures peak memory through /proc (Linux)")
@pytest.mark.parametrize("fmt, width, height", [
    ("png", 20000, 12500),  # 250 Mpx: decoded whole (no reduce-on-load in PNG), shrunk strip by strip
    ("jpeg", 16000, 15625),  # 250 Mpx: over twice Pillow's limit, which refused it before draft mode could help
    ("webp", 10000, 9000),  # 90 Mpx stitched panorama for the web (libwebp cannot write 250 Mpx lossy WebP)
])
def test_big_images_classified_in_bounded_memory(fmt, width, height, dog_photos, tmp_path):
    """Images up to 250 megapixels in every format decode with under 1.5 GB extra memory
    (the bound the issue sets) and look like the photo they were made from; beyond MAX_PIXELS they are
    refused with a reason that says so."""
    path = tmp_path / f"big.{fmt}"
    subprocess.run([sys.executable, "-c", _MAKE_BIG, fmt, str(width), str(height), str(dog_photos[0]), str(path)],
                   check=True, timeout=300)
    with Image.open(path) as raw:
        assert raw.size == (width, height)
    proc = subprocess.run([sys.executable, "-c", _MEASURE, str(path), str(dog_photos[1]), str(tmp_path / "x.npy")],
                          capture_output=True, text=True, cwd=REPO, timeout=300)
    assert proc.returncode == 0, proc.stderr
    grown_mib = float(proc.stdout.strip().splitlines()[-1])
    print(f"{fmt} {width}x{height}: peak memory grew {grown_mib:.0f} MiB")
    assert grown_mib < 1536, f"{width}x{height} {fmt}: peak memory grew {grown_mib:.0f} MiB"
    x = np.load(tmp_path / "x.npy")
    assert np.abs(x - preprocess(dog_photos[0], Preprocessing(image_size=(299, 299)))).mean() < 0.05


@pytest.mark.parametrize("fmt", ["WEBP", "HEIF"])
def test_webp_and_heic_shrunk_from_the_decoder_buffer_match_pillow(fmt, upright, tmp_path):
    """Big WebP and HEIC photos skip Pillow's full-size copies (libwebp / pillow-heif buffers, shrunk in
    strips); the model sees the same picture as through Pillow's own decoder."""
    if fmt == "HEIF" and not imaging.HEIF_SUPPORTED:
        pytest.skip("pillow-heif not installed")
    big = upright.resize((upright.width * 4, upright.height * 4), Image.Resampling.BICUBIC)
    path = tmp_path / f"big.{fmt.lower()}"
    big.save(path, format=fmt, quality=90)
    with Image.open(path) as raw:
        reference = preprocess(raw.convert("RGB"), SPEC)
    x = preprocess(path, SPEC)
    assert np.abs(x - reference).mean() < 0.01
    assert np.abs(x - preprocess(upright, SPEC)).mean() < 0.05


def test_refusal_beyond_the_limit_says_why(tmp_path):
    side = 17000  # 289 Mpx: over MAX_PIXELS (2**28, 16384 x 16384), under twice it (Pillow only warns)
    (tmp_path / "huge.png").write_bytes(png_header_only(side, side))
    with pytest.raises(ImageDecodeError, match=r"17000x17000 pixels \(289 megapixels\) is over the 268 megapixels"):
        load_rgb(tmp_path / "huge.png")
    assert imaging.MAX_PIXELS >= 250_000_000


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
    frames[0].save(tmp_path / "anim.png", save_all=True, append_images=frames[1:], duration=100)  # APNG
    frames[0].save(tmp_path / "still.gif")
    for name in ("anim.gif", "anim.webp", "anim.png", "pages.tif"):
        with Image.open(tmp_path / name) as raw:
            assert getattr(raw, "n_frames", 1) == 3, name
        notes: list[str] = []
        rgb = as_array(load_rgb(tmp_path / name, notes=notes))
        assert rgb.shape == (48, 64, 3)
        assert np.abs(rgb - (220, 20, 20)).max() <= 8, name
        # the other frames may show another animal: say so (tester 8); a TIFF's pages are no animation
        assert notes == ([] if name == "pages.tif" else ["animated: first of 3 frames classified"]), name
    notes = []
    load_rgb(tmp_path / "still.gif", notes=notes)
    assert notes == []


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
    """The app's tensor equals training's evaluation transform within 1e-5."""
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


# ------------------------------------------------------------ every photo: profiles, alpha, odd EXIF

def _s15(v: float) -> bytes:
    return struct.pack(">i", round(v * 65536))


def _icc_profile(colour_space: bytes, device_class: bytes, description: str, tags: dict[bytes, bytes]) -> bytes:
    """An ICC v2 profile (ICC.1:2001-04): 128-byte header, tag table, tags (4-byte aligned)."""
    desc = description.encode("ascii") + b"\x00"
    tags = {b"desc": b"desc" + b"\x00" * 4 + struct.pack(">I", len(desc)) + desc + b"\x00" * 12 + b"\x00" * 67,
            b"wtpt": b"XYZ " + b"\x00" * 4 + _s15(0.9642) + _s15(1.0) + _s15(0.8249), **tags}
    table, body = b"", b""
    offset = 128 + 4 + 12 * len(tags)
    for sig, data in tags.items():
        data += b"\x00" * (-len(data) % 4)
        table += sig + struct.pack(">II", offset + len(body), len(data))
        body += data
    size = offset + len(body)
    header = (struct.pack(">I", size) + b"lcms" + struct.pack(">I", 0x02100000) + device_class + colour_space
              + b"XYZ " + b"\x00" * 12 + b"acsp" + b"\x00" * 24 + struct.pack(">I", 0)
              + _s15(0.9642) + _s15(1.0) + _s15(0.8249) + b"\x00" * 48)
    assert len(header) == 128
    return header + struct.pack(">I", len(tags)) + table + body


# sRGB primaries adapted to the D50 PCS white (the colorants of the sRGB ICC profile, IEC 61966-2-1)
SRGB_D50 = np.array([[0.4361, 0.3851, 0.1431], [0.2225, 0.7169, 0.0606], [0.0139, 0.0971, 0.7141]])


def prophoto_profile() -> bytes:
    """ROMM RGB / ProPhoto (ISO 22028-2): primaries (0.7347, 0.2653), (0.1596, 0.8404), (0.0366, 0.0001),
    D50 white, gamma 1.8: what raw converters embed. Colorants from the primaries and the white point."""
    xy = np.array([[0.7347, 0.2653], [0.1596, 0.8404], [0.0366, 0.0001]])
    xyz = np.stack([xy[:, 0] / xy[:, 1], np.ones(3), (1 - xy.sum(1)) / xy[:, 1]])  # columns: primaries, Y=1
    scale = np.linalg.solve(xyz, [0.9642, 1.0, 0.8249])
    m = xyz * scale
    curve = b"curv" + b"\x00" * 4 + struct.pack(">IH", 1, round(1.8 * 256)) + b"\x00\x00"
    tags = {sig: b"XYZ " + b"\x00" * 4 + b"".join(_s15(v) for v in m[:, i])
            for i, sig in enumerate((b"rXYZ", b"gXYZ", b"bXYZ"))}
    tags.update({b"rTRC": curve, b"gTRC": curve, b"bTRC": curve})
    return _icc_profile(b"RGB ", b"mntr", "ProPhoto RGB (catdog test)", tags)


def srgb_to_linear(rgb8: np.ndarray) -> np.ndarray:
    c = rgb8.astype(np.float64) / 255
    return np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)  # IEC 61966-2-1


def cmyk_profile(points: int = 9) -> bytes:
    """A CMYK printer profile whose A2B0 (lut16, ``points`` per ink, like real press profiles) says: inks
    c, m, y, k leave the linear-light red, green, blue (1-c)(1-k), (1-m)(1-k), (1-y)(1-k), in sRGB's
    primaries; far from Pillow's profile-less CMYK conversion (255 - c - k). The grid's first ink varies
    slowest (ICC.1 lut16Type); XYZ in the PCS as u1.15 (0x8000 = 1.0)."""
    v = np.linspace(0, 1, points)
    c, m, y, k = np.meshgrid(v, v, v, v, indexing="ij")
    lin = np.stack([(1 - c) * (1 - k), (1 - m) * (1 - k), (1 - y) * (1 - k)], axis=-1)
    grid = np.clip(np.rint((lin @ SRGB_D50.T) * 32768), 0, 65535).astype(">u2").ravel().tolist()
    identity = [0, 65535]
    lut = (b"mft2" + b"\x00" * 4 + bytes([4, 3, points, 0]) + b"".join(_s15(v) for v in np.eye(3).ravel())
           + struct.pack(">HH", 2, 2) + struct.pack(">8H", *identity * 4) + struct.pack(f">{len(grid)}H", *grid)
           + struct.pack(">6H", *identity * 3))
    return _icc_profile(b"CMYK", b"prtr", "Linear CMYK (catdog test)", {b"A2B0": lut})


def cmyk_for(upright: Image.Image) -> Image.Image:
    """The ink amounts that :func:`cmyk_profile` maps back to ``upright`` (grey component replaced by k)."""
    lin = srgb_to_linear(np.asarray(upright))
    k = 1 - lin.max(axis=2)
    cmy = 1 - lin / np.maximum(1 - k, 1e-6)[..., None]
    cmyk = np.concatenate([cmy, k[..., None]], axis=2)
    return Image.fromarray(np.rint(np.clip(cmyk, 0, 1) * 255).astype(np.uint8), mode="CMYK")


@pytest.mark.parametrize("kind", ["cmyk-jpeg", "prophoto-jpeg", "prophoto-png"])
def test_embedded_colour_profile_converted_to_srgb(kind, upright, tmp_path):
    """A photo with an embedded ICC profile is converted to sRGB (Pillow's ImageCms)
    before the model sees it; without the conversion its colours are far off."""
    from PIL import ImageCms

    if kind.startswith("cmyk"):
        stored, profile = cmyk_for(upright), cmyk_profile()
    else:
        profile = prophoto_profile()
        stored = ImageCms.profileToProfile(upright, ImageCms.createProfile("sRGB"),
                                           ImageCms.ImageCmsProfile(io.BytesIO(profile)), outputMode="RGB")
    path = tmp_path / f"{kind}.{kind.rsplit('-', 1)[1].replace('jpeg', 'jpg')}"
    stored.save(path, icc_profile=profile, **({"quality": 95} if path.suffix == ".jpg" else {}))
    with Image.open(path) as raw:
        assert raw.info["icc_profile"] == profile
        ignored = as_array(raw.convert("RGB"))
    colour_error = np.abs(ignored.mean((0, 1)) - as_array(upright).mean((0, 1))).max()
    assert colour_error > 8, f"the test photo must look wrong without its profile ({colour_error:.1f})"
    loaded = as_array(load_rgb(path))
    assert np.abs(loaded.mean((0, 1)) - as_array(upright).mean((0, 1))).max() < 3
    assert np.abs(loaded - as_array(upright)).mean() < 4
    x = preprocess(path, SPEC)
    assert np.abs(x - preprocess(upright, SPEC)).mean() < 0.04


def test_srgb_profile_changes_nothing_and_broken_profile_is_a_note(upright, tmp_path):
    from PIL import ImageCms

    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    upright.save(tmp_path / "srgb.png", icc_profile=srgb)
    notes: list[str] = []
    np.testing.assert_array_equal(np.asarray(load_rgb(tmp_path / "srgb.png", notes=notes)), np.asarray(upright))
    assert notes == []
    broken = prophoto_profile()[:200]  # cut short, as a careless editor or a truncated upload leaves it
    upright.save(tmp_path / "broken.png", icc_profile=broken)
    loaded = load_rgb(tmp_path / "broken.png", notes=notes)
    np.testing.assert_array_equal(np.asarray(loaded), np.asarray(upright))  # used as stored
    assert len(notes) == 1 and "colour profile" in notes[0]


def bmp_v5_argb(pixels: np.ndarray, alpha: int) -> bytes:
    """A 32-bit BMP with a BITMAPV5HEADER, BI_BITFIELDS and an alpha mask (0xFF000000), as Windows tools
    write screenshots; every alpha byte is ``alpha``. Rows bottom-up, BGRA."""
    h, w = pixels.shape[:2]
    bgra = np.dstack([pixels[..., ::-1], np.full((h, w), alpha, np.uint8)])[::-1]
    data = np.ascontiguousarray(bgra).tobytes()
    v5 = struct.pack("<IiiHHII", 124, w, h, 1, 32, 3, len(data)) + struct.pack("<iiII", 2835, 2835, 0, 0)
    v5 += struct.pack("<IIII", 0x00FF0000, 0x0000FF00, 0x000000FF, 0xFF000000) + b"sRGB" + b"\x00" * 36
    v5 += struct.pack("<IIII", 0, 0, 0, 4) + struct.pack("<III", 0, 0, 0)  # gamma, intent, profile, reserved
    assert len(v5) == 124
    return b"BM" + struct.pack("<IHHI", 14 + 124 + len(data), 0, 0, 14 + 124) + v5 + data


def test_32bit_bmp_with_all_zero_alpha_is_opaque(upright, tmp_path):
    """Alpha zero everywhere means "no alpha" (not a blank, fully transparent picture)."""
    up = np.asarray(upright)
    (tmp_path / "screenshot.bmp").write_bytes(bmp_v5_argb(up, 0))
    with Image.open(tmp_path / "screenshot.bmp") as raw:
        assert raw.mode == "RGBA" and raw.getextrema()[3] == (0, 0)
    np.testing.assert_array_equal(np.asarray(load_rgb(tmp_path / "screenshot.bmp")), up)
    notes: list[str] = []
    load_rgb(tmp_path / "screenshot.bmp", notes=notes)
    assert any("alpha" in n for n in notes)
    up_rgba = np.dstack([up, np.zeros(up.shape[:2], np.uint8)])
    Image.fromarray(up_rgba).save(tmp_path / "zero-alpha.png")  # the same family in another format
    np.testing.assert_array_equal(np.asarray(load_rgb(tmp_path / "zero-alpha.png")), up)
    (tmp_path / "opaque.bmp").write_bytes(bmp_v5_argb(up, 255))  # a real alpha channel still counts
    np.testing.assert_array_equal(np.asarray(load_rgb(tmp_path / "opaque.bmp")), up)


def exif_with_bad_gps(orientation: int) -> bytes:
    """An EXIF block with Orientation and a GPS IFD whose GPSLatitude (tag 2) is BYTE instead of 3 RATIONALs
    (seen from some phone apps): Pillow reads the orientation, then fails to write the EXIF back."""
    ifd0 = (struct.pack(">H", 2) + struct.pack(">HHIHH", ORIENTATION, 3, 1, orientation, 0)
            + struct.pack(">HHII", 0x8825, 4, 1, 38) + struct.pack(">I", 0))
    gps = struct.pack(">H", 1) + struct.pack(">HHI", 2, 1, 3) + b"\x01\x02\x03\x00" + struct.pack(">I", 0)
    return b"Exif\x00\x00" + b"MM\x00\x2a" + struct.pack(">I", 8) + ifd0 + gps


@pytest.mark.parametrize("orientation", [3, 6, 8])
def test_orientation_applied_when_another_exif_tag_is_malformed(orientation, upright, tmp_path):
    """Rotate from the orientation tag alone whenever it is readable."""
    from PIL import ImageOps

    up = np.asarray(upright)
    path = tmp_path / "phone.jpg"
    Image.fromarray(np.ascontiguousarray(stored_for(up, orientation))).save(
        path, quality=95, exif=exif_with_bad_gps(orientation))
    with Image.open(path) as raw:
        assert raw.getexif()[ORIENTATION] == orientation
        with pytest.raises((TypeError, ValueError)):  # what Pillow's own helper does with this file
            ImageOps.exif_transpose(raw)
    loaded = load_rgb(path)
    assert loaded.size == upright.size
    assert np.abs(as_array(loaded) - as_array(upright)).mean() < 3
    x = preprocess(path, SPEC)
    assert np.abs(x - preprocess(upright, SPEC)).mean() < 0.02


@pytest.mark.parametrize("orientation, note", [
    (9, "EXIF orientation 9 is not valid, image used as stored"),
    (65535, "EXIF orientation 65535 is not valid, image used as stored"),
    (0, None),  # what some software writes for "not set"
    (1, None),
    (6, None),
])
def test_invalid_exif_orientation_is_a_note(orientation, note, upright, tmp_path):
    """EXIF orientation is 1..8; another value leaves the photo as stored, and the note says so (tester 8)."""
    path = save_with_orientation(np.asarray(upright), tmp_path / "o.jpg", orientation, quality=95)
    notes: list[str] = []
    loaded = load_rgb(path, notes=notes)
    assert notes == ([note] if note else [])
    assert loaded.size == (upright.size[::-1] if orientation == 6 else upright.size)


def exif_count_past_end() -> bytes:
    """An EXIF block whose ImageDescription claims 4000 bytes at an offset inside a 40-byte block (a count
    running past the end): Pillow warns "Tag data larger than file" / "Corrupt EXIF data"."""
    ifd0 = struct.pack(">H", 1) + struct.pack(">HHII", 0x010E, 2, 4000, 26) + struct.pack(">I", 0)
    return b"Exif\x00\x00" + b"MM\x00\x2a" + struct.pack(">I", 8) + ifd0 + b"A cat" + b"\x00" * 9


def test_library_warnings_become_a_note_not_stderr(cat_photos, tmp_path):
    """A damaged EXIF makes Pillow warn; the warning is caught for that file and becomes
    its note; nothing reaches stderr, whatever the warning filters (here: turned into errors)."""
    path = tmp_path / "count-past-end.jpg"
    load_rgb(cat_photos[0]).save(path, quality=95, exif=exif_count_past_end())
    with warnings.catch_warnings(record=True) as raw_warnings:
        warnings.simplefilter("always")
        with Image.open(path) as raw:
            raw.getexif()
    assert raw_warnings, "the test file must make Pillow warn"
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # any warning escaping load_rgb fails the test
        for _ in range(2):  # the second time too ("default" filters show a warning once per place)
            notes: list[str] = []
            load_rgb(path, notes=notes)
            assert len(notes) == 1 and "EXIF" in notes[0], notes
            notes.clear()
            load_rgb(cat_photos[0], notes=notes)
            assert notes == []


@pytest.mark.parametrize("mean, std", [((0.5, 0.5, 0.5), (0.5, 0.5, 0.5)),
                                       ((0.485, 0.456, 0.406), (0.229, 0.224, 0.225))])
def test_normalize_table_equals_the_formula_on_real_photos(cat_photos, dog_photos, mean, std):
    """The 256-entry lookup gives exactly the numbers of ``(x / 255 - mean) / std`` in float32, laid out
    ``[3, H, W]``, on real photos (ImageNet statistics too, where every channel differs)."""
    spec = Preprocessing(image_size=(256, 256), mean=mean, std=std)
    for path in (cat_photos[0], dog_photos[0]):
        rgb = np.asarray(imaging.resize_for_model(load_rgb(path), spec))
        expected = ((rgb.astype(np.float32) / np.float32(255.0) - np.asarray(mean, np.float32))
                    / np.asarray(std, np.float32)).transpose(2, 0, 1)
        out = imaging.normalize(rgb, spec)
        assert out.dtype == np.float32 and out.shape == (3, 256, 256) and out.flags.c_contiguous
        np.testing.assert_array_equal(out, expected)
    with pytest.raises(ValueError, match="uint8"):
        imaging.normalize(rgb.astype(np.float32), spec)
