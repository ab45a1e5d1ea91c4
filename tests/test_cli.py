"""catdog-classify end to end: real photos and broken files in, CSV rows and a summary out, exit codes."""

from __future__ import annotations

import csv
import io
import os
import re
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from catdog_gui.cli import main

REPO = Path(__file__).resolve().parents[1]
COLUMNS = ["path", "label", "confidence", "p_cat", "p_dog", "status", "error", "note", "top_label", "uncertain_reason",
           "model", "provider", "precision", "tta", "threshold"]


def read_csv(path: Path) -> list[dict[str, str]]:
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    reader = csv.DictReader(io.StringIO(raw[3:].decode("utf-8"), newline=""))
    assert reader.fieldnames == COLUMNS
    return list(reader)


@pytest.fixture()
def photo_folder(tmp_path, cat_photos, dog_photos) -> Path:
    """3 cats and 3 dogs (one in a subfolder), a text file named .jpg, a truncated JPEG, and two non-images."""
    root = tmp_path / "photos"
    (root / "more").mkdir(parents=True)
    for p in cat_photos[:3]:
        shutil.copy(p, root / p.name)
    for p in dog_photos[:2]:
        shutil.copy(p, root / p.name)
    shutil.copy(dog_photos[2], root / "more" / dog_photos[2].name)
    (root / "broken.jpg").write_text("I am not a JPEG")
    (root / "more" / "cut.jpg").write_bytes(cat_photos[3].read_bytes()[:500])
    (root / "notes.txt").write_text("shopping list")
    (root / "more" / "data.json").write_text("{}")
    return root


def test_end_to_end_subprocess(tiny_model_path, photo_folder, tmp_path):
    out = tmp_path / "result.csv"
    proc = subprocess.run([sys.executable, "-m", "catdog_gui.cli", str(photo_folder), "--csv", str(out),
                           "--model", str(tiny_model_path), "--batch-size", "4"],
                          capture_output=True, text=True, cwd=REPO, timeout=300)
    assert proc.returncode == 0, proc.stderr
    rows = read_csv(out)
    assert len(rows) == 8  # 6 photos + 2 broken; the .txt and .json are skipped without rows
    by_name = {os.path.basename(r["path"]): r for r in rows}
    assert by_name["broken.jpg"]["status"] == "error" and "not an image" in by_name["broken.jpg"]["error"]
    assert by_name["cut.jpg"]["status"] == "error" and "truncated" in by_name["cut.jpg"]["error"]
    ok = [r for r in rows if r["status"] == "ok"]
    assert len(ok) == 6
    for r in ok:
        p_cat, p_dog = float(r["p_cat"]), float(r["p_dog"])
        assert abs(p_cat + p_dog - 1) < 1e-4
        assert r["top_label"] == ("cat" if p_cat > p_dog else "dog")
        below = float(r["confidence"]) < float(r["threshold"])  # the random model is rarely sure
        assert r["label"] == ("uncertain" if below else r["top_label"]) and bool(r["uncertain_reason"]) == below
        assert float(r["confidence"]) == max(p_cat, p_dog) and r["error"] == ""
        assert r["provider"] == "CPUExecutionProvider" and r["model"] == "tiny.onnx"
        assert os.path.isabs(r["path"]) and Path(r["path"]).is_file()
    for r in rows:
        if r["status"] == "error":
            assert r["label"] == r["confidence"] == r["p_cat"] == r["p_dog"] == ""
    # the summary: counts per class, errors, skipped non-images, images/s, the provider
    n_cat, n_dog = sum(r["label"] == "cat" for r in ok), sum(r["label"] == "dog" for r in ok)
    assert re.search(rf"^\s+cat\s+{n_cat}$", proc.stdout, re.M), proc.stdout
    assert re.search(rf"^\s+dog\s+{n_dog}$", proc.stdout, re.M)
    assert re.search(rf"^\s+uncertain\s+{6 - n_cat - n_dog}$", proc.stdout, re.M)
    assert re.search(r"^\s+errors\s+2$", proc.stdout, re.M)
    assert re.search(r"^\s+skipped non-images\s+2$", proc.stdout, re.M)
    assert re.search(r"[\d.]+ images/s", proc.stdout)
    assert "CPU" in proc.stdout
    assert "broken.jpg" in proc.stderr  # the errors are named
    assert "onnxruntime_src" not in proc.stderr  # ONNX Runtime's own log is quiet unless --verbose


