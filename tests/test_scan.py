"""catdog_gui.core.scan: files and folders -> image paths."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from PIL import Image

from catdog_gui.core.scan import ScanReport, is_image_candidate, iter_image_paths, scan_paths


@pytest.fixture()
def tree(tmp_path, cat_photos, dog_photos) -> Path:
    """photos/{a.jpg, b.JPG, no_extension (JPEG), fake.png (PNG bytes), notes.txt, data.json, ._a.jpg (AppleDouble),
    sub/{c.jpeg, readme.md, deeper/d.png}}"""
    root = tmp_path / "photos"
    (root / "sub" / "deeper").mkdir(parents=True)
    shutil.copy(cat_photos[0], root / "a.jpg")
    shutil.copy(dog_photos[0], root / "b.JPG")
    shutil.copy(cat_photos[1], root / "no_extension")
    Image.open(dog_photos[1]).save(root / "fake.png", format="PNG")
    (root / "notes.txt").write_text("not an image")
    (root / "data.json").write_text("{}")
    (root / "._a.jpg").write_bytes(b"\x00\x05\x16\x07\x00\x02\x00\x00Mac OS X        " + b"\x00" * 64)
    shutil.copy(cat_photos[2], root / "sub" / "c.jpeg")
    (root / "sub" / "readme.md").write_text("# hi")
    Image.open(cat_photos[3]).save(root / "sub" / "deeper" / "d.png")
    return root


def names(paths) -> list[str]:
    return [os.path.basename(p) for p in paths]


def test_recursive_scan_skips_non_images_and_counts_them(tree):
    paths, report = scan_paths([tree])
    assert sorted(names(paths)) == ["a.jpg", "b.JPG", "c.jpeg", "d.png", "fake.png", "no_extension"]
    assert report.skipped_non_images == 4  # notes.txt, data.json, readme.md, ._a.jpg
    assert report.missing == [] and report.unreadable_dirs == []
    assert all(os.path.isabs(p) for p in paths)
    assert paths == list(iter_image_paths([tree]))  # stable order


def test_candidates_by_extension_any_case_or_by_content(tree, tmp_path):
    for ext in (".jpg", ".JPG", ".jpeg", ".jfif", ".webp", ".bmp", ".tif", ".TIFF", ".gif", ".heic", ".HEIF",
                ".avif", ".png"):
        assert is_image_candidate(tmp_path / f"x{ext}")  # by name (need not exist)
    assert is_image_candidate(tree / "no_extension")  # JPEG bytes, no extension
    assert not is_image_candidate(tree / "notes.txt")
    for head in (b"\x89PNG\r\n\x1a\n", b"GIF89a", b"RIFF\x00\x00\x00\x00WEBPVP8 ", b"II*\x00",
                 b"\x00\x00\x00\x18ftypheic", b"\x00\x00\x00\x1cftypavif", b"BM"):
        f = tmp_path / "unnamed"
        f.write_bytes(head + b"\x00" * 32)
        assert is_image_candidate(f), head
    (tmp_path / "unnamed").write_bytes(b"\x00\x00\x00\x18ftypmp42")  # a video, not HEIF
    assert not is_image_candidate(tmp_path / "unnamed")


def test_explicit_files_always_get_a_row(tree):
    paths, report = scan_paths([tree / "notes.txt", tree / "a.jpg"])
    assert names(paths) == ["notes.txt", "a.jpg"]  # asked for by name: an (error) row, not silence
    assert report.skipped_non_images == 0


def test_a_file_named_and_inside_a_named_folder_is_counted_once(tree):
    """`catdog-classify photos photos/notes.txt`: notes.txt gets its (error) row as a named file and is not
    also counted as skipped in the folder (it was both); the folder's other non-images still are."""
    for order in ([tree, tree / "notes.txt"], [tree / "notes.txt", tree]):
        paths, report = scan_paths(order)
        assert names(paths).count("notes.txt") == 1
        assert report.skipped_non_images == 3  # data.json, readme.md, ._a.jpg


def test_missing_paths_reported(tree, tmp_path):
    paths, report = scan_paths([tmp_path / "ghost.jpg", tree / "a.jpg", tmp_path / "gone"])
    assert names(paths) == ["a.jpg"]
    assert report.missing == [str(tmp_path / "ghost.jpg"), str(tmp_path / "gone")]


def test_duplicates_give_one_path(tree):
    os.symlink(tree / "a.jpg", tree / "sub" / "link_to_a.jpg")
    inputs = [tree / "a.jpg", tree, tree / "sub", str(tree / "sub" / ".." / "a.jpg"), tree / "a.jpg",
              tree / "sub" / "link_to_a.jpg"]
    paths, _ = scan_paths(inputs)
    assert len(paths) == len(set(os.path.realpath(p) for p in paths)) == 6
    assert names(paths).count("a.jpg") == 1 and "link_to_a.jpg" not in names(paths)
    assert paths[0] == str(tree / "a.jpg")  # the name the user gave first is the one kept


