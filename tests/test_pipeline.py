"""catdog_gui.core.pipeline: decode pool ahead of batched inference; one result per file; bounded; cancellable."""

from __future__ import annotations

import threading
import time
from types import SimpleNamespace

import numpy as np
import pytest

from catdog_gui.core import pipeline
from catdog_gui.core.imaging import Preprocessing, preprocess
from catdog_gui.core.model import Engine
from catdog_gui.core.pipeline import PREFETCH_BATCHES, RunSummary, classify, summarize
from catdog_gui.core.results import Result


@pytest.fixture(scope="module")
def engine(tiny_model_path) -> Engine:
    return Engine(tiny_model_path, providers=("CPUExecutionProvider",))


@pytest.fixture()
def mixed_paths(tmp_path, cat_photos, dog_photos) -> list[str]:
    """Four real photos, a text file named .jpg, a zero-byte file and a truncated JPEG, interleaved."""
    bad_text = tmp_path / "notes.jpg"
    bad_text.write_text("not a picture")
    empty = tmp_path / "empty.jpg"
    empty.write_bytes(b"")
    truncated = tmp_path / "truncated.jpg"
    truncated.write_bytes(cat_photos[2].read_bytes()[:300])
    return [str(cat_photos[0]), str(bad_text), str(dog_photos[0]), str(empty), str(cat_photos[1]),
            str(truncated), str(dog_photos[1])]


class FakeEngine:
    """Stands in for Engine where only plumbing matters: logits = mean of each channel."""

    def __init__(self, fail: bool = False):
        self.info = SimpleNamespace(labels=("r", "g", "b"), preprocessing=Preprocessing(image_size=(32, 32)))
        self.batches: list[int] = []
        self.fail = fail

    def predict(self, images):
        if self.fail:
            raise RuntimeError("device lost")
        self.batches.append(len(images))
        logits = images.mean(axis=(2, 3)).astype(np.float32)
        e = np.exp(logits - logits.max(1, keepdims=True))
        return logits, e / e.sum(1, keepdims=True)


def test_every_file_gets_one_result_in_order(engine, mixed_paths):
    results = list(classify(engine, mixed_paths, batch_size=3, decode_workers=2))
    assert [r.path for r in results] == mixed_paths
    assert [r.status for r in results] == ["ok", "error", "ok", "error", "ok", "error", "ok"]
    for r in results:
        assert isinstance(r, Result)
        if r.ok:
            assert r.label in ("cat", "dog") and len(r.probabilities) == 2 and r.error == ""
            assert r.confidence == max(r.probabilities)
            assert r.label == engine.info.labels[int(np.argmax(r.probabilities))]
        else:
            assert r.error and r.label == "" and np.isnan(r.confidence)
    assert "not an image" in results[1].error
    assert "empty" in results[3].error
    assert "truncated" in results[5].error


def test_probabilities_match_the_engine_directly(engine, mixed_paths):
    ok_paths = [p for p in mixed_paths if p.endswith(".jpg") and "/photos-fullsize/" in p]
    x = np.stack([preprocess(p, engine.info.preprocessing) for p in ok_paths])
    _, probs = engine.predict(x)
    by_path = {r.path: r for r in classify(engine, mixed_paths, batch_size=2)}
    got = np.array([by_path[p].probabilities for p in ok_paths])
    np.testing.assert_allclose(got, probs, atol=1e-5)


@pytest.mark.parametrize("batch_size", [1, 4, 64])
def test_batch_size_does_not_change_results(engine, mixed_paths, batch_size):
    ref = list(classify(engine, mixed_paths, batch_size=3))
    got = list(classify(engine, mixed_paths, batch_size=batch_size, decode_workers=1))
    assert [(r.path, r.status, r.label) for r in got] == [(r.path, r.status, r.label) for r in ref]
    np.testing.assert_allclose([r.confidence for r in got if r.ok], [r.confidence for r in ref if r.ok], atol=1e-5)


