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


def test_folder_text_names_the_folders_below_the_folder_opened():
    from catdog_gui.core.filtering import folder_text, root_of

    roots = {"/lib", "/lib/2020", "/other"}  # /lib opened, then /lib/2020 again
    paths = ["/lib/2020/01/cats/a.jpg", "/lib/2020/03/cats/b.jpg", "/lib/2021/03/dogs/c.jpg"]
    assert {root_of(p, roots) for p in paths} == {"/lib"}  # the topmost
    assert [folder_text(p, root_of(p, roots)) for p in paths] == ["2020/01/cats", "2020/03/cats", "2021/03/dogs"]
    assert folder_text("/lib/d.jpg", "/lib") == "lib"  # directly in it: the folder's own name
    assert folder_text("/lib/2020/01/cats/a.jpg") == "cats"  # no root known
    assert root_of("/elsewhere/x.jpg", roots) == "" and root_of("/library/x.jpg", roots) == ""
