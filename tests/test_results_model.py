"""app.results_model: a photo's note (what was repaired or ignored while decoding) shows in its row."""

from __future__ import annotations

from PIL import Image
from PySide6.QtCore import Qt

from catdog_gui.app.results_model import STATUS, ResultsModel
from catdog_gui.core.imaging import Preprocessing
from catdog_gui.core.pipeline import decode_one
from catdog_gui.core.results import Result


def test_note_shown_in_the_status_cell_and_tooltip(qapp, cat_photos, tmp_path):
    rgba = Image.open(cat_photos[0]).convert("RGBA")
    rgba.putalpha(0)  # a screenshot tool's unused alpha bytes
    rgba.save(tmp_path / "shot.png")
    notes: list[str] = []
    assert not isinstance(decode_one(str(tmp_path / "shot.png"), Preprocessing(image_size=(64, 64)), notes), str)
    assert notes
    model = ResultsModel()
    model.append([Result(str(tmp_path / "shot.png"), "ok", "cat", 0.9, (0.9, 0.1), note="; ".join(notes)),
                  Result(str(cat_photos[1]), "ok", "cat", 0.8, (0.8, 0.2))])
    noted, plain = model.index(0, STATUS), model.index(1, STATUS)
    assert model.data(noted) == f"ok · {notes[0]}" and model.data(plain) == "ok"
    assert notes[0] in model.data(noted, Qt.ItemDataRole.ToolTipRole)
    assert model.data(plain, Qt.ItemDataRole.ToolTipRole) == str(cat_photos[1])
