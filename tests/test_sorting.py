"""core.sorting: copy or move real photos into <target>/<label> and <target>/uncertain, never overwriting,
with a journal to undo; a read-only target and a full disk are reported, not raised."""

from __future__ import annotations

import errno
import json
import filecmp
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from catdog_gui.core import sorting
from catdog_gui.core.results import Result
from catdog_gui.core.sorting import JOURNAL_NAME, plan_sort, run_sort, undo_sort


@pytest.fixture
def photos(tmp_path, cat_photos, dog_photos):
    """Real photos in two folders with clashing names, as classified: cats, dogs, one uncertain, one error."""
    src = tmp_path / "src"
    (src / "a").mkdir(parents=True)
    (src / "b").mkdir()
    rows = []
    for i, p in enumerate(cat_photos[:3]):
        shutil.copy(p, src / "a" / f"pet{i}.jpg")
        rows.append(Result(str(src / "a" / f"pet{i}.jpg"), "ok", "cat", 0.95, (0.95, 0.05)))
    for i, p in enumerate(dog_photos[:2]):
        shutil.copy(p, src / "b" / f"pet{i}.jpg")
        rows.append(Result(str(src / "b" / f"pet{i}.jpg"), "ok", "dog" if i else "cat", 0.9, (0.1, 0.9)))
    shutil.copy(dog_photos[2], src / "b" / "unsure.jpg")
    rows.append(Result(str(src / "b" / "unsure.jpg"), "ok", "dog", 0.55, (0.45, 0.55)))
    (src / "b" / "broken.jpg").write_bytes(b"not a photo")
    rows.append(Result(str(src / "b" / "broken.jpg"), "error", error="cannot identify image file"))
    return rows


def test_copy_sorts_by_verdict_with_suffixes_and_never_overwrites(photos, tmp_path):
    target = tmp_path / "sorted"
    (target / "cat").mkdir(parents=True)
    (target / "cat" / "pet1.jpg").write_bytes(b"keep me")  # already there
    plan = plan_sort(photos, target, ["cat", "dog"], threshold=0.8)
    dest = {os.path.relpath(i.source, tmp_path / "src"): os.path.relpath(i.destination, target) for i in plan}
    assert dest == {"a/pet0.jpg": "cat/pet0.jpg", "a/pet1.jpg": "cat/pet1 (1).jpg", "a/pet2.jpg": "cat/pet2.jpg",
                    "b/pet0.jpg": "cat/pet0 (1).jpg", "b/pet1.jpg": "dog/pet1.jpg",
                    "b/unsure.jpg": "uncertain/unsure.jpg"}  # the broken photo stays where it is
    # a name taken between the plan and the run gets the next suffix
    (target / "dog").mkdir()
    (target / "dog" / "pet1.jpg").write_bytes(b"arrived meanwhile")
    seen = []
    report = run_sort(plan, "copy", progress=lambda done, total: seen.append((done, total)))
    assert not report.failed and len(report.done) == 6 and seen[-1] == (6, 6)
    assert (target / "cat" / "pet1.jpg").read_bytes() == b"keep me"
    assert (target / "dog" / "pet1.jpg").read_bytes() == b"arrived meanwhile"
    for source, destination in report.done:
        assert os.path.exists(source) and filecmp.cmp(source, destination, shallow=False)
    assert os.path.basename(dict(report.done)[photos[4].path]) == "pet1 (1).jpg"
    # undo deletes the copies only
    undone = undo_sort(target / JOURNAL_NAME)
    assert len(undone.done) == 6 and not (target / JOURNAL_NAME).exists()
    assert sorted(p.name for p in (target / "cat").iterdir()) == ["pet1.jpg"]


def test_move_and_undo_puts_every_photo_back(photos, tmp_path):
    before = {r.path: Path(r.path).read_bytes() for r in photos}
    target = tmp_path / "sorted"
    report = run_sort(plan_sort(photos, target, ["cat", "dog"]), "move")
    assert len(report.done) == 6 and not report.failed
    for source, destination in report.done:
        assert not os.path.exists(source) and Path(destination).read_bytes() == before[source]
    assert os.path.exists(photos[-1].path)  # the unreadable one was not moved
    undone = undo_sort(target / JOURNAL_NAME)
    assert len(undone.done) == 6 and not undone.failed
    for path, data in before.items():
        assert Path(path).read_bytes() == data


