"""Data-set layouts, the deterministic stratified split, and the transforms."""

import os
from pathlib import Path

import numpy as np
import pytest
import torch

from catdog_gui.core.imaging import Preprocessing, load_rgb, preprocess
from training.data import (LABELS, CachedDataset, StreamingDataset, build_cache, choose_data_mode, eval_transform,
                           find_samples, source_sample_weights, split_sources, stratified_split, train_transform)


def test_petimages_class_folders(data_dir):
    samples, layout = find_samples(data_dir / "petimages")
    assert layout == "class_folders"
    counts = np.bincount([s.target for s in samples])
    assert counts.tolist() == [5000, 5000]
    assert all(("/Cat/" in s.path) == (s.target == LABELS.index("cat")) for s in samples)


def test_lowercase_class_folders(data_dir):
    samples, layout = find_samples(data_dir / "pets-ood-val")
    assert layout == "class_folders" and len(samples) == 1200


def _link(src: Path, dst: Path) -> None:
    dst.parent.mkdir(parents=True, exist_ok=True)
    os.symlink(src, dst)


def test_kaggle_flat_and_oxford_layouts(tmp_path, cat_photos, dog_photos):
    flat = tmp_path / "flat"
    for i, p in enumerate(cat_photos[:3]):
        _link(p, flat / f"cat.{i}.jpg")
    for i, p in enumerate(dog_photos[:2]):
        _link(p, flat / f"dog.{i}.jpg")
    (flat / "notes.txt").write_text("not a photo")
    samples, layout = find_samples(flat)
    assert layout == "kaggle_flat"
    assert sorted(s.target for s in samples) == [0, 0, 0, 1, 1]

    oxford = tmp_path / "oxford"
    _link(cat_photos[0], oxford / "images" / "Abyssinian_1.jpg")
    _link(dog_photos[0], oxford / "images" / "beagle_1.jpg")
    samples, layout = find_samples(oxford)
    assert layout == "oxford_pets"
    assert {Path(s.path).name: s.target for s in samples} == {"Abyssinian_1.jpg": 0, "beagle_1.jpg": 1}


def test_unknown_layout_and_missing_folder(tmp_path):
    with pytest.raises(FileNotFoundError):
        find_samples(tmp_path / "nope")
    (tmp_path / "empty").mkdir()
    with pytest.raises(ValueError, match="no photos"):
        find_samples(tmp_path / "empty")


def test_split_is_stratified_disjoint_and_deterministic(data_dir):
    samples, _ = find_samples(data_dir / "petimages")
    train, val = stratified_split(samples, 0.1, seed=0)
    train2, val2 = stratified_split(list(reversed(samples)), 0.1, seed=0)
    assert [s.path for s in val] == [s.path for s in val2] and len(train) == len(train2)
    assert np.bincount([s.target for s in val]).tolist() == [500, 500]
    assert len(train) == 9000
    assert not {s.path for s in train} & {s.path for s in val}
    _, val_other = stratified_split(samples, 0.1, seed=1)
    assert {s.path for s in val_other} != {s.path for s in val}


def test_eval_transform_is_the_apps_preprocessing(cat_photos, dog_photos, data_dir):
    spec = Preprocessing(image_size=(160, 160))
    photos = cat_photos[:3] + dog_photos[:3] + sorted((data_dir / "petimages" / "Cat").glob("*.jpg"))[:2]
    transform = eval_transform(spec)
    for p in photos:
        got = transform(load_rgb(p)).numpy()
        expected = preprocess(p, spec)
        assert got.shape == (3, 160, 160)
        np.testing.assert_allclose(got, expected, atol=1e-5)


def test_train_transform_shape_range_and_randomness(cat_photos):
    spec = Preprocessing(image_size=(96, 96))
    image = load_rgb(cat_photos[0])
    transform = train_transform(spec)
    torch.manual_seed(0)
    a, b = transform(image), transform(image)
    assert a.shape == (3, 96, 96) and a.dtype == torch.float32
    assert a.min() >= -1.0 - 1e-6 and a.max() <= 1.0 + 1e-6  # mean 0.5, std 0.5 -> [-1, 1]
    assert not torch.equal(a, b)


def _two_sources(tmp_path: Path, data_dir: Path) -> tuple[Path, Path]:
    """Two small class-folder roots of real photos: 10 + 10 petimages and 4 + 4 Oxford-IIIT Pet photos."""
    a, b = tmp_path / "a", tmp_path / "b"
    for cls, sub in (("cat", "Cat"), ("dog", "Dog")):
        for p in sorted((data_dir / "petimages" / sub).glob("*.jpg"))[:10]:
            _link(p, a / cls / p.name)
    for cls in ("cat", "dog"):
        for p in sorted((data_dir / "oxford-pets-sample" / cls).glob("*.jpg"))[:4]:
            _link(p, b / cls / p.name)
    return a, b


