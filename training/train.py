"""Train Xception on cat and dog photos: ``python -m training.train --data DIR [options]``.

Runs on the CPU, one GPU, or several GPUs / machines through ``torchrun`` (DistributedDataParallel; rank 0
writes). Layout after the manner of torchvision's ``references/classification/train.py``:
``get_args_parser()``, ``load_data(...)`` (data), ``build_optimisation(...)`` (model and optimiser),
``train_one_epoch(...)`` and ``evaluate(...)`` (the loop), ``main(args)``.

Every epoch writes ``OUT/last.pt`` (model, EMA model, optimiser, scheduler, epoch, args, metrics) and
appends to ``OUT/history.jsonl``; ``OUT/best.pt`` keeps the epoch with the best validation top-1 (of the
raw or the EMA weights). ``--resume OUT/last.pt`` (or ``--resume auto``) continues a run.
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
import json
import math
import os
import shutil
import sys
import time
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

import torch
import torch.distributed as dist
from torch import nn
from torch.optim.swa_utils import AveragedModel
from torch.utils.data import DataLoader, DistributedSampler, WeightedRandomSampler
from tqdm import tqdm

from catdog_gui.core.imaging import Preprocessing
from training.data import (AUTO_AUGMENT, LABELS, CachedDataset, ImageDataset, StreamingDataset, build_cache,
                           choose_data_mode, eval_transform, load_images, source_sample_weights, split_sources,
                           train_transform)
from training.xception import Xception

__all__ = ["get_args_parser", "train_one_epoch", "evaluate", "main", "build_model", "autocast_dtype", "ema_avg_fn",
           "Optimisation", "StepConfig", "RunData", "load_data", "build_optimisation"]


def _default_memory_budget_mb() -> int:
    try:
        return int(os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE") / 4 / 2**20)
    except (AttributeError, ValueError, OSError):  # not POSIX
        return 2048


def get_args_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m training.train", description=__doc__.split("\n")[0],
                                formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    p.add_argument("--data", required=True, nargs="+", metavar="DIR",
                   help="one or more folders of photos (class folders, Kaggle flat, Oxford pets); each is split "
                        "into train and validation on its own")
    p.add_argument("--source-weights", type=float, nargs="+", default=None, metavar="W",
                   help="one sampling weight per --data folder: each photo of a folder with weight 3 is drawn 3x "
                        "as often as one with weight 1 (default: every photo equally, no re-weighting)")
    p.add_argument("--out", default="runs/xception", help="run directory (checkpoints, history)")
    p.add_argument("--image-size", type=int, default=160, help="training resolution (pixels, square)")
    p.add_argument("--resize", default="squash", choices=["squash", "center_crop"],
                   help="how evaluation (and the app) turns a photo into the input")
    p.add_argument("--epochs", type=int, default=20)
    p.add_argument("--batch-size", type=int, default=64, help="per process")
    p.add_argument("--lr", type=float, default=2e-3, help="AdamW peak learning rate")
    p.add_argument("--weight-decay", type=float, default=0.05)
    p.add_argument("--warmup-epochs", type=float, default=1.0)
    p.add_argument("--label-smoothing", type=float, default=0.1)
    p.add_argument("--drop-rate", type=float, default=0.2, help="dropout before the classifier")
    p.add_argument("--crop-scale", type=float, default=0.25, help="smallest area of the random-resized crop")
    p.add_argument("--color-jitter", type=float, default=0.2, help="used when --auto-augment is none")
    p.add_argument("--auto-augment", default="none", choices=list(AUTO_AUGMENT),
                   help="automatic augmentation policy (torchvision.transforms.v2) instead of colour jitter")
    p.add_argument("--random-erasing", type=float, default=0.0, metavar="P", help="random erasing probability")
    p.add_argument("--ema-decay", type=float, default=0.998, help="per-step EMA of the weights; 0 disables")
    p.add_argument("--val-fraction", type=float, default=0.1)
    p.add_argument("--seed", type=int, default=0, help="split seed (the split never depends on anything else)")
    p.add_argument("--device", default="auto", choices=["auto", "cpu", "cuda"])
    p.add_argument("--amp", default="auto", choices=["auto", "bf16", "fp16", "off"],
                   help="autocast: auto = bf16 on CUDA if supported (else fp16 + GradScaler), bf16 on a CPU "
                        "with native bf16 (AVX-512 BF16 / AMX), else off")
    p.add_argument("--no-channels-last", dest="channels_last", action="store_false")
    p.add_argument("--compile", action="store_true", help="torch.compile the model")
    p.add_argument("--workers", type=int, default=min(4, max(1, (os.cpu_count() or 2) // 2)),
                   help="DataLoader worker processes (also decoding threads)")
    p.add_argument("--resume", default="", help="checkpoint to continue from, or 'auto' for OUT/last.pt")
    p.add_argument("--init-from", default="", metavar="CKPT|MODEL.onnx",
                   help="start from a checkpoint's weights (raw or EMA, whichever was better on validation), "
                        "or an exported model's (training.recover), "
                        "instead of random ones (fine-tuning; optimiser and schedule start afresh)")
    p.add_argument("--micro-batches", type=int, default=1, metavar="K",
                   help="split each batch into K interleaved parts for forward/backward (1/K of the memory, "
                        "same optimiser step)")
    p.add_argument("--augment", default="standard", choices=["standard", "none"],
                   help="none: training photos get the evaluation preprocessing (tests, debugging)")
    p.add_argument("--data-mode", default="auto", choices=["auto", "memory", "cache", "stream"],
                   help="memory: decode every photo once into memory; cache: once into a memory-mapped file at the "
                        "training size (flat memory); stream: from disk every epoch; auto: memory when it fits "
                        "--memory-budget-mb, else cache")
    p.add_argument("--memory-budget-mb", type=int, default=_default_memory_budget_mb(),
                   help="auto mode: most memory for decoded photos (default: a quarter of this machine's memory)")
    p.add_argument("--cache-dir", default="", help="where --data-mode cache writes its file (default OUT/cache)")
    p.add_argument("--max-steps", type=int, default=0, help="stop after this many optimiser steps (smoke runs)")
    p.add_argument("--eval-only", action="store_true", help="evaluate --resume's checkpoint and exit")
    return p


def autocast_dtype(device: torch.device, amp: str) -> torch.dtype | None:
    """The autocast dtype for ``--amp`` on ``device``; ``None`` means full float32."""
    if amp == "off":
        return None
    if amp == "fp16":
        return torch.float16
    if amp == "bf16":
        return torch.bfloat16
    if device.type == "cuda":
        return torch.bfloat16 if torch.cuda.is_bf16_supported() else torch.float16
    try:
        native = bool(torch.ops.mkldnn._is_mkldnn_bf16_supported())
    except (AttributeError, RuntimeError):
        native = False
    return torch.bfloat16 if native else None


def ema_avg_fn(decay: float):
    """Exponential moving average of the weights (and BN buffers) with a warm-up, for ``AveragedModel``.

    The decay after ``n`` updates is ``min(decay, (1 + n) / (10 + n))`` (the warm-up of TensorFlow's
    ``ExponentialMovingAverage(num_updates=...)``, also timm's ``ModelEma``), so that the average does not
    keep the random initial weights, and their BN statistics, for thousands of steps.
    """
    def avg_fn(averaged: torch.Tensor, current: torch.Tensor, num_averaged: torch.Tensor) -> torch.Tensor:
        n = float(num_averaged)
        d = min(decay, (1.0 + n) / (10.0 + n))
        if not averaged.is_floating_point():  # num_batches_tracked
            return current
        return averaged.lerp(current, 1.0 - d)

    return avg_fn


def build_model(num_classes: int = len(LABELS), drop_rate: float = 0.0) -> Xception:
    """A randomly initialised :class:`Xception` (``pretrained=False`` always: nothing is downloaded)."""
    return Xception(num_classes=num_classes, drop_rate=drop_rate)


def _autocast(device: torch.device, dtype: torch.dtype | None):
    if dtype is None:
        return contextlib.nullcontext()
    return torch.autocast(device_type=device.type, dtype=dtype)


@dataclass
class Optimisation:
    """What one optimiser step needs.

    Attributes:
        model: the network being trained (possibly wrapped in DistributedDataParallel or compiled).
        criterion: the loss, ``(logits [B, C], targets [B]) -> scalar``.
        optimizer, lr_scheduler: stepped once per batch.
        scaler: a ``GradScaler`` under float16 autocast, else None.
        model_ema: the exponential moving average of the weights (``--ema-decay``), or None.
    """

    model: nn.Module
    criterion: nn.Module
    optimizer: torch.optim.Optimizer
    lr_scheduler: Any
    scaler: torch.amp.GradScaler | None = None
    model_ema: AveragedModel | None = None


@dataclass
class StepConfig:
    """How batches are run: ``device``, autocast dtype (None: float32), channels-last memory format,
    ``micro_batches`` parts per batch, ``max_steps`` (0: no limit) and whether to show a progress bar."""

    device: torch.device
    amp_dtype: torch.dtype | None = None
    channels_last: bool = False
    micro_batches: int = 1
    max_steps: int = 0
    show_progress: bool = True


def _train_step(opt: Optimisation, images: torch.Tensor, targets: torch.Tensor, cfg: StepConfig
                ) -> tuple[float, int, int]:
    """One optimiser step on a batch; returns (summed loss, correct predictions, photos)."""
    opt.optimizer.zero_grad(set_to_none=True)
    total_loss, correct, seen = 0.0, 0, 0
    parts = min(cfg.micro_batches, targets.numel())
    for k in range(parts):
        last = k == parts - 1
        sync = contextlib.nullcontext() if last or not hasattr(opt.model, "no_sync") else opt.model.no_sync()
        with sync:
            with _autocast(cfg.device, cfg.amp_dtype):
                logits = opt.model(images[k::parts])
                loss = opt.criterion(logits, targets[k::parts])
            if opt.scaler is not None:
                opt.scaler.scale(loss / parts).backward()
            else:
                (loss / parts).backward()
        n = targets[k::parts].numel()
        total_loss += loss.item() * n
        correct += (logits.argmax(1) == targets[k::parts]).sum().item()
        seen += n
    if opt.scaler is not None:
        opt.scaler.step(opt.optimizer)
        opt.scaler.update()
    else:
        opt.optimizer.step()
    opt.lr_scheduler.step()
    if opt.model_ema is not None:
        opt.model_ema.update_parameters(opt.model)
    return total_loss, correct, seen


def train_one_epoch(opt: Optimisation, loader: DataLoader, epoch: int, cfg: StepConfig, steps_done: int = 0) -> dict:
    """One pass over ``loader`` with one optimiser step per batch (stopping at ``cfg.max_steps`` in all).

    With ``cfg.micro_batches = K > 1`` each batch goes through forward and backward in K interleaved parts
    (``batch[k::K]``, gradients averaged: the same step with 1/K of the activation memory, except that
    BatchNorm sees each part's statistics). Under DistributedDataParallel with W processes of batch B this
    makes one process of batch W*B with K = W take exactly the steps the W processes take together.

    Returns:
        ``{"train_loss", "train_top1", "images_per_s", "images_per_s_this_process", "steps"}`` (top-1 in 0..1,
        throughput in images/s); under DistributedDataParallel, loss and top-1 are over every process's photos.
    """
    opt.model.train()
    total_loss, correct, seen, steps = 0.0, 0, 0, 0
    start = time.perf_counter()
    bar = tqdm(loader, desc=f"epoch {epoch}", disable=not cfg.show_progress, leave=False, dynamic_ncols=True)
    for images, targets in bar:
        if cfg.max_steps and steps_done + steps >= cfg.max_steps:
            break
        images = images.to(cfg.device, non_blocking=True)
        if cfg.channels_last:
            images = images.contiguous(memory_format=torch.channels_last)
        loss_sum, right, n = _train_step(opt, images, targets.to(cfg.device, non_blocking=True), cfg)
        total_loss, correct, seen, steps = total_loss + loss_sum, correct + right, seen + n, steps + 1
        bar.set_postfix(loss=f"{total_loss / seen:.4f}", top1=f"{correct / seen:.3f}",
                        img_s=f"{seen / (time.perf_counter() - start):.1f}",
                        lr=f"{opt.optimizer.param_groups[0]['lr']:.2e}")
    elapsed = time.perf_counter() - start
    local_seen = seen
    if dist.is_available() and dist.is_initialized():
        totals = torch.tensor([total_loss, float(correct), float(seen)], dtype=torch.float64)
        dist.all_reduce(totals)  # gloo and NCCL both reduce float64 on the CPU / GPU
        total_loss, correct, seen = totals[0].item(), totals[1].item(), totals[2].item()
    return {"train_loss": total_loss / max(seen, 1), "train_top1": correct / max(seen, 1),
            "images_per_s": seen / max(elapsed, 1e-9), "images_per_s_this_process": local_seen / max(elapsed, 1e-9),
            "steps": steps}


@torch.no_grad()
def evaluate(model: nn.Module, loader: DataLoader, device: torch.device, amp_dtype: torch.dtype | None,
             channels_last: bool, num_classes: int = len(LABELS), show_progress: bool = False,
             num_sources: int = 1) -> dict:
    """Top-1 accuracy, mean cross-entropy and the confusion matrix (rows: true, columns: predicted).

    ``loader`` yields ``(images, targets)`` or ``(images, targets, sources)``; with sources, the result also
    holds ``top1_per_source`` and ``confusion_per_source`` (index = ``--data`` folder; ``None`` for a source
    without validation photos). ``top1`` is over all photos pooled.
    """
    model.eval()
    confusion = torch.zeros(num_sources, num_classes, num_classes, dtype=torch.long)
    total_loss, seen = 0.0, 0
    for batch in tqdm(loader, desc="eval", disable=not show_progress, leave=False):
        images, targets = batch[0], batch[1]
        sources = batch[2] if len(batch) > 2 else torch.zeros_like(targets)
        images = images.to(device, non_blocking=True)
        if channels_last:
            images = images.contiguous(memory_format=torch.channels_last)
        with _autocast(device, amp_dtype):
            logits = model(images)
        logits = logits.float().cpu()
        total_loss += nn.functional.cross_entropy(logits, targets, reduction="sum").item()
        seen += targets.numel()
        index = (sources * num_classes + targets) * num_classes + logits.argmax(1)
        confusion += torch.bincount(index, minlength=num_sources * num_classes ** 2).reshape(
            num_sources, num_classes, num_classes)
    if dist.is_available() and dist.is_initialized():
        confusion = confusion.to(device)
        dist.all_reduce(confusion)
        confusion = confusion.cpu()
    pooled = confusion.sum(0)
    top1 = pooled.diag().sum().item() / max(pooled.sum().item(), 1)
    per_source = [c.diag().sum().item() / c.sum().item() if c.sum() > 0 else None for c in confusion]
    return {"top1": top1, "loss": total_loss / max(seen, 1), "confusion": pooled.tolist(),
            "top1_per_source": per_source, "confusion_per_source": confusion.tolist()}


class _WithSource(torch.utils.data.Dataset):
    """``dataset[i] + (sources[i],)``: validation photos tagged with their ``--data`` folder."""

    def __init__(self, dataset: torch.utils.data.Dataset, sources: list[int]) -> None:
        self.dataset, self.sources = dataset, sources

    def __len__(self) -> int:
        return len(self.dataset)

    def __getitem__(self, index: int):
        return (*self.dataset[index], self.sources[index])


def cpu_flags() -> str:
    """The SIMD features of this CPU that decide training speed (``/proc/cpuinfo``), e.g.
    ``"avx2 avx512_bf16 avx512_vnni avx512f"``; ``"unknown"`` where the file does not exist (not Linux)."""
    wanted = ("avx2", "avx512f", "avx512_bf16", "avx512_vnni", "amx_bf16", "amx_tile", "amx_int8")
    try:
        with open("/proc/cpuinfo", encoding="ascii", errors="replace") as f:
            for line in f:
                if line.startswith("flags"):
                    have = set(line.split(":", 1)[1].split())
                    return " ".join(w for w in wanted if w in have) or "none of " + " ".join(wanted)
    except OSError:
        pass
    return "unknown"


class _EpochWeightedSampler(WeightedRandomSampler):
    """``WeightedRandomSampler`` that draws a different, reproducible sequence each epoch (``set_epoch``), and
    under DistributedDataParallel a disjoint stream per rank of ``num_samples`` photos each."""

    def __init__(self, weights, num_samples: int, seed: int, rank: int = 0) -> None:
        super().__init__(weights, num_samples, replacement=True)
        self.seed, self.rank, self.epoch = seed, rank, 0

    def set_epoch(self, epoch: int) -> None:
        self.epoch = epoch

    def __iter__(self):
        self.generator = torch.Generator().manual_seed(self.seed * 1_000_003 + self.epoch * 1009 + self.rank)
        return super().__iter__()


def build_datasets(args: argparse.Namespace, train_s: list, val_s: list, spec: Preprocessing, augment,
                   out: Path, is_main: bool) -> tuple[torch.utils.data.Dataset, torch.utils.data.Dataset, list, str]:
    """The training and validation datasets in the mode ``--data-mode`` asks for (``auto`` decides by size).

    * ``memory``: every photo decoded once into memory at twice the training size (fastest per step;
      memory grows with the number of photos);
    * ``cache``: training photos decoded once into a memory-mapped ``.npy`` at ``--cache-dir`` (default
      ``OUT/cache``), squashed to the training size (flat memory, no decoding per epoch, reused by later runs);
    * ``stream``: every photo decoded from disk at every epoch in the DataLoader's workers (flat memory, no
      disk space, the most CPU per step).

    Validation photos are decoded from disk (``stream``) in the two flat-memory modes, so they see exactly the
    app's preprocessing.

    Returns:
        (train_ds, val_ds, kept, mode): ``val_ds`` yields ``(image, target, source)``; ``kept`` lists the
        training samples in ``train_ds``'s order (for per-source weights).
    """
    mode, estimate = args.data_mode, None
    if mode == "auto":
        mode, estimate = choose_data_mode(len(train_s) + len(val_s), args.image_size, args.memory_budget_mb * 2**20)
    if is_main:
        why = (f" (chosen: {len(train_s) + len(val_s)} photos at up to {2 * args.image_size} px would take up to "
               f"{estimate / 2**20:.0f} MB against a budget of {args.memory_budget_mb} MB)" if estimate is not None
               else "")
        print(f"data mode: {mode}{why}", flush=True)
    max_side = 2 * args.image_size
    eval_tf = eval_transform(spec)
    if mode == "memory":
        decode_bar = tqdm(total=len(train_s) + len(val_s), desc="decoding", disable=not is_main, leave=False)
        train_imgs, err1 = load_images(train_s, max_side, args.workers or 1, decode_bar.update)
        val_imgs, err2 = load_images(val_s, max_side, args.workers or 1, decode_bar.update)
        decode_bar.close()
        if is_main and (err1 or err2):
            print(f"skipped {len(err1) + len(err2)} unreadable photos, e.g. {(err1 + err2)[0]}", flush=True)
        train_ds = ImageDataset(train_imgs, [s.target for s in train_s], augment)
        val_ds = ImageDataset(val_imgs, [s.target for s in val_s], eval_tf)
        kept = [s for s, im in zip(train_s, train_imgs) if im is not None]
        val_sources = [s.source for s, im in zip(val_s, val_imgs) if im is not None]
        return train_ds, _WithSource(val_ds, val_sources), kept, mode
    if mode == "cache":
        cache_dir = Path(args.cache_dir) if args.cache_dir else out / "cache"
        bar = tqdm(total=len(train_s), desc="caching", disable=not is_main, leave=False)
        if is_main:  # rank 0 writes the cache; the others wait for it, then open the same file
            path, errors = build_cache(train_s, cache_dir, args.image_size, args.workers or 1, bar.update)
        if dist.is_available() and dist.is_initialized():
            dist.barrier()
        if not is_main:
            path, errors = build_cache(train_s, cache_dir, args.image_size, args.workers or 1)
        bar.close()
        if is_main:
            print(f"photo cache: {path} ({path.stat().st_size / 2**20:.0f} MB)"
                  + (f"; {len(errors)} unreadable photos left out" if errors else ""), flush=True)
        train_ds = CachedDataset(path, [s.target for s in train_s], augment, skip=list(errors))
        kept = [s for i, s in enumerate(train_s) if i not in errors]
    else:
        train_ds = StreamingDataset(train_s, augment, max_side)
        kept = list(train_s)
    val_ds = StreamingDataset(val_s, eval_tf, None)
    return train_ds, _WithSource(val_ds, [s.source for s in val_s]), kept, mode


def _setup_distributed(args) -> tuple[torch.device, int, int]:
    world = int(os.environ.get("WORLD_SIZE", "1"))
    rank = int(os.environ.get("RANK", "0"))
    use_cuda = args.device == "cuda" or (args.device == "auto" and torch.cuda.is_available())
    if args.device == "cuda" and not torch.cuda.is_available():
        raise SystemExit("error: --device cuda but torch.cuda.is_available() is False")
    if world > 1:
        dist.init_process_group("nccl" if use_cuda else "gloo")
    if use_cuda:
        local = int(os.environ.get("LOCAL_RANK", "0"))
        torch.cuda.set_device(local)
        return torch.device("cuda", local), rank, world
    return torch.device("cpu"), rank, world


def _unwrap(model: nn.Module) -> nn.Module:
    model = getattr(model, "module", model)  # DDP
    return getattr(model, "_orig_mod", model)  # torch.compile


@dataclass
class RunData:
    """The photos of a run and their loaders (see :func:`load_data`)."""

    roots: list[str]
    layout: object
    mode: str
    train_ds: torch.utils.data.Dataset
    val_ds: torch.utils.data.Dataset
    train_sampler: object
    train_loader: DataLoader
    val_loader: DataLoader


def load_data(args: argparse.Namespace, spec: Preprocessing, out: Path, rank: int, world: int,
              cfg: StepConfig) -> RunData:
    """Split every ``--data`` folder, build the datasets (:func:`build_datasets`), samplers and loaders.

    Raises:
        ValueError: ``--source-weights`` does not give one weight per folder; FileNotFoundError, ValueError
            from :func:`training.data.split_sources`.
    """
    is_main = rank == 0
    roots = [args.data] if isinstance(args.data, str) else list(args.data)
    if args.source_weights is not None and len(args.source_weights) != len(roots):
        raise ValueError(f"--source-weights needs one weight per --data folder: {len(roots)} folders, "
                         f"{len(args.source_weights)} weights")
    train_s, val_s, layouts = split_sources(roots, args.val_fraction, args.seed)
    if is_main:
        print(f"CPU flags: {cpu_flags()}; {os.cpu_count()} logical CPUs; torch {torch.__version__}", flush=True)
        for i, root in enumerate(roots):
            n_tr = sum(s.source == i for s in train_s)
            n_va = sum(s.source == i for s in val_s)
            w = f", sampling weight {args.source_weights[i]:g}" if args.source_weights else ""
            print(f"data [{i}]: {root} ({layouts[i]}), {n_tr} train / {n_va} val photos{w}", flush=True)
        print(f"{len(train_s)} train / {len(val_s)} val photos; device {cfg.device}, autocast {cfg.amp_dtype}, "
              f"channels_last {cfg.channels_last}, world size {world}", flush=True)
    augment = (train_transform(spec, (args.crop_scale, 1.0), args.color_jitter, args.auto_augment,
                               args.random_erasing) if args.augment == "standard" else eval_transform(spec))
    train_ds, val_ds, kept, mode = build_datasets(args, train_s, val_s, spec, augment, out, is_main)
    if args.source_weights is not None:
        train_sampler = _EpochWeightedSampler(source_sample_weights(kept, args.source_weights),
                                              max(1, len(train_ds) // world), args.seed, rank)
    else:
        # Also with one process: the same shuffled order as the W processes of a torchrun together.
        train_sampler = DistributedSampler(train_ds, num_replicas=world, rank=rank, shuffle=True, seed=args.seed,
                                           drop_last=world > 1 and len(train_ds) >= world)
    val_sampler = DistributedSampler(val_ds, shuffle=False) if world > 1 else None
    pin = cfg.device.type == "cuda"
    train_loader = DataLoader(train_ds, args.batch_size, shuffle=train_sampler is None, sampler=train_sampler,
                              num_workers=args.workers, pin_memory=pin, drop_last=len(train_ds) > args.batch_size,
                              persistent_workers=args.workers > 0)
    val_loader = DataLoader(val_ds, args.batch_size, sampler=val_sampler, num_workers=args.workers,
                            pin_memory=pin)
    return RunData(roots, layouts[0] if len(layouts) == 1 else layouts, mode, train_ds, val_ds, train_sampler,
                   train_loader, val_loader)


def _initial_model(args: argparse.Namespace, train_loader: DataLoader, device: torch.device) -> nn.Module:
    """A new network, or one continued from ``--init-from`` (a checkpoint or an exported model), on ``device``."""
    model = build_model(len(LABELS), args.drop_rate)
    if args.init_from and args.init_from.endswith(".onnx"):
        from training.recover import load_weights_from_onnx, restore_batchnorm_statistics

        model.load_state_dict(load_weights_from_onnx(args.init_from, unfold_temperature=True).state_dict())
        # Folded BatchNorm has no statistics: measure them on ~512 training batches' worth of photos so
        # that training mode starts from the exported network, not from a re-normalised one.
        n_batches = max(1, 512 // args.batch_size)
        restore_batchnorm_statistics(model, itertools.islice(iter(train_loader), n_batches))
    elif args.init_from:  # the raw or the EMA weights, whichever had the better validation top-1
        from training.checkpoint import load_checkpoint

        model.load_state_dict(load_checkpoint(args.init_from, weights="auto")[0].state_dict())
    model = model.to(device)
    return model.to(memory_format=torch.channels_last) if args.channels_last else model


def build_optimisation(args: argparse.Namespace, model: nn.Module, steps_per_epoch: int,
                       amp_dtype: torch.dtype | None, device: torch.device) -> Optimisation:
    """AdamW (no weight decay on BatchNorm and biases), linear warm-up then cosine decay per step, the
    weight EMA, label-smoothed cross-entropy and a GradScaler under float16."""
    model_ema = None
    if args.ema_decay > 0:
        model_ema = AveragedModel(model, avg_fn=ema_avg_fn(args.ema_decay), use_buffers=True)
    decay, no_decay = [], []
    for param in model.parameters():
        (no_decay if param.ndim <= 1 else decay).append(param)
    optimizer = torch.optim.AdamW([{"params": decay, "weight_decay": args.weight_decay},
                                   {"params": no_decay, "weight_decay": 0.0}], lr=args.lr)
    total_steps = max(1, args.epochs * steps_per_epoch)
    warmup = min(max(1, int(args.warmup_epochs * steps_per_epoch)), total_steps - 1) if total_steps > 1 else 0
    if warmup > 0:
        lr_scheduler = torch.optim.lr_scheduler.SequentialLR(optimizer, [
            torch.optim.lr_scheduler.LinearLR(optimizer, start_factor=0.01, total_iters=warmup),
            torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=total_steps - warmup, eta_min=args.lr * 1e-3),
        ], milestones=[warmup])
    else:
        lr_scheduler = torch.optim.lr_scheduler.ConstantLR(optimizer, factor=1.0, total_iters=0)
    scaler = torch.amp.GradScaler(device.type) if amp_dtype == torch.float16 else None
    return Optimisation(model, nn.CrossEntropyLoss(label_smoothing=args.label_smoothing), optimizer, lr_scheduler,
                        scaler, model_ema)


def _cosine_part(lr_scheduler) -> torch.optim.lr_scheduler.CosineAnnealingLR | None:
    parts = getattr(lr_scheduler, "_schedulers", [lr_scheduler])
    return next((s for s in parts if isinstance(s, torch.optim.lr_scheduler.CosineAnnealingLR)), None)


def _load_schedule(lr_scheduler, state: dict, epochs: int, saved_epochs: int | None) -> None:
    """Restore a run's learning-rate schedule; with a different ``--epochs`` the cosine decay is re-aimed.

    The cosine's length (``T_max``, in steps) is kept at what ``--epochs`` now plans, so the learning rate goes on
    from its saved value and reaches ``eta_min`` at the new last epoch: PyTorch's recursive form
    (``CosineAnnealingLR.get_lr``) multiplies it each step by ``(1 + cos(pi t / T)) / (1 + cos(pi (t - 1) / T))``.

    Raises:
        SystemExit: the run is already past the new ``--epochs``.
    """
    cosine = _cosine_part(lr_scheduler)
    planned = cosine.T_max if cosine is not None else None
    lr_scheduler.load_state_dict(state)
    if cosine is None or cosine.T_max == planned:
        return
    if cosine.last_epoch >= planned:
        raise SystemExit(f"--epochs {epochs}: the run has already done more steps than that plans; "
                         f"give more epochs than the {saved_epochs} it was started with or leave it unchanged")
    cosine.T_max = planned
    print(f"--epochs {epochs} (the run was started with {saved_epochs}): the cosine decay now ends at epoch "
          f"{epochs}, going on from the current learning rate", flush=True)


def _resume(args: argparse.Namespace, out: Path, opt: Optimisation, is_main: bool) -> tuple[int, float, int]:
    """Load ``--resume`` into ``opt`` (weights only with ``--eval-only``); returns (start epoch, best top-1,
    steps done), ``(0, -1.0, 0)`` when there is nothing to resume."""
    resume = str(out / "last.pt") if args.resume == "auto" else args.resume
    if not resume or (args.resume == "auto" and not Path(resume).exists()):
        return 0, -1.0, 0
    ckpt = torch.load(resume, map_location="cpu", weights_only=False)
    opt.model.load_state_dict(ckpt["model"])
    if opt.model_ema is not None and ckpt.get("model_ema") is not None:
        opt.model_ema.load_state_dict(ckpt["model_ema"])
    if not args.eval_only:
        opt.optimizer.load_state_dict(ckpt["optimizer"])
        _load_schedule(opt.lr_scheduler, ckpt["lr_scheduler"], args.epochs, ckpt.get("args", {}).get("epochs"))
        if opt.scaler is not None and ckpt.get("scaler"):
            opt.scaler.load_state_dict(ckpt["scaler"])
    if is_main:
        print(f"resumed from {resume} at epoch {ckpt['epoch'] + 1}", flush=True)
    return ckpt["epoch"] + 1, ckpt.get("best_top1", -1.0), ckpt.get("steps_done", 0)


def _validate(opt: Optimisation, data: RunData, cfg: StepConfig) -> tuple[dict, dict | None]:
    """:func:`evaluate` of the raw weights and of the EMA (None without one) on the validation photos."""
    run = (lambda m: evaluate(m, data.val_loader, cfg.device, cfg.amp_dtype, cfg.channels_last,
                              num_sources=len(data.roots)))
    return run(opt.model), (run(opt.model_ema.module) if opt.model_ema is not None else None)


def _epoch_metrics(epoch: int, train_m: dict, val_m: dict, val_ema: dict | None, opt: Optimisation,
                   seconds: float, steps_done: int) -> dict:
    metrics = {"epoch": epoch, **train_m, "val_top1": val_m["top1"], "val_loss": val_m["loss"],
               "val_confusion": val_m["confusion"], "val_top1_per_source": val_m["top1_per_source"],
               "lr": opt.optimizer.param_groups[0]["lr"], "epoch_s": seconds, "steps_done": steps_done}
    if val_ema:
        metrics.update(val_top1_ema=val_ema["top1"], val_loss_ema=val_ema["loss"],
                       val_confusion_ema=val_ema["confusion"], val_top1_per_source_ema=val_ema["top1_per_source"])
    return metrics


def _save(args: argparse.Namespace, out: Path, opt: Optimisation, data: RunData, spec: Preprocessing,
          metrics: dict, best_top1: float, is_best: bool) -> None:
    """Write ``last.pt`` (atomically), copy it to ``best.pt`` when best, append to ``history.jsonl``."""
    ckpt = {
        "model": _unwrap(opt.model).state_dict(),
        "model_ema": opt.model_ema.state_dict() if opt.model_ema else None,
        "optimizer": opt.optimizer.state_dict(), "lr_scheduler": opt.lr_scheduler.state_dict(),
        "scaler": opt.scaler.state_dict() if opt.scaler else None,
        "epoch": metrics["epoch"], "steps_done": metrics["steps_done"], "args": vars(args), "metrics": metrics,
        "best_top1": best_top1, "labels": list(LABELS), "preprocessing": asdict(spec),
        "data": {"path": os.path.abspath(data.roots[0]), "paths": [os.path.abspath(r) for r in data.roots],
                 "source_weights": args.source_weights, "layout": data.layout, "mode": data.mode,
                 "train": len(data.train_ds), "val": len(data.val_ds), "val_fraction": args.val_fraction,
                 "seed": args.seed},
    }
    tmp = out / "last.pt.tmp"
    torch.save(ckpt, tmp)
    os.replace(tmp, out / "last.pt")
    if is_best:
        shutil.copyfile(out / "last.pt", out / "best.pt")
    with open(out / "history.jsonl", "a", encoding="utf-8") as f:
        f.write(json.dumps(metrics) + "\n")


def _print_epoch(metrics: dict, val_ema: dict | None, sources: int, is_best: bool) -> None:
    ema_txt = f", EMA {val_ema['top1']:.4f}" if val_ema else ""
    if sources > 1:
        per = ", ".join(f"[{i}] {t:.4f}" for i, t in enumerate(metrics["val_top1_per_source"]) if t is not None)
        ema_txt += f" (per source: {per})"
    print(f"epoch {metrics['epoch']}: train loss {metrics['train_loss']:.4f} top-1 {metrics['train_top1']:.4f}, "
          f"val top-1 {metrics['val_top1']:.4f}{ema_txt}, {metrics['images_per_s']:.1f} images/s, "
          f"{metrics['epoch_s']:.0f} s{' (best)' if is_best else ''}", flush=True)


def main(args: argparse.Namespace) -> dict:
    """Train (or evaluate with ``--eval-only``); returns the last epoch's metrics."""
    device, rank, world = _setup_distributed(args)
    is_main = rank == 0
    out = Path(args.out)
    if is_main:
        out.mkdir(parents=True, exist_ok=True)
    torch.manual_seed(1234 + rank)
    cfg = StepConfig(device, autocast_dtype(device, args.amp), args.channels_last, args.micro_batches,
                     args.max_steps, show_progress=is_main)
    spec = Preprocessing(image_size=(args.image_size, args.image_size), resize=args.resize)
    data = load_data(args, spec, out, rank, world, cfg)
    model = _initial_model(args, data.train_loader, device)
    opt = build_optimisation(args, model, max(1, len(data.train_loader)), cfg.amp_dtype, device)
    start_epoch, best_top1, steps_done = _resume(args, out, opt, is_main)
    if args.eval_only:
        val_m, val_ema = _validate(opt, data, cfg)
        metrics = {"val": val_m, **({"val_ema": val_ema} if val_ema is not None else {})}
        if is_main:
            print(json.dumps(metrics), flush=True)
        return metrics
    train_model = model
    if world > 1:
        train_model = nn.parallel.DistributedDataParallel(model, device_ids=[device.index] if device.type == "cuda"
                                                          else None)
    if args.compile:
        train_model = torch.compile(train_model)
    metrics: dict = {}
    for epoch in range(start_epoch, args.epochs):
        if args.max_steps and steps_done >= args.max_steps:
            break
        data.train_sampler.set_epoch(epoch)
        t0 = time.perf_counter()
        train_m = train_one_epoch(replace(opt, model=train_model), data.train_loader, epoch, cfg, steps_done)
        steps_done += train_m.pop("steps")
        val_m, val_ema = _validate(opt, data, cfg)
        metrics = _epoch_metrics(epoch, train_m, val_m, val_ema, opt, time.perf_counter() - t0, steps_done)
        top1 = max(val_m["top1"], val_ema["top1"] if val_ema else -1.0)
        is_best, best_top1 = top1 > best_top1, max(best_top1, top1)
        if is_main:
            _save(args, out, opt, data, spec, metrics, best_top1, is_best)
            _print_epoch(metrics, val_ema, len(data.roots), is_best)
    if world > 1:
        dist.destroy_process_group()
    return metrics


def cli(argv: list[str] | None = None) -> int:
    args = get_args_parser().parse_args(argv)
    if not math.isfinite(args.lr) or args.lr <= 0:
        print(f"error: --lr must be > 0, got {args.lr!r}", file=sys.stderr)
        return 2
    if args.micro_batches < 1 or args.micro_batches > args.batch_size:
        print(f"error: --micro-batches must be between 1 and --batch-size ({args.batch_size}), "
              f"got {args.micro_batches}", file=sys.stderr)
        return 2
    try:
        main(args)
    except (FileNotFoundError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(cli())