def _make_read_only(folder):
    if os.geteuid() == 0:  # root ignores permissions; the immutable flag stops root too
        if shutil.which("chattr") is None or subprocess.run(["chattr", "+i", str(folder)]).returncode != 0:
            pytest.skip("cannot make a folder read-only as root here (no chattr +i)")
        return lambda: subprocess.run(["chattr", "-i", str(folder)])
    folder.chmod(0o555)
    return lambda: folder.chmod(0o755)


def test_read_only_target_reports_every_photo_and_touches_nothing(photos, tmp_path):
    target = tmp_path / "read-only"
    target.mkdir()
    restore = _make_read_only(target)
    try:
        report = run_sort(plan_sort(photos, target, ["cat", "dog"]), "move")
    finally:
        restore()
    assert not report.done and len(report.failed) == 6
    assert all(reason for _, reason in report.failed)
    assert all(os.path.exists(r.path) for r in photos) and list(target.iterdir()) == []


def test_full_disk_stops_the_run_and_leaves_no_partial_file(photos, tmp_path, monkeypatch):
    """The third copy hits ENOSPC after writing part of the photo (simulated in the copy loop)."""
    real = shutil.copyfileobj
    calls = []

    def copyfileobj(fin, fout, length=0):
        calls.append(1)
        if len(calls) == 3:
            fout.write(fin.read(1000))
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(fin, fout, length)

    monkeypatch.setattr(sorting.shutil, "copyfileobj", copyfileobj)
    target = tmp_path / "sorted"
    plan = plan_sort(photos, target, ["cat", "dog"])
    report = run_sort(plan, "copy")
    assert len(report.done) == 2 and len(report.failed) == 1 and "full" in report.stopped
    assert not os.path.exists(plan[2].destination)  # the partial file was removed
    files = sorted(p for p in target.rglob("*") if p.is_file() and p.name != JOURNAL_NAME)
    assert len(files) == 2
    assert all(os.path.exists(r.path) for r in photos)


def test_move_whose_original_cannot_be_removed_leaves_no_copy_behind(photos, tmp_path, monkeypatch):
    """A read-only source folder (simulated: root ignores permissions): the link into the target is made,
    removing the original fails with EACCES; the photo is reported as not moved and the target keeps no copy
    the journal does not know about."""
    locked = tmp_path / "src" / "b"
    real_unlink = os.unlink

    def unlink(path, *args, **kwargs):
        if os.path.dirname(os.fspath(path)) == str(locked):
            raise PermissionError(errno.EACCES, "Permission denied", os.fspath(path))
        return real_unlink(path, *args, **kwargs)

    monkeypatch.setattr(sorting.os, "unlink", unlink)
    target = tmp_path / "sorted"
    report = run_sort(plan_sort(photos, target, ["cat", "dog"]), "move")
    monkeypatch.undo()
    failed = {source for source, _ in report.failed}
    assert failed == {r.path for r in photos if r.ok and os.path.dirname(r.path) == str(locked)}
    assert all("Permission denied" in reason for _, reason in report.failed)
    assert len(report.done) == 3 and all(os.path.exists(source) for source in failed)
    in_target = sorted(str(p) for p in target.rglob("*") if p.is_file() and p.name != JOURNAL_NAME)
    assert in_target == sorted(destination for _, destination in report.done)
    undone = undo_sort(target / JOURNAL_NAME)
    assert len(undone.done) == 3 and not undone.failed
    assert all(os.path.exists(r.path) for r in photos)
    assert not [p for p in target.rglob("*") if p.is_file()]


