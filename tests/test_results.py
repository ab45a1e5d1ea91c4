"""catdog_gui.core.results: the result record and the CSV (Excel-safe, RFC 4180, injection-safe, atomic)."""

from __future__ import annotations

import csv
import io
import math
import os
import stat
from pathlib import Path

import pytest

from catdog_gui.core import results as results_mod
from catdog_gui.core.results import Result, csv_columns, neutralize_cell, percent_texts, write_csv

LABELS = ("cat", "dog")


def read_rows(path) -> list[list[str]]:
    raw = Path(path).read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "UTF-8 byte-order mark expected (Excel)"
    text = raw[3:].decode("utf-8")
    return list(csv.reader(io.StringIO(text, newline="")))


def test_result_defaults_and_name():
    r = Result(path="/photos/a b/Kätzchen.jpg", status="error", error="broken")
    assert r.name == "Kätzchen.jpg" and not r.ok
    assert r.label == "" and math.isnan(r.confidence) and r.probabilities == ()
    ok = Result("/x/y.png", "ok", "dog", 0.9, (0.1, 0.9))
    assert ok.ok
    with pytest.raises(AttributeError):
        ok.label = "cat"  # frozen


def test_columns():
    assert csv_columns(LABELS) == ["path", "label", "confidence", "p_cat", "p_dog", "status", "error", "note",
                                   "top_label", "uncertain_reason"]
    assert csv_columns(("a", "b", "c"))[3:6] == ["p_a", "p_b", "p_c"]


def test_uncertain_reason_tells_a_probability_from_a_threshold_of_the_same_one_decimal_text(tmp_path):
    """0.960571 below 0.961 read "96.1% below the threshold 96.1%" (tester): two decimals tell them apart."""
    r = Result("/p/close.jpg", "ok", "dog", 0.960571, (0.039429, 0.960571))
    assert r.uncertain_reason(0.961) == "top probability 96.06% below the threshold 96.10%"
    assert write_csv([r], tmp_path / "out.csv", LABELS, threshold=0.961) == 1
    assert read_rows(tmp_path / "out.csv")[1][-1] == "top probability 96.06% below the threshold 96.10%"
    # one decimal wherever it already tells them apart
    assert r.uncertain_reason(0.97) == "top probability 96.1% below the threshold 97.0%"
    assert Result("/p/a.jpg", "ok", "dog", 0.9609999, (0.0390001, 0.9609999)).uncertain_reason(0.961) == \
        "top probability 96.09999% below the threshold 96.10000%"


def test_percent_texts():
    assert percent_texts(0.960571, 0.961) == ("96.06%", "96.10%")
    assert percent_texts(0.5, 0.961) == ("50.0%", "96.1%")
    assert percent_texts(0.961, 0.961) == ("96.1%", "96.1%")  # equal numbers: nothing to tell apart
    assert percent_texts(0.96, 0.96 + 1e-12) == ("96.000000%", "96.000000%")  # past max_decimals: the last try
    with pytest.raises(ValueError, match="max_decimals 0"):
        percent_texts(0.5, 0.6, max_decimals=0)


def test_write_csv_rows_bom_crlf_and_numbers(tmp_path):
    rows = [Result("/p/cat1.jpg", "ok", "cat", 0.875, (0.875, 0.125)),
            Result("/p/dog, with comma.jpg", "ok", "dog", 0.6, (0.4, 0.6)),
            Result("/p/broken.jpg", "error", error='not an image (says "hello")')]
    out = tmp_path / "out.csv"
    assert write_csv(rows, out, LABELS) == 3
    raw = out.read_bytes()
    assert raw.count(b"\r\n") == 4  # header + 3 rows, RFC 4180 line ends
    table = read_rows(out)
    assert table[0] == csv_columns(LABELS)
    assert table[1] == ["/p/cat1.jpg", "cat", "0.875000", "0.875000", "0.125000", "ok", "", "", "cat", ""]
    assert table[2][0] == "/p/dog, with comma.jpg" and table[2][2] == "0.600000"
    assert b'"/p/dog, with comma.jpg"' in raw
    assert table[3] == ["/p/broken.jpg", "", "", "", "", "error", 'not an image (says "hello")', "", "", ""]
    assert b'"not an image (says ""hello"")"' in raw  # quotes doubled inside a quoted field


def test_numbers_use_dot_whatever_the_locale(tmp_path, monkeypatch):
    import locale
    for name in ("de_DE.UTF-8", "fr_FR.UTF-8"):
        try:
            locale.setlocale(locale.LC_NUMERIC, name)
            break
        except locale.Error:
            continue
    try:
        out = tmp_path / "o.csv"
        write_csv([Result("/a.jpg", "ok", "dog", 0.25, (0.75, 0.25))], out, LABELS)
        assert read_rows(out)[1][2:5] == ["0.250000", "0.750000", "0.250000"]
    finally:
        locale.setlocale(locale.LC_NUMERIC, "C")


