"""Adding a folder again: unchanged photos are kept (and said so, without a meaningless rate), a photo whose
file changed (size or mtime) is classified again in place; an empty folder says no images were found; a
one-photo run shows no images/s; the gallery badge says 99.7%, not 100%. Offscreen, tiny model, real photos."""

from __future__ import annotations

import csv
import os
import shutil

from catdog_gui.app.gallery import confidence_text
from catdog_gui.app.main_window import MainWindow

RUN_TIMEOUT = 120_000


def test_readding_a_folder(qtbot, tiny_model_path, cat_photos, dog_photos, tmp_path):
    src = tmp_path / "photos"
    src.mkdir()
    for p in cat_photos[:2]:
        shutil.copy(p, src / p.name)
    w = MainWindow(tiny_model_path, [str(src)])
    qtbot.addWidget(w)
    w.show()
    qtbot.waitUntil(lambda: w.results.rowCount() == 2 and not w.running, timeout=RUN_TIMEOUT)
    before = {r.path: r for r in w.results.results}

    # the same folder again: nothing to do, and the status bar says why
    w.classify([str(src)])
    qtbot.waitUntil(lambda: not w.running, timeout=RUN_TIMEOUT)
    message = w.statusBar().currentMessage()
    assert "already in the table" in message and "the 2 photos found" in message and "images/s" not in message and "Classified 0" not in message
    assert {r.path: r for r in w.results.results} == before

    # one photo's content replaced: that row is classified again, in place; the other is kept
    changed = sorted(before)[0]
    shutil.copy(dog_photos[0], changed)
    w.classify([str(src)])
    qtbot.waitUntil(lambda: not w.running, timeout=RUN_TIMEOUT)
    assert w.results.rowCount() == 2
    after = {r.path: r for r in w.results.results}
    assert after[changed].probabilities != before[changed].probabilities
    other = sorted(before)[1]
    assert after[other] == before[other]
    message = w.statusBar().currentMessage()
    assert "Classified 1 photo" in message and "1 unchanged photo kept" in message
    assert w.last_summary.elapsed_s >= 2.0 or "images/s" not in message  # one quick photo is not a rate
    assert w.tally.total == 2

    # an empty folder
    empty = tmp_path / "empty"
    empty.mkdir()
    w.classify([str(empty)])
    qtbot.waitUntil(lambda: not w.running, timeout=RUN_TIMEOUT)
    assert w.statusBar().currentMessage() == "No images found"


def test_gallery_badge_keeps_a_decimal():
    assert confidence_text(0.997) == "99.7%"
    assert confidence_text(0.5) == "50.0%"


def test_readding_a_folder_drops_rows_of_deleted_photos(qtbot, tiny_model_path, cat_photos, dog_photos, tmp_path):
    src = tmp_path / "gw"
    (src / "sub").mkdir(parents=True)
    for p in cat_photos[:3]:
        shutil.copy(p, src / p.name)
    shutil.copy(dog_photos[0], src / "sub" / dog_photos[0].name)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    outside = elsewhere / cat_photos[3].name
    shutil.copy(cat_photos[3], outside)
    w = MainWindow(tiny_model_path, [str(src), str(outside)])
    qtbot.addWidget(w)
    w.show()
    qtbot.waitUntil(lambda: w.results.rowCount() == 5 and not w.running, timeout=RUN_TIMEOUT)

    # two photos deleted (one in a subfolder), three added, and a photo outside the folder deleted too
    deleted = [str(src / cat_photos[0].name), str(src / "sub" / dog_photos[0].name)]
    for p in deleted:
        os.remove(p)
    outside.unlink()
    for p in dog_photos[1:4]:
        shutil.copy(p, src / p.name)
    w.classify([str(src)])
    qtbot.waitUntil(lambda: not w.running, timeout=RUN_TIMEOUT)
    paths = {r.path for r in w.results.results}
    on_disk = {str(p) for p in src.rglob("*.jpg")}
    assert len(on_disk) == 5 and on_disk <= paths and not set(deleted) & paths
    assert str(outside) in paths  # not under the folder added again: not this run's business
    assert w.results.rowCount() == 6 == w.tally.total
    message = w.statusBar().currentMessage()
    assert "Classified 3 photos" in message and "2 unchanged photos kept" in message
    assert "2 removed: no longer on disk" in message
    csv_path = tmp_path / "out.csv"
    w.export_csv(str(csv_path))
    with open(csv_path, encoding="utf-8-sig", newline="") as f:
        exported = {row["path"] for row in csv.DictReader(f)}
    assert not set(deleted) & exported and on_disk <= exported

    # the whole folder emptied: nothing to classify, every row under it goes, and the status bar says so
    for p in on_disk:
        os.remove(p)
    w.classify([str(src)])
    qtbot.waitUntil(lambda: not w.running, timeout=RUN_TIMEOUT)
    assert [r.path for r in w.results.results] == [str(outside)]
    assert w.statusBar().currentMessage() == "No images found · 5 removed: no longer on disk"


def test_a_photo_reached_by_another_path_stays_one_row(qtbot, tiny_model_path, cat_photos, dog_photos, tmp_path):
    """tester8's finding 6: a folder, then a link to it (or a photo through it), gave each photo two rows in
    the app and one in catdog-classify (which counts files by their real path). Now the app counts the same:
    unchanged photos are kept, a changed one is classified again in its row. A folder link leading outside the
    folder dropped is not followed, and the status bar says so (finding 3)."""
    src, links = tmp_path / "photos", tmp_path / "links"
    src.mkdir()
    links.mkdir()
    for p in cat_photos[:2]:
        shutil.copy(p, src / p.name)
    os.symlink(src, links / "same_folder")
    os.symlink(src / cat_photos[0].name, links / "same_photo.jpg")
    w = MainWindow(tiny_model_path, [str(src)])
    qtbot.addWidget(w)
    w.show()
    qtbot.waitUntil(lambda: w.results.rowCount() == 2 and not w.running, timeout=RUN_TIMEOUT)
    before = {r.path: r for r in w.results.results}

    w.classify([str(links / "same_folder"), str(links / "same_photo.jpg")])
    qtbot.waitUntil(lambda: not w.running, timeout=RUN_TIMEOUT)
    assert {r.path: r for r in w.results.results} == before
    assert "the 2 photos found are already in the table" in w.statusBar().currentMessage()

    changed = src / cat_photos[1].name
    shutil.copy(dog_photos[0], changed)
    w.classify([str(links / "same_folder")])
    qtbot.waitUntil(lambda: not w.running, timeout=RUN_TIMEOUT)
    assert sorted(r.path for r in w.results.results) == sorted(before)  # the changed photo kept its row
    assert w.results.results[w.results.row_of(str(changed))].probabilities != before[str(changed)].probabilities

    os.symlink("..", src / "up")  # leads to tmp_path: outside the folder dropped
    w.classify([str(src)])
    qtbot.waitUntil(lambda: not w.running, timeout=RUN_TIMEOUT)
    assert w.results.rowCount() == 2
    assert "folder links leading outside not followed: 1" in w.statusBar().currentMessage()
