"""A person's "Mark as" labels belong to the photo: a Model menu change re-classifies and keeps them;
File > Clear Results asks first (default No) when rows carry marks or were not exported.
Offscreen, tiny model, real photos."""

from __future__ import annotations

import shutil

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QMessageBox

from catdog_gui.app.main_window import MainWindow

RUN_TIMEOUT = 120_000


def _answer(w, button, seen: list) -> None:
    """Answer File > Clear Results' question with ``button`` once it is open; note its default button."""
    def later():
        box = getattr(w, "_clear_box", None)
        if box is None or not box.isVisible():
            QTimer.singleShot(20, later)
            return
        seen.append((box.defaultButton() is box.button(QMessageBox.StandardButton.No), box.text()))
        box.button(button).click()
    QTimer.singleShot(0, later)


def test_marks_survive_reclassification_and_clear_asks(qtbot, tiny_model_path, cat_photos, tmp_path):
    src = tmp_path / "photos"
    src.mkdir()
    for p in cat_photos[:3]:
        shutil.copy(p, src / p.name)
    w = MainWindow(tiny_model_path, [str(src)])
    qtbot.addWidget(w)
    w.show()
    qtbot.waitUntil(lambda: w.results.rowCount() == 3 and not w.running, timeout=RUN_TIMEOUT)
    w.select_row(0)
    marked = w.current_result().path
    assert w.mark_selected("dog") == 1

    # precision and TTA changes re-classify every photo and keep the mark on the same photo
    for change in ({"tta": not w.tta}, {"precision": "fp32"}):
        assert w.set_speed(**change)
        qtbot.waitUntil(lambda: w.results.rowCount() == 3 and not w.running, timeout=RUN_TIMEOUT)
        assert {r.path: r.person_label for r in w.results.results} == {
            r.path: ("dog" if r.path == marked else "") for r in w.results.results}
        assert w.tally.total == 3
        assert w.current_result().path == marked  # the photo selected before the change is selected again
        # the run's message counts the model's verdicts; it says why the line below (marks counted) differs
        assert "1 marked by hand (counted as marked below)" in w.statusBar().currentMessage()

    # Clear Results with a mark asks; No (the default) keeps every row, Yes clears
    seen: list = []
    _answer(w, QMessageBox.StandardButton.No, seen)
    assert not w.ask_clear_results()
    assert w.results.rowCount() == 3 and seen and seen[0][0] and "1 photo carries a verdict marked by hand" in seen[0][1]
    _answer(w, QMessageBox.StandardButton.Yes, seen)
    assert w.ask_clear_results()
    assert w.results.rowCount() == 0

    # unsaved results without marks ask too; once exported, Clear asks nothing
    w.classify([str(src)])
    qtbot.waitUntil(lambda: w.results.rowCount() == 3 and not w.running, timeout=RUN_TIMEOUT)
    assert all(not r.person_label for r in w.results.results)  # the mark went with the rows cleared by hand
    _answer(w, QMessageBox.StandardButton.No, seen)
    assert not w.ask_clear_results() and "not been exported" in seen[-1][1]
    n_seen = len(seen)
    assert w.export_csv(str(tmp_path / "out.csv")) == 3
    assert w.ask_clear_results() and w.results.rowCount() == 0 and len(seen) == n_seen


def test_a_verdict_set_by_hand_in_the_tags_comes_back(qtbot, tiny_model_path, hand_tagged, tmp_path):
    """Mark as, Write Tags, quit, open the folder again: the mark was gone, and Copy to Folders put the photo
    into the model's folder with a sidecar saying a person called it a dog (tester 7). It comes back as a
    mark (already saved: quitting asks nothing), and the sort follows it, as catdog-classify's does."""
    src, marked, other = hand_tagged
    w = MainWindow(tiny_model_path, [str(src)])
    qtbot.addWidget(w)
    qtbot.waitUntil(lambda: w.results.rowCount() == 2 and not w.running, timeout=RUN_TIMEOUT)
    assert {r.path: r.person_label for r in w.results.results} == {str(marked): "dog", str(other): ""}
    assert w.unsaved_marks() == 0
    assert w.sort_into("copy", str(tmp_path / "sorted"), confirm=False)
    qtbot.waitUntil(lambda: w.sort_worker is None, timeout=RUN_TIMEOUT)
    assert (tmp_path / "sorted" / "dog" / marked.name).is_file()
    w.shutdown()
