"""No function or method longer than 60 lines outside tests/ (docstring included): long ones are split into
steps with names, as torchvision's reference scripts split data, model/optimiser and the loop."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MAX_LINES = 60
SKIP = {"tests", "build", "dist", ".git", ".venv", "venv", "node_modules"}


def _sources() -> list[Path]:
    return sorted(p for p in ROOT.rglob("*.py") if not SKIP & set(p.relative_to(ROOT).parts))


def long_functions(path: Path, root: Path = ROOT, limit: int = MAX_LINES) -> list[str]:
    """``"file:line name (N lines)"`` for each function in ``path`` longer than ``limit`` lines."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    return [f"{path.relative_to(root)}:{node.lineno} {node.name} ({node.end_lineno - node.lineno + 1} lines)"
            for node in ast.walk(tree)
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.end_lineno - node.lineno + 1 > limit]


def test_no_function_over_60_lines_outside_tests():
    sources = _sources()
    assert any(p.parts[-2:] == ("core", "model.py") for p in sources)  # the walk found the package
    too_long = [entry for path in sources for entry in long_functions(path)]
    assert not too_long, "split these into named steps:\n" + "\n".join(too_long)


def test_the_check_finds_a_long_function(tmp_path):
    body = "\n".join(f"    x{i} = {i}" for i in range(MAX_LINES))
    (tmp_path / "long.py").write_text(f"def short():\n    return 1\n\n\ndef long():\n{body}\n", encoding="utf-8")
    assert long_functions(tmp_path / "long.py", tmp_path) == [f"long.py:5 long ({MAX_LINES + 1} lines)"]