def test_sidecars_move_with_their_photo_with_the_same_suffix_and_come_back(tmp_path, cat_photos, dog_photos):
    src, target = tmp_path / "src", tmp_path / "sorted"
    src.mkdir()
    shutil.copy(cat_photos[0], src / "a.jpg")
    (src / "a.jpg.xmp").write_bytes(b"<x:xmpmeta>a append</x:xmpmeta>")
    (src / "a.xmp").write_bytes(b"<x:xmpmeta>a replace</x:xmpmeta>")
    shutil.copy(dog_photos[0], src / "b.jpg")  # b.xmp is shared with b.png: copied, not taken from b.png
    shutil.copy(dog_photos[1], src / "b.png")
    (src / "b.xmp").write_bytes(b"<x:xmpmeta>b shared</x:xmpmeta>")
    (target / "cat").mkdir(parents=True)
    (target / "cat" / "a.jpg.xmp").write_bytes(b"an orphan sidecar")  # a.jpg is free but its sidecar name is not
    rows = [Result(str(src / "a.jpg"), "ok", "cat", 0.99, (0.99, 0.01)),
            Result(str(src / "b.jpg"), "ok", "dog", 0.99, (0.01, 0.99))]
    before = {p.name: p.read_bytes() for p in src.iterdir()}
    plan = plan_sort(rows, target, ["cat", "dog"], threshold=0.8)
    assert [os.path.basename(i.destination) for i in plan] == ["a (1).jpg", "b.jpg"]
    report = run_sort(plan, "move")
    assert not report.failed
    assert (target / "cat" / "a (1).jpg.xmp").read_bytes() == before["a.jpg.xmp"]
    assert (target / "cat" / "a (1).xmp").read_bytes() == before["a.xmp"]
    assert (target / "cat" / "a.jpg.xmp").read_bytes() == b"an orphan sidecar"
    assert (target / "dog" / "b.xmp").read_bytes() == before["b.xmp"]
    assert sorted(p.name for p in src.iterdir()) == ["b.png", "b.xmp"]  # b.png keeps its sidecar
    undo = undo_sort(target / JOURNAL_NAME)
    assert not undo.failed
    assert {p.name: p.read_bytes() for p in src.iterdir()} == before
    assert sorted(p.name for p in (target / "cat").iterdir()) == ["a.jpg.xmp"]
    # a copy takes copies of the sidecars, and its undo deletes them only
    report = run_sort(plan_sort(rows, target, ["cat", "dog"], threshold=0.8), "copy")
    assert (target / "cat" / "a (1).xmp").read_bytes() == before["a.xmp"] and (src / "a.xmp").exists()
    undo_sort(target / JOURNAL_NAME)
    assert not (target / "cat" / "a (1).xmp").exists() and {p.name: p.read_bytes() for p in src.iterdir()} == before


def test_a_photo_already_in_its_folder_is_left_alone(tmp_path, cat_photos, dog_photos):
    """Sorting a folder into itself, twice: the second time nothing is renamed."""
    folder = tmp_path / "pets"
    folder.mkdir()
    for i, p in enumerate(cat_photos[:2] + dog_photos[:2]):
        shutil.copy(p, folder / f"p{i}.jpg")

    def rows():
        return [Result(str(p), "ok", "cat" if p.name < "p2" else "dog", 0.99, ())
                for p in sorted(folder.rglob("*.jpg"))]

    first = run_sort(plan_sort(rows(), folder, ["cat", "dog"], threshold=0.8), "move")
    assert len(first.done) == 4 and not first.in_place
    layout = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*.jpg"))
    assert layout == ["cat/p0.jpg", "cat/p1.jpg", "dog/p2.jpg", "dog/p3.jpg"]
    plan = plan_sort(rows(), folder, ["cat", "dog"], threshold=0.8)
    assert all(i.in_place and i.destination == i.source for i in plan)
    second = run_sort(plan, "move")
    assert not second.done and not second.failed and len(second.in_place) == 4
    assert sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*.jpg")) == layout
    # a target given by another spelling of the same folder is the same folder
    spelled = str(folder / "cat" / "..")
    assert all(i.in_place for i in plan_sort(rows(), spelled, ["cat", "dog"], threshold=0.8))


def test_moving_a_relative_symlink_keeps_it_pointing_at_the_photo(tmp_path, cat_photos):
    real, src, target = tmp_path / "real", tmp_path / "src", tmp_path / "sorted"
    real.mkdir()
    src.mkdir()
    shutil.copy(cat_photos[0], real / "cat.jpg")
    (src / "cat.jpg").symlink_to("../real/cat.jpg")
    rows = [Result(str(src / "cat.jpg"), "ok", "cat", 0.99, (0.99, 0.01))]
    report = run_sort(plan_sort(rows, target, ["cat", "dog"], threshold=0.8), "move")
    moved = target / "cat" / "cat.jpg"
    assert not report.failed and moved.is_symlink() and not (src / "cat.jpg").exists()
    assert os.readlink(moved) == "../../real/cat.jpg" and moved.read_bytes() == (real / "cat.jpg").read_bytes()
    assert not undo_sort(target / JOURNAL_NAME).failed
    assert os.readlink(src / "cat.jpg") == "../real/cat.jpg" and not moved.exists()
    # a copy copies the photo the link points at
    run_sort(plan_sort(rows, target, ["cat", "dog"], threshold=0.8), "copy")
    assert not moved.is_symlink() and moved.read_bytes() == (real / "cat.jpg").read_bytes()


