"""Training end to end on real photos: two steps, checkpoint, resume, export, load in the app's engine."""

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch

from training import export as export_mod
from training.checkpoint import load_checkpoint
from training import train as train_mod


@pytest.fixture
def sixteen_photos(tmp_path, data_dir) -> Path:
    """16 real petimages photos (8 per class) in class folders."""
    root = tmp_path / "data"
    for cls, sub in (("cat", "Cat"), ("dog", "Dog")):
        (root / cls).mkdir(parents=True)
        for p in sorted((data_dir / "petimages" / sub).glob("*.jpg"))[:8]:
            os.symlink(p, root / cls / p.name)
    return root


def _train(data: Path, out: Path, *extra: str) -> dict:
    args = train_mod.get_args_parser().parse_args([
        "--data", str(data), "--out", str(out), "--image-size", "96", "--epochs", "2", "--batch-size", "6",
        "--workers", "0", "--val-fraction", "0.25", "--device", "cpu", *extra])
    return train_mod.main(args)


@pytest.mark.slow
def test_two_steps_checkpoint_export_and_engine(sixteen_photos, tmp_path):
    out = tmp_path / "run"
    before = train_mod.build_model().state_dict()["fc.weight"].clone()
    metrics = _train(sixteen_photos, out, "--max-steps", "2")
    assert metrics["steps_done"] == 2
    ckpt = torch.load(out / "last.pt", map_location="cpu", weights_only=False)
    assert set(ckpt) >= {"model", "model_ema", "optimizer", "lr_scheduler", "epoch", "metrics", "args"}
    assert ckpt["data"]["train"] == 12 and ckpt["data"]["val"] == 4
    assert not torch.equal(ckpt["model"]["fc.weight"], before)  # the optimiser really stepped
    assert (out / "best.pt").is_file()
    history = [json.loads(line) for line in (out / "history.jsonl").read_text().splitlines()]
    assert history[-1]["steps_done"] == 2 and 0.0 <= history[-1]["val_top1"] <= 1.0

    onnx_path = tmp_path / "model.onnx"
    assert export_mod.main(["--checkpoint", str(out / "last.pt"), "--out", str(onnx_path)]) == 0

    from catdog_gui.core.imaging import preprocess
    from catdog_gui.core.model import Engine

    engine = Engine(onnx_path)
    assert engine.info.labels == ("cat", "dog")
    assert engine.info.preprocessing.image_size == (96, 96)
    photos = sorted((sixteen_photos / "cat").iterdir())[:2]
    x = np.stack([preprocess(p, engine.info.preprocessing) for p in photos])
    logits, probabilities = engine.predict(x)
    assert probabilities.shape == (2, 2)
    np.testing.assert_allclose(probabilities.sum(1), 1.0, atol=1e-5)
    # The engine reproduces the trained PyTorch weights.
    model, _ = load_checkpoint(out / "last.pt")
    with torch.no_grad():
        expected = torch.softmax(model(torch.from_numpy(x)), 1).numpy()
    np.testing.assert_allclose(probabilities, expected, atol=1e-4)


@pytest.mark.slow
def test_resume_continues_from_the_next_epoch(sixteen_photos, tmp_path):
    out = tmp_path / "run"
    _train(sixteen_photos, out, "--epochs", "1")
    first = torch.load(out / "last.pt", map_location="cpu", weights_only=False)
    assert first["epoch"] == 0
    metrics = _train(sixteen_photos, out, "--resume", "auto")
    assert metrics["epoch"] == 1
    second = torch.load(out / "last.pt", map_location="cpu", weights_only=False)
    assert second["steps_done"] == 2 * first["steps_done"]
    assert len((out / "history.jsonl").read_text().splitlines()) == 2


def _schedule(epochs: int, steps_per_epoch: int = 10):
    args = train_mod.get_args_parser().parse_args(
        ["--data", "x", "--epochs", str(epochs), "--lr", "1e-2", "--warmup-epochs", "1", "--ema-decay", "0"])
    return train_mod.build_optimisation(args, torch.nn.Linear(2, 2), steps_per_epoch, None, torch.device("cpu"))


