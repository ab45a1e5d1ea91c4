"""catdog_gui.core never imports Qt or torch (DESIGN.md: core/ depends on neither app/ nor training/)."""

from __future__ import annotations

import ast
import pkgutil
import subprocess
import sys
import textwrap
from pathlib import Path

import catdog_gui.core

REPO = Path(__file__).resolve().parents[1]


def test_core_imports_without_qt_torch_or_training():
    modules = sorted(m.name for m in pkgutil.iter_modules(catdog_gui.core.__path__, "catdog_gui.core."))
    assert {"catdog_gui.core.model", "catdog_gui.core.imaging", "catdog_gui.core.scan", "catdog_gui.core.pipeline",
            "catdog_gui.core.results", "catdog_gui.core.visualize"} <= set(modules)
    code = textwrap.dedent(f"""
        import importlib, sys
        for blocked in ("PySide6", "PyQt5", "PyQt6", "shiboken6", "torch", "torchvision", "training", "catdog_gui.app"):
            sys.modules[blocked] = None  # any import of these now raises ImportError
        for name in {modules!r} + ["catdog_gui.cli"]:
            importlib.import_module(name)
        import catdog_gui.cli as cli
        from catdog_gui.core.model import Engine  # the engine module is complete without them
        loaded = sorted(m for m in sys.modules if m.split(".")[0] in ("PySide6", "torch", "training")
                        and sys.modules[m] is not None)
        assert not loaded, loaded
        print("ok", len({modules!r}))
    """)
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("ok")


def test_cli_runs_without_qt_or_torch(tiny_model_path, cat_photos, tmp_path):
    """The headless CLI works on a machine without PySide6 and torch."""
    out = tmp_path / "o.csv"
    code = textwrap.dedent(f"""
        import sys
        for blocked in ("PySide6", "shiboken6", "torch", "torchvision", "training"):
            sys.modules[blocked] = None
        from catdog_gui.cli import main
        sys.exit(main([{str(cat_photos[0])!r}, "--csv", {str(out)!r}, "--model", {str(tiny_model_path)!r}]))
    """)
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert out.read_text(encoding="utf-8-sig").count("\n") == 2


def _imports(path: Path) -> set[str]:
    """Every module ``path`` imports, at the top or inside a function."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_training_imports_only_core_and_shared_helpers_without_cycles():
    """training/ may use the app's Qt-free core and the shared argparse validators, never an entry point
    (catdog_gui.cli, the GUI), and its own modules import one another without a cycle."""
    allowed = ("catdog_gui.core", "catdog_gui.argtypes", "catdog_gui.resources")
    graph = {}
    for path in sorted((REPO / "training").glob("*.py")):
        imports = _imports(path)
        wrong = sorted(m for m in imports if m.split(".")[0] == "catdog_gui" and not m.startswith(allowed))
        assert not wrong, f"training/{path.name} imports {wrong}"
        graph[f"training.{path.stem}"] = {m for m in imports if m.startswith("training.")}
    assert "training.export" in graph and "training.evaluate" in graph

    def reaches(start: str, goal: str, seen: set[str]) -> bool:
        return any(m == goal or (m not in seen and not seen.add(m) and reaches(m, goal, seen))
                   for m in graph.get(start, ()))

    cycles = sorted(m for m in graph if reaches(m, m, set()))
    assert not cycles, f"import cycles through {cycles}"