def test_files_and_folders_mixed_and_deduplicated(tiny_model_path, photo_folder, tmp_path, cat_photos, dog_photos,
                                                  capsys):
    out = tmp_path / "o.csv"
    single = photo_folder / cat_photos[0].name
    more = photo_folder / "more"
    rc = main([str(single), str(more), str(single), str(more / "cut.jpg"), str(photo_folder / "." / single.name),
               "--csv", str(out), "--model", str(tiny_model_path), "-q"])
    assert rc == 0
    names = sorted(os.path.basename(r["path"]) for r in read_csv(out))
    assert names == sorted([cat_photos[0].name, dog_photos[2].name, "cut.jpg"])  # each file once


def test_missing_path_gets_an_error_row(tiny_model_path, photo_folder, tmp_path, capsys):
    out = tmp_path / "o.csv"
    ghost = tmp_path / "ghost.jpg"
    rc = main([str(photo_folder / "broken.jpg"), str(ghost), "--csv", str(out), "--model", str(tiny_model_path)])
    assert rc == 0
    rows = read_csv(out)
    assert [(os.path.basename(r["path"]), r["status"]) for r in rows] == [("broken.jpg", "error"), ("ghost.jpg", "error")]
    assert rows[1]["error"] == "no such file or folder"


def test_only_unreadable_files_still_exit_0(tiny_model_path, tmp_path, capsys):
    bad = tmp_path / "bad.png"
    bad.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 20)
    out = tmp_path / "o.csv"
    assert main([str(bad), "--csv", str(out), "--model", str(tiny_model_path)]) == 0
    assert [r["status"] for r in read_csv(out)] == ["error"]
    assert re.search(r"errors\s+1", capsys.readouterr().out)


def test_empty_folder_writes_header_only(tiny_model_path, tmp_path, capsys):
    (tmp_path / "empty").mkdir()
    out = tmp_path / "o.csv"
    assert main([str(tmp_path / "empty"), "--csv", str(out), "--model", str(tiny_model_path)]) == 0
    assert read_csv(out) == []
    assert "no images found" in capsys.readouterr().err  # not a silent, empty success


def test_folder_of_only_non_images_says_so(tiny_model_path, tmp_path, capsys):
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "a.txt").write_text("a")
    (tmp_path / "docs" / "b.md").write_text("b")
    out = tmp_path / "o.csv"
    assert main([str(tmp_path / "docs"), "--csv", str(out), "--model", str(tiny_model_path)]) == 0
    assert read_csv(out) == []
    err = capsys.readouterr().err
    assert "no images found" in err and "2 non-image file(s) skipped" in err


@pytest.mark.parametrize("named", ["file", "folder"])
def test_csv_never_replaces_a_photo_being_classified(named, tiny_model_path, cat_photos, tmp_path, capsys):
    photo = tmp_path / "in" / "cat.jpg"
    photo.parent.mkdir()
    shutil.copy(cat_photos[0], photo)
    os.chmod(photo, 0o644)  # writable (the shared photos are read-only, which --csv refuses for that reason alone)
    before = photo.read_bytes()
    target = photo if named == "file" else photo.parent
    assert main([str(target), "--csv", str(photo), "--model", str(tiny_model_path)]) == 2
    assert "would replace it" in capsys.readouterr().err
    assert photo.read_bytes() == before


