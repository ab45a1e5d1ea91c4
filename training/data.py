"""Data-set layouts, the deterministic stratified split, and the train / evaluation transforms.

Layouts, auto-detected by :func:`find_samples`:

* class subfolders: ``DIR/cat|cats|Cat/*``, ``DIR/dog|dogs|Dog/*`` (also Microsoft's ``PetImages/Cat``);
* Kaggle "Dogs vs. Cats" flat folder: ``DIR/cat.123.jpg``, ``DIR/dog.45.jpg``;
* Oxford-IIIT Pet: ``DIR/images/Abyssinian_1.jpg`` (capitalised breed names are cats, lower-case dogs).

The evaluation transform is :func:`catdog_gui.core.imaging.preprocess`, the function the app calls.
"""

from __future__ import annotations

import os
import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Sequence

import numpy as np
import torch
from PIL import Image
from torch.utils.data import Dataset
from torchvision.transforms import v2

from catdog_gui.core.imaging import ImageDecodeError, Preprocessing, load_rgb, preprocess
from catdog_gui.core.scan import is_image_candidate

__all__ = ["LABELS", "Sample", "find_samples", "stratified_split", "split_sources", "source_sample_weights",
           "load_images", "ImageDataset", "train_transform", "eval_transform"]

LABELS = ("cat", "dog")
_CLASS_DIRS = {"cat": 0, "cats": 0, "dog": 1, "dogs": 1}
_KAGGLE_RE = re.compile(r"^(cat|dog)[._]", re.IGNORECASE)


@dataclass(frozen=True)
class Sample:
    """One labelled photo: ``path``, ``target`` (index into :data:`LABELS`) and ``source`` (index of the data
    root it came from, when several are trained on at once; 0 otherwise)."""

    path: str
    target: int
    source: int = 0


def _files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file() and is_image_candidate(p))


def find_samples(root: str | os.PathLike) -> tuple[list[Sample], str]:
    """List the labelled photos under ``root`` in a stable (sorted) order.

    Returns:
        (samples, layout) with layout ``"class_folders"``, ``"kaggle_flat"`` or ``"oxford_pets"``.

    Raises:
        FileNotFoundError: ``root`` does not exist.
        ValueError: no known layout found, or a class has no photo.
    """
    root = Path(root)
    if not root.is_dir():
        raise FileNotFoundError(f"data folder not found: {str(root)!r}")
    subdirs = {p.name.lower(): p for p in root.iterdir() if p.is_dir()}
    class_dirs = {name: p for name, p in subdirs.items() if name in _CLASS_DIRS}
    if not class_dirs and "petimages" in subdirs:  # Microsoft's archive unpacked one level up
        return find_samples(subdirs["petimages"])
    samples: list[Sample] = []
    if class_dirs:
        layout = "class_folders"
        for name, folder in sorted(class_dirs.items()):
            samples += [Sample(str(p), _CLASS_DIRS[name]) for p in _files(folder)]
    elif "images" in subdirs and any(p.name[:1].isupper() for p in _files(subdirs["images"])[:200]):
        layout = "oxford_pets"
        samples = [Sample(str(p), 0 if p.name[:1].isupper() else 1) for p in _files(subdirs["images"])]
    else:
        layout = "kaggle_flat"
        for p in sorted(root.iterdir()):
            m = _KAGGLE_RE.match(p.name)
            if m and p.is_file() and is_image_candidate(p):
                samples.append(Sample(str(p), _CLASS_DIRS[m.group(1).lower()]))
    counts = np.bincount([s.target for s in samples], minlength=len(LABELS))
    if not samples:
        raise ValueError(f"no photos found in {str(root)!r}; expected one of the layouts: class folders "
                         "(cat/, dog/), Kaggle flat (cat.1.jpg), Oxford-IIIT Pet (images/)")
    if (counts == 0).any():
        raise ValueError(f"{str(root)!r} ({layout}): photos per class {dict(zip(LABELS, counts.tolist()))}; "
                         "every class needs at least one")
    samples.sort(key=lambda s: (s.target, s.path))
    return samples, layout