def test_names_with_newlines_quotes_and_non_ascii_round_trip(tmp_path):
    names = ["/p/line\nbreak.jpg", '/p/say "cheese".jpg', "/p/猫 と 犬.jpg", "/p/carriage\rreturn.jpg", "/p/;semi.jpg"]
    results = [Result(n, "ok", "cat", 0.5, (0.5, 0.5)) for n in names]
    out = tmp_path / "o.csv"
    write_csv(results, out, LABELS)
    assert [row[0] for row in read_rows(out)[1:]] == names


@pytest.mark.parametrize("text", ["=HYPERLINK(\"http://x\")", "+1+2", "-2+3", "@SUM(A1)", "\tx", "\rx"])
def test_formula_injection_neutralised(tmp_path, text):
    assert neutralize_cell(text) == "'" + text
    out = tmp_path / "o.csv"
    write_csv([Result(text, "error", label=text, error=text)], out, LABELS)
    row = read_rows(out)[1]
    assert row[0] == "'" + text and row[1] == "'" + text and row[6] == "'" + text and row[8] == "'" + text


def test_numeric_columns_untouched_and_plain_text_unchanged(tmp_path):
    assert neutralize_cell("/home/me/cat.jpg") == "/home/me/cat.jpg"
    assert neutralize_cell("C:\\x=1.jpg") == "C:\\x=1.jpg"  # only a leading character matters
    out = tmp_path / "o.csv"
    # a negative number can't occur in probabilities, but numeric cells are never prefixed
    write_csv([Result("/a.jpg", "ok", "cat", 1.0, (1.0, 0.0))], out, LABELS)
    row = read_rows(out)[1]
    assert row[2:5] == ["1.000000", "1.000000", "0.000000"]
    assert not any(cell.startswith("'") for cell in row)


def test_atomic_replace_and_failure_keeps_old_file(tmp_path, monkeypatch):
    out = tmp_path / "o.csv"
    out.write_text("previous contents")
    os.chmod(out, 0o640)

    def broken_results():
        yield Result("/a.jpg", "ok", "cat", 0.9, (0.9, 0.1))
        raise RuntimeError("disk gone")

    with pytest.raises(RuntimeError):
        write_csv(broken_results(), out, LABELS)
    assert out.read_text() == "previous contents"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["o.csv"], "temporary file left behind"

    seen = {}
    real_replace = os.replace

    def spy(src, dst):
        seen["src"], seen["dst"] = os.fspath(src), os.fspath(dst)
        seen["complete"] = Path(src).read_bytes().count(b"\r\n")
        return real_replace(src, dst)

    monkeypatch.setattr(results_mod.os, "replace", spy)
    assert write_csv([Result("/a.jpg", "ok", "cat", 0.9, (0.9, 0.1))] * 5, out, LABELS) == 5
    assert seen["dst"] == os.fspath(out) and os.path.dirname(seen["src"]) == str(tmp_path)
    assert seen["complete"] == 6  # fully written before the rename
    assert stat.S_IMODE(out.stat().st_mode) == 0o640  # the replaced file keeps its permissions


def test_new_file_gets_normal_permissions(tmp_path):
    out = tmp_path / "new.csv"
    write_csv([], out, LABELS)
    mode = stat.S_IMODE(out.stat().st_mode)
    umask = os.umask(0)
    os.umask(umask)
    assert mode == 0o666 & ~umask
    assert read_rows(out) == [csv_columns(LABELS)]


def test_missing_folder_raises_oserror(tmp_path):
    with pytest.raises(OSError):
        write_csv([], tmp_path / "no" / "such" / "o.csv", LABELS)


def test_file_names_that_are_not_utf8_do_not_break_the_csv(tmp_path):
    # Linux file names are bytes; Python gives invalid UTF-8 ones (Latin-1 zip extracts, old USB drives) as
    # lone surrogates, which the UTF-8 writer cannot encode: one such file used to lose the whole CSV.
    name = os.fsdecode(b"/photos/\xff\xfe caf\xe9.jpg")
    out = tmp_path / "r.csv"
    rows = [Result(name, "ok", "cat", 0.9, (0.9, 0.1)),
            Result(name, "error", error=f"cannot decode {os.path.basename(name)}: bad"),
            Result("/photos/plain.jpg", "ok", "dog", 0.8, (0.2, 0.8))]
    assert write_csv(rows, out, LABELS) == 3
    got = read_rows(out)
    assert got[1][0] == "/photos/\\xff\\xfe caf\\xe9.jpg"  # the raw bytes, visible
    assert got[2][0] == "/photos/\\xff\\xfe caf\\xe9.jpg" and "\\xff" in got[2][got[0].index("error")]
    assert got[3][0] == "/photos/plain.jpg"


