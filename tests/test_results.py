"""catdog_gui.core.results: the result record and the CSV (Excel-safe, RFC 4180, injection-safe, atomic)."""

from __future__ import annotations

import csv
import io
import math
import os
import stat

import pytest

from catdog_gui.core import results as results_mod
from catdog_gui.core.results import Result, csv_columns, neutralize_cell, write_csv

LABELS = ("cat", "dog")


def read_rows(path) -> list[list[str]]:
    raw = open(path, "rb").read()
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
    assert csv_columns(LABELS) == ["path", "label", "confidence", "p_cat", "p_dog", "status", "error"]
    assert csv_columns(("a", "b", "c"))[3:6] == ["p_a", "p_b", "p_c"]


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
    assert table[1] == ["/p/cat1.jpg", "cat", "0.875000", "0.875000", "0.125000", "ok", ""]
    assert table[2][0] == "/p/dog, with comma.jpg" and table[2][2] == "0.600000"
    assert b'"/p/dog, with comma.jpg"' in raw
    assert table[3] == ["/p/broken.jpg", "", "", "", "", "error", 'not an image (says "hello")']
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
    assert row[0] == "'" + text and row[1] == "'" + text and row[6] == "'" + text


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
        seen["complete"] = open(src, "rb").read().count(b"\r\n")
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
    assert got[2][0] == "/photos/\\xff\\xfe caf\\xe9.jpg" and "\\xff" in got[2][-1]
    assert got[3][0] == "/photos/plain.jpg"