def stratified_split(samples: Sequence[Sample], val_fraction: float = 0.1, seed: int = 0
                     ) -> tuple[list[Sample], list[Sample]]:
    """Split per class into train and validation, the same way every run for the same inputs and seed.

    Each class keeps ``round(n_class * val_fraction)`` photos (at least 1 when ``val_fraction > 0``) for
    validation, drawn with ``numpy.random.default_rng(seed)`` from the sorted list.

    Raises:
        ValueError: ``val_fraction`` outside [0, 1).
    """
    if not 0.0 <= val_fraction < 1.0:
        raise ValueError(f"val_fraction must be in [0, 1), got {val_fraction!r}")
    rng = np.random.default_rng(seed)
    train, val = [], []
    for target in sorted({s.target for s in samples}):
        group = sorted((s for s in samples if s.target == target), key=lambda s: s.path)
        order = rng.permutation(len(group))
        n_val = 0 if val_fraction == 0 else max(1, round(len(group) * val_fraction))
        val += [group[i] for i in order[:n_val]]
        train += [group[i] for i in order[n_val:]]
    return train, val


def split_sources(roots: Sequence[str | os.PathLike], val_fraction: float = 0.1, seed: int = 0
                  ) -> tuple[list[Sample], list[Sample], list[str]]:
    """Find the photos of several data roots and split each one on its own (stratified, deterministic).

    Splitting per source keeps a validation part of every source, however small, and makes each source's
    split independent of the others: ``split_sources([A])`` equals ``stratified_split(find_samples(A))``,
    and adding a root B never moves a photo of A between train and validation.

    Args:
        roots: data folders, any mix of the layouts :func:`find_samples` reads.
        val_fraction, seed: as :func:`stratified_split`, applied to each root.

    Returns:
        (train, val, layouts): samples tagged with ``source`` = index into ``roots``; one layout per root.

    Raises:
        FileNotFoundError, ValueError: as :func:`find_samples` (for the first root that fails); ValueError for
        an empty ``roots`` or the same folder given twice.
    """
    if not roots:
        raise ValueError("no data folder given")
    resolved = [os.path.realpath(r) for r in roots]
    if len(set(resolved)) != len(resolved):
        raise ValueError(f"the same data folder is given twice: {[str(r) for r in roots]!r}")
    train: list[Sample] = []
    val: list[Sample] = []
    layouts: list[str] = []
    for index, root in enumerate(roots):
        samples, layout = find_samples(root)
        tr, va = stratified_split(samples, val_fraction, seed)
        train += [Sample(s.path, s.target, index) for s in tr]
        val += [Sample(s.path, s.target, index) for s in va]
        layouts.append(layout)
    return train, val, layouts


def source_sample_weights(samples: Sequence[Sample], source_weights: Sequence[float]) -> list[float]:
    """Per-photo sampling weights so that source ``s`` is drawn in proportion to ``w_s * n_s``.

    A weight of 3 makes each photo of that source three times as likely to be drawn as a photo of a source
    with weight 1 (``torch.utils.data.WeightedRandomSampler``), so a small source is not drowned out.

    Args:
        samples: photos tagged with ``source``.
        source_weights: one non-negative weight per source, at least one positive.

    Returns:
        ``len(samples)`` floats.

    Raises:
        ValueError: a weight is negative or not finite, all are zero, or a sample's source has no weight.
    """
    weights = [float(w) for w in source_weights]
    if any(not np.isfinite(w) or w < 0 for w in weights) or not any(w > 0 for w in weights):
        raise ValueError(f"source weights must be finite, >= 0 and not all zero, got {list(source_weights)!r}")
    missing = {s.source for s in samples} - set(range(len(weights)))
    if missing:
        raise ValueError(f"{len(weights)} source weights for sources {sorted({s.source for s in samples})}")
    return [weights[s.source] for s in samples]


