"""A file name that is not valid UTF-8 is spelled the same way in the CSV and in the CLI's messages (raw bytes
as ``\\xNN``, as ``ls -b`` shows them; stderr gave ``\\udcff`` from ``repr``, the CSV ``\\xff``)."""

from __future__ import annotations

import csv
import os
import shutil

from catdog_gui.cli import main
from catdog_gui.core.pathtext import path_text, quoted


def test_an_undecodable_name_reads_the_same_in_the_csv_and_on_stderr(tmp_path, cat_photos, tiny_model_path, capsys):
    folder = os.fsencode(tmp_path / "latin")
    os.mkdir(folder)
    good = os.path.join(folder, b"chat\xe9.jpg")  # Latin-1 bytes: not UTF-8
    bad = os.path.join(folder, b"cass\xe9\xff.jpg")
    shutil.copyfile(cat_photos[0], good)
    with open(bad, "wb") as f:
        f.write(b"not a photo " * 20)
    out = tmp_path / "out.csv"
    assert main([os.fsdecode(folder), "--model", str(tiny_model_path), "--csv", str(out)]) == 0
    err = capsys.readouterr().err
    with open(out, encoding="utf-8-sig", newline="") as f:
        rows = {r["path"]: r for r in csv.DictReader(f)}
    bad_text = os.fsdecode(folder) + "/cass\\xe9\\xff.jpg"
    assert set(rows) == {bad_text, os.fsdecode(folder) + "/chat\\xe9.jpg"}
    assert rows[bad_text]["status"] == "error"
    assert f"error: '{bad_text}':" in err and "\\udc" not in err


def test_path_text_keeps_valid_names_and_spells_raw_bytes():
    assert path_text("/photos/chaté ü.jpg") == "/photos/chaté ü.jpg"
    assert path_text(os.fsdecode(b"/p/\xff\xfe caf\xe9.jpg")) == "/p/\\xff\\xfe caf\\xe9.jpg"
    assert path_text(b"/p/caf\xe9.jpg") == "/p/caf\\xe9.jpg"
    assert quoted(os.fsdecode(b"caf\xe9.jpg")) == "'caf\\xe9.jpg'"