def test_ascii_only_console_does_not_crash_the_summary(tiny_model_path, cat_photos, tmp_path):
    photo = tmp_path / "Kätzchen 🐱.jpg"
    shutil.copy(cat_photos[0], photo)
    out = tmp_path / "résultats.csv"  # printed in the summary whatever the execution provider
    env = {**os.environ, "PYTHONIOENCODING": "ascii"}
    proc = subprocess.run([sys.executable, "-m", "catdog_gui.cli", str(photo), "--csv", str(out), "--model",
                           str(tiny_model_path), "-q"], capture_output=True, cwd=REPO, env=env, timeout=300)
    assert proc.returncode == 0, proc.stderr.decode("ascii", "replace")
    assert b"Traceback" not in proc.stderr
    assert b"Classified 1 image(s)" in proc.stdout
    assert len(read_csv(out)) == 1


def test_unwritable_csv_is_refused_before_classifying(tiny_model_path, photo_folder, tmp_path, monkeypatch, capsys):
    import tempfile

    from catdog_gui.core import pipeline

    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    def must_not_run(*args, **kwargs):
        raise AssertionError("classified photos although the CSV cannot be written")

    monkeypatch.setattr(tempfile, "mkstemp", refuse)
    monkeypatch.setattr(pipeline, "classify", must_not_run)
    assert main([str(photo_folder), "--csv", str(tmp_path / "o.csv"), "--model", str(tiny_model_path)]) == 2
    err = capsys.readouterr().err
    assert "cannot write" in err and "Permission denied" in err
    assert not (tmp_path / "o.csv").exists()


@pytest.mark.parametrize("args, message", [
    ([], "required"),
    (["PHOTOS"], "--csv"),
    (["PHOTOS", "--csv", "OUT", "--batch-size", "0"], "positive integer"),
    (["PHOTOS", "--csv", "OUT", "--batch-size", "many"], "positive integer"),
    (["PHOTOS", "--csv", "OUT", "--batch-size", "100000"], "at most 1024"),
    (["PHOTOS", "--csv", ""], "--csv is empty"),
    (["PHOTOS", "--csv", "OUT", "--bogus"], "unrecognized arguments"),
    (["PHOTOS", "--csv", "TMP/no/such/dir/o.csv"], "does not exist"),
    (["PHOTOS", "--csv", "TMP"], "is a folder"),
    (["TMP/ghost.jpg", "--csv", "OUT"], "no such file or folder"),
])
def test_bad_arguments_exit_2(args, message, tiny_model_path, photo_folder, tmp_path, capsys):
    subst = {"PHOTOS": str(photo_folder), "OUT": str(tmp_path / "o.csv")}
    argv = [subst.get(a, a.replace("TMP", str(tmp_path))) for a in args]
    if "--model" not in argv and argv:
        argv += ["--model", str(tiny_model_path)]
    assert main(argv) == 2
    assert message in capsys.readouterr().err
    assert not (tmp_path / "o.csv").exists()


def test_missing_model_exit_2(photo_folder, tmp_path, capsys):
    rc = main([str(photo_folder), "--csv", str(tmp_path / "o.csv"), "--model", str(tmp_path / "nope.onnx")])
    assert rc == 2
    err = capsys.readouterr().err
    assert "model file not found" in err and "nope.onnx" in err
    assert not (tmp_path / "o.csv").exists()


def test_missing_model_from_the_environment_names_the_variable(tmp_path, monkeypatch, capsys):
    """$CATDOG_MODEL pointing nowhere: exit 2, and the message says where the path came from, as typed."""
    monkeypatch.setenv("CATDOG_MODEL", str(tmp_path / "nonexist"))
    assert main([str(tmp_path / "x"), "--csv", str(tmp_path / "o.csv")]) == 2
    err = capsys.readouterr().err
    assert f"model file not found: {str(tmp_path / 'nonexist')!r} (set by $CATDOG_MODEL)" in err