def test_empty_input_and_bad_arguments(engine):
    assert list(classify(engine, [])) == []
    with pytest.raises(ValueError, match="batch_size"):
        list(classify(engine, ["x.jpg"], batch_size=0))
    with pytest.raises(ValueError, match="decode_workers"):
        list(classify(engine, ["x.jpg"], decode_workers=0))


def test_cancel_stops_early_and_keeps_yielded_results(engine, cat_photos, dog_photos):
    paths = [str(p) for p in cat_photos + dog_photos] * 2  # 32 real photos
    cancel = threading.Event()
    got = []
    for r in classify(engine, paths, batch_size=4, cancel=cancel):
        got.append(r)
        if len(got) == 5:
            cancel.set()
    assert len(got) == 5
    assert all(r.ok for r in got) and [r.path for r in got] == paths[:5]
    pre_cancelled = threading.Event()
    pre_cancelled.set()
    assert list(classify(engine, paths, cancel=pre_cancelled)) == []


def test_cancel_while_decoding(monkeypatch):
    release = threading.Event()

    def slow_decode(path, spec, notes=None, degenerate=None):
        release.wait(5)
        return np.zeros((3, 32, 32), np.float32)

    monkeypatch.setattr(pipeline, "decode_one", slow_decode)
    cancel = threading.Event()
    timer = threading.Timer(0.3, cancel.set)
    timer.start()
    t0 = time.perf_counter()
    got = list(classify(FakeEngine(), [f"/x/{i}.jpg" for i in range(20)], batch_size=4, decode_workers=2,
                        cancel=cancel))
    elapsed = time.perf_counter() - t0
    release.set()
    assert got == [] and elapsed < 2, f"cancel took {elapsed:.1f} s while decodes were still running"


def test_decoding_is_bounded_ahead_of_inference(monkeypatch):
    started = []
    lock = threading.Lock()

    def counting_decode(path, spec, notes=None, degenerate=None):
        with lock:
            started.append(path)
        return np.full((3, 32, 32), float(path.split("/")[-1].split(".")[0]), np.float32)

    monkeypatch.setattr(pipeline, "decode_one", counting_decode)
    paths = [f"/x/{i}.jpg" for i in range(200)]
    gen = classify(FakeEngine(), paths, batch_size=4, decode_workers=4)
    first = next(gen)
    time.sleep(0.3)  # give the pool every chance to run ahead
    with lock:
        ahead = len(started)
    assert first.path == paths[0]
    assert ahead <= (PREFETCH_BATCHES + 1) * 4, f"{ahead} files decoded ahead of a slow consumer"
    gen.close()  # consumer walks away: the pool shuts down
    assert not [t for t in threading.enumerate() if t.name.startswith("catdog-decode")]


def test_batches_reach_the_engine_in_batch_size(monkeypatch):
    monkeypatch.setattr(pipeline, "decode_one", lambda p, s, n=None, d=None: np.zeros((3, 32, 32), np.float32))
    engine = FakeEngine()
    assert len(list(classify(engine, [f"/x/{i}" for i in range(10)], batch_size=4))) == 10
    assert engine.batches == [4, 4, 2]


def test_unexpected_decoder_exception_is_an_error_row(monkeypatch, cat_photos):
    real = pipeline.load_rgb

    def flaky(path, **kwargs):
        if path.endswith("boom.jpg"):
            raise RuntimeError("plugin crashed")
        return real(path, **kwargs)

    monkeypatch.setattr(pipeline, "load_rgb", flaky)
    results = list(classify(FakeEngine(), [str(cat_photos[0]), "/x/boom.jpg"]))
    assert [r.status for r in results] == ["ok", "error"]
    assert "RuntimeError: plugin crashed" in results[1].error


def test_inference_failure_gives_error_rows_not_an_exception(cat_photos):
    results = list(classify(FakeEngine(fail=True), [str(p) for p in cat_photos[:3]], batch_size=2))
    assert [r.status for r in results] == ["error"] * 3
    assert all("inference failed: device lost" in r.error for r in results)