def _lr_steps(opt, n: int) -> list[float]:
    lrs = []
    for _ in range(n):
        opt.optimizer.step()
        opt.lr_scheduler.step()
        lrs.append(opt.optimizer.param_groups[0]["lr"])
    return lrs


def test_resume_with_fewer_epochs_ends_the_cosine_there(capsys):
    """A 40-epoch run resumed after 15 with --epochs 28 goes on from its learning rate and anneals by epoch 28."""
    long = _schedule(40)
    before = _lr_steps(long, 150)[-1]
    optimizer_state, schedule_state = long.optimizer.state_dict(), long.lr_scheduler.state_dict()
    short = _schedule(28)
    short.optimizer.load_state_dict(optimizer_state)
    train_mod._load_schedule(short.lr_scheduler, schedule_state, 28, 40)
    assert "now ends at epoch 28" in capsys.readouterr().out
    assert short.optimizer.param_groups[0]["lr"] == pytest.approx(before)
    lrs = _lr_steps(short, 130)
    assert lrs[0] < before and all(b < a for a, b in zip(lrs, lrs[1:]))
    assert lrs[0] > 0.95 * before  # no jump: the decay goes on from where it was
    assert lrs[-1] == pytest.approx(1e-5, rel=1e-3)  # eta_min = lr * 1e-3 at the last step of epoch 28
    # The same epochs: the schedule is the saved one, unchanged.
    same = _schedule(40)
    train_mod._load_schedule(same.lr_scheduler, schedule_state, 40, 40)
    assert capsys.readouterr().out == ""
    with pytest.raises(SystemExit, match="already done more steps"):
        train_mod._load_schedule(_schedule(10).lr_scheduler, schedule_state, 10, 40)


@pytest.mark.parametrize("native_bf16", [True, False])
def test_amp_choice(monkeypatch, native_bf16):
    """"auto" on the CPU is bfloat16 exactly when oneDNN runs bfloat16 natively, else full float32."""
    cpu = torch.device("cpu")
    assert train_mod.autocast_dtype(cpu, "off") is None
    assert train_mod.autocast_dtype(cpu, "bf16") is torch.bfloat16
    assert train_mod.autocast_dtype(cpu, "fp16") is torch.float16
    monkeypatch.setattr(torch.ops.mkldnn, "_is_mkldnn_bf16_supported", lambda: native_bf16)
    assert train_mod.autocast_dtype(cpu, "auto") is (torch.bfloat16 if native_bf16 else None)


def test_bad_data_folder_is_a_clear_error(tmp_path, capsys):
    assert train_mod.cli(["--data", str(tmp_path / "missing"), "--out", str(tmp_path / "o")]) == 2
    assert "data folder not found" in capsys.readouterr().err


def test_ema_warm_up_follows_the_weights_early_and_averages_late():
    fn = train_mod.ema_avg_fn(0.998)
    avg, cur = torch.zeros(3), torch.ones(3)
    early = fn(avg, cur, torch.tensor(0))  # decay (1 + 0) / 10 = 0.1: mostly the new weights
    late = fn(avg, cur, torch.tensor(100_000))  # decay 0.998
    torch.testing.assert_close(early, torch.full((3,), 0.9))
    torch.testing.assert_close(late, torch.full((3,), 0.002))
    assert torch.equal(avg, torch.zeros(3))  # not in place


def test_recompute_bn_statistics_replaces_stale_buffers(sixteen_photos):
    from catdog_gui.core.imaging import Preprocessing, preprocess
    from training.data import find_samples, stratified_split

    torch.manual_seed(0)
    model = train_mod.build_model().eval()
    for m in model.modules():
        if isinstance(m, torch.nn.BatchNorm2d):
            m.running_var.fill_(1e4)  # stale statistics, like an early EMA's
    spec = Preprocessing(image_size=(80, 80))
    info = {"data": {"path": str(sixteen_photos), "val_fraction": 0.25, "seed": 0}}
    export_mod.recompute_bn_statistics(model, info, spec, count=100, batch_size=100)
    train, _ = stratified_split(find_samples(sixteen_photos)[0], 0.25, 0)
    x = torch.from_numpy(np.stack([preprocess(s.path, spec) for s in train]))
    assert not model.training
    with torch.no_grad():
        eval_out = model(x)
        model.train()
        batch_out = model(x)  # normalised with this very batch's statistics
    torch.testing.assert_close(eval_out, batch_out, atol=1e-2, rtol=1e-2)
    assert all(m.momentum == 0.1 for m in model.modules() if isinstance(m, torch.nn.BatchNorm2d))