def test_split_sources_splits_each_root_on_its_own(tmp_path, data_dir):
    a, b = _two_sources(tmp_path, data_dir)
    train_a, val_a = stratified_split(find_samples(a)[0], 0.25, 0)
    train, val, layouts = split_sources([a, b], 0.25, 0)
    assert layouts == ["class_folders", "class_folders"]
    # Adding a second root never moves a photo of the first between train and validation.
    assert [s.path for s in train if s.source == 0] == [s.path for s in train_a]
    assert [s.path for s in val if s.source == 0] == [s.path for s in val_a]
    # The small root keeps a stratified validation part of its own: 1 cat + 1 dog of 4 + 4.
    val_b = [s for s in val if s.source == 1]
    assert sorted(s.target for s in val_b) == [0, 1]
    assert all(str(b) in s.path for s in val_b) and len([s for s in train if s.source == 1]) == 6
    with pytest.raises(ValueError, match="twice"):
        split_sources([a, a])


def test_source_weights_set_how_often_each_source_is_drawn(tmp_path, data_dir):
    a, b = _two_sources(tmp_path, data_dir)
    train, _, _ = split_sources([a, b], 0.25, 0)
    n_a, n_b = sum(s.source == 0 for s in train), sum(s.source == 1 for s in train)
    assert (n_a, n_b) == (16, 6)  # round(10 * 0.25) = 2 of 10 per class held out, 1 of 4
    weights = source_sample_weights(train, [1, 3])
    sampler = torch.utils.data.WeightedRandomSampler(weights, 20_000, generator=torch.Generator().manual_seed(0))
    share_b = np.mean([train[i].source == 1 for i in sampler])
    assert share_b == pytest.approx(3 * n_b / (n_a + 3 * n_b), abs=0.015)  # w_b n_b / sum_s w_s n_s = 0.529
    with pytest.raises(ValueError, match="source weights"):
        source_sample_weights(train, [1, -1])
    with pytest.raises(ValueError):
        source_sample_weights(train, [1])  # source 1 has no weight


def test_auto_augment_policies_change_the_photo_and_keep_the_shape(cat_photos):
    spec = Preprocessing(image_size=(64, 64))
    image = load_rgb(cat_photos[0])
    torch.manual_seed(0)
    plain = [train_transform(spec, (1.0, 1.0), color_jitter=0)(image) for _ in range(4)]
    torch.manual_seed(0)
    trivial = [train_transform(spec, (1.0, 1.0), color_jitter=0, auto_augment="trivialaugment")(image)
               for _ in range(4)]
    assert all(t.shape == (3, 64, 64) and t.dtype == torch.float32 for t in trivial)
    assert any(not torch.allclose(p, t) for p, t in zip(plain, trivial))
    erased = train_transform(spec, (1.0, 1.0), color_jitter=0, random_erasing=1.0)(image)
    assert (erased == 0).sum() > 0.02 * erased.numel()  # a rectangle set to 0 (the normalised mean)
    with pytest.raises(ValueError, match="auto_augment"):
        train_transform(spec, auto_augment="autoaugment-v9")


def test_cache_holds_every_photo_at_the_training_size_and_is_reused(tmp_path, data_dir):
    a, _ = _two_sources(tmp_path, data_dir)
    samples = find_samples(a)[0]
    (a / "cat" / "broken.jpg").write_bytes(b"\xff\xd8\xff\xe0 not really a JPEG")
    samples = find_samples(a)[0]
    broken = next(i for i, s in enumerate(samples) if s.path.endswith("broken.jpg"))
    path, errors = build_cache(samples, tmp_path / "cache", 64, workers=2)
    array = np.load(path, mmap_mode="r")
    assert array.shape == (len(samples), 64, 64, 3) and array.dtype == np.uint8
    assert list(errors) == [broken] and "broken.jpg" in errors[broken]
    first = 0 if broken != 0 else 1
    expected = np.asarray(load_rgb(samples[first].path).resize((64, 64)), np.float32)
    assert np.abs(array[first].astype(np.float32) - expected).mean() < 4  # the photo itself, squashed
    mtime = path.stat().st_mtime_ns
    again, errors_again = build_cache(samples, tmp_path / "cache", 64)
    assert again == path and again.stat().st_mtime_ns == mtime and errors_again == errors  # reused, not rewritten
    assert not list((tmp_path / "cache").glob("*.tmp*"))

    spec = Preprocessing(image_size=(48, 48))
    ds = CachedDataset(path, [s.target for s in samples], eval_transform(spec), skip=list(errors))
    assert len(ds) == len(samples) - 1
    x, y = ds[0]
    assert x.shape == (3, 48, 48) and y == samples[first].target
    import pickle

    clone = pickle.loads(pickle.dumps(ds))  # what a DataLoader worker receives: no open memory map
    assert clone._array is None and torch.equal(clone[0][0], x)


def test_streaming_dataset_decodes_from_disk_and_steps_over_a_broken_photo(tmp_path, data_dir):
    a, _ = _two_sources(tmp_path, data_dir)
    (a / "cat" / "!broken.jpg").write_bytes(b"GIF89a truncated")
    samples = find_samples(a)[0]
    assert samples[0].path.endswith("!broken.jpg")
    spec = Preprocessing(image_size=(48, 48))
    ds = StreamingDataset(samples, eval_transform(spec), max_side=96)
    x, y = ds[0]  # the broken photo: the next one stands in
    assert x.shape == (3, 48, 48) and y == samples[1].target and ds.failures == 1
    assert torch.allclose(x, ds[1][0])


def test_data_mode_by_size():
    assert choose_data_mode(10_000, 160, 4 * 2**30) == ("memory", 10_000 * 320 * 320 * 3)
    assert choose_data_mode(40_000, 160, 4 * 2**30)[0] == "cache"