ORT_ARENA_FAILURE = (  # ONNX Runtime's text when its arena cannot grow (tester 8, batch 1024 under ulimit -v 3000000)
    "[ONNXRuntimeError] : 1 : FAIL : Non-zero status code returned while running QLinearConv node. "
    "Name:'node_Conv_866_token_24' Status Message: /onnxruntime_src/onnxruntime/core/framework/bfc_arena.cc:360 "
    "void* onnxruntime::BFCArena::AllocateRawInternal(size_t, bool, onnxruntime::Stream*) Failed to allocate memory "
    "for requested buffer of size 270000128")


def session_short_of_memory(monkeypatch, engine, most: int) -> list[int]:
    """Make ``engine``'s ONNX Runtime session fail as it does when memory runs out for more than ``most`` photos
    (its real exception type and text); returns the batch sizes it was called with."""
    from onnxruntime.capi.onnxruntime_pybind11_state import Fail

    calls: list[int] = []
    real_run = engine._session.run

    def run(names, feeds, run_options=None):
        calls.append(len(next(iter(feeds.values()))))
        if calls[-1] > most:
            raise Fail(ORT_ARENA_FAILURE)
        return real_run(names, feeds, run_options)

    monkeypatch.setattr(engine._session, "run", run)
    return calls


def test_a_batch_too_big_for_memory_is_classified_in_smaller_pieces(engine, cat_photos, dog_photos, monkeypatch):
    """Memory running out for a batch makes the batch run in halves (down to 1), the smaller size kept for the rest
    of the run: every photo classified as without the limit, none an error row (tester 8)."""
    paths = [str(p) for p in cat_photos + dog_photos] + [str(cat_photos[0])]
    want = list(classify(engine, paths, batch_size=8))
    calls = session_short_of_memory(monkeypatch, engine, most=2)
    got = list(classify(engine, paths, batch_size=8))
    assert [r.status for r in got] == ["ok"] * len(paths)
    assert [(r.path, r.label) for r in got] == [(r.path, r.label) for r in want]
    np.testing.assert_allclose([r.probabilities for r in got], [r.probabilities for r in want], atol=1e-6)
    assert calls == [8, 4, 2, 2, 2, 2] + [2] * 4 + [1]  # 8 and 4 failed once; the later batches start at 2


def test_a_photo_that_fails_alone_for_want_of_memory_is_an_error_row(engine, cat_photos, monkeypatch):
    calls = session_short_of_memory(monkeypatch, engine, most=0)
    results = list(classify(engine, [str(p) for p in cat_photos[:3]], batch_size=4))
    assert [r.status for r in results] == ["error"] * 3
    assert results[0].error == ("inference failed: not enough memory even for one photo at a time (Non-zero status "
                                "code returned while running QLinearConv node. Name:'node_Conv_866_token_24' Status "
                                "Message: Failed to allocate memory for requested buffer of size 270000128)")
    assert calls == [3, 1]


def test_other_inference_failures_are_not_tried_again(cat_photos):
    engine = FakeEngine(fail=True)
    tries = []
    real = engine.predict
    engine.predict = lambda images: (tries.append(len(images)), real(images))[1]
    assert [r.status for r in classify(engine, [str(p) for p in cat_photos[:3]], batch_size=4)] == ["error"] * 3
    assert tries == [3]


def test_summarize(engine, mixed_paths):
    results = list(classify(engine, mixed_paths))
    s = summarize(results, engine.info.labels, elapsed_s=2.0, skipped_non_images=3, cancelled=True)
    assert isinstance(s, RunSummary)
    assert (s.total, s.ok, s.errors) == (7, 4, 3)
    assert set(s.per_class) == {"cat", "dog"} and sum(s.per_class.values()) == 4
    assert s.per_class["cat"] == sum(r.label == "cat" for r in results)
    assert s.skipped_non_images == 3 and s.cancelled and s.elapsed_s == 2.0
    assert s.images_per_s == pytest.approx(3.5)
    empty = summarize([], ("cat", "dog"), 0.0)
    assert empty.total == 0 and empty.images_per_s == 0.0 and empty.per_class == {"cat": 0, "dog": 0}


