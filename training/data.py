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
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from PIL import Image
from torch.utils.data import Dataset
from torchvision.transforms import v2

from catdog_gui.core.imaging import ImageDecodeError, Preprocessing, load_rgb, preprocess
from catdog_gui.core.scan import is_image_candidate

__all__ = ["LABELS", "Sample", "find_samples", "stratified_split", "split_sources", "source_sample_weights",
           "decode_for_training", "load_images", "ImageDataset", "StreamingDataset", "build_cache", "CachedDataset",
           "choose_data_mode", "train_transform", "eval_transform"]

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


def decode_for_training(path: str, max_side: int | None) -> Image.Image:
    """Decode one photo (upright 8-bit sRGB) with its shorter side shrunk to ``max_side`` when longer.

    Big JPEGs are decoded at a reduced DCT scale (Pillow's draft mode through ``load_rgb(min_size=...)``), so
    a 12-megapixel photo never exists at full size here.

    Raises:
        ImageDecodeError: as :func:`catdog_gui.core.imaging.load_rgb`.
    """
    half = (max_side // 2, max_side // 2) if max_side else None
    img = load_rgb(path, min_size=half)
    if max_side and min(img.size) > max_side:
        scale = max_side / min(img.size)
        img = img.resize((max(1, round(img.width * scale)), max(1, round(img.height * scale))),
                         Image.Resampling.BILINEAR)
    return img


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
            return decode_for_training(sample.path, max_side), None
        except ImageDecodeError as exc:
            return None, f"{sample.path}: {exc}"

    images, errors = [], []
    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        for img, err in pool.map(one, samples):
            images.append(img)
            if err:
                errors.append(err)
            if progress:
                progress(1)
    return images, errors


class StreamingDataset(Dataset):
    """Photos decoded from disk at every access (in the DataLoader's worker processes), so memory stays flat
    in the number of photos; ``dataset[i] -> (transform(image), target)``.

    A photo that fails to decode is replaced by the next readable one (training cannot stop mid-epoch for
    one damaged file); ``failures`` counts them in this process.
    """

    def __init__(self, samples: Sequence[Sample], transform: Callable[[Image.Image], torch.Tensor],
                 max_side: int | None) -> None:
        self.paths = [s.path for s in samples]
        self.targets = [int(s.target) for s in samples]
        self.transform, self.max_side, self.failures = transform, max_side, 0

    def __len__(self) -> int:
        return len(self.paths)

    def __getitem__(self, index: int) -> tuple[torch.Tensor, int]:
        for attempt in range(min(len(self.paths), 16)):
            i = (index + attempt) % len(self.paths)
            try:
                return self.transform(decode_for_training(self.paths[i], self.max_side)), self.targets[i]
            except ImageDecodeError:
                self.failures += 1
        raise RuntimeError(f"16 photos in a row from {self.paths[index]!r} on failed to decode")


def build_cache(samples: Sequence[Sample], folder: str | os.PathLike, side: int, workers: int = 4,
                progress: Callable[[int], None] | None = None) -> tuple[Path, dict[int, str]]:
    """Decode every photo once into a memory-mapped ``[N, side, side, 3] uint8`` NumPy file (squashed to a
    square, the shape every training crop is taken from), or reuse the one already written for the same
    photos and side.

    The file (``numpy.lib.format.open_memmap``: a plain ``.npy`` any NumPy reads) is keyed by a hash of the
    photo paths, their sizes and modification times, and ``side``; it is written under a temporary name and
    renamed when complete, so an interrupted run never leaves a half-written cache behind. Bytes on disk:
    ``N * side * side * 3`` (10,000 photos at 160: 768 MB).

    Returns:
        (path of the ``.npy``, errors): photos that failed to decode are stored black; ``errors`` maps their
        index to the reason (kept in ``<file>.errors.json``, so a reused cache reports them again).
    """
    import hashlib
    import json

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    h = hashlib.sha256(f"side={side}".encode())
    for s in samples:
        try:
            st = os.stat(s.path)
            h.update(f"{s.path}\0{st.st_size}\0{st.st_mtime_ns}\0{s.target}\n".encode("utf-8", "surrogateescape"))
        except OSError:
            h.update(f"{s.path}\0missing\n".encode("utf-8", "surrogateescape"))
    path = folder / f"photos-{side}-{h.hexdigest()[:16]}.npy"
    errors_path = path.with_name(path.name + ".errors.json")
    if path.exists() and errors_path.exists():
        if progress:
            progress(len(samples))
        return path, {int(k): v for k, v in json.loads(errors_path.read_text(encoding="utf-8")).items()}
    tmp = path.with_name(path.name + f".tmp{os.getpid()}")
    array = np.lib.format.open_memmap(tmp, mode="w+", dtype=np.uint8, shape=(len(samples), side, side, 3))

    def one(index: int) -> str | None:
        try:
            img = decode_for_training(samples[index].path, 2 * side)
        except ImageDecodeError as exc:
            return f"{samples[index].path}: {exc}"
        array[index] = np.asarray(img.resize((side, side), Image.Resampling.BILINEAR))
        return None

    errors: dict[int, str] = {}
    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        for index, err in enumerate(pool.map(one, range(len(samples)))):
            if err:
                errors[index] = err
            if progress:
                progress(1)
    array.flush()
    array = None  # drop the memmap (closing its file) before the rename
    os.replace(tmp, path)
    errors_path.write_text(json.dumps(errors), encoding="utf-8")
    return path, errors


class CachedDataset(Dataset):
    """Photos from :func:`build_cache`'s memory-mapped file; ``dataset[i] -> (transform(image), target)``.

    Pages are read from disk as they are touched and belong to the operating system's page cache, so the
    process's own memory stays flat however many photos there are. ``skip`` lists indices that failed to
    decode when the cache was built (left out).
    """

    def __init__(self, cache: str | os.PathLike, targets: Sequence[int],
                 transform: Callable[[Image.Image], torch.Tensor], skip: Sequence[int] = ()) -> None:
        self.cache = str(cache)
        self._array: np.ndarray | None = None  # opened lazily, once per DataLoader worker process
        skipped = set(skip)
        self.indices = [i for i in range(len(targets)) if i not in skipped]
        self.targets = [int(targets[i]) for i in self.indices]
        self.transform = transform

    def __len__(self) -> int:
        return len(self.indices)

    def __getitem__(self, index: int) -> tuple[torch.Tensor, int]:
        if self._array is None:
            self._array = np.load(self.cache, mmap_mode="r")
        image = Image.fromarray(np.array(self._array[self.indices[index]]))
        return self.transform(image), self.targets[index]

    def __getstate__(self) -> dict:  # the memory map is not sent to worker processes; each opens its own
        return {**self.__dict__, "_array": None}


def choose_data_mode(n_photos: int, image_size: int, budget_bytes: int) -> tuple[str, int]:
    """``"memory"`` when decoding every photo into memory at twice the training size fits ``budget_bytes``,
    else ``"cache"``; with the estimate in bytes (``n * (2 * image_size)^2 * 3``, an upper bound: photos
    smaller than that, such as PetImages' 180x180, take less)."""
    estimate = n_photos * (2 * image_size) ** 2 * 3
    return ("memory" if estimate <= budget_bytes else "cache"), estimate


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


class _EvalTransform:
    """A picklable callable (DataLoader workers started with ``spawn`` receive it): image -> ``[3, H, W]``."""

    def __init__(self, spec: Preprocessing) -> None:
        self.spec = spec

    def __call__(self, image: Image.Image) -> torch.Tensor:
        return torch.from_numpy(preprocess(image, self.spec))


def eval_transform(spec: Preprocessing) -> Callable[[Image.Image], torch.Tensor]:
    """The app's own preprocessing (:func:`catdog_gui.core.imaging.preprocess`) as a tensor transform."""
    return _EvalTransform(spec)