def load_images(samples: Sequence[Sample], max_side: int | None = None, workers: int = 4,
                progress: Callable[[int], None] | None = None) -> tuple[list[Image.Image | None], list[str]]:
    """Decode every photo once into memory (upright 8-bit RGB) with a pool of threads.

    Args:
        samples: photos to decode.
        max_side: when given, photos whose shorter side exceeds it are shrunk to it (keeps memory bounded;
            augmentation crops then resizes to the much smaller training size anyway).
        workers: decoding threads (Pillow releases the GIL while decoding).
        progress: called with 1 after each photo.

    Returns:
        (images, errors): ``images[i]`` is ``None`` where decoding failed; ``errors`` names each failure.
    """
    def one(sample: Sample) -> tuple[Image.Image | None, str | None]:
        try:
            img = load_rgb(sample.path)
        except ImageDecodeError as exc:
            return None, f"{sample.path}: {exc}"
        if max_side and min(img.size) > max_side:
            scale = max_side / min(img.size)
            img = img.resize((round(img.width * scale), round(img.height * scale)), Image.Resampling.BILINEAR)
        return img, None

    images, errors = [], []
    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        for img, err in pool.map(one, samples):
            images.append(img)
            if err:
                errors.append(err)
            if progress:
                progress(1)
    return images, errors


class ImageDataset(Dataset):
    """In-memory photos with their targets; ``dataset[i] -> (transform(image), target)``.

    Photos that failed to decode (``None``) are dropped at construction.
    """

    def __init__(self, images: Sequence[Image.Image | None], targets: Sequence[int],
                 transform: Callable[[Image.Image], torch.Tensor]) -> None:
        kept = [(im, t) for im, t in zip(images, targets) if im is not None]
        self.images = [im for im, _ in kept]
        self.targets = [int(t) for _, t in kept]
        self.transform = transform

    def __len__(self) -> int:
        return len(self.images)

    def __getitem__(self, index: int) -> tuple[torch.Tensor, int]:
        return self.transform(self.images[index]), self.targets[index]


AUTO_AUGMENT = ("none", "trivialaugment", "randaugment")


def train_transform(spec: Preprocessing, scale: tuple[float, float] = (0.25, 1.0),
                    color_jitter: float = 0.2, auto_augment: str = "none",
                    random_erasing: float = 0.0) -> v2.Compose:
    """Augmentation (torchvision.transforms.v2) on an upright RGB image -> ``[3, H, W] float32``.

    Random-resized crop (Szegedy et al. 2015, "Going deeper with convolutions", area ``scale``, aspect
    3/4..4/3) to ``spec.image_size``, horizontal flip, then either colour jitter or an automatic policy
    (``"trivialaugment"``: Mueller & Hutter 2021, TrivialAugmentWide; ``"randaugment"``: Cubuk et al. 2020,
    2 operations at magnitude 9), then the same 0..1 scaling and mean/std normalisation as
    :func:`catdog_gui.core.imaging.normalize`, then random erasing with probability ``random_erasing``
    (Zhong et al. 2020, on the normalised tensor, as in torchvision's classification reference).

    Raises:
        ValueError: unknown ``auto_augment`` or ``random_erasing`` outside [0, 1].
    """
    if auto_augment not in AUTO_AUGMENT:
        raise ValueError(f"unknown auto_augment {auto_augment!r}; expected one of {AUTO_AUGMENT}")
    if not 0.0 <= random_erasing <= 1.0:
        raise ValueError(f"random_erasing must be a probability in [0, 1], got {random_erasing!r}")
    steps: list = [
        v2.ToImage(),
        v2.RandomResizedCrop(spec.image_size, scale=scale, antialias=True),
        v2.RandomHorizontalFlip(),
    ]
    if auto_augment == "trivialaugment":
        steps.append(v2.TrivialAugmentWide())
    elif auto_augment == "randaugment":
        steps.append(v2.RandAugment(num_ops=2, magnitude=9))
    elif color_jitter > 0:
        steps.append(v2.ColorJitter(color_jitter, color_jitter, color_jitter))
    steps += [v2.ToDtype(torch.float32, scale=True), v2.Normalize(spec.mean, spec.std)]
    if random_erasing > 0:
        steps.append(v2.RandomErasing(p=random_erasing, value=0))
    return v2.Compose(steps)


def eval_transform(spec: Preprocessing) -> Callable[[Image.Image], torch.Tensor]:
    """The app's own preprocessing (:func:`catdog_gui.core.imaging.preprocess`) as a tensor transform."""
    def transform(image: Image.Image) -> torch.Tensor:
        return torch.from_numpy(preprocess(image, spec))

    return transform
