"""catdog-classify's outputs and messages: ``--csv -`` (standard output), an invalid ``$CATDOG_MODEL`` named as
the cause, and option messages that say what the options need."""

from __future__ import annotations

import csv
import io
import shutil

from catdog_gui.cli import main

COLUMNS = ["path", "label", "confidence", "p_cat", "p_dog", "status", "error", "note", "top_label", "uncertain_reason",
           "model", "provider", "precision", "tta", "threshold"]


def test_csv_dash_writes_the_csv_to_standard_output(tiny_model_path, cat_photos, dog_photos, tmp_path, monkeypatch,
                                                    capsys):
    """``--csv -``: stdout is the CSV alone (no byte-order mark, which would stick to "path" in a pipe); the
    summary and the --dry-run lines go to stderr; no file named "-" is made."""
    monkeypatch.chdir(tmp_path)
    photos = []
    for source in (cat_photos[0], dog_photos[0]):  # copies: the data set's folders are read-only
        shutil.copy(source, tmp_path / source.name)
        photos.append(str(tmp_path / source.name))
    assert main([*photos, "--csv", "-", "--model", str(tiny_model_path), "--write-tags", "--tag-uncertain",
                 "--dry-run"]) == 0
    captured = capsys.readouterr()
    assert not (tmp_path / "-").exists()
    assert not captured.out.startswith("\ufeff") and "\r\n" in captured.out
    rows = list(csv.DictReader(io.StringIO(captured.out, newline="")))
    assert [r["path"] for r in rows] == photos and all(r["status"] == "ok" for r in rows)
    assert list(rows[0]) == COLUMNS
    assert "Classified 2 image(s)" in captured.err and "CSV: standard output (2 row(s))" in captured.err
    assert "would write" in captured.err and "Tags (" in captured.err and not list(tmp_path.glob("*.xmp"))


def test_an_invalid_model_from_the_environment_names_the_variable(cat_photos, tmp_path, monkeypatch, capsys):
    """$CATDOG_MODEL set to a photo: the error says the path came from the variable (the user never typed it),
    once; the same file given with --model does not."""
    monkeypatch.setenv("CATDOG_MODEL", str(cat_photos[1]))
    assert main([str(cat_photos[0]), "--csv", str(tmp_path / "o.csv")]) == 2
    err = capsys.readouterr().err
    assert f"cannot open {cat_photos[1].name!r} as an ONNX model" in err
    assert err.rstrip().endswith("(set by $CATDOG_MODEL)") and err.count("$CATDOG_MODEL") == 1
    assert main([str(cat_photos[0]), "--csv", str(tmp_path / "o.csv"), "--model", str(cat_photos[1])]) == 2
    assert "CATDOG_MODEL" not in capsys.readouterr().err


def test_sidecar_naming_alone_names_both_options_it_serves(cat_photos, tmp_path, capsys):
    assert main([str(cat_photos[0]), "--csv", str(tmp_path / "o.csv"), "--sidecar-naming", "replace"]) == 2
    assert ("catdog-classify: error: --sidecar-naming needs --write-tags or --skip-tagged"
            in capsys.readouterr().err)
