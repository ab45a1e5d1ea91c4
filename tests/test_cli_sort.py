"""catdog-classify --sort-into DIR --copy|--move on real photos with the default model."""

from __future__ import annotations

import csv
import filecmp
import os
import shutil

from catdog_gui import cli


def test_copy_into_folders_matches_the_csv(default_model_path, cat_photos, dog_photos, tmp_path, capsys):
    src = tmp_path / "src"
    src.mkdir()
    for p in cat_photos[:3] + dog_photos[:3]:
        shutil.copy(p, src / p.name)
    target, out = tmp_path / "sorted", tmp_path / "out.csv"
    code = cli.main([str(src), "--model", str(default_model_path), "--csv", str(out), "--sort-into", str(target),
                     "--copy", "-q"])
    assert code == 0, capsys.readouterr().err
    with open(out, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 6
    for row in rows:
        name = os.path.basename(row["path"])
        folders = [d.name for d in target.iterdir() if (d / name).exists()]
        assert len(folders) == 1, name
        assert folders[0] in (row["label"], "uncertain")
        assert filecmp.cmp(row["path"], target / folders[0] / name, shallow=False)
    assert f"Copied 6 photo(s) into {target}" in capsys.readouterr().out
    # most of these clear photos land in their own class's folder
    right = sum((target / "cat" / p.name).exists() for p in cat_photos[:3]) + \
        sum((target / "dog" / p.name).exists() for p in dog_photos[:3])
    assert right >= 5


def test_move_into_a_read_only_target_fails_per_photo(default_model_path, cat_photos, tmp_path, capsys):
    import subprocess

    import pytest

    src = tmp_path / "src"
    src.mkdir()
    for p in cat_photos[:2]:
        shutil.copy(p, src / p.name)
    target = tmp_path / "ro"
    target.mkdir()
    if os.geteuid() == 0:
        if shutil.which("chattr") is None or subprocess.run(["chattr", "+i", str(target)]).returncode:
            pytest.skip("cannot make a folder read-only as root here")
        restore = ["chattr", "-i", str(target)]
    else:
        target.chmod(0o555)
        restore = ["chmod", "755", str(target)]
    try:
        code = cli.main([str(src), "--model", str(default_model_path), "--sort-into", str(target), "--move", "-q"])
    finally:
        subprocess.run(restore)
    err = capsys.readouterr().err
    assert code == 1 and err.count("could not sort") == 2
    assert sorted(p.name for p in src.iterdir()) == sorted(p.name for p in cat_photos[:2])


def test_sort_options_usage_errors(tmp_path, cat_photos, capsys):
    assert cli.main([str(cat_photos[0]), "--move"]) == 2
    assert cli.main([str(cat_photos[0]), "--sort-into", str(tmp_path)]) == 2
    (tmp_path / "file").write_text("x")
    assert cli.main([str(cat_photos[0]), "--sort-into", str(tmp_path / "file"), "--copy"]) == 2
    err = capsys.readouterr().err
    assert "--move needs --sort-into" in err and "needs --copy or --move" in err and "is a file" in err


def test_dry_run_lists_the_sort_and_touches_nothing(tiny_model_path, cat_photos, dog_photos, tmp_path, capsys):
    """--dry-run applies to --sort-into as well as to --write-tags: the plan is listed, no file is created."""
    src = tmp_path / "src"
    src.mkdir()
    for p in cat_photos[:2] + dog_photos[:2]:
        shutil.copy(p, src / p.name)
    before = {p.name: p.read_bytes() for p in src.iterdir()}
    target = tmp_path / "sorted"
    for mode in ("--copy", "--move"):
        code = cli.main([str(src), "--model", str(tiny_model_path), "--write-tags", "--tag-uncertain",
                         "--sort-into", str(target), mode, "--dry-run", "-q"])
        out = capsys.readouterr().out
        assert code == 0
        assert f"Would {mode[2:]} 4 photo(s) into {target} (dry run" in out
        for name in before:
            assert f"  would {mode[2:]} {str(src / name)!r} -> " in out
        assert not target.exists() and {p.name: p.read_bytes() for p in src.iterdir()} == before
    assert cli.main([str(src), "--model", str(tiny_model_path), "--sort-into", str(target), "--copy",
                     "--dry-run", "-q"]) == 0  # --dry-run with --sort-into alone
    assert not target.exists()


def test_write_tags_then_move_takes_the_sidecars_along_and_a_second_sort_leaves_photos_in_place(
        default_model_path, cat_photos, dog_photos, tmp_path, capsys):
    src = tmp_path / "src"
    src.mkdir()
    for p in cat_photos[:2] + dog_photos[:2]:
        shutil.copy(p, src / p.name)
    target = tmp_path / "sorted"
    code = cli.main([str(src), "--model", str(default_model_path), "--write-tags", "sidecar", "--tag-uncertain",
                     "--sort-into", str(target), "--move", "-q"])
    assert code == 0, capsys.readouterr().err
    assert list(src.iterdir()) == []  # no sidecar left behind
    photos = sorted(target.rglob("*.jpg"))
    assert len(photos) == 4
    for photo in photos:
        assert (photo.parent / (photo.name + ".xmp")).is_file(), photo
    capsys.readouterr()
    # the target sorted into itself again: every photo is already in place, nothing is renamed
    code = cli.main([str(target), "--model", str(default_model_path), "--sort-into", str(target), "--move", "-q"])
    assert code == 0
    assert f"Moved 0 photo(s) into {target} (4 already in place, left alone)" in capsys.readouterr().out
    assert sorted(target.rglob("*.jpg")) == photos


def test_undo_sort_from_the_journal_after_the_run(default_model_path, cat_photos, dog_photos, tmp_path, capsys):
    src = tmp_path / "src"
    src.mkdir()
    for p in cat_photos[:2] + dog_photos[:1]:
        shutil.copy(p, src / p.name)
    before = sorted(p.name for p in src.iterdir())
    target = tmp_path / "sorted"
    assert cli.main([str(src), "--model", str(default_model_path), "--sort-into", str(target), "--move", "-q"]) == 0
    assert list(src.iterdir()) == []
    # the journal in the target is not a "skipped non-image" when the target is scanned
    from catdog_gui.core.scan import scan_paths

    paths, report = scan_paths([target])
    assert len(paths) == 3 and report.skipped_non_images == 0
    capsys.readouterr()
    assert cli.main(["--undo-sort", str(target)]) == 0
    assert capsys.readouterr().out.strip() == "Undone: moved 3 photos back"
    assert sorted(p.name for p in src.iterdir()) == before
    assert not target.exists()  # cat/, dog/, uncertain/ and the target it made, empty again, are gone
    assert cli.main(["--undo-sort", str(target)]) == 2  # the target went with the sort
    assert "catdog-classify: error: --undo-sort: " in capsys.readouterr().err  # "... is not a folder"
    target.mkdir()
    assert cli.main(["--undo-sort", str(target)]) == 2  # nothing to undo, as for a folder that is not there
    assert capsys.readouterr().err.startswith("catdog-classify: error: --undo-sort: no sort to undo in ")
    target.rmdir()
    # a copy: its undo removes the copies, one of them said in the singular
    assert cli.main([str(src / before[0]), "--model", str(default_model_path), "--sort-into", str(target),
                     "--copy", "-q"]) == 0
    capsys.readouterr()
    assert cli.main(["--undo-sort", str(target)]) == 0
    assert capsys.readouterr().out.strip() == "Undone: removed 1 copy" and not target.exists()


def test_a_verdict_set_by_hand_in_the_tags_decides_the_folder(default_model_path, cat_photos, tmp_path, capsys):
    from catdog_gui.core.xmp import SOURCE_HAND, Verdict, write_verdict

    src = tmp_path / "src"
    src.mkdir()
    for p in cat_photos[:2]:
        shutil.copy(p, src / p.name)
    marked = src / cat_photos[0].name
    assert write_verdict(marked, Verdict("dog", source=SOURCE_HAND)).action == "written"  # a person said dog
    target = tmp_path / "sorted"
    code = cli.main([str(src), "--model", str(default_model_path), "--skip-tagged", "--sort-into", str(target),
                     "--copy", "-q"])
    assert code == 0, capsys.readouterr().err
    assert (target / "dog" / marked.name).is_file() and (target / "dog" / (marked.name + ".xmp")).is_file()
    assert not (target / "cat" / marked.name).exists()


def test_undo_sort_dry_run_and_options_it_cannot_take(tiny_model_path, cat_photos, tmp_path, capsys):
    """--undo-sort --dry-run only says what it would do; options --undo-sort would ignore are refused (exit 2),
    and so is a TARGET that is not a folder."""
    src = tmp_path / "src"
    src.mkdir()
    for p in cat_photos[:2]:
        shutil.copy(p, src / p.name)
    target = tmp_path / "sorted"
    assert cli.main([str(src), "--model", str(tiny_model_path), "--sort-into", str(target), "--copy", "-q"]) == 0
    files = sorted(p for p in target.rglob("*"))
    capsys.readouterr()
    assert cli.main(["--undo-sort", str(target), "--dry-run"]) == 0
    assert capsys.readouterr().out.strip() == "Dry run: would remove 2 copies"
    assert sorted(p for p in target.rglob("*")) == files
    for extra in (["--csv", str(tmp_path / "x.csv")], [str(src)], ["--self-test"], ["--move"],
                  ["--threshold", "0.5"]):
        assert cli.main(["--undo-sort", str(target), *extra]) == 2
        assert "cannot be combined with" in capsys.readouterr().err
    assert sorted(p for p in target.rglob("*")) == files
    assert cli.main(["--undo-sort", str(tmp_path / "nowhere")]) == 2
    assert "is not a folder" in capsys.readouterr().err
    assert cli.main(["--undo-sort", str(target)]) == 0 and not target.exists()


def test_copying_the_same_folder_twice_copies_nothing_twice(tiny_model_path, cat_photos, dog_photos, tmp_path,
                                                            capsys):
    """The second --copy finds every photo already there (same bytes): counted, exit 0, no "name (1).jpg", and
    nothing journaled: --undo-sort after it undoes the first copy."""
    src, target = tmp_path / "g3", tmp_path / "cp1"
    src.mkdir()
    for p in cat_photos[:3] + dog_photos[:3]:
        shutil.copy(p, src / p.name)
    args = [str(src), "--model", str(tiny_model_path), "--sort-into", str(target), "--copy", "-q"]
    assert cli.main(args) == 0
    first = sorted(p.relative_to(target) for p in target.rglob("*.jpg"))
    assert len(first) == 6
    capsys.readouterr()
    assert cli.main(args) == 0
    assert f"Copied 0 photo(s) into {target} (6 already there with the same bytes, skipped)" in capsys.readouterr().out
    assert sorted(p.relative_to(target) for p in target.rglob("*.jpg")) == first
    # the second run copied nothing, so it is no step to undo: --undo-sort takes back the first run's copies
    assert cli.main(["--undo-sort", str(target)]) == 0
    assert "Undone: removed 6 copies" in capsys.readouterr().out
    assert not list(target.rglob("*.jpg")) and sorted(p.name for p in src.iterdir()) == sorted(
        p.name for p in cat_photos[:3] + dog_photos[:3])


def test_move_never_takes_photos_through_a_folder_link_leading_outside(tiny_model_path, cat_photos, dog_photos,
                                                                        tmp_path, capsys):
    """tester8's finding 3: `catdog-classify album --sort-into sorted --move` with `album/up -> ..` moved
    `other/not_mine.jpg`, a photo in a folder never named. The link is not followed, and the summary says so."""
    import re

    album, other = tmp_path / "album", tmp_path / "other"
    album.mkdir()
    other.mkdir()
    shutil.copy(cat_photos[0], album / "mine.jpg")
    shutil.copy(dog_photos[0], other / "not_mine.jpg")
    os.symlink("..", album / "up")
    target = tmp_path / "sorted"
    code = cli.main([str(album), "--model", str(tiny_model_path), "--sort-into", str(target), "--move", "-q"])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert (other / "not_mine.jpg").is_file() and not (album / "mine.jpg").exists()
    assert [p.name for p in target.rglob("*.jpg")] == ["mine.jpg"]
    assert re.search(r"^\s+folder links leading outside skipped\s+1$", out, re.M), out
    assert f"folder link not followed: {str(album / 'up')!r} -> {str(tmp_path)!r}" in err
    assert "name the link itself to include it" in err
    # only the link there: nothing to classify, and the warning says why
    code = cli.main([str(album), "--model", str(tiny_model_path), "--csv", str(tmp_path / "o.csv"), "-q"])
    assert code == 0
    err = capsys.readouterr().err
    assert "no images found" in err and "(1 folder link(s) leading outside not followed)" in err, err


def test_a_second_run_that_moved_nothing_is_no_sort_to_undo(tiny_model_path, cat_photos, dog_photos, tmp_path,
                                                            capsys, monkeypatch):
    """Two --move runs on the same folder at once: the first moves every photo between the second one's plan
    and its sort. The second says so (exit 1) and journals nothing, so one --undo-sort brings the photos back.
    A journal an older version wrote (a header with no photo) is passed over; one with nothing else is "no
    sort to undo" (exit 2)."""
    from catdog_gui.core import sorting

    src, target = tmp_path / "src_race", tmp_path / "sorted_race"
    src.mkdir()
    for p in cat_photos[:3] + dog_photos[:3]:
        shutil.copy(p, src / p.name)
    before = sorted(p.name for p in src.iterdir())
    real_plan = sorting.plan_sort

    def plan_then_the_other_run_moves(results, *args, **kwargs):
        plan = real_plan(results, *args, **kwargs)
        assert len(sorting.run_sort(real_plan(results, *args, **kwargs), "move").done) == 6  # the first run
        return plan

    monkeypatch.setattr(sorting, "plan_sort", plan_then_the_other_run_moves)
    args = [str(src), "--model", str(tiny_model_path), "--sort-into", str(target), "--move", "-q"]
    assert cli.main(args) == 1
    out, err = capsys.readouterr()
    assert f"Moved 0 photo(s) into {target}" in out and err.count("could not sort") == 6
    journal = target / sorting.JOURNAL_NAME
    assert journal.read_text(encoding="utf-8").count('"mode"') == 1
    with open(journal, "a", encoding="utf-8") as f:  # what an older version appended for that second run
        f.write(f'{{"mode": "move", "target": "{target}"}}\n')
    assert cli.main(["--undo-sort", str(target)]) == 0
    out = capsys.readouterr().out
    assert out.strip() == "Undone: moved 6 photos back"  # not "moved 0", and no earlier sort left
    assert sorted(p.name for p in src.iterdir()) == before and not target.exists()
    target.mkdir()
    journal.write_text(f'{{"mode": "move", "target": "{target}"}}\n', encoding="utf-8")
    assert cli.main(["--undo-sort", str(target)]) == 2
    assert "no sort to undo in" in capsys.readouterr().err and not journal.exists()
