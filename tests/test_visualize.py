"""catdog_gui.core.visualize: normalise, upsample, colour-map and pick feature maps."""

from __future__ import annotations

import numpy as np
import pytest

from catdog_gui.core.imaging import load_rgb, preprocess
from catdog_gui.core.visualize import colorize, normalize_map, top_channels, upsample


@pytest.fixture()
def rng():
    return np.random.default_rng(0)


def test_normalize_map_range_dtype_and_input_untouched(rng):
    m = rng.normal(3.0, 2.0, (7, 9)).astype(np.float32)
    before = m.copy()
    out = normalize_map(m)
    assert out.shape == (7, 9) and out.dtype == np.float32
    assert out.min() == 0.0 and out.max() == 1.0
    np.testing.assert_allclose(out, (m - m.min()) / (m.max() - m.min()), atol=1e-6)
    np.testing.assert_array_equal(m, before)
    assert out is not m


@pytest.mark.parametrize("value", [0.0, 5.0, -1e30])
def test_constant_map_gives_zeros(value):
    with np.errstate(all="raise"):  # any division by zero would raise here
        out = normalize_map(np.full((4, 5), value, np.float32))
    assert out.dtype == np.float32 and (out == 0).all()


def test_normalize_map_handles_nan_and_ints():
    m = np.array([[np.nan, 1.0], [3.0, np.inf]])
    out = normalize_map(m)
    assert np.isfinite(out).all() and out[1, 0] == 1.0 and out[0, 1] == 0.0
    np.testing.assert_allclose(normalize_map(np.array([[0, 5], [10, 10]])), [[0, 0.5], [1, 1]])
    for bad in (np.zeros(5), np.zeros((2, 2, 2)), np.zeros((0, 3)), np.array([["a"]])):
        with pytest.raises(ValueError):
            normalize_map(bad)


def test_upsample_shape_smooth_and_untouched(rng):
    m = rng.random((10, 10)).astype(np.float32)
    before = m.copy()
    big = upsample(m, (299, 400))
    assert big.shape == (299, 400) and big.dtype == np.float32
    np.testing.assert_array_equal(m, before)
    # bilinear: stays within the input range, and neighbouring pixels differ far less than the input's
    assert m.min() - 1e-6 <= big.min() and big.max() <= m.max() + 1e-6
    assert np.abs(np.diff(big, axis=1)).max() < np.abs(np.diff(m, axis=1)).max() / 5
    # a ramp stays monotonic (smooth, not blocky nearest-neighbour steps)
    ramp = np.tile(np.arange(4, dtype=np.float32), (4, 1))
    row = upsample(ramp, (16, 64))[8]
    assert (np.diff(row) >= -1e-6).all() and len(np.unique(np.round(row, 4))) > 8
    with pytest.raises(ValueError):
        upsample(m, (0, 10))
    with pytest.raises(ValueError):
        upsample(m, (10,))


def test_colorize_shape_dtype_and_colours():
    m = np.linspace(0, 1, 12, dtype=np.float32).reshape(3, 4)
    before = m.copy()
    rgb = colorize(m)
    assert rgb.shape == (3, 4, 3) and rgb.dtype == np.uint8
    np.testing.assert_array_equal(m, before)
    # inferno runs from near black to a light yellow; brightness rises with the value
    assert rgb[0, 0].sum() < 30 and rgb[-1, -1].sum() > 500
    brightness = rgb.astype(int).sum(-1).ravel()
    assert (np.diff(brightness) > 0).all()
    assert not np.array_equal(colorize(m, "viridis"), rgb)
    assert (colorize(np.full((2, 2), 7.0)) == colorize(np.ones((2, 2)))).all()  # clipped
    with pytest.raises(ValueError, match="colour map"):
        colorize(m, "no-such-map")


def test_top_channels(rng):
    fmap = rng.random((20, 4, 4)).astype(np.float32)
    fmap[7] += 10
    fmap[3] += 5
    before = fmap.copy()
    idx, means = top_channels(fmap, 3)
    assert idx.dtype == np.int64 and means.dtype == np.float32 and idx.shape == means.shape == (3,)
    assert idx[0] == 7 and idx[1] == 3
    np.testing.assert_allclose(means, fmap[idx].mean(axis=(1, 2)), rtol=1e-6)
    assert (np.diff(means) <= 0).all()
    np.testing.assert_array_equal(fmap, before)
    assert top_channels(fmap, 100)[0].shape == (20,)
    with pytest.raises(ValueError):
        top_channels(fmap, 0)
    with pytest.raises(ValueError):
        top_channels(fmap[0], 2)


def test_cam_of_a_real_photo_end_to_end(tiny_model_path, cat_photos):
    from catdog_gui.core.model import Engine

    engine = Engine(tiny_model_path, providers=("CPUExecutionProvider",))
    x = preprocess(cat_photos[0], engine.info.preprocessing)[None]
    out = engine.run(x, ["cam", "entry_flow"])
    photo = np.asarray(load_rgb(cat_photos[0]))
    heat = colorize(normalize_map(upsample(out["cam"][0, 0], photo.shape[:2])))
    assert heat.shape == photo.shape and heat.dtype == np.uint8 and heat.reshape(-1, 3).std(axis=0).max() > 0
    idx, means = top_channels(out["entry_flow"][0], 16)
    assert idx.shape == (16,) and (np.diff(means) <= 0).all()