def test_a_partial_undo_keeps_only_what_is_left_and_a_retry_finishes(photos, tmp_path):
    """One sorted photo renamed by hand: the undo moves the others back and keeps just that one in the
    journal; once renamed back, undoing again finishes (it was stuck on the photos already back)."""
    before = {r.path: Path(r.path).read_bytes() for r in photos}
    target = tmp_path / "sorted"
    report = run_sort(plan_sort(photos, target, ["cat", "dog"]), "move")
    renamed_from = report.done[0][1]
    os.rename(renamed_from, renamed_from + ".renamed")
    first = undo_sort(target / JOURNAL_NAME)
    assert len(first.done) == 5 and [p for p, _ in first.failed] == [renamed_from]
    assert (target / JOURNAL_NAME).exists()
    assert undo_sort(target / JOURNAL_NAME, dry_run=True).failed == first.failed  # still not there
    os.rename(renamed_from + ".renamed", renamed_from)
    second = undo_sort(target / JOURNAL_NAME)
    assert second.done == [(renamed_from, report.done[0][0])] and not second.failed
    assert not target.exists()
    for path, data in before.items():
        assert Path(path).read_bytes() == data


def test_dry_run_undo_changes_nothing_and_says_what_would_happen(photos, tmp_path):
    target = tmp_path / "sorted"
    report = run_sort(plan_sort(photos, target, ["cat", "dog"]), "copy")
    files = sorted(p for p in tmp_path.rglob("*"))
    preview = undo_sort(target / JOURNAL_NAME, dry_run=True)
    assert sorted(preview.done) == sorted((d, s) for s, d in report.done) and not preview.failed
    assert sorted(p for p in tmp_path.rglob("*")) == files


def test_undo_follows_a_renamed_target_folder(photos, tmp_path):
    before = {r.path: Path(r.path).read_bytes() for r in photos}
    target = tmp_path / "sorted"
    run_sort(plan_sort(photos, target, ["cat", "dog"]), "move")
    renamed = tmp_path / "sorted by hand"
    os.rename(target, renamed)
    undone = undo_sort(renamed / JOURNAL_NAME)
    assert len(undone.done) == 6 and not undone.failed
    assert all(d.startswith(str(renamed)) for d, _ in undone.done)
    for path, data in before.items():
        assert Path(path).read_bytes() == data
    assert not renamed.exists()


def test_a_sidecar_removed_since_the_sort_does_not_fail_its_photo(tmp_path, cat_photos):
    """Undo Write Tags after a move removes the moved sidecar; the sort's undo then brings the photo back
    without calling it failed."""
    src = tmp_path / "src"
    src.mkdir()
    shutil.copy(cat_photos[0], src / "pet.jpg")
    (src / "pet.jpg.xmp").write_text("<x:xmpmeta xmlns:x='adobe:ns:meta/'/>")
    rows = [Result(str(src / "pet.jpg"), "ok", "cat", 0.99, (0.99, 0.01))]
    report = run_sort(plan_sort(rows, tmp_path / "sorted", ["cat", "dog"]), "move")
    moved_sidecar = report.sidecars[0][1]
    assert report.sidecars == [(str(src / "pet.jpg.xmp"), moved_sidecar)]
    os.unlink(moved_sidecar)
    undone = undo_sort(tmp_path / "sorted" / JOURNAL_NAME)
    assert undone.done == [(report.done[0][1], str(src / "pet.jpg"))] and not undone.failed
    assert (src / "pet.jpg").exists() and not (src / "pet.jpg.xmp").exists()


