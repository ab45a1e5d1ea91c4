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


def test_thumbnails_that_arrive_together_are_repainted_together(qtbot, cat_photos, dog_photos):
    """Each thumbnail made in a worker used to repaint its row at once; now those that arrive within
    ``THUMBNAIL_REFRESH_MS`` make one ``dataChanged`` over their rows."""
    from PySide6.QtCore import QObject, Signal

    from catdog_gui.app.results_model import THUMB, THUMBNAIL_REFRESH_MS

    class Provider(QObject):
        ready = Signal(str)

        def get(self, path):
            return None

    provider = Provider()
    model = ResultsModel(provider)
    photos = [str(p) for p in cat_photos + dog_photos]
    model.append([Result(p, "ok", "cat", 0.9, (0.9, 0.1)) for p in photos])
    changed: list[tuple[int, int, int, int]] = []
    model.dataChanged.connect(lambda a, b, roles=(): changed.append((a.row(), b.row(), a.column(), b.column())))
    for p in photos[3:]:
        provider.ready.emit(p)
    provider.ready.emit("/not/in/the/table.jpg")
    assert changed == []  # nothing yet: held for the next refresh
    qtbot.waitUntil(lambda: bool(changed), timeout=10 * THUMBNAIL_REFRESH_MS)
    qtbot.wait(2 * THUMBNAIL_REFRESH_MS)
    assert changed == [(3, len(photos) - 1, THUMB, THUMB)]
