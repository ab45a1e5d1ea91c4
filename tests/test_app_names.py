"""File names the window cannot draw as they are (tester 11, findings 9 and 10): a name that is not valid UTF-8
showed with its byte dropped (``latin1_.jpg``) while the CSV said ``latin1_\\xe9.jpg``, and a name starting with
a tab showed as a wide blank (or only "…"). The table, the gallery and the detail view now spell them as the
CSV and the CLI do (``\\xNN``), and control characters as ``\\t``/``\\n``/``\\xNN``. Offscreen, tiny model,
real photos."""

from __future__ import annotations

import os
import shutil

from catdog_gui.app.main_window import MainWindow
from catdog_gui.app.results_model import FOLDER, NAME, RESULT_ROLE

RUN_TIMEOUT = 120_000


def test_odd_names_are_spelled_visibly_and_as_the_csv_does(qtbot, tiny_model_path, cat_photos, tmp_path):
    folder = tmp_path / "odd\tfolder"
    folder.mkdir()
    latin1 = os.fsdecode(os.path.join(os.fsencode(folder), b"latin1_\xe9.jpg"))
    shutil.copy(cat_photos[0], latin1)
    shutil.copy(cat_photos[1], folder / "\t=tab.jpg")
    w = MainWindow(tiny_model_path, [str(folder)])
    qtbot.addWidget(w)
    w.show()
    qtbot.waitUntil(lambda: w.results.rowCount() == 2 and not w.running, timeout=RUN_TIMEOUT)
    rows = {w.proxy.index(i, NAME).data(RESULT_ROLE).path: i for i in range(2)}
    assert all(w.results.result(w.results.row_of(p)).ok for p in rows)  # both photos were read
    shown = sorted(w.proxy.index(i, NAME).data() for i in range(2))
    assert shown == ["\\t=tab.jpg", "latin1_\\xe9.jpg"]
    assert {w.proxy.index(i, FOLDER).data() for i in range(2)} == {"odd\\tfolder"}

    w.select_row(rows[latin1])
    qtbot.waitUntil(lambda: w.detail.title.text() == "latin1_\\xe9.jpg", timeout=10_000)
    out = tmp_path / "r.csv"
    assert w.export_csv(str(out)) == 2
    assert "latin1_\\xe9.jpg" in out.read_text(encoding="utf-8-sig")  # the same spelling as the table's
