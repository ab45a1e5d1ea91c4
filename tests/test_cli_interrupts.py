"""Ctrl-C in catdog-classify at any moment: while it starts (libraries loading, the model opening, the folders
searched), while it classifies before a --sort-into, and during the sort itself."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from catdog_gui import cli

REPO = Path(__file__).resolve().parents[1]

# Runs catdog-classify as its console script does (``sys.exit(main())``), with a real SIGINT sent to the
# process the moment it first imports TARGET: deterministic, unlike a timer racing the start-up.
_SIGINT_ON_IMPORT = """
import importlib.abc, os, runpy, signal, sys

TARGET = sys.argv[1]
signal.signal(signal.SIGINT, signal.default_int_handler)  # as in a terminal, whatever the test runner set


class SigintOnImport(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name == TARGET:
            sys.meta_path.remove(self)
            os.kill(os.getpid(), signal.SIGINT)  # Ctrl-C: KeyboardInterrupt in the import that follows
        return None


sys.meta_path.insert(0, SigintOnImport())
sys.argv = ["catdog-classify", *sys.argv[2:]]
runpy.run_module("catdog_gui.cli", run_name="__main__")
"""


@pytest.mark.skipif(os.name != "posix", reason="POSIX signals")
@pytest.mark.parametrize("target", ["numpy",  # building the argument parser (the libraries load)
                                    "catdog_gui.core.scan"])  # after the model opened, before the scan
def test_ctrl_c_while_starting_exits_130_without_a_traceback(target, tiny_model_path, cat_photos, tmp_path):
    out = tmp_path / "o.csv"
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    proc = subprocess.run([sys.executable, "-c", _SIGINT_ON_IMPORT, target, str(cat_photos[0]), "--csv", str(out),
                           "--model", str(tiny_model_path)], capture_output=True, text=True, cwd=REPO, env=env,
                          timeout=300)
    assert proc.returncode == 130, proc.stderr
    assert "Traceback" not in proc.stderr and "KeyboardInterrupt" not in proc.stderr
    assert proc.stderr.strip() == "catdog-classify: interrupted before classifying; nothing was written"
    assert not out.exists()


def _photos_to_sort(tmp_path: Path, cat_photos) -> tuple[Path, list[str]]:
    src = tmp_path / "src"
    src.mkdir()
    for p in cat_photos[:4]:
        shutil.copy(p, src / p.name)
    return src, sorted(p.name for p in src.iterdir())


@pytest.mark.parametrize("mode", ["--move", "--copy"])
def test_ctrl_c_while_classifying_sorts_nothing_and_says_so(mode, tiny_model_path, cat_photos, tmp_path,
                                                            monkeypatch, capsys):
    from catdog_gui.core import pipeline

    real_classify = pipeline.classify

    def interrupted(*args, **kwargs):
        for i, result in enumerate(real_classify(*args, **kwargs)):
            if i == 2:
                raise KeyboardInterrupt
            yield result

    monkeypatch.setattr(pipeline, "classify", interrupted)
    src, names = _photos_to_sort(tmp_path, cat_photos)
    target = tmp_path / "sorted"
    assert cli.main([str(src), "--model", str(tiny_model_path), "--sort-into", str(target), mode, "-q"]) == 130
    out = capsys.readouterr().out
    verb = "moved" if mode == "--move" else "copied"
    assert "(interrupted)" in out and f"Interrupted before sorting: no photo was {verb} into {target}" in out
    assert sorted(p.name for p in src.iterdir()) == names and not target.exists()


def test_ctrl_c_while_tagging_sorts_nothing(tiny_model_path, cat_photos, tmp_path, monkeypatch, capsys):
    """Ctrl-C stops --write-tags between two files; the sort after it does not start."""
    from catdog_gui.core import xmp

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(xmp, "write_verdict", interrupted)
    src, names = _photos_to_sort(tmp_path, cat_photos)
    target = tmp_path / "sorted"
    assert cli.main([str(src), "--model", str(tiny_model_path), "--write-tags", "--tag-uncertain",
                     "--sort-into", str(target), "--move", "-q"]) == 130
    assert f"Interrupted before sorting: no photo was moved into {target}" in capsys.readouterr().out
    assert sorted(p.name for p in src.iterdir()) == names and not target.exists()


@pytest.mark.skipif(os.name != "posix", reason="POSIX signals")
def test_ctrl_c_during_the_sort_stops_between_two_photos(tiny_model_path, cat_photos, tmp_path, monkeypatch,
                                                         capsys):
    """A real SIGINT after the first photo moved: the others stay, the summary says so (exit 130), and
    --undo-sort takes the moved one back."""
    from catdog_gui.core import sorting

    real_sort_one = sorting._sort_one
    calls = []

    def sort_one_then_ctrl_c(*args, **kwargs):
        calls.append(args[0].source)
        done = real_sort_one(*args, **kwargs)
        if len(calls) == 1:
            os.kill(os.getpid(), signal.SIGINT)
        return done

    monkeypatch.setattr(sorting, "_sort_one", sort_one_then_ctrl_c)
    src, names = _photos_to_sort(tmp_path, cat_photos)
    target = tmp_path / "sorted"
    assert cli.main([str(src), "--model", str(tiny_model_path), "--sort-into", str(target), "--move", "-q"]) == 130
    out = capsys.readouterr().out
    assert f"Moved 1 photo(s) into {target} (interrupted: the other photo(s) were not moved; --undo-sort" in out
    assert len(calls) == 1 and len(list(src.iterdir())) == len(names) - 1
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler  # Ctrl-C raises again afterwards
    assert cli.main(["--undo-sort", str(target)]) == 0
    assert sorted(p.name for p in src.iterdir()) == names