@pytest.fixture()
def read_only_folder(tmp_path):
    """A folder in which no file can be created, holding a writable ``results.csv`` from an earlier run.

    Made read-only for real: ``chmod 555`` for a normal user; as root (who ignores permission bits), the
    folder is made immutable with ``chattr +i`` (files inside stay writable), and the test is skipped where
    that is not allowed."""
    import shutil
    import subprocess

    folder = tmp_path / "shared-by-admin"
    folder.mkdir()
    existing = folder / "results.csv"
    existing.write_text("an older run\r\n")
    if os.geteuid() != 0:
        os.chmod(folder, 0o555)
        undo = ["chmod", "755", str(folder)]
    elif shutil.which("chattr") and subprocess.run(["chattr", "+i", str(folder)], capture_output=True).returncode == 0:
        undo = ["chattr", "-i", str(folder)]
    else:
        pytest.skip("cannot make a folder read-only here (root without chattr +i)")
    try:
        with pytest.raises(OSError):
            (folder / "probe").write_text("x")
        yield existing
    finally:
        subprocess.run(undo, check=True)


def test_writable_csv_in_a_read_only_folder_is_written_in_place(read_only_folder):
    """The atomic write needs a temporary file beside the CSV; when the folder refuses it
    but the file itself is writable, the file is rewritten in place, with a warning saying it was not atomic."""
    rows = [Result("/a.jpg", "ok", "cat", 0.9, (0.9, 0.1)), Result("/b.jpg", "error", error="truncated")]
    with pytest.warns(results_mod.InPlaceWriteWarning, match="in place"):
        assert write_csv(rows, read_only_folder, LABELS) == 2
    got = read_rows(read_only_folder)
    assert got[0] == csv_columns(LABELS) and [r[0] for r in got[1:]] == ["/a.jpg", "/b.jpg"]
    assert sorted(p.name for p in read_only_folder.parent.iterdir()) == ["results.csv"]
    # a shorter second run leaves nothing of the longer first one
    with pytest.warns(results_mod.InPlaceWriteWarning):
        assert write_csv(rows[:1], read_only_folder, LABELS) == 1
    assert len(read_rows(read_only_folder)) == 2


def test_new_csv_in_a_read_only_folder_is_still_refused(read_only_folder):
    with pytest.raises(OSError):
        write_csv([], read_only_folder.parent / "new.csv", LABELS)


def test_cli_updates_a_csv_in_a_read_only_folder(read_only_folder, tiny_model_path, cat_photos, capsys):
    from catdog_gui.cli import main

    assert main([str(cat_photos[0]), "--csv", str(read_only_folder), "--model", str(tiny_model_path), "-q"]) == 0
    err = capsys.readouterr().err
    assert "warning:" in err and "in place" in err and "Permission denied" not in err
    rows = read_rows(read_only_folder)
    assert len(rows) == 2 and rows[1][0] == str(cat_photos[0]) and rows[1][rows[0].index("status")] == "ok"


def test_note_column_holds_what_was_repaired(tmp_path):
    """Notes about a file (damaged EXIF, colour profile) are in its row, not on stderr."""
    rows = [Result("/p/a.jpg", "ok", "cat", 0.9, (0.9, 0.1), note="damaged EXIF metadata ignored (Tag data)"),
            Result("/p/b.jpg", "ok", "dog", 0.8, (0.2, 0.8))]
    write_csv(rows, tmp_path / "n.csv", LABELS)
    table = read_rows(tmp_path / "n.csv")
    col = table[0].index("note")
    assert [r[col] for r in table[1:]] == ["damaged EXIF metadata ignored (Tag data)", ""]


def test_status_members_are_the_strings_they_replace(tmp_path):
    from catdog_gui.core.results import Status

    assert Status.OK == "ok" and Status.ERROR == "error" and f"{Status.ERROR}" == "error"
    rows = [Result(path=str(tmp_path / "a.jpg"), status=Status.OK, label="cat", confidence=0.9,
                   probabilities=(0.9, 0.1)),
            Result(path=str(tmp_path / "b.jpg"), status=Status.ERROR, error="broken")]
    write_csv(rows, tmp_path / "out.csv", ["cat", "dog"])
    text = (tmp_path / "out.csv").read_text(encoding="utf-8-sig")
    assert ",ok," in text and ",error,broken," in text and "Status." not in text