def test_symlink_loops_terminate(tree):
    os.symlink(tree, tree / "sub" / "loop_to_root")
    os.symlink(tree / "sub", tree / "sub" / "deeper" / "loop_to_sub")
    os.symlink(tree / "self", tree / "self")  # a link to itself
    paths, report = scan_paths([tree])
    assert sorted(names(paths)) == ["a.jpg", "b.JPG", "c.jpeg", "d.png", "fake.png", "no_extension"]


@pytest.mark.skipif(os.name != "posix", reason="symlinks need privileges on Windows")
def test_a_folder_link_leading_outside_is_not_followed_but_counted(tmp_path, cat_photos, dog_photos):
    """tester8's finding 3: ``catdog-classify album --sort-into sorted --move`` with ``album/up -> ..`` moved a
    photo out of ``other``, a folder never named. Links out are not followed (counted instead); a link named
    itself is followed, as the user chose it."""
    album, other = tmp_path / "album", tmp_path / "other"
    album.mkdir()
    other.mkdir()
    shutil.copy(cat_photos[0], album / "mine.jpg")
    shutil.copy(dog_photos[0], other / "not_mine.jpg")
    os.symlink("..", album / "up")  # relative, as `ln -s .. album/up` makes it
    os.symlink(other, album / "to_other")
    paths, report = scan_paths([album])
    assert names(paths) == ["mine.jpg"]
    assert report.outside_links == [str(album / "to_other"), str(album / "up")]
    assert report.skipped_non_images == 0 and report.unreadable_dirs == []
    paths, report = scan_paths([album / "to_other"])  # named: followed
    assert paths == [str(album / "to_other" / "not_mine.jpg")] and report.outside_links == []
    paths, report = scan_paths([album, other])  # the link leads into a folder named too: no photo is left out
    assert sorted(names(paths)) == ["mine.jpg", "not_mine.jpg"] and len(paths) == 2
    assert report.outside_links == [str(album / "up")]  # up is tmp_path: outside both


@pytest.mark.skipif(os.name != "posix", reason="symlinks need privileges on Windows")
def test_folder_links_inside_the_named_folder_are_followed_once(tree, tmp_path, cat_photos):
    shared = tree / "sub" / "shared"
    shared.mkdir()
    shutil.copy(cat_photos[4], shared / "e.jpg")
    os.symlink(shared, tree / "a_shortcut")  # inside the tree: followed, e.jpg yielded once
    os.symlink("../sub", tree / "sub" / "deeper" / "up_again")
    paths, report = scan_paths([tree])
    # under its real path, though the link sorts first by name (links are walked after the real folders)
    assert names(paths).count("e.jpg") == 1 and str(shared / "e.jpg") in paths
    assert report.outside_links == [] and len(paths) == 7
    paths, report = scan_paths([tree / "sub"])  # named the subfolder: a_shortcut is not met at all
    assert names(paths).count("e.jpg") == 1 and report.outside_links == []
    os.symlink(tree, tmp_path / "photos_link")  # a named folder that is itself a link: its inside is its target's
    paths, report = scan_paths([tmp_path / "photos_link"])
    assert len(paths) == 7 and report.outside_links == []


def test_known_paths_keep_their_name(tree, tmp_path):
    """tester8's finding 6: the app had a photo twice when a second drop reached it by another path; a
    file met before (a row in the table) is yielded under the path it was met by."""
    os.symlink(tree, tmp_path / "alias")
    first = list(iter_image_paths([tree]))
    again = list(iter_image_paths([tmp_path / "alias", tmp_path / "alias" / "a.jpg"], known=first))
    assert sorted(again) == sorted(first)
    assert list(iter_image_paths([tmp_path / "alias" / "a.jpg"], known=[])) == [str(tmp_path / "alias" / "a.jpg")]


def test_unreadable_subfolder_is_reported_and_the_rest_scanned(tree, unreadable):
    """Simulated: tests run as root here, and root can list a chmod 000 folder, so os.scandir is made to
    fail for that folder as it would for a normal user (the real chmod case runs below when not root)."""
    blocked = str(tree / "sub")
    unreadable(blocked)
    paths, report = scan_paths([tree])
    assert sorted(names(paths)) == ["a.jpg", "b.JPG", "fake.png", "no_extension"]
    assert report.unreadable_dirs == [blocked] and report.unreadable_why == {blocked: "Permission denied"}


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0,
                    reason="root reads chmod 000 folders anyway; covered by the simulated test above")
