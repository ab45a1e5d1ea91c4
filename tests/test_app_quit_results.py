"""Quitting when the results of a long run were not exported asks first (tester 11, finding 2: the table of a
19-minute run on 4,162 photos was gone at Ctrl+Q without a word, during a run or after it). Export CSV… writes
them and quits; Quit Without Saving quits (and stops a run going on); Esc keeps the window. A short run (under
``ASK_AFTER_S``) quits without a question. Offscreen, tiny model, real photos."""

from __future__ import annotations

import csv

from PySide6.QtWidgets import QFileDialog

from catdog_gui.app import quit_question
from catdog_gui.app.main_window import MainWindow
from catdog_gui.app.quit_question import UnsavedWork

RUN_TIMEOUT = 120_000


def test_unexported_results_of_a_long_run_ask_and_export_writes_them(classified_window, answer_quit, qtbot, tiny_model_path, cat_photos, tmp_path,
                                                                     monkeypatch):
    w = classified_window(cat_photos[:4], tmp_path / "photos")
    monkeypatch.setattr(quit_question, "ASK_AFTER_S", 0.0)  # the run counts as long
    seen: list[str] = []
    answer_quit(w, None, seen, informative=True)
    assert not w.close()  # Esc: the window and its rows stay
    assert w.isVisible() and w.results.rowCount() == 4
    assert "The results of 4 photos" in seen[0] and "have not been exported" in seen[0]
    assert "The table is not kept after the window closes." in seen[0]

    out = tmp_path / "results.csv"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(out), "CSV files (*.csv)"))
    answer_quit(w, "Export CSV…", seen, informative=True)
    assert w.close()
    assert not w.isVisible() and len(seen) == 2
    with open(out, encoding="utf-8-sig", newline="") as f:
        assert sorted(r["path"] for r in csv.DictReader(f)) == sorted(r.path for r in w.results.results)


def test_exported_or_short_runs_quit_without_a_question(classified_window, qtbot, tiny_model_path, dog_photos, tmp_path, monkeypatch):
    w = classified_window(dog_photos[:3], tmp_path / "photos")
    monkeypatch.setattr(quit_question, "ASK_AFTER_S", 60.0)  # the tiny model's run took well under a minute
    assert w.quit_question.unsaved_results() == 0
    monkeypatch.setattr(quit_question, "ASK_AFTER_S", 0.0)
    assert w.quit_question.unsaved_results() == 3
    assert w.export_csv(str(tmp_path / "r.csv")) == 3
    assert w.quit_question.unsaved_results() == 0
    assert w.close()  # no question: nothing to lose


def test_quitting_during_a_run_asks_and_quit_without_saving_stops_it(answer_quit, qtbot, tiny_model_path, data_dir,
                                                                      monkeypatch):
    monkeypatch.setattr(quit_question, "ASK_AFTER_S", 0.0)
    w = MainWindow(tiny_model_path, [str(data_dir / "petimages")])  # 10,000 photos: still running below
    qtbot.addWidget(w)
    w.show()
    qtbot.waitUntil(lambda: w.results.rowCount() >= 16, timeout=RUN_TIMEOUT)
    assert w.running
    seen: list[str] = []
    answer_quit(w, "Quit Without Saving", seen, informative=True)
    assert w.close()
    assert len(seen) == 1 and seen[0].startswith("A run is still classifying: the results of its ")
    qtbot.waitUntil(lambda: not w.running, timeout=10_000)  # the run was stopped (10,000 photos: not finished)
    assert w.results.rowCount() < 10_000


def test_unsaved_work_counts_runs_since_the_last_export():
    now = [100.0]
    work = UnsavedWork(clock=lambda: now[0])
    work.run_started()
    now[0] += 30
    assert work.seconds() == 30  # the run going on counts
    work.run_ended()
    now[0] += 500  # idle time between runs does not count
    work.run_started()
    now[0] += 20
    work.saved()  # an export during the second run: it counts again from here
    now[0] += 5
    assert work.seconds() == 5
    work.run_ended()
    now[0] += 5
    assert work.seconds() == 5
    work.saved()
    assert work.seconds() == 0


def test_write_tags_from_the_question_quits_only_once_every_result_is_in_the_tags(classified_window, answer_quit, qtbot, tiny_model_path,
                                                                                   cat_photos, tmp_path,
                                                                                   monkeypatch):
    """Tester 12: with a row selected, Write Tags… from the quit question wrote "Selected rows (1)" and quit,
    the other results neither tagged nor exported. Now the window stays and says how many are left; writing
    every row then quits."""
    from PySide6.QtWidgets import QDialog

    from catdog_gui.app import tag_actions
    from catdog_gui.core.xmp import read_verdict

    w = classified_window(cat_photos[:3], tmp_path / "photos")
    monkeypatch.setattr(quit_question, "ASK_AFTER_S", 0.0)
    w.select_row(0)
    chosen = w.current_result().path

    def only_selected(dialog):
        dialog.only_selected.setChecked(True)
        dialog.uncertain.setChecked(True)
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(tag_actions.TagOptions, "exec", only_selected)
    seen: list[str] = []
    answer_quit(w, "Write Tags…", seen, informative=True)
    with qtbot.waitSignal(w.tag_actions.finished, timeout=RUN_TIMEOUT):
        assert not w.close()
    qtbot.wait(50)
    assert w.isVisible() and read_verdict(chosen) is not None
    assert w.statusBar().currentMessage().startswith("2 classified photos are neither tagged nor exported")

    def every_row(dialog):
        dialog.all_shown.setChecked(True)
        dialog.uncertain.setChecked(True)
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(tag_actions.TagOptions, "exec", every_row)
    answer_quit(w, "Write Tags…", seen, informative=True)
    assert not w.close()  # not yet: the write runs first
    qtbot.waitUntil(lambda: not w.isVisible(), timeout=RUN_TIMEOUT)
    assert all(read_verdict(r.path) is not None for r in w.results.results) and len(seen) == 2