@pytest.mark.slow
def test_two_sources_weighted_report_top1_per_source(sixteen_photos, tmp_path, data_dir, capsys):
    oxford = tmp_path / "oxford"
    for cls in ("cat", "dog"):
        (oxford / cls).mkdir(parents=True)
        for p in sorted((data_dir / "oxford-pets-sample" / cls).glob("*.jpg"))[:4]:
            os.symlink(p, oxford / cls / p.name)
    out = tmp_path / "run"
    args = train_mod.get_args_parser().parse_args([
        "--data", str(sixteen_photos), str(oxford), "--source-weights", "1", "3", "--out", str(out),
        "--image-size", "64", "--epochs", "1", "--batch-size", "6", "--workers", "0", "--val-fraction", "0.25",
        "--device", "cpu", "--max-steps", "1", "--auto-augment", "trivialaugment"])
    metrics = train_mod.main(args)
    log = capsys.readouterr().out
    assert "CPU flags:" in log and "sampling weight 3" in log
    per_source = metrics["val_top1_per_source"]
    assert len(per_source) == 2 and all(0.0 <= t <= 1.0 for t in per_source)
    ckpt = torch.load(out / "last.pt", map_location="cpu", weights_only=False)
    # 16 + 8 photos, a quarter of each source held out: 12 + 6 train, 4 + 2 validation.
    assert ckpt["data"]["train"] == 18 and ckpt["data"]["val"] == 6
    assert ckpt["data"]["paths"] == [str(sixteen_photos), str(oxford)]
    confusion = np.array(metrics["val_confusion"])
    assert confusion.sum() == 6
    with pytest.raises(ValueError, match="one weight per"):
        train_mod.main(train_mod.get_args_parser().parse_args([
            "--data", str(sixteen_photos), str(oxford), "--source-weights", "1", "--out", str(out)]))