def test_unreadable_subfolder_real_permissions(tree):
    os.chmod(tree / "sub", 0)
    try:
        paths, report = scan_paths([tree])
    finally:
        os.chmod(tree / "sub", 0o755)
    assert sorted(names(paths)) == ["a.jpg", "b.JPG", "fake.png", "no_extension"]
    assert report.unreadable_dirs == [str(tree / "sub")]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_special_files_in_a_folder_are_counted_never_opened(tree, monkeypatch):
    """Pipes and devices are skipped non-images (tester8: they vanished from the count); opening a pipe
    with no writer would block, so the scan must not look at their bytes."""
    os.mkfifo(tree / "pipe.jpg")
    os.mkfifo(tree / "pipe_no_ext")
    os.symlink(os.devnull, tree / "null_dev.jpg")
    opened = []
    real_open = open
    monkeypatch.setattr("builtins.open", lambda f, *a, **k: opened.append(str(f)) or real_open(f, *a, **k))
    paths, report = scan_paths([tree])
    assert not {"pipe.jpg", "pipe_no_ext", "null_dev.jpg"} & set(names(paths))
    assert report.skipped_non_images == 4 + 3  # the tree's four, the two pipes and the device
    assert not [f for f in opened if "pipe" in f or "null_dev" in f]
    paths, report = scan_paths([tree, tree / "pipe.jpg"])  # named: its (error) row, not skipped as well
    assert "pipe.jpg" in names(paths) and report.skipped_non_images == 4 + 2


def test_iter_is_lazy_and_fills_the_report(tree):
    report = ScanReport()
    it = iter_image_paths([tree], report)
    first = next(it)
    assert os.path.basename(first) in {"a.jpg", "b.JPG", "fake.png", "no_extension"}
    rest = list(it)
    assert len(rest) == 5 and report.skipped_non_images == 4


def test_awkward_names_found(tmp_path, cat_photos):
    weird = ["with space.jpg", "comma,here.jpg", 'quote".jpg', "new\nline.jpg", "ünïcödé_猫.jpg", "=formula.jpg"]
    for name in weird:
        shutil.copy(cat_photos[0], tmp_path / name)
    paths, _ = scan_paths([tmp_path])
    assert sorted(names(paths)) == sorted(weird)
    assert all(Path(p).is_file() for p in paths)


@pytest.mark.skipif(os.name != "posix", reason="symlinks need privileges on Windows")
def test_broken_symlinks_get_a_row_or_are_counted_never_silently_dropped(tree):
    os.symlink(tree / "gone.jpg", tree / "broken.jpg")
    os.symlink(tree / "gone.txt", tree / "broken_link_note")
    paths, report = scan_paths([tree])
    assert "broken.jpg" in names(paths)
    assert "broken_link_note" not in names(paths)
    assert report.skipped_non_images == 5  # the four of the tree plus the broken non-image link


def test_network_drive_reporting_inode_0_keeps_every_folder(tmp_path, cat_photos, dog_photos, monkeypatch):
    """sshfs-win, Google Drive File Stream and some SMB/FAT mounts report inode 0 for every
    file and folder; (device, inode) is then no identity, and folders must not be taken for each other."""
    share = tmp_path / "share"
    for i, photo in enumerate([cat_photos[0], dog_photos[0], cat_photos[1]]):
        (share / f"album{i}").mkdir(parents=True)
        shutil.copy(photo, share / f"album{i}" / f"p{i}.jpg")
    shutil.copy(dog_photos[1], share / "top.jpg")
    os.symlink(share, share / "album0" / "loop")  # a loop must still end on such a mount
    real_stat = os.stat

    def stat_inode_0(path, *args, **kwargs):
        st = real_stat(path, *args, **kwargs)
        return os.stat_result((st.st_mode, 0, st.st_dev, st.st_nlink, st.st_uid, st.st_gid, st.st_size,
                               st.st_atime, st.st_mtime, st.st_ctime))

    monkeypatch.setattr(os, "stat", stat_inode_0)
    assert (share / "album1").stat().st_ino == 0
    paths, report = scan_paths([share])
    assert sorted(names(paths)) == ["p0.jpg", "p1.jpg", "p2.jpg", "top.jpg"]
    assert report.unreadable_dirs == []


def test_an_empty_path_names_nothing_not_the_current_folder(tree, monkeypatch):
    """``catdog-classify "$DIR" --sort-into X --move`` with DIR unset must not sort the current folder."""
    monkeypatch.chdir(tree)
    assert list(iter_image_paths(["."]))  # the folder holds photos
    for blank in ("", " "):
        paths, report = scan_paths([blank])
        assert paths == [] and report.missing == [blank]