def test_invalid_model_exit_2(photo_folder, tmp_path, capsys):
    fake = tmp_path / "fake.onnx"
    fake.write_text("definitely not protobuf")
    assert main([str(photo_folder), "--csv", str(tmp_path / "o.csv"), "--model", str(fake)]) == 2
    assert "cannot open 'fake.onnx' as an ONNX model" in capsys.readouterr().err


def test_model_without_contract_exit_2(photo_folder, tmp_path):
    from test_model import CONTRACT_META, make_channel_mean_model

    plain = make_channel_mean_model(tmp_path / "plain.onnx", metadata=None)
    future = make_channel_mean_model(tmp_path / "future.onnx", {**CONTRACT_META, "catdog.contract": "7"})
    for model, message in ((plain, "not a catdog model"), (future, "contract version 7")):
        proc = subprocess.run([sys.executable, "-m", "catdog_gui.cli", str(photo_folder), "--csv",
                               str(tmp_path / "o.csv"), "--model", str(model)],
                              capture_output=True, text=True, cwd=REPO, timeout=120)
        assert proc.returncode == 2 and message in proc.stderr, proc.stderr
        assert not (tmp_path / "o.csv").exists()


def test_default_model_from_environment(tiny_model_path, photo_folder, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("CATDOG_MODEL", str(tiny_model_path))
    out = tmp_path / "o.csv"
    assert main([str(photo_folder), "--csv", str(out), "-q"]) == 0
    assert len(read_csv(out)) == 8
    assert "tiny.onnx" in capsys.readouterr().out


def test_help_exits_0(capsys):
    assert main(["--help"]) == 0
    assert "--batch-size" in capsys.readouterr().out


def test_help_lists_the_exit_statuses_the_readme_does_and_examples(capsys):
    """--help's exit-status list says what the README's does (1 for tags not written and a failed self-test, 2
    for a CSV that cannot be written, 128 + the signal, 141 for a reader that stopped), says that --csv - comes
    out when the run ends, and ends with example command lines."""
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    epilog = out.split("\nexit status:\n", 1)[1]
    words = " ".join(epilog.split())
    for said in ("0 the run happened", "--sort-into could not sort or --write-tags could not tag every photo",
                 "--self-test failed", "a CSV that cannot be written", "130 Ctrl-C",
                 "128 + the signal on SIGTERM/SIGHUP", "141 ", "| head"):
        assert said in words, said
    assert "catdog-classify ~/Pictures --csv results.csv\n" in epilog.split("\nexamples:\n", 1)[1]
    assert "--undo-sort ~/Sorted" in epilog
    assert "standard output when the run ends, all rows at once" in " ".join(out.split())
    readme = " ".join((REPO / "README.md").read_text(encoding="utf-8").split())
    for said in ("`--write-tags` could not tag every photo", "`--self-test` failed", "a CSV that cannot be written",
                 "128 + the signal for SIGTERM/SIGHUP", "(`| head`) exits 141",
                 "`--csv -` writes it to standard output when the run ends"):
        assert said in readme, said


@pytest.mark.parametrize("name", [
    "with space.jpg", "comma, here.jpg", 'double "quote".jpg', "single 'quote'.jpg", "new\nline.jpg",
    "Kätzchen_猫_🐱.jpg", "=cmd|' -C calc'!A0.jpg", "-leading-dash.jpg", "tab\there.jpg",
])
def test_awkward_file_names_end_to_end(name, tiny_model_path, cat_photos, tmp_path, capsys):
    folder = tmp_path / "in"
    folder.mkdir()
    target = folder / name
    shutil.copy(cat_photos[0], target)
    out = tmp_path / "o.csv"
    assert main([str(target), str(folder), "--csv", str(out), "--model", str(tiny_model_path)]) == 0
    rows = read_csv(out)
    assert len(rows) == 1 and rows[0]["status"] == "ok", rows
    assert rows[0]["path"] == str(target) and Path(rows[0]["path"]).is_file()


@pytest.mark.parametrize("name", ["=1+1.jpg", "@SUM(A1).jpg", "+x.jpg", "-x.jpg"])
def test_relative_names_with_formula_or_dash_characters(name, tiny_model_path, cat_photos, tmp_path, monkeypatch,
                                                       capsys):
    shutil.copy(cat_photos[0], tmp_path / name)
    monkeypatch.chdir(tmp_path)
    out = tmp_path / "o.csv"
    assert main(["--csv", "o.csv", "--model", str(tiny_model_path), "--", name]) == 0
    rows = read_csv(out)
    # relative names (after "--" for the leading dash) are found and written as absolute paths
    assert rows[0]["path"] == str(tmp_path / name) and rows[0]["status"] == "ok"


def test_every_kind_of_file_gets_the_right_row(tiny_model_path, cat_photos, tmp_path, capsys):
    """Through the CLI: odd but valid photos are ok rows, broken ones error rows."""
    import struct
    import zlib

    import numpy as np
    from PIL import Image

    folder = tmp_path / "mixed"
    folder.mkdir()
    photo = Image.open(cat_photos[0]).convert("RGB")
    photo.save(folder / "png_named.jpg", format="PNG")
    shutil.copy(cat_photos[1], folder / "no_extension")
    photo.convert("CMYK").save(folder / "cmyk.jpg")
    photo.convert("RGBA").save(folder / "rgba.png")
    Image.fromarray(np.asarray(photo.convert("L")).astype(np.uint16) * 257).save(folder / "gray16.png")
    frames = [photo.resize((64, 64)), Image.new("RGB", (64, 64), "blue")]
    frames[0].save(folder / "anim.gif", save_all=True, append_images=frames[1:])
    photo.save(folder / "iphone.HEIC", format="HEIF")
    (folder / "zero.jpg").write_bytes(b"")
    (folder / "cut.jpg").write_bytes(cat_photos[2].read_bytes()[:1000])
    (folder / "text.jpg").write_text("hello")

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    (folder / "bomb.png").write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 40000, 40000, 1, 0, 0, 0, 0))
                                      + chunk(b"IDAT", zlib.compress(b"\0" * 99)) + chunk(b"IEND", b""))
    out = tmp_path / "o.csv"
    assert main([str(folder), "--csv", str(out), "--model", str(tiny_model_path), "--batch-size", "3"]) == 0
    rows = {os.path.basename(r["path"]): r for r in read_csv(out)}
    ok = {"png_named.jpg", "no_extension", "cmyk.jpg", "rgba.png", "gray16.png", "anim.gif", "iphone.HEIC"}
    errors = {"zero.jpg": "empty", "cut.jpg": "truncated", "text.jpg": "not an image", "bomb.png": "too large"}
    assert set(rows) == ok | set(errors)
    for name in ok:
        assert rows[name]["status"] == "ok", rows[name]
    for name, reason in errors.items():
        assert rows[name]["status"] == "error" and reason in rows[name]["error"], rows[name]
    assert re.search(r"errors\s+4", capsys.readouterr().out)


