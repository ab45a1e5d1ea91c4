"""core.filtering: which rows a filter keeps."""

from __future__ import annotations

from catdog_gui.core.filtering import ResultFilter, folder_name
from catdog_gui.core.results import Result

ROWS = [
    Result("/p/cat/a.jpg", "ok", "cat", 0.95, (0.95, 0.05)),
    Result("/p/dog/a.jpg", "ok", "dog", 0.99, (0.01, 0.99)),
    Result("/p/dog/b.jpg", "ok", "dog", 0.6, (0.4, 0.6)),
    Result("/p/cat/broken.jpg", "error", error="not an image"),
]


def kept(f: ResultFilter) -> list[str]:
    return [f"{folder_name(r.path)}/{r.name}" for r in ROWS if f.accepts(r)]


def test_categories_match_the_summary_counts():
    assert not ResultFilter().active and len(kept(ResultFilter())) == 4
    assert kept(ResultFilter("cat")) == ["cat/a.jpg"]
    assert kept(ResultFilter("dog")) == ["dog/a.jpg"]  # b.jpg is uncertain, not a confident dog
    assert kept(ResultFilter("uncertain")) == ["dog/b.jpg"]
    assert kept(ResultFilter("errors")) == ["cat/broken.jpg"]


def test_confidence_range_and_search():
    assert kept(ResultFilter(low=0.9, high=0.97)) == ["cat/a.jpg"]
    assert kept(ResultFilter(text="A.JPG")) == ["cat/a.jpg", "dog/a.jpg"]
    assert kept(ResultFilter(text="dog")) == ["dog/a.jpg", "dog/b.jpg"]  # the folder's name matches too
    assert kept(ResultFilter("dog", text="b")) == []
