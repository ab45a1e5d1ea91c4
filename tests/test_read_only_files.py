"""A file marked read-only (``chmod a-w``; Windows' read-only attribute) is never replaced: the results CSV
(catdog-classify refuses before classifying, the app says why), an XMP sidecar and a photo to embed into.
Before, the CSV was replaced silently (the atomic rename needs only the folder's permission); the tag writer
already refused, with the same rule (``core.atomic.is_read_only``) that now guards every atomic replace."""

from __future__ import annotations

import os
import shutil
import stat
from pathlib import Path

import pytest

from catdog_gui.core.results import Result, write_csv
from catdog_gui.core.xmp import Verdict, sidecar_path, write_verdict

LABELS = ("cat", "dog")
CAT = Verdict(label="cat", confidence=0.9731, model="catdog-xception.onnx", model_digest="ab" * 32)
DOG = Verdict(label="dog", confidence=0.88, model="catdog-xception.onnx", model_digest="ab" * 32)


def _read_only(path, content: bytes) -> bytes:
    path.write_bytes(content)
    os.chmod(path, stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)  # 0444
    return content


def test_write_csv_refuses_a_read_only_csv_and_leaves_it(tmp_path):
    out = tmp_path / "kept.csv"
    before = _read_only(out, b"a run to keep\r\n")
    with pytest.raises(PermissionError, match="read-only"):
        write_csv([Result("/a.jpg", "ok", "cat", 0.9, (0.9, 0.1))], out, LABELS)
    assert out.read_bytes() == before and sorted(p.name for p in tmp_path.iterdir()) == ["kept.csv"]
    os.chmod(out, 0o644)  # writable again: replaced as usual
    assert write_csv([Result("/a.jpg", "ok", "cat", 0.9, (0.9, 0.1))], out, LABELS) == 1


def test_cli_refuses_a_read_only_csv_before_classifying(tmp_path, tiny_model_path, cat_photos, capsys):
    from catdog_gui.cli import main

    out = tmp_path / "kept.csv"
    before = _read_only(out, b"a run to keep\r\n")
    assert main([str(cat_photos[0]), "--csv", str(out), "--model", str(tiny_model_path), "-q"]) == 2
    err = capsys.readouterr().err
    assert f"cannot write {str(out)!r}: the file is read-only" in err and "Classified" not in err
    assert out.read_bytes() == before


def test_sidecar_and_photo_marked_read_only_are_kept(tmp_path, cat_photos):
    photo = tmp_path / "cat.jpg"
    shutil.copyfile(cat_photos[0], photo)
    sidecar = Path(sidecar_path(photo))
    assert write_verdict(photo, DOG).action == "written"  # an earlier run's sidecar, then marked read-only
    before = _read_only(sidecar, sidecar.read_bytes())
    out = write_verdict(photo, CAT)
    assert out.action == "error" and "read-only" in out.reason and sidecar.read_bytes() == before

    original = photo.read_bytes()
    os.chmod(photo, 0o444)
    out = write_verdict(photo, CAT, mode="embed")
    assert out.action == "error" and "read-only" in out.reason and photo.read_bytes() == original
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cat.jpg", "cat.jpg.xmp"]  # no temporary files


def test_app_export_to_a_read_only_csv_says_why(qtbot, tiny_model_path, cat_photos, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    from catdog_gui.app.main_window import MainWindow

    w = MainWindow(tiny_model_path, [str(cat_photos[0])])
    qtbot.addWidget(w)
    qtbot.waitUntil(lambda: w.results.rowCount() == 1 and not w.running, timeout=120_000)
    out = tmp_path / "kept.csv"
    before = _read_only(out, b"a run to keep\r\n")
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)  # "Replace it?"
    monkeypatch.setattr(QMessageBox, "critical", lambda parent, title, text, *a: shown.append(text))
    assert w.export_csv(str(out)) is None
    assert shown == [f"Could not write {out}:\nthe file is read-only"] and out.read_bytes() == before