def test_unreadable_folder_is_named_and_the_rest_classified(tiny_model_path, photo_folder, tmp_path, unreadable,
                                                            capsys):
    """Simulated permission error (tests run as root, which reads chmod 000 folders anyway)."""
    blocked = str(photo_folder / "more")
    unreadable(blocked)
    out = tmp_path / "o.csv"
    # counted and named, not only warned about: a folder is not a photo (no CSV row), so the exit status says it
    assert main([str(photo_folder), "--csv", str(out), "--model", str(tiny_model_path)]) == 1
    assert len(read_csv(out)) == 6  # 5 photos + broken.jpg outside the blocked folder
    captured = capsys.readouterr()
    assert re.search(r"unreadable folders\s+1\n", captured.out)
    assert f"could not read folder: {blocked!r}: Permission denied" in captured.err
    assert "1 folder could not be read" in captured.err


def test_a_named_folder_that_cannot_be_read_is_not_called_empty(tiny_model_path, cat_photos, tmp_path, unreadable,
                                                                capsys):
    """The only folder given cannot be listed: it is reported as unreadable (exit 1), not as "no images found"."""
    blocked = tmp_path / "blocked"
    blocked.mkdir()
    shutil.copy(cat_photos[0], blocked / "cat.jpg")
    unreadable(str(blocked))
    out = tmp_path / "o.csv"
    assert main([str(blocked), "--csv", str(out), "--model", str(tiny_model_path)]) == 1
    assert read_csv(out) == []
    captured = capsys.readouterr()
    assert "no images found" not in captured.err and "1 folder could not be read" in captured.err
    assert re.search(r"unreadable folders\s+1\n", captured.out)


