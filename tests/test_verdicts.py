"""A person's mark ("Mark as cat/dog") wins over the model wherever a verdict is used: the counts, the filter's
class buttons, sort-into-folders and the XMP tags (core.verdicts.effective_label). Real photos."""

from __future__ import annotations

import math
import shutil

import pytest

from catdog_gui.core.filtering import ResultFilter
from catdog_gui.core.results import Result
from catdog_gui.core.sorting import plan_sort, run_sort
from catdog_gui.core.tally import Tally
from catdog_gui.core.verdicts import effective_label, label_source
from catdog_gui.core.xmp import SOURCE_HAND, read_verdict, verdict_for, write_verdict


@pytest.fixture
def rows(tmp_path, cat_photos, dog_photos):
    """Three real photos: the model calls the dog a cat (marked dog), an uncertain one (marked cat), and a
    cat nobody marked; plus an unreadable file marked dog."""
    src = tmp_path / "src"
    src.mkdir()
    for name, photo in (("wrong.jpg", dog_photos[0]), ("unsure.jpg", cat_photos[1]), ("cat.jpg", cat_photos[0])):
        shutil.copy(photo, src / name)
    (src / "broken.jpg").write_bytes(b"not a photo")
    return [Result(str(src / "wrong.jpg"), "ok", "cat", 0.97, (0.97, 0.03), person_label="dog"),
            Result(str(src / "unsure.jpg"), "ok", "dog", 0.55, (0.45, 0.55), person_label="cat"),
            Result(str(src / "cat.jpg"), "ok", "cat", 0.99, (0.99, 0.01)),
            Result(str(src / "broken.jpg"), "error", error="cannot identify image file", person_label="dog")]


def test_effective_label(rows):
    wrong, unsure, cat, broken = rows
    assert [effective_label(r, 0.8) for r in rows] == ["dog", "cat", "cat", ""]
    assert unsure.verdict(0.8) == "uncertain"  # the model's own verdict stays as it was
    assert [label_source(r) for r in rows] == ["person", "person", "model", "model"]
    assert effective_label(Result(cat.path, "ok", "cat", 0.5, (0.5, 0.5)), 0.8) == "uncertain"


def test_counts_and_filter_follow_the_mark(rows):
    t = Tally(["cat", "dog"], 0.8)
    t.add(rows)
    assert (t.per_class, t.uncertain, t.errors) == ({"cat": 2, "dog": 1}, 0, 1)
    shown = {c: [r.name for r in rows if ResultFilter(category=c, threshold=0.8).accepts(r)]
             for c in ("cat", "dog", "uncertain", "errors")}
    assert shown == {"cat": ["unsure.jpg", "cat.jpg"], "dog": ["wrong.jpg"], "uncertain": [],
                     "errors": ["broken.jpg"]}


def test_sort_puts_a_marked_photo_in_the_persons_folder(rows, tmp_path):
    target = tmp_path / "sorted"
    plan = plan_sort(rows, target, ["cat", "dog"], threshold=0.8)
    assert {i.category for i in plan} == {"cat", "dog"}
    report = run_sort(plan, "copy")
    assert not report.failed
    assert sorted(p.relative_to(target).as_posix() for p in target.rglob("*.jpg")) == [
        "cat/cat.jpg", "cat/unsure.jpg", "dog/wrong.jpg"]


def test_tags_carry_the_mark_as_set_by_hand(rows):
    wrong, unsure, cat, _ = rows
    v = verdict_for(wrong, 0.8, "m.onnx", "0" * 64)
    assert (v.label, v.uncertain, v.source) == ("dog", False, SOURCE_HAND) and math.isnan(v.confidence)
    assert verdict_for(unsure, 0.8).verdict == "cat"  # a mark overrides uncertain
    assert verdict_for(cat, 0.8).source == "model"
    for r in (wrong, unsure, cat):
        assert write_verdict(r.path, verdict_for(r, 0.8, "m.onnx", "0" * 64)).action == "written"
    back = {r.name: read_verdict(r.path) for r in (wrong, unsure, cat)}
    assert {n: (v.verdict, v.source) for n, v in back.items()} == {
        "wrong.jpg": ("dog", "hand"), "unsure.jpg": ("cat", "hand"), "cat.jpg": ("cat", "model")}
    # a later model run does not overwrite the person's mark
    model = Result(wrong.path, "ok", "cat", 0.97, (0.97, 0.03))
    assert write_verdict(wrong.path, verdict_for(model, 0.8)).action == "kept"
