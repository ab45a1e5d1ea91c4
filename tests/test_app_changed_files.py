"""A photo replaced on disk after it was classified (catdog_gui.app.changed_files): Copy to Folders and Write Tags
classify it again first and act on its new verdict, selecting it classifies it again (its table and gallery
thumbnails follow), Export CSV says which rows hold an earlier verdict. Offscreen, tiny model, real photos."""

from __future__ import annotations

import csv
import os
import shutil

import pytest

from catdog_gui.app.main_window import MainWindow
from catdog_gui.app.results_model import NAME
from catdog_gui.core.sorting import plan_sort
from catdog_gui.core.xmp import read_verdict

RUN_TIMEOUT = 120_000


def _two_cats_classified(qtbot, tiny_model_path, cat_photos, tmp_path):
    """(window, folder): two cat photos copied into a folder and classified."""
    folder = tmp_path / "pets"
    folder.mkdir()
    for p in cat_photos[:2]:
        shutil.copyfile(p, folder / p.name)
    w = MainWindow(tiny_model_path, [str(folder)])
    qtbot.addWidget(w)
    w.show()
    qtbot.waitUntil(lambda: w.results.rowCount() == 2 and not w.running, timeout=RUN_TIMEOUT)
    return w, folder


@pytest.fixture
def replaced(qtbot, tiny_model_path, cat_photos, dog_photos, tmp_path):
    """(window, folder, path, old row): two cat photos classified, then the first replaced by a dog photo
    under the same name (another size, another picture)."""
    w, folder = _two_cats_classified(qtbot, tiny_model_path, cat_photos, tmp_path)
    path = str(folder / cat_photos[0].name)
    old = w.results.result(w.results.row_of(path))
    shutil.copyfile(dog_photos[0], path)
    return w, folder, path, old


def row_of(w: MainWindow, path: str):
    return w.results.result(w.results.row_of(path))


def test_copy_to_folders_classifies_a_replaced_photo_again_first(qtbot, replaced, tmp_path):
    w, folder, path, old = replaced
    assert w.changed_files.changed(w.results.results) == [path]
    target = tmp_path / "sorted"
    assert w.sort_into("copy", str(target), confirm=False)
    assert "changed on disk" in w.statusBar().currentMessage()
    qtbot.waitUntil(lambda: w.last_sort is not None and w.sort_worker is None, timeout=RUN_TIMEOUT)
    new = row_of(w, path)
    assert new.probabilities != old.probabilities  # the dog's verdict, not the cat's
    assert w.changed_files.changed(w.results.results) == []
    expected = {i.source: i.destination for i in plan_sort(w.results.results, str(target),
                                                            list(w.engine.info.labels), w.tally.threshold)}
    copies = dict(w.last_sort.done)
    assert copies == expected and len(copies) == 2
    with open(copies[path], "rb") as copied, open(path, "rb") as dog:
        assert copied.read() == dog.read()


def test_write_tags_writes_the_new_verdict_of_a_replaced_photo(qtbot, replaced):
    w, folder, path, old = replaced
    rows = w.results.results  # as the dialog would have taken them: the replaced photo's row is the old one
    with qtbot.waitSignal(w.tag_actions.finished, timeout=RUN_TIMEOUT) as done:
        assert w.tag_actions.write(rows, tag_uncertain=True)
        assert w.tag_actions.busy  # classifying the changed photo again first
    assert sorted(o.action for o in done.args[0]) == ["written", "written"]
    new = row_of(w, path)
    assert new.probabilities != old.probabilities
    tagged = read_verdict(path)
    assert tagged.label == new.label and tagged.confidence == pytest.approx(new.confidence, abs=5e-5)


def thumbnail_bytes(qtbot, provider, path: str) -> bytes:
    qtbot.waitUntil(lambda: provider.get(path) is not None, timeout=RUN_TIMEOUT)
    image = provider.get(path).toImage()
    return bytes(image.constBits())


def test_selecting_a_replaced_photo_classifies_it_again_and_its_thumbnails_follow(qtbot, tiny_model_path,
                                                                                   cat_photos, dog_photos, tmp_path):
    w, folder = _two_cats_classified(qtbot, tiny_model_path, cat_photos, tmp_path)
    path = str(folder / cat_photos[0].name)
    old = row_of(w, path)
    table_before = thumbnail_bytes(qtbot, w.thumbnails, path)
    gallery_before = thumbnail_bytes(qtbot, w.gallery.thumbnails, path)
    shutil.copyfile(dog_photos[0], path)

    row = next(i for i in range(w.proxy.rowCount()) if w.proxy.index(i, NAME).data() == os.path.basename(path))
    w.select_row(row)
    qtbot.waitUntil(lambda: row_of(w, path).probabilities != old.probabilities and not w.running,
                    timeout=RUN_TIMEOUT)
    qtbot.waitUntil(lambda: w.detail.explanation is not None and w.detail.explanation.path == path,
                    timeout=RUN_TIMEOUT)
    new = row_of(w, path)
    assert w.detail.explanation.label == new.label  # the table and the detail view agree
    assert thumbnail_bytes(qtbot, w.thumbnails, path) != table_before  # the dog, not the cat
    assert thumbnail_bytes(qtbot, w.gallery.thumbnails, path) != gallery_before
    other = str(folder / cat_photos[1].name)
    assert row_of(w, other).probabilities is not None and not w.changed_files.changed(w.results.results)


def test_export_csv_names_the_rows_that_hold_an_earlier_verdict(qtbot, replaced, tmp_path):
    w, folder, path, old = replaced
    out = tmp_path / "out.csv"
    assert w.export_csv(str(out)) == 2
    message = w.statusBar().currentMessage()
    assert "changed on disk after classification" in message and os.path.basename(path) in message
    with open(out, newline="", encoding="utf-8-sig") as f:
        written = {r["path"]: r for r in csv.DictReader(f)}
    # what the row says (the status bar says it is out of date)
    assert float(written[path]["confidence"]) == pytest.approx(old.confidence, abs=1e-5)