def _torchrun(*args: str, cwd) -> subprocess.CompletedProcess[str]:
    cmd = [sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc-per-node", "2",
           "-m", "training.train", *args]
    env = {**os.environ, "OMP_NUM_THREADS": "1", "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    return subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=300)


@pytest.mark.slow
def test_torchrun_two_processes_take_the_steps_of_one(sixteen_photos, tmp_path):
    """2 processes x batch 3 (gloo) == 1 process x batch 6 in 2 interleaved micro-batches, step for step."""
    common = ["--data", str(sixteen_photos), "--image-size", "64", "--epochs", "2", "--workers", "0",
              "--val-fraction", "0.25", "--device", "cpu", "--amp", "off", "--augment", "none",
              "--drop-rate", "0", "--ema-decay", "0", "--lr", "1e-3", "--warmup-epochs", "0.5"]
    ddp_out = tmp_path / "ddp"
    # First torchrun stops after one epoch (2 steps); the second resumes it under torchrun.
    first = _torchrun(*common, "--out", str(ddp_out), "--batch-size", "3", "--max-steps", "2", cwd=tmp_path)
    assert first.returncode == 0, first.stderr[-3000:]
    assert first.stdout.count("epoch 0:") == 1  # rank 0 alone reports and writes
    assert "world size 2" in first.stdout
    history = [json.loads(x) for x in (ddp_out / "history.jsonl").read_text().splitlines()]
    # 12 training photos / (2 processes x 3 photos) = 2 optimiser steps per epoch.
    assert [h["steps_done"] for h in history] == [2]
    second = _torchrun(*common, "--out", str(ddp_out), "--batch-size", "3", "--resume", "auto", cwd=tmp_path)
    assert second.returncode == 0, second.stderr[-3000:]
    assert "resumed from" in second.stdout and second.stdout.count("epoch 1:") == 1
    history = [json.loads(x) for x in (ddp_out / "history.jsonl").read_text().splitlines()]
    assert [h["epoch"] for h in history] == [0, 1] and history[-1]["steps_done"] == 4
    assert sorted(p.name for p in ddp_out.iterdir()) == ["best.pt", "history.jsonl", "last.pt"]

    single_out = tmp_path / "single"
    args = train_mod.get_args_parser().parse_args([*common, "--out", str(single_out), "--batch-size", "6",
                                                   "--micro-batches", "2"])
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # as each torchrun process (OMP_NUM_THREADS=1): the same float reduction order
    try:
        single = train_mod.main(args)
    finally:
        torch.set_num_threads(threads)
    assert single["steps_done"] == 4
    # Same photos per step, same BatchNorm groups, gradients averaged the same way: float32 rounding only
    # (measured here: bit-identical; Adam's first steps amplify rounding noise in near-zero gradients, so allow it).
    assert history[-1]["train_loss"] == pytest.approx(single["train_loss"], rel=1e-5)
    ddp_w = torch.load(ddp_out / "last.pt", map_location="cpu", weights_only=False)["model"]
    one_w = torch.load(single_out / "last.pt", map_location="cpu", weights_only=False)["model"]
    torch.manual_seed(1234)  # the initialisation both runs start from (rank 0's, broadcast by DDP)
    start = train_mod.build_model().state_dict()
    moved = max((one_w[k] - start[k]).abs().max().item() for k in one_w if one_w[k].is_floating_point())
    worst = max((ddp_w[k] - one_w[k]).abs().max().item() for k in one_w if one_w[k].is_floating_point()
                and "running" not in k)
    assert worst <= 1e-3 * moved  # the two runs' weights agree to 0.1% of how far training moved them


@pytest.mark.slow
@pytest.mark.parametrize("mode", ["cache", "stream"])
def test_flat_memory_data_modes_train(sixteen_photos, tmp_path, capsys, mode):
    out = tmp_path / "run"
    metrics = _train(sixteen_photos, out, "--max-steps", "1", "--epochs", "1", "--data-mode", mode)
    assert metrics["steps_done"] == 1 and 0.0 <= metrics["val_top1"] <= 1.0
    assert f"data mode: {mode}" in capsys.readouterr().out
    ckpt = torch.load(out / "last.pt", map_location="cpu", weights_only=False)
    assert ckpt["data"]["mode"] == mode and ckpt["data"]["train"] == 12 and ckpt["data"]["val"] == 4
    assert len(list((out / "cache").glob("*.npy"))) == (1 if mode == "cache" else 0)


def test_auto_data_mode_says_why(sixteen_photos, tmp_path, capsys):
    args = train_mod.get_args_parser().parse_args([
        "--data", str(sixteen_photos), "--out", str(tmp_path / "o"), "--image-size", "64", "--workers", "0",
        "--val-fraction", "0.25", "--device", "cpu", "--memory-budget-mb", "0"])
    from catdog_gui.core.imaging import Preprocessing

    spec = Preprocessing(image_size=(64, 64))
    train_s, val_s, _ = train_mod.split_sources([sixteen_photos], 0.25, 0)
    _, _, kept, mode = train_mod.build_datasets(args, train_s, val_s, spec, None, tmp_path / "o", True)
    assert mode == "cache" and len(kept) == 12
    assert "data mode: cache (chosen: 16 photos" in capsys.readouterr().out


def test_init_from_a_checkpoint_takes_its_better_weights(tmp_path):
    """--init-from best.pt continues from the weights that scored better on validation: the EMA ones when
    they did (a long run's EMA beat its raw weights by a point), else the raw ones."""
    import argparse

    raw, ema = train_mod.build_model().state_dict(), train_mod.build_model().state_dict()
    assert not torch.equal(raw["fc.weight"], ema["fc.weight"])
    args = argparse.Namespace(drop_rate=0.2, channels_last=False, batch_size=4)
    for ema_better, expected in ((True, ema), (False, raw)):
        path = tmp_path / f"best_{ema_better}.pt"
        torch.save({"model": raw, "model_ema": {**ema, "n_averaged": torch.tensor(5)},
                    "metrics": {"val_top1": 0.90, "val_top1_ema": 0.95 if ema_better else 0.85}}, path)
        model = train_mod._initial_model(argparse.Namespace(**vars(args), init_from=str(path)), None,
                                         torch.device("cpu"))
        assert torch.equal(model.state_dict()["fc.weight"], expected["fc.weight"])
