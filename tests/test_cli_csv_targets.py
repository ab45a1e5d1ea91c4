"""--csv (and XMP sidecar) targets that are not plain files: a symbolic link is followed and kept, a character
device or named pipe is written through and stays what it was, a socket is refused, and a photo (``--csv *.jpg``
expanded by the shell) is never replaced by the CSV."""

from __future__ import annotations

import csv
import io
import os
import shutil
import socket
import stat
import threading
from pathlib import Path

import pytest

from catdog_gui.cli import main


@pytest.fixture()
def one_photo(tmp_path, cat_photos) -> Path:
    """A folder holding one real cat photo (writable)."""
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copyfile(cat_photos[0], folder / cat_photos[0].name)
    return folder


@pytest.fixture()
def no_classifying(monkeypatch):
    """Fail the test if any photo gets classified (the usage check must stop the run first)."""
    from catdog_gui.core import pipeline

    def must_not_run(*args, **kwargs):
        raise AssertionError("classified photos although --csv is refused")

    monkeypatch.setattr(pipeline, "classify", must_not_run)


def _rows(data: bytes) -> list[dict[str, str]]:
    text = data.decode("utf-8").removeprefix("\ufeff")
    return list(csv.DictReader(io.StringIO(text, newline="")))


@pytest.mark.parametrize("name", ["results.csv", "results.txt", "results.tsv"])
def test_a_symlinked_csv_updates_the_file_it_leads_to_and_keeps_the_link(name, one_photo, tiny_model_path, tmp_path):
    (tmp_path / "synced").mkdir()
    real = tmp_path / "synced" / name
    real.write_text("old\n")
    link = tmp_path / name
    link.symlink_to(os.path.join("synced", name))
    assert main([str(one_photo), "--csv", str(link), "--model", str(tiny_model_path), "-q"]) == 0
    assert link.is_symlink() and os.readlink(link) == os.path.join("synced", name)
    rows = _rows(real.read_bytes())
    assert [Path(r["path"]).name for r in rows] == [p.name for p in one_photo.iterdir()]
    assert sorted(p.name for p in real.parent.iterdir()) == [name]  # no temporary file left behind


def test_a_csv_into_a_named_pipe_is_written_through(one_photo, tiny_model_path, tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()), daemon=True)
    reader.start()
    assert main([str(one_photo), "--csv", str(fifo), "--model", str(tiny_model_path), "-q"]) == 0
    reader.join(timeout=60)
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode), "the named pipe was replaced by a file"
    assert not reader.is_alive() and got
    assert not got[0].startswith(b"\xef\xbb\xbf")  # a program reads a pipe: no byte-order mark, as --csv -
    assert [Path(r["path"]).name for r in _rows(got[0])] == [p.name for p in one_photo.iterdir()]


def _character_device(tmp_path: Path) -> Path:
    """A null device to write into: made in ``tmp_path`` (as root, where replacing /dev/null itself would
    break the machine), else /dev/null, which a user who may not write /dev cannot replace anyway."""
    null = tmp_path / "null"
    try:
        os.mknod(null, stat.S_IFCHR | 0o666, os.makedev(1, 3))
        return null
    except (PermissionError, AttributeError):
        pass
    if os.access("/dev", os.W_OK):
        pytest.skip("cannot make a device here and /dev/null could be replaced: not risked")
    return Path("/dev/null")


def test_a_csv_into_a_character_device_keeps_the_device(one_photo, tiny_model_path, tmp_path, capsys):
    device = _character_device(tmp_path)
    before = os.stat(device)
    assert stat.S_ISCHR(before.st_mode)
    assert main([str(one_photo), "--csv", str(device), "--model", str(tiny_model_path)]) == 0
    after = os.lstat(device)
    assert stat.S_ISCHR(after.st_mode), f"{device} is no longer a character device"
    assert after.st_rdev == before.st_rdev
    assert "(1 row(s))" in capsys.readouterr().out
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


def test_a_socket_as_csv_is_refused_before_classifying(one_photo, tiny_model_path, tmp_path, no_classifying, capsys):
    path = tmp_path / "s"
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as server:
        server.bind(str(path))
        assert main([str(one_photo), "--csv", str(path), "--model", str(tiny_model_path)]) == 2
        assert stat.S_ISSOCK(os.lstat(path).st_mode)
    assert "it is a socket, not a file" in capsys.readouterr().err


