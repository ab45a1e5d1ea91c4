"""The sort journal keeps every sort into a target (a stack): each undo undoes the newest sort only and says how
many earlier ones can still be undone; journals of one sort, as the previous release wrote them, still read."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from catdog_gui import cli
from catdog_gui.core.results import Result
from catdog_gui.core.sorting import JOURNAL_NAME, count_sorts, plan_sort, run_sort, undo_sort

@pytest.fixture
def fullsize(data_dir) -> dict[str, list[Path]]:
    """The full-size cat and dog photos, by label."""
    root = data_dir / "photos-fullsize"
    return {label: sorted((root / label).glob("*.jpg")) for label in ("cat", "dog")}


def _rows(folder: Path, label: str) -> list[Result]:
    """Every photo under ``folder`` (subfolders too) as classified ``label`` with confidence 0.97."""
    return [Result(str(p), "ok", label, 0.97, (0.97, 0.03) if label == "cat" else (0.03, 0.97))
            for p in sorted(folder.rglob("*.jpg"))]


def _fill(folder: Path, photos: list[Path], sub: int = 0) -> dict[str, bytes]:
    """Copy ``photos`` into ``folder``, the last ``sub`` of them into ``folder/sub``; returns path -> bytes."""
    (folder / "sub").mkdir(parents=True, exist_ok=True)
    out = {}
    for i, p in enumerate(photos):
        dest = folder / "sub" / p.name if i >= len(photos) - sub else folder / p.name
        shutil.copy(p, dest)
        out[str(dest)] = dest.read_bytes()
    return out


def _files(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


def test_a_second_sort_into_the_same_folder_keeps_the_first_undoable(fullsize, tmp_path):
    """Two moves into one target: the first undo puts back only the second sort's photos (and says one earlier
    sort is left), the second undo the first sort's, including those from a subfolder; the folders the first
    sort made go too."""
    first_src, second_src, target = tmp_path / "first", tmp_path / "second", tmp_path / "sorted"
    first = _fill(first_src, fullsize["cat"][:8], sub=3)
    # the second sort has a photo with a name the first sort already took: it gets a suffix
    second = _fill(second_src, fullsize["dog"][:4] + fullsize["cat"][:1])
    one = run_sort(plan_sort(_rows(first_src, "cat"), target, ["cat", "dog"]), "move")
    assert len(one.done) == 8 and not one.failed
    two = run_sort(plan_sort(_rows(second_src, "dog"), target, ["cat", "dog"]), "move")
    assert len(two.done) == 5 and not two.failed
    assert count_sorts(target / JOURNAL_NAME) == 2
    after_first = _files(target)

    undone = undo_sort(target / JOURNAL_NAME)
    assert sorted(undone.done) == sorted((d, s) for s, d in two.done) and not undone.failed
    assert undone.earlier == 1
    for path, data in second.items():
        assert Path(path).read_bytes() == data
    for source, dest in one.done:  # the first sort's photos are still sorted
        assert not os.path.exists(source) and Path(dest).read_bytes() == first[source]
    assert (target / JOURNAL_NAME).is_file() and count_sorts(target / JOURNAL_NAME) == 1
    assert not (target / "dog").exists()  # made by the second sort, empty again
    assert set(_files(target)) < set(after_first)

    again = undo_sort(target / JOURNAL_NAME)
    assert sorted(again.done) == sorted((d, s) for s, d in one.done) and not again.failed
    assert again.earlier == 0
    for path, data in first.items():
        assert Path(path).read_bytes() == data
    assert not target.exists()  # the journal, cat/ and the target the first sort made are gone


def test_a_journal_of_one_sort_from_the_previous_release_is_read_and_extended(fullsize, tmp_path):
    """A journal as the previous release wrote it (one header, the folders it made, one entry per photo): a new
    sort goes on top of it; undo undoes the new one, then the old one."""
    src, target = tmp_path / "src", tmp_path / "sorted"
    src.mkdir()
    photo = src / fullsize["cat"][0].name
    shutil.copy(fullsize["cat"][0], photo)
    (src / (photo.name + ".xmp")).write_text("<x:xmpmeta xmlns:x='adobe:ns:meta/'/>")
    data = photo.read_bytes()
    (target / "cat").mkdir(parents=True)
    moved = target / "cat" / photo.name
    os.rename(photo, moved)
    os.rename(src / (photo.name + ".xmp"), target / "cat" / (photo.name + ".xmp"))
    lines = [{"mode": "move", "target": str(target)}, {"created": str(target / "cat")}, {"created": str(target)},
             {"source": str(photo), "destination": str(moved),
              "sidecars": [[str(src / (photo.name + ".xmp")), str(moved) + ".xmp", "move"]]}]
    (target / JOURNAL_NAME).write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    assert count_sorts(target / JOURNAL_NAME) == 1

    later = tmp_path / "later"
    _fill(later, fullsize["dog"][:2])
    copied = run_sort(plan_sort(_rows(later, "dog"), target, ["cat", "dog"]), "copy")
    assert len(copied.done) == 2 and count_sorts(target / JOURNAL_NAME) == 2
    undone = undo_sort(target / JOURNAL_NAME)
    assert sorted(undone.done) == sorted((d, s) for s, d in copied.done) and undone.earlier == 1
    assert moved.read_bytes() == data and not (target / "dog").exists()
    old = undo_sort(target / JOURNAL_NAME)
    assert old.done == [(str(moved), str(photo))] and old.earlier == 0 and not old.failed
    assert photo.read_bytes() == data and (src / (photo.name + ".xmp")).is_file()
    assert not target.exists()


def test_partial_undo_of_the_newest_sort_keeps_it_on_top_of_the_earlier_one(fullsize, tmp_path):
    """The newest sort's undo fails for one photo (renamed by hand): the journal keeps the earlier sort and just
    that photo of the newest; the retry finishes the newest, the next undo does the earlier one. A dry run
    changes nothing and counts the earlier sorts too."""
    a, b, target = tmp_path / "a", tmp_path / "b", tmp_path / "sorted"
    first, second = _fill(a, fullsize["cat"][:3]), _fill(b, fullsize["cat"][3:6])
    one = run_sort(plan_sort(_rows(a, "cat"), target, ["cat", "dog"]), "move")
    two = run_sort(plan_sort(_rows(b, "cat"), target, ["cat", "dog"]), "move")
    files = sorted(tmp_path.rglob("*"))
    preview = undo_sort(target / JOURNAL_NAME, dry_run=True)
    assert sorted(preview.done) == sorted((d, s) for s, d in two.done) and preview.earlier == 1
    assert sorted(tmp_path.rglob("*")) == files
    stuck = two.done[0][1]
    os.rename(stuck, stuck + ".renamed")
    partial = undo_sort(target / JOURNAL_NAME)
    assert [p for p, _ in partial.failed] == [stuck] and len(partial.done) == 2 and partial.earlier == 1
    assert count_sorts(target / JOURNAL_NAME) == 2
    os.rename(stuck + ".renamed", stuck)
    retry = undo_sort(target / JOURNAL_NAME)
    assert retry.done == [(stuck, two.done[0][0])] and not retry.failed and retry.earlier == 1
    for path, data in second.items():
        assert Path(path).read_bytes() == data
    last = undo_sort(target / JOURNAL_NAME)
    assert sorted(last.done) == sorted((d, s) for s, d in one.done) and last.earlier == 0
    for path, data in first.items():
        assert Path(path).read_bytes() == data
    assert not target.exists()


def test_two_sorts_followed_into_a_renamed_target(fullsize, tmp_path):
    """Both sorts' journal lines name the old target; after a rename, each undo finds its photos."""
    a, b, target = tmp_path / "a", tmp_path / "b", tmp_path / "sorted"
    first, second = _fill(a, fullsize["dog"][:2]), _fill(b, fullsize["dog"][2:4])
    run_sort(plan_sort(_rows(a, "dog"), target, ["cat", "dog"]), "move")
    run_sort(plan_sort(_rows(b, "dog"), target, ["cat", "dog"]), "move")
    renamed = tmp_path / "renamed by hand"
    os.rename(target, renamed)
    newest = undo_sort(renamed / JOURNAL_NAME)
    assert len(newest.done) == 2 and not newest.failed and newest.earlier == 1
    assert all(d.startswith(str(renamed)) for d, _ in newest.done)
    oldest = undo_sort(renamed / JOURNAL_NAME)
    assert len(oldest.done) == 2 and not oldest.failed and oldest.earlier == 0
    for path, data in (first | second).items():
        assert Path(path).read_bytes() == data
    assert not renamed.exists()


