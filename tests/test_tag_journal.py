"""The Undo Write Tags journal kept on disk (core.tag_journal), and Tags ▸ Undo Write Tags after a restart:
real photos, sidecars new and merged into old ones, verdicts embedded in a JPEG."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from catdog_gui.core.tag_journal import STATE_ENV, journal_path, load_journal, save_journal, state_dir
from catdog_gui.core.xmp import Verdict, read_verdict, sidecar_path, undo_write, write_verdict

RUN_TIMEOUT = 120_000


@pytest.fixture
def fullsize(data_dir, tmp_path) -> list[Path]:
    """Four full-size photos (two cats, two dogs) copied into ``tmp_path/pets``."""
    folder = tmp_path / "pets"
    folder.mkdir()
    root = data_dir / "photos-fullsize"
    photos = sorted((root / "cat").glob("*.jpg"))[:2] + sorted((root / "dog").glob("*.jpg"))[:2]
    return [Path(shutil.copyfile(p, folder / p.name)) for p in photos]  # writable, unlike the originals


def _state(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_state_folder_follows_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv(STATE_ENV, str(tmp_path / "mine"))
    assert state_dir() == tmp_path / "mine" and journal_path() == tmp_path / "mine" / "tag-journal.jsonl"
    monkeypatch.delenv(STATE_ENV)
    assert state_dir().name == "catdog"


def test_a_saved_journal_undoes_new_merged_and_embedded_writes_byte_for_byte(fullsize, tmp_path):
    """Three kinds of write: a new sidecar, one merged into the user's existing sidecar (its old bytes kept in
    the journal as base64), a verdict embedded in the JPEG (its old XMP packet kept as text). Saved, read back
    as a new process would, the journal puts every file back exactly."""
    new, merged, embedded = fullsize[:3]
    old_sidecar = Path(sidecar_path(merged))
    assert write_verdict(merged, Verdict("cat", 0.9)).action == "written"
    old_sidecar.write_bytes(old_sidecar.read_bytes().replace(b"Cat", b"Kitty"))  # edited by the user since
    before = _state(new.parent)
    outcomes = [write_verdict(new, Verdict("cat", 0.97)), write_verdict(merged, Verdict("dog", 0.8)),
                write_verdict(embedded, Verdict("dog", 0.91), mode="embed")]
    assert [o.action for o in outcomes] == ["written"] * 3
    assert _state(new.parent) != before
    path = tmp_path / "state" / "tag-journal.jsonl"
    save_journal(outcomes, path)
    lines = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert lines[0] == {"catdog_tag_journal": 1} and len(lines) == 4
    assert lines[1]["previous"] is None and "base64" in lines[2]["previous"] and "text" in lines[3]["previous"]
    loaded = load_journal(path)
    assert [(o.path, o.target, o.added, o.removed) for o in loaded] == \
        [(o.path, o.target, o.added, o.removed) for o in outcomes]
    assert [o.action for o in (undo_write(o) for o in reversed(loaded))] == ["undone"] * 3
    assert _state(new.parent) == before
    save_journal([], path)
    assert not path.exists() and load_journal(path) == []


def test_a_file_changed_since_is_reported_and_left_as_it_is(fullsize, tmp_path):
    path = tmp_path / "state" / "tag-journal.jsonl"
    outcomes = [write_verdict(p, Verdict("cat", 0.97)) for p in fullsize[:2]]
    save_journal(outcomes, path)
    changed = Path(outcomes[1].target)
    changed.write_bytes(changed.read_bytes() + b"\n")  # edited by another program since
    edited = changed.read_bytes()
    results = [undo_write(o) for o in load_journal(path)]
    assert results[0].action == "undone" and not os.path.exists(outcomes[0].target)
    assert results[1].action == "error" and "changed since" in results[1].reason
    assert changed.read_bytes() == edited


def test_a_damaged_journal_is_refused(tmp_path):
    path = tmp_path / "tag-journal.jsonl"
    for text in ("not json\n", '{"mode": "copy"}\n', '{"catdog_tag_journal": 1}\n{"path": "x"}\n',
                 '{"catdog_tag_journal": 1}\n{"path": "x", "target": "x.xmp", "added": [], "removed": [], '
                 '"mode": "sidecar", "previous": {"base64": "%%%"}, "written": [1, 2, 3]}\n'):
        path.write_text(text, encoding="utf-8")
        with pytest.raises(ValueError, match="not a catdog tag journal"):
            load_journal(path)


def _window(qtbot, model, settings_file: Path, paths=()):
    from PySide6.QtCore import QSettings

    from catdog_gui.app.main_window import MainWindow

    w = MainWindow(model, [str(p) for p in paths],
                   settings=QSettings(str(settings_file), QSettings.Format.IniFormat))
    qtbot.addWidget(w)
    return w


def test_undo_write_tags_after_a_restart(qtbot, tiny_model_path, fullsize, tmp_path, monkeypatch):
    """Tags written, the app quit and started again: Undo Write Tags is enabled and puts every sidecar back;
    after the undo a restart finds nothing to undo."""
    monkeypatch.setenv(STATE_ENV, str(tmp_path / "state"))
    folder, ini = fullsize[0].parent, tmp_path / "catdog.ini"
    before = _state(folder)
    w = _window(qtbot, tiny_model_path, ini, [folder])
    qtbot.waitUntil(lambda: w.results.rowCount() == 4 and not w.running, timeout=RUN_TIMEOUT)
    assert not w.tag_actions.undo_action.isEnabled()
    rows = [w.results.result(i) for i in range(w.results.rowCount())]
    with qtbot.waitSignal(w.tag_actions.finished, timeout=RUN_TIMEOUT) as done:
        assert w.tag_actions.write(rows, tag_uncertain=True)
    assert [o.action for o in done.args[0]] == ["written"] * 4
    assert (tmp_path / "state" / "tag-journal.jsonl").is_file()
    tagged = _state(folder)
    w.close()

    again = _window(qtbot, tiny_model_path, ini)
    assert again.tag_actions.undo_action.isEnabled() and len(again.tag_actions.journal) == 4
    assert all(read_verdict(p) is not None for p in fullsize)
    with qtbot.waitSignal(again.tag_actions.finished, timeout=RUN_TIMEOUT) as undone:
        assert again.tag_actions.undo()
    assert [o.action for o in undone.args[0]] == ["undone"] * 4
    assert _state(folder) == before != tagged
    assert not (tmp_path / "state" / "tag-journal.jsonl").exists()
    assert not again.tag_actions.undo_action.isEnabled()
    again.close()
    third = _window(qtbot, tiny_model_path, ini)
    assert not third.tag_actions.undo_action.isEnabled() and not third.tag_actions.undo()


def test_a_restart_after_a_move_undoes_the_tags_where_the_photos_went(qtbot, tiny_model_path, fullsize, tmp_path,
                                                                      monkeypatch):
    """Tags written, the photos moved into folders: the kept journal follows them, so the undo after a restart
    removes the sidecars at their new place; a sidecar edited since is reported and kept."""
    monkeypatch.setenv(STATE_ENV, str(tmp_path / "state"))
    folder, ini, target = fullsize[0].parent, tmp_path / "catdog.ini", tmp_path / "sorted"
    w = _window(qtbot, tiny_model_path, ini, [folder])
    qtbot.waitUntil(lambda: w.results.rowCount() == 4 and not w.running, timeout=RUN_TIMEOUT)
    rows = [w.results.result(i) for i in range(w.results.rowCount())]
    with qtbot.waitSignal(w.tag_actions.finished, timeout=RUN_TIMEOUT):
        assert w.tag_actions.write(rows, tag_uncertain=True)
    assert w.sort_into("move", str(target), confirm=False)
    qtbot.waitUntil(lambda: w.sort_worker is None, timeout=RUN_TIMEOUT)
    moved = sorted(target.rglob("*.jpg"))
    assert len(moved) == 4 and all(os.path.isfile(sidecar_path(p)) for p in moved)
    edited = Path(sidecar_path(moved[0]))
    edited.write_bytes(edited.read_bytes() + b"\n")
    w.close()

    again = _window(qtbot, tiny_model_path, ini)
    assert again.tag_actions.undo_action.isEnabled()
    with qtbot.waitSignal(again.tag_actions.finished, timeout=RUN_TIMEOUT) as undone:
        assert again.tag_actions.undo()
    by_target = {o.target: o for o in undone.args[0]}
    assert by_target[str(edited)].action == "error" and edited.is_file()
    assert sorted(o.action for o in undone.args[0]) == ["error", "undone", "undone", "undone"]
    assert [p for p in moved if os.path.exists(sidecar_path(p))] == [moved[0]]