def _files(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


def test_copying_the_same_photos_twice_skips_those_already_there(photos, tmp_path, dog_photos):
    """The second copy finds every photo's bytes already there (under its name or its suffixed one) and skips
    it, journaling nothing; a different photo with the same name still gets a suffix; the undo removes only
    this run's copies."""
    target = tmp_path / "sorted"
    first = run_sort(plan_sort(photos, target, ["cat", "dog"], threshold=0.8), "copy")
    assert len(first.done) == 6 and not first.failed
    layout = _files(target)
    plan = plan_sort(photos, target, ["cat", "dog"], threshold=0.8)
    assert all(i.already and not i.in_place for i in plan)
    assert sorted((i.source, i.destination) for i in plan) == sorted(first.done)  # b/pet0.jpg: cat/pet0 (1).jpg
    second = run_sort(plan, "copy")
    assert not second.done and not second.failed and sorted(second.already) == sorted(first.done)
    assert _files(target) == layout
    # a run that copied nothing is no sort to undo: the next undo would take back the first sort, whole
    preview = undo_sort(target / JOURNAL_NAME, dry_run=True)
    assert sorted(preview.done) == sorted((d, s) for s, d in first.done) and preview.earlier == 0
    assert _files(target) == layout
    # a different photo under a name already there gets the next free suffix; only it is copied and undone
    shutil.copy(dog_photos[5], photos[0].path)  # a/pet0.jpg: new bytes (cat/pet0.jpg and pet0 (1).jpg differ)
    third = run_sort(plan_sort(photos, target, ["cat", "dog"], threshold=0.8), "copy")
    assert [os.path.relpath(d, target) for _, d in third.done] == ["cat/pet0 (2).jpg"] and len(third.already) == 5
    assert filecmp.cmp(photos[0].path, target / "cat" / "pet0 (2).jpg", shallow=False)
    undone = undo_sort(target / JOURNAL_NAME)
    assert [s for _, s in undone.done] == [photos[0].path] and undone.earlier == 1
    assert _files(target) == layout


def test_already_there_needs_the_same_sidecars_and_a_move_leaves_the_original(tmp_path, cat_photos):
    """A photo whose sidecar changed since it was copied is copied again (with the new sidecar); a move of a
    photo already there leaves the original where it is; a file changed between the plan and the run is not
    taken for the photo."""
    src, target = tmp_path / "src", tmp_path / "sorted"
    src.mkdir()
    for i in range(3):
        shutil.copy(cat_photos[i], src / f"c{i}.jpg")
    (src / "c0.jpg.xmp").write_bytes(b"<x:xmpmeta>old tags</x:xmpmeta>")
    rows = [Result(str(src / f"c{i}.jpg"), "ok", "cat", 0.99, (0.99, 0.01)) for i in range(3)]
    run_sort(plan_sort(rows, target, ["cat", "dog"], threshold=0.8), "copy")
    (src / "c0.jpg.xmp").write_bytes(b"<x:xmpmeta>new tags</x:xmpmeta>")
    plan = plan_sort(rows, target, ["cat", "dog"], threshold=0.8)
    assert [(os.path.basename(i.destination), i.already) for i in plan] == [
        ("c0 (1).jpg", False), ("c1.jpg", True), ("c2.jpg", True)]
    (target / "cat" / "c2.jpg").write_bytes(cat_photos[5].read_bytes())  # changed after the plan
    report = run_sort(plan, "move")
    assert [os.path.relpath(d, target) for _, d in report.done] == ["cat/c0 (1).jpg", "cat/c2 (1).jpg"]
    assert report.already == [(str(src / "c1.jpg"), str(target / "cat" / "c1.jpg"))]
    assert (target / "cat" / "c0 (1).jpg.xmp").read_bytes() == b"<x:xmpmeta>new tags</x:xmpmeta>"
    assert sorted(p.name for p in src.iterdir()) == ["c1.jpg"]  # skipped: stays where it is
    assert filecmp.cmp(src / "c1.jpg", cat_photos[1], shallow=False)


def test_a_target_that_refuses_is_named_in_the_reason(photos, tmp_path, monkeypatch):
    """A target folder that may not be written (simulated: root ignores permissions) fails every photo with
    a reason that names the folder, not only 'Permission denied' beside each photo's name."""
    target = tmp_path / "sorted"
    target.mkdir()

    def makedirs(path, *args, **kwargs):
        if not os.path.isdir(path):
            raise PermissionError(errno.EACCES, "Permission denied", os.fspath(path))

    monkeypatch.setattr(sorting.os, "makedirs", makedirs)
    report = run_sort(plan_sort(photos, target, ["cat", "dog"]), "copy")
    monkeypatch.undo()
    assert not report.done and len(report.failed) == sum(r.ok for r in photos)
    # the folder that refused: the target, which cat/ and dog/ could not be created in
    assert {reason for _, reason in report.failed} == {f"Permission denied: {target}"}


def _headers(journal: Path) -> int:
    return sum('"mode"' in line for line in journal.read_text(encoding="utf-8").splitlines())


def test_a_sort_that_moved_nothing_leaves_no_step_to_undo(photos, tmp_path):
    """Two runs planned on the same photos (a second catdog-classify racing the first): the second finds every
    photo gone, moves nothing and journals nothing, so one undo brings the photos back. Into a new target the
    failed run leaves no journal and no folders behind."""
    before = {r.path: Path(r.path).read_bytes() for r in photos}
    target, journal = tmp_path / "sorted", tmp_path / "sorted" / JOURNAL_NAME
    first_plan, second_plan = (plan_sort(photos, target, ["cat", "dog"]) for _ in range(2))
    assert len(run_sort(first_plan, "move").done) == 6
    journal_then = journal.read_bytes()
    second = run_sort(second_plan, "move")
    assert not second.done and len(second.failed) == 6
    assert journal.read_bytes() == journal_then and _headers(journal) == 1
    other = tmp_path / "other"
    lost = run_sort(plan_sort(photos, other, ["cat", "dog"]), "copy")  # copies of photos that are gone
    assert not lost.done and len(lost.failed) == 6 and not other.exists()
    undone = undo_sort(journal)
    assert len(undone.done) == 6 and not undone.failed and undone.earlier == 0 and not target.exists()
    for path, data in before.items():
        assert Path(path).read_bytes() == data


def test_undo_passes_over_sorts_that_changed_no_file(photos, tmp_path):
    """Journals written by older versions hold a header with no photo for a run in which every photo failed
    (and a crash during a run's first line can leave one): the undo passes over it and drops it, the count of
    earlier sorts leaves it out, and a journal of nothing else is no sort to undo (and is removed)."""
    before = {r.path: Path(r.path).read_bytes() for r in photos}
    target, journal = tmp_path / "sorted", tmp_path / "sorted" / JOURNAL_NAME
    run_sort(plan_sort(photos[:2], target, ["cat", "dog"]), "copy")
    run_sort(plan_sort(photos[2:], target, ["cat", "dog"]), "move")
    empty = json.dumps({"mode": "move", "target": str(target)}) + "\n"
    made = tmp_path / "sorted" / "made-by-the-empty-sort"
    made.mkdir()
    with open(journal, "a", encoding="utf-8") as f:  # an old run that failed for every photo, then a cut one
        f.write(empty + json.dumps({"created": str(made)}) + "\n" + empty + '{"source": "/x.jp')
    assert sorting.count_sorts(journal) == 2
    undone = undo_sort(journal)
    assert len(undone.done) == 4 and undone.earlier == 1 and not made.exists()
    assert _headers(journal) == 1 and sorting.count_sorts(journal) == 1
    for path, data in before.items():
        assert Path(path).read_bytes() == data
    assert len(undo_sort(journal).done) == 2 and not target.exists()
    target.mkdir()
    journal.write_text(empty + empty, encoding="utf-8")
    with pytest.raises(sorting.NothingToUndo):
        undo_sort(journal, dry_run=True)
    assert journal.exists() and sorting.count_sorts(journal) == 0
    with pytest.raises(FileNotFoundError):  # what the app's Undo Last Sort takes as "nothing to undo"
        undo_sort(journal)
    assert not journal.exists()


def test_a_run_after_a_cut_first_line_journals_after_the_earlier_sorts(photos, tmp_path):
    """A run killed while writing its first line leaves a header and a cut line; the next run that moves a photo
    appends after the complete lines, and undoing twice brings everything back."""
    target, journal = tmp_path / "sorted", tmp_path / "sorted" / JOURNAL_NAME
    run_sort(plan_sort(photos[:3], target, ["cat", "dog"]), "move")
    with open(journal, "a", encoding="utf-8") as f:
        f.write(json.dumps({"mode": "move", "target": str(target)}) + '\n{"created": "/tm')
    run_sort(plan_sort(photos[3:], target, ["cat", "dog"]), "move")
    assert sorting.count_sorts(journal) == 2
    assert undo_sort(journal).earlier == 1 and len(undo_sort(journal).done) == 3
    assert all(os.path.exists(r.path) for r in photos)