def test_interrupt_keeps_finished_rows(tiny_model_path, photo_folder, tmp_path, monkeypatch, capsys):
    from catdog_gui.core import pipeline

    real_classify = pipeline.classify

    def interrupted(*args, **kwargs):
        for i, result in enumerate(real_classify(*args, **kwargs)):
            if i == 3:
                raise KeyboardInterrupt
            yield result

    monkeypatch.setattr(pipeline, "classify", interrupted)
    out = tmp_path / "o.csv"
    assert main([str(photo_folder), "--csv", str(out), "--model", str(tiny_model_path)]) == 130
    assert len(read_csv(out)) == 3
    assert "(interrupted)" in capsys.readouterr().out


@pytest.mark.skipif(not hasattr(signal, "SIGTERM") or os.name != "posix", reason="POSIX signals")
def test_sigterm_keeps_finished_rows(tiny_model_path, photo_folder, tmp_path, monkeypatch, capsys):
    """A real SIGTERM (``kill``, a logout) mid-run still writes the rows finished so far, like Ctrl-C."""
    from catdog_gui.core import pipeline

    real_classify = pipeline.classify

    def terminated(*args, **kwargs):
        for i, result in enumerate(real_classify(*args, **kwargs)):
            if i == 3:
                os.kill(os.getpid(), signal.SIGTERM)
            yield result

    monkeypatch.setattr(pipeline, "classify", terminated)
    out = tmp_path / "o.csv"
    assert main([str(photo_folder), "--csv", str(out), "--model", str(tiny_model_path)]) == 128 + signal.SIGTERM
    assert 3 <= len(read_csv(out)) <= 4
    assert "(interrupted)" in capsys.readouterr().out
    assert signal.getsignal(signal.SIGTERM) == signal.SIG_DFL  # the handler is given back


def test_tta_and_precision_options_are_recorded_in_the_csv(tiny_model_path, cat_photos, tmp_path, capsys):
    out = tmp_path / "o.csv"
    photos = [str(p) for p in cat_photos[:2]]
    assert main([*photos, "--csv", str(out), "--model", str(tiny_model_path), "--no-tta", "--precision", "fp32"]) == 0
    fast = read_csv(out)
    assert {(r["model"], r["precision"], r["tta"]) for r in fast} == {(tiny_model_path.name, "fp32", "none")}
    assert "(fp32, no TTA)" in capsys.readouterr().out
    assert main([*photos, "--csv", str(out), "--model", str(tiny_model_path)]) == 0  # defaults: auto, TTA on
    accurate = read_csv(out)
    assert {(r["precision"], r["tta"]) for r in accurate} == {("fp32", "flip")}  # no int8 file beside it
    assert main([*photos, "--csv", str(out), "--model", str(tiny_model_path), "--precision", "int8"]) == 2
    assert "no int8 version" in capsys.readouterr().err