def test_a_file_that_is_no_journal_is_replaced_and_a_cut_last_line_is_dropped(fullsize, tmp_path):
    a, target = tmp_path / "a", tmp_path / "sorted"
    target.mkdir()
    (target / JOURNAL_NAME).write_text("not a journal\n", encoding="utf-8")
    _fill(a, fullsize["cat"][:2])
    one = run_sort(plan_sort(_rows(a, "cat"), target, ["cat", "dog"]), "copy")
    assert count_sorts(target / JOURNAL_NAME) == 1
    with open(target / JOURNAL_NAME, "a", encoding="utf-8") as f:
        f.write('{"source": "/cut sho')  # a run killed while writing a line
    assert count_sorts(target / JOURNAL_NAME) == 1
    b = tmp_path / "b"
    _fill(b, fullsize["dog"][:1])
    two = run_sort(plan_sort(_rows(b, "dog"), target, ["cat", "dog"]), "copy")
    assert count_sorts(target / JOURNAL_NAME) == 2
    assert undo_sort(target / JOURNAL_NAME).done == [(d, s) for s, d in two.done]
    assert sorted(undo_sort(target / JOURNAL_NAME).done) == sorted((d, s) for s, d in one.done)
    assert not (target / JOURNAL_NAME).exists()


def test_undo_sort_on_the_command_line_undoes_one_sort_at_a_time(tiny_model_path, fullsize, tmp_path, capsys):
    """Two catdog-classify --move runs into one folder, the first with a subfolder: --undo-sort undoes the
    second and says the first can still be undone; --undo-sort again undoes the first."""
    a, b, target = tmp_path / "a", tmp_path / "b", tmp_path / "sorted"
    first = _fill(a, fullsize["cat"][:5], sub=2)
    second = _fill(b, fullsize["dog"][:3])
    for src in (a, b):
        assert cli.main([str(src), "--model", str(tiny_model_path), "--sort-into", str(target), "--move",
                         "-q"]) == 0
    assert not any(p.is_file() for p in a.rglob("*")) and not any(p.is_file() for p in b.rglob("*"))
    capsys.readouterr()
    assert cli.main(["--undo-sort", str(target), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "Dry run: would move 3 photos back" in out
    assert "1 earlier sort in this folder can be undone with --undo-sort again" in out
    assert cli.main(["--undo-sort", str(target)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out == ["Undone: moved 3 photos back", "1 earlier sort in this folder can be undone with --undo-sort again"]
    for path, data in second.items():
        assert Path(path).read_bytes() == data
    assert not any(os.path.exists(p) for p in first)
    assert cli.main(["--undo-sort", str(target)]) == 0
    assert capsys.readouterr().out.splitlines() == ["Undone: moved 5 photos back"]
    for path, data in first.items():
        assert Path(path).read_bytes() == data
    assert not target.exists()
