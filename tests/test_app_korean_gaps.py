"""In Korean, the status bar's provider line and error rows are Korean (core's English detail stays in the
tooltip and the CSV), and About's "in use" value too. Offscreen, tiny model, a real photo and broken copies."""

from __future__ import annotations

import re

import pytest
from PySide6.QtCore import Qt

from catdog_gui.app.core_text import error_text, provider_text
from catdog_gui.app.i18n import install_translators
from catdog_gui.app.main_window import MainWindow
from catdog_gui.app.results_model import STATUS

RUN_TIMEOUT = 120_000
HANGUL = re.compile(r"[\uac00-\ud7a3]")


@pytest.fixture
def korean(qapp):
    installed = install_translators(qapp, "ko")
    yield installed
    install_translators(qapp, "en")


def test_korean_status_line_and_error_rows(qtbot, korean, tiny_model_path, cat_photos, tmp_path):
    empty = tmp_path / "empty.jpg"
    empty.write_bytes(b"")
    truncated = tmp_path / "truncated.jpg"
    truncated.write_bytes(cat_photos[0].read_bytes()[:400])
    missing = tmp_path / "gone.jpg"
    w = MainWindow(tiny_model_path, [str(cat_photos[0]), str(empty), str(truncated), str(missing)])
    qtbot.addWidget(w)
    w.show()
    qtbot.waitUntil(lambda: w.results.rowCount() == 4 and not w.running, timeout=RUN_TIMEOUT)

    errors = [i for i in range(4) if not w.results.result(i).ok]
    assert len(errors) == 3
    for i in errors:
        r = w.results.result(i)
        shown = w.results.index(i, STATUS).data()
        assert HANGUL.search(shown) and r.error not in shown, shown  # a Korean short form
        assert r.error in w.results.index(i, STATUS).data(Qt.ItemDataRole.ToolTipRole)  # the English detail

    label = w.model_label.text()
    assert provider_text(w.engine) in label
    if w.engine.cuda_unavailable_reason:  # this machine: CUDA cannot be used, the line says so in Korean
        assert "CUDA 사용 불가" in label and "unavailable" not in label
        assert w.engine.cuda_unavailable_reason in w.model_label.toolTip()


def test_english_keeps_core_text(qapp):
    install_translators(qapp, "en")
    assert error_text("file not found") == "file not found"
    assert error_text("image too large: 30000x30000 pixels") == "image too large: 30000x30000 pixels"
