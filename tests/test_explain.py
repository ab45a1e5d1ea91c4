"""core.explain: one photo's probabilities, CAM and flow maps, computed on demand and cached."""

from __future__ import annotations

import os
import shutil

import numpy as np
import pytest
from PIL import Image

from catdog_gui.core import pipeline
from catdog_gui.core.explain import DISPLAY_MAX_PIXELS, Explainer, display_image, display_size, model_region
from catdog_gui.core.imaging import ImageDecodeError, Preprocessing, load_rgb
from catdog_gui.core.model import Engine


@pytest.fixture(scope="module")
def engine(tiny_model_path):
    return Engine(tiny_model_path)


def test_explanation_has_contract_shapes_and_matches_batch_run(engine, cat_photos):
    explainer = Explainer(engine, display_max_pixels=100_000)
    path = str(cat_photos[0])
    exp = explainer.explain(path)
    h, w = engine.info.preprocessing.image_size
    c = len(engine.info.labels)
    assert exp.labels == engine.info.labels
    assert exp.flows["entry_flow"].shape == (728, h // 16, w // 16)
    assert exp.flows["middle_flow"].shape == (728, h // 16, w // 16)
    assert exp.flows["exit_flow"].shape == (2048, h // 32, w // 32)
    assert exp.cam.shape == (c, h // 32, w // 32)
    assert exp.missing == ()
    assert exp.probabilities.shape == (c,) and abs(float(exp.probabilities.sum()) - 1) < 1e-5
    assert exp.inference_ms > 0 and exp.provider == engine.describe_provider()
    # the same probabilities as the batch run shows in the table
    batch = next(pipeline.classify(engine, [path]))
    np.testing.assert_allclose(exp.probabilities, batch.probabilities, atol=1e-5)
    assert exp.label == batch.label
    # the display image is the photo, upright, scaled to fit display_max_pixels
    with Image.open(path) as im:
        ow, oh = im.size
    assert exp.image.dtype == np.uint8 and exp.image.shape[2] == 3
    assert ow * oh > 100_000 and 99_000 < exp.image.shape[0] * exp.image.shape[1] <= 100_000
    assert abs(exp.image.shape[1] / exp.image.shape[0] - ow / oh) < 0.02
    assert exp.region == (0, 0, exp.image.shape[1], exp.image.shape[0])  # squash: the whole photo


def test_cam_is_consistent_with_logits(engine, dog_photos):
    """cam[c].mean() + b[c] == logits[c]: the bias found on one photo predicts another photo's logits."""
    explainer = Explainer(engine)
    spec = engine.info.preprocessing
    biases = []
    for path in (str(dog_photos[0]), str(dog_photos[1])):
        exp = explainer.explain(path)
        logits = engine.run(np.stack([pipeline.decode_one(path, spec)]), ["logits"])["logits"][0]
        p = np.exp(logits - logits.max())
        np.testing.assert_allclose(p / p.sum(), exp.probabilities, atol=1e-5)
        biases.append(logits - exp.cam.reshape(len(logits), -1).mean(axis=1))
    np.testing.assert_allclose(biases[0], biases[1], atol=1e-3)


def test_display_follows_exif_orientation(engine, cat_photos, tmp_path):
    with Image.open(cat_photos[1]) as im:
        im = im.convert("RGB")
        exif = Image.Exif()
        exif[0x0112] = 6  # rotate 90° clockwise to display
        rotated = tmp_path / "rotated.jpg"
        im.save(rotated, exif=exif, quality=92)
        ow, oh = im.size
    exp = Explainer(engine).explain(str(rotated))
    assert exp.image.shape[:2] == (ow, oh)  # height and width swapped: shown upright


def test_cache_is_bounded_and_reuses_results(engine, cat_photos):
    explainer = Explainer(engine, cache_size=2)
    a, b, c = (str(p) for p in cat_photos[:3])
    first = explainer.explain(a)
    assert explainer.explain(a) is first
    explainer.explain(b)
    explainer.explain(a)  # a is now the most recent, b the oldest
    explainer.explain(c)
    assert len(explainer) == 2
    assert explainer.cached(b) is None
    assert explainer.cached(a) is first and explainer.cached(c) is not None


def test_a_file_replaced_under_the_same_name_is_explained_again(engine, cat_photos, dog_photos, tmp_path):
    """The detail view must not show a cat's maps for the dog photo now saved under the cat's name."""
    photo = tmp_path / "pet.jpg"
    shutil.copyfile(cat_photos[0], photo)
    explainer = Explainer(engine)
    before = explainer.explain(str(photo))
    assert explainer.cached(str(photo)) is before
    shutil.copyfile(dog_photos[0], photo)
    stat = photo.stat()
    os.utime(photo, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))  # a later save, whatever the clock
    assert explainer.cached(str(photo)) is None
    after = explainer.explain(str(photo))
    assert after is not before
    assert before.image.shape != after.image.shape or not np.array_equal(before.image, after.image)
    assert not np.array_equal(before.probabilities, after.probabilities)


def test_undecodable_file_raises_decode_error(engine, tmp_path):
    bad = tmp_path / "cat.jpg"
    bad.write_text("not an image at all")
    with pytest.raises(ImageDecodeError):
        Explainer(engine).explain(str(bad))
    assert len(Explainer(engine)) == 0


def test_model_without_flow_outputs(tiny_model_path, cat_photos, tmp_path):
    onnx = pytest.importorskip("onnx")
    model = onnx.load(str(tiny_model_path))
    keep = [o for o in model.graph.output if o.name not in ("middle_flow", "cam")]
    del model.graph.output[:]
    model.graph.output.extend(keep)
    path = tmp_path / "partial.onnx"
    onnx.save(model, str(path))
    exp = Explainer(Engine(path)).explain(str(cat_photos[0]))
    assert set(exp.flows) == {"entry_flow", "exit_flow"}
    assert exp.cam is None
    assert set(exp.missing) == {"middle_flow", "cam"}


def test_model_region_for_center_crop():
    spec = Preprocessing(image_size=(100, 100), resize="center_crop", crop_fraction=0.5)
    left, top, w, h = model_region((400, 800), spec)
    # shorter side 400 -> 200 (100 / 0.5), crop 100 of 200 = half of the shorter side, centred
    assert (w, h) == (200, 200)
    assert (left, top) == (300, 100)
    assert model_region((400, 800), Preprocessing(image_size=(100, 100))) == (0, 0, 800, 400)


def test_display_image_keeps_small_images_and_validates():
    small = Image.new("RGB", (30, 20), (10, 20, 30))
    arr = display_image(small, 600)
    assert arr.shape == (20, 30, 3) and arr.dtype == np.uint8
    assert display_image(Image.new("RGB", (300, 100)), 7500).shape == (50, 150, 3)  # a pixel budget, not a side
    assert display_size((3990, 399)) == (3990, 399)
    assert display_size((6000, 4000)) == (3464, 2309)
    with pytest.raises(ValueError):
        display_image(small, 0)
    with pytest.raises(ValueError):
        Explainer(object.__new__(object), cache_size=0)
    with pytest.raises(ValueError):
        Explainer(object.__new__(object), display_max_pixels=0)


def _panorama(photos, tile: int = 399) -> Image.Image:
    """Ten real photos squashed to ``tile`` x ``tile`` side by side (tester 9: 3990 x 399)."""
    canvas = Image.new("RGB", (tile * 10, tile))
    for i, path in enumerate((list(photos) * 2)[:10]):
        with Image.open(path) as im:
            canvas.paste(im.convert("RGB").resize((tile, tile), Image.Resampling.LANCZOS), (i * tile, 0))
    return canvas


@pytest.mark.parametrize("turn", [False, True], ids=["wide", "tall"])
def test_a_panorama_keeps_its_real_pixels(engine, cat_photos, tmp_path, turn):
    """A 3990 x 399 panorama was shown, zoomed and saved from a 1024 x 102 copy (tester 9, finding 3): its
    display image is now the photo itself, pixel for pixel, and the maps' region covers all of it."""
    pano = _panorama(cat_photos)
    if turn:
        pano = pano.transpose(Image.Transpose.ROTATE_90)
    path = tmp_path / "panorama_cat.jpg"
    pano.save(path, quality=92)
    exp = Explainer(engine).explain(str(path))
    height, width = (3990, 399) if turn else (399, 3990)
    assert exp.image.shape == (height, width, 3)
    assert exp.region == (0, 0, width, height)
    np.testing.assert_array_equal(exp.image, np.asarray(load_rgb(str(path))))  # its own pixels, not resampled


def test_a_big_photo_is_scaled_to_the_pixel_budget_with_its_aspect_ratio(engine, dog_photos, tmp_path):
    """A 24-megapixel photo (a real one upscaled to 6000 x 4000) becomes about 8 megapixels, not 1024 x 683."""
    with Image.open(dog_photos[0]) as im:
        big = im.convert("RGB").resize((6000, 4000), Image.Resampling.BICUBIC)
    path = tmp_path / "big_dog.jpg"
    big.save(path, quality=90)
    del big
    exp = Explainer(engine).explain(str(path))
    height, width = exp.image.shape[:2]
    assert 0.99 * DISPLAY_MAX_PIXELS < width * height <= DISPLAY_MAX_PIXELS
    assert abs(width / height - 1.5) < 0.002
    assert exp.region == (0, 0, width, height)
    assert Explainer(engine, display_max_pixels=6000 * 4000).explain(str(path)).image.shape == (4000, 6000, 3)