def test_summary_counts_only_classified_photos(tiny_model_path, cat_photos, tmp_path, capsys):
    """A missing path and a text file are error rows, not classified images, and give no images/s figure;
    the run still happened, so the exit status is 0 (README: unreadable photos get an error row)."""
    notes = tmp_path / "notes.txt"
    notes.write_text("not a photo\n")
    out = tmp_path / "n.csv"
    assert main([str(tmp_path / "nonexistent"), str(notes), "--csv", str(out), "--model", str(tiny_model_path),
                 "-q"]) == 0
    printed = capsys.readouterr().out
    assert "Classified 0 image(s), 2 error(s) in" in printed and "images/s" not in printed
    assert len(read_csv(out)) == 2
    photo = tmp_path / "cat.jpg"
    shutil.copy(cat_photos[0], photo)
    assert main([str(photo), str(notes), "--csv", str(out), "--model", str(tiny_model_path), "-q"]) == 0
    line = capsys.readouterr().out.splitlines()[0]
    assert line.startswith("Classified 1 image(s), 1 error(s) in") and " images/s) with " in line


@pytest.mark.parametrize("extra, named", [(["t1"], "PATH"), (["--csv", "x.csv"], "--csv"),
                                          (["t1", "--csv", "x.csv"], "PATH or --csv")])
def test_self_test_with_paths_or_csv_is_a_usage_error(extra, named, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["--self-test", *extra]) == 2
    assert f"--self-test checks the installation and takes no {named}" in capsys.readouterr().err
    assert not (tmp_path / "x.csv").exists()


def test_help_and_readme_name_the_csv_columns_and_options(tiny_model_path, cat_photos, tmp_path, capsys):
    """--help's --csv text and README's "Using it" list the columns a real run writes; the README's headless
    synopsis names every output option and the exit codes."""
    out = tmp_path / "o.csv"
    assert main([str(cat_photos[0]), "--csv", str(out), "--model", str(tiny_model_path), "-q"]) == 0
    with open(out, encoding="utf-8-sig", newline="") as f:
        header = next(csv.reader(f))
    probabilities = [c for c in header if c.startswith("p_")]
    generic = ",".join(c for c in header if c not in probabilities[1:]).replace(probabilities[0], "p_<label>...")
    capsys.readouterr()
    assert main(["--help"]) == 0
    assert generic in "".join(capsys.readouterr().out.split())  # argparse wraps inside the list
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    using = " ".join(readme.split("## Using it", 1)[1].split("\n## ", 1)[0].split())
    assert f"`{','.join(header)}`" in using
    for option in ("--sort-into DIR --copy|--move", "--write-tags", "--self-test", "--tta|--no-tta",
                   "--precision auto|fp32|int8", "--dry-run"):
        assert option in using, option
    for code in ("exit 130", "1 when a folder could not be read", "when `--sort-into` could not sort every photo",
                 "2 on bad arguments"):
        assert code in using, code


def test_an_empty_path_is_missing_and_sorts_nothing(tiny_model_path, cat_photos, tmp_path, monkeypatch, capsys):
    """An unset "$DIR" in a script: "" is not the current folder (it used to classify, and with --move sort,
    every photo under it)."""
    monkeypatch.chdir(tmp_path)
    shutil.copy(cat_photos[0], tmp_path / "cat.jpg")
    args = ["", "--sort-into", str(tmp_path / "out"), "--move", "--model", str(tiny_model_path)]
    assert main(args) == 2
    assert "no such file or folder: ''" in capsys.readouterr().err
    assert (tmp_path / "cat.jpg").exists() and not (tmp_path / "out").exists()


def test_output_piped_into_a_reader_that_stops_ends_quietly(tiny_model_path, cat_photos, tmp_path):
    """`catdog-classify ... | head -1`: the CSV is written, the exit status is 141 (SIGPIPE), no traceback."""
    out = tmp_path / "o.csv"
    proc = subprocess.Popen([sys.executable, "-m", "catdog_gui.cli", str(cat_photos[0]), "--csv", str(out),
                             "--model", str(tiny_model_path)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            cwd=REPO)
    proc.stdout.close()  # the reader is gone before the summary is printed
    stderr = proc.stderr.read().decode("utf-8", "replace")
    assert proc.wait(timeout=300) == 141, stderr
    assert "Traceback" not in stderr and "BrokenPipeError" not in stderr
    assert len(read_csv(out)) == 1