def test_notes_reach_each_photos_row_from_the_threaded_decode_pool(cat_photos, dog_photos, tmp_path, capfd):
    """Warnings are caught per file in the decode threads (not by the process-wide
    ``warnings.catch_warnings``): each row gets its own file's note, nothing reaches stderr, and the note is
    in the CSV."""
    import struct

    from catdog_gui.core.imaging import load_rgb
    from catdog_gui.core.results import write_csv

    ifd0 = struct.pack(">H", 1) + struct.pack(">HHII", 0x010E, 2, 4000, 26) + struct.pack(">I", 0)
    bad_exif = b"Exif\x00\x00" + b"MM\x00\x2a" + struct.pack(">I", 8) + ifd0 + b"A cat" + b"\x00" * 9
    paths, kinds = [], []
    for i, photo in enumerate((cat_photos + dog_photos) * 2):
        path = tmp_path / f"{i:02d}.jpg"
        if i % 3 == 0:
            load_rgb(photo).save(path, quality=90, exif=bad_exif)
            kinds.append("EXIF")
        elif i % 3 == 1:
            rgba = load_rgb(photo).convert("RGBA")
            rgba.putalpha(0)
            path = path.with_suffix(".png")
            rgba.save(path)
            kinds.append("alpha")
        else:
            load_rgb(photo).save(path, quality=90)
            kinds.append("")
        paths.append(str(path))
    capfd.readouterr()
    results = list(classify(FakeEngine(), paths, batch_size=3, decode_workers=4))
    assert [r.status for r in results] == ["ok"] * len(paths)
    for r, kind in zip(results, kinds):
        assert (kind in r.note) if kind else r.note == "", (r.name, r.note)
    assert capfd.readouterr().err == ""
    write_csv(results, tmp_path / "out.csv", ("r", "g", "b"))
    import csv

    with open(tmp_path / "out.csv", encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    assert [bool(row["note"]) for row in rows] == [bool(k) for k in kinds]


def test_thumbnails_come_from_the_decode_that_fed_the_model(engine, mixed_paths, monkeypatch):
    """With ``thumbnail_size`` each photo is opened once: the same decode gives the model's input (same
    probabilities as without thumbnails) and a thumbnail that looks like the one made from the file."""
    from PIL import Image

    from catdog_gui.core.thumbnails import make_thumbnail

    plain = list(classify(engine, mixed_paths, batch_size=3))
    opened: list[str] = []
    real_open = Image.open

    def counting_open(fp, *args, **kwargs):
        opened.append(str(fp))
        return real_open(fp, *args, **kwargs)

    monkeypatch.setattr(Image, "open", counting_open)
    with_thumbs = list(classify(engine, mixed_paths, batch_size=3, thumbnail_size=48))
    monkeypatch.setattr(Image, "open", real_open)
    assert [r.status for r in with_thumbs] == [r.status for r in plain]
    for a, b in zip(plain, with_thumbs):
        assert a.thumbnail is None
        if not b.ok:
            assert b.thumbnail is None and b.error == a.error
            continue
        np.testing.assert_allclose(b.probabilities, a.probabilities, atol=1e-6)
        assert opened.count(b.path) == 1
        thumb = b.thumbnail
        assert thumb.dtype == np.uint8 and thumb.ndim == 3 and thumb.shape[2] == 3
        reference = make_thumbnail(b.path, 48)
        assert thumb.shape == reference.shape and max(thumb.shape[:2]) == 48
        assert np.abs(thumb.astype(int) - reference).mean() < 6  # the same picture, shrunk from another scale
    with pytest.raises(ValueError):
        list(classify(engine, mixed_paths, thumbnail_size=-1))
