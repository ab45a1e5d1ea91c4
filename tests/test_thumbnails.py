"""core.thumbnails: small upright previews of real photos, and the bounded LRU cache."""

from __future__ import annotations

import threading

import numpy as np
import pytest
from PIL import Image

from catdog_gui.core.imaging import ImageDecodeError
from catdog_gui.core.thumbnails import LRUCache, make_thumbnail


def test_thumbnail_of_real_photo_fits_box_and_keeps_aspect(cat_photos):
    for path in cat_photos[:3]:
        thumb = make_thumbnail(str(path), 64)
        with Image.open(path) as im:
            w, h = im.size
        assert thumb.dtype == np.uint8 and thumb.ndim == 3 and thumb.shape[2] == 3
        assert max(thumb.shape[:2]) == 64
        assert abs(thumb.shape[1] / thumb.shape[0] - w / h) < 0.05
        assert thumb.std() > 5  # a picture, not a flat colour


def test_thumbnail_looks_like_the_photo(dog_photos):
    thumb = make_thumbnail(str(dog_photos[0]), 32)
    with Image.open(dog_photos[0]) as im:
        ref = np.asarray(im.convert("RGB").resize((thumb.shape[1], thumb.shape[0]), Image.Resampling.BOX))
    assert np.abs(thumb.astype(int) - ref.astype(int)).mean() < 12


def test_thumbnail_is_upright(cat_photos, tmp_path):
    with Image.open(cat_photos[0]) as im:
        im = im.convert("RGB")
        w, h = im.size
        exif = Image.Exif()
        exif[0x0112] = 8  # rotate 90° counter-clockwise to display
        path = tmp_path / "rotated.jpg"
        im.save(path, exif=exif)
    thumb = make_thumbnail(str(path), 64)
    assert abs(thumb.shape[0] / thumb.shape[1] - w / h) < 0.05  # width and height swapped


def test_small_image_is_not_enlarged(tmp_path):
    path = tmp_path / "small.png"
    Image.new("RGB", (20, 10), (200, 10, 10)).save(path)
    assert make_thumbnail(str(path), 64).shape == (10, 20, 3)


def test_broken_file_and_bad_size(tmp_path, cat_photos):
    bad = tmp_path / "broken.jpg"
    bad.write_bytes(b"\xff\xd8\xff garbage")
    with pytest.raises(ImageDecodeError):
        make_thumbnail(str(bad))
    with pytest.raises(ValueError):
        make_thumbnail(str(cat_photos[0]), 0)


def test_lru_cache_is_bounded_and_keeps_recent():
    cache: LRUCache[str, int] = LRUCache(3)
    for i, k in enumerate("abc"):
        cache.put(k, i)
    assert cache.get("a") == 0  # a becomes most recent; b is the oldest
    cache.put("d", 3)
    assert len(cache) == 3 and "b" not in cache
    assert cache.get("b", -1) == -1
    assert [cache.get(k) for k in "acd"] == [0, 2, 3]
    cache.clear()
    assert len(cache) == 0
    with pytest.raises(ValueError):
        LRUCache(0)


def test_lru_cache_under_concurrent_use():
    cache: LRUCache[int, int] = LRUCache(50)
    errors: list[BaseException] = []  # an exception in a thread does not fail the test by itself

    def work(offset):
        try:
            for i in range(2000):
                cache.put(offset + i, i)
                cache.get(offset + i // 2)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n * 10_000,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors and len(cache) == 50


def test_lru_cache_calls_wait_while_another_thread_holds_it():
    """Each call runs under the cache's lock: one started while the lock is held waits for it."""
    cache: LRUCache[str, int] = LRUCache(2)
    finished = threading.Event()

    def use():
        cache.put("a", 1)
        cache.get("a")
        finished.set()

    with cache._lock:
        thread = threading.Thread(target=use)
        thread.start()
        assert not finished.wait(0.3)
    thread.join(5)
    assert finished.is_set() and cache.get("a") == 1