def test_csv_star_jpg_never_replaces_the_first_photo(tiny_model_path, cat_photos, tmp_path, monkeypatch,
                                                     no_classifying, capsys):
    for p in cat_photos[:3]:
        shutil.copyfile(p, tmp_path / p.name)
    names = sorted(p.name for p in tmp_path.glob("*.jpg"))
    before = (tmp_path / names[0]).read_bytes()
    monkeypatch.chdir(tmp_path)
    assert main(["--csv", *names, "--model", str(tiny_model_path)]) == 2  # what `--csv *.jpg` gives
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert f"--csv {names[0]!r} is a photo, not a CSV file: writing the CSV would replace it" in err
    assert "*.jpg" in err
    assert (tmp_path / names[0]).read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == names


def test_a_photo_without_an_image_extension_is_not_replaced(one_photo, tiny_model_path, cat_photos, tmp_path,
                                                            no_classifying, capsys):
    photo = tmp_path / "IMG_0001"  # no extension: recognised by its content
    shutil.copyfile(cat_photos[1], photo)
    before = photo.read_bytes()
    assert main([str(one_photo), "--csv", str(photo), "--model", str(tiny_model_path)]) == 2
    assert "is a photo, not a CSV file" in capsys.readouterr().err
    assert photo.read_bytes() == before


def test_a_new_csv_named_like_a_photo_is_refused(one_photo, tiny_model_path, tmp_path, no_classifying, capsys):
    out = tmp_path / "out.JPG"
    assert main([str(one_photo), "--csv", str(out), "--model", str(tiny_model_path)]) == 2
    assert "a photo's extension" in capsys.readouterr().err
    assert not out.exists()


def test_a_symlinked_sidecar_is_written_through_the_link(cat_photos, tmp_path):
    from catdog_gui.core.xmp import Verdict, read_verdict, sidecar_path, undo_write, write_verdict

    photo = tmp_path / cat_photos[0].name
    shutil.copyfile(cat_photos[0], photo)
    (tmp_path / "tags").mkdir()
    real = tmp_path / "tags" / "cat.xmp"
    link = Path(sidecar_path(photo))
    link.symlink_to(real)  # leads nowhere yet: the sidecar is made there
    first = write_verdict(photo, Verdict(label="cat"))
    assert first.action == "written"
    assert link.is_symlink() and real.is_file()
    assert undo_write(first).action == "undone"  # the file made through the link goes, the link stays
    assert link.is_symlink() and not real.exists()
    assert write_verdict(photo, Verdict(label="cat")).action == "written"
    assert write_verdict(photo, Verdict(label="dog")).action == "written"  # replaces the file it leads to
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert read_verdict(photo).label == "dog"
    assert b"dog" in real.read_bytes().lower()


def test_csv_to_dev_stdout_appends_to_the_log_it_goes_to(one_photo, tiny_model_path, tmp_path):
    """`catdog-classify ... --csv /dev/stdout >> run.log`: the CSV is added to the log (it replaced the whole
    file, /dev/stdout leading to it through /proc/self/fd/1)."""
    import subprocess
    import sys

    if not os.path.islink("/dev/stdout"):
        pytest.skip("no /dev/stdout link on this system")
    log = tmp_path / "run.log"
    log.write_text("an earlier line\n", encoding="utf-8")
    inode = log.stat().st_ino
    with open(log, "a", encoding="utf-8") as out:
        done = subprocess.run([sys.executable, "-m", "catdog_gui.cli", str(one_photo), "--model", str(tiny_model_path),
                               "--csv", "/dev/stdout", "--cpu"], stdout=out, stderr=subprocess.PIPE, timeout=300,
                              env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])})
    assert done.returncode == 0, done.stderr
    text = log.read_text(encoding="utf-8")
    assert log.stat().st_ino == inode and text.startswith("an earlier line\n")
    lines = text.splitlines()  # the earlier line, then the CSV, then the run's summary (also on stdout here)
    start = next(i for i, line in enumerate(lines) if line.startswith("path,"))
    rows = list(csv.DictReader(io.StringIO("\n".join(lines[start:start + 2]))))
    assert start == 1 and [Path(r["path"]).name for r in rows] == [p.name for p in one_photo.iterdir()]
