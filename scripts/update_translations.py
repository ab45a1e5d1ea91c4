"""Regenerate the app's translation catalogues in ``resources/i18n`` from the sources.

    python scripts/update_translations.py            # update the .ts files, then compile the .qm files
    python scripts/update_translations.py --out DIR  # the same on copies in DIR (the repository is not touched)

Steps, with the Qt tools that ship with PySide6 (``lupdate`` and ``lrelease`` in PySide6's folder):

1. ``lupdate`` reads every ``tr()`` / ``QCoreApplication.translate()`` / ``QT_TRANSLATE_NOOP()`` in
   ``catdog_gui/app/*.py`` into ``catdog_ko.ts`` (every string) and ``catdog_en.ts`` (only the strings with a
   count, ``%n``: their English singular and plural forms). Translations already in the files are kept; a new
   or changed string comes in as ``type="unfinished"`` for a translator (Qt Linguist: ``pyside6-linguist
   resources/i18n/catdog_ko.ts``); strings no longer in the sources are dropped. No line numbers are stored,
   so that editing code does not change the catalogues.
2. ``lrelease`` compiles each ``.ts`` to the ``.qm`` the app loads (``catdog_gui/app/i18n.py``).

Exit status: 0, or 1 when a tool fails (its output is shown).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ROOT / "catdog_gui" / "app"
I18N = ROOT / "resources" / "i18n"
# language -> extra lupdate options; English needs only the plural forms (the source text is English)
CATALOGUES = {"ko": [], "en": ["-pluralonly"]}


def qt_tool(name: str) -> str:
    """Path of PySide6's copy of the Qt tool ``name`` (``lupdate``, ``lrelease``), or of ``pyside6-<name>``.

    Raises:
        FileNotFoundError: neither is installed.
    """
    import PySide6

    folder = Path(PySide6.__file__).parent
    for candidate in (folder / name, folder / f"{name}.exe"):
        if candidate.is_file():
            return str(candidate)
    found = shutil.which(f"pyside6-{name}")
    if found is None:
        raise FileNotFoundError(f"Qt's {name} not found in {folder} nor as pyside6-{name} on PATH")
    return found


def _run(command: list[str]) -> None:
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed ({done.returncode}):\n{done.stdout}{done.stderr}")


def update(folder: Path = I18N) -> list[Path]:
    """Update ``catdog_<language>.ts`` in ``folder`` from the sources and compile each to ``.qm``.

    Returns the files written (``.ts`` and ``.qm``). Raises ``RuntimeError`` when a tool fails."""
    folder.mkdir(parents=True, exist_ok=True)
    sources = sorted(str(p) for p in SOURCES.glob("*.py"))
    written = []
    for language, options in CATALOGUES.items():
        ts = folder / f"catdog_{language}.ts"
        qm = ts.with_suffix(".qm")
        _run([qt_tool("lupdate"), *sources, "-no-obsolete", "-locations", "none", "-source-language", "en",
              "-target-language", language, *options, "-ts", str(ts)])
        # a new file renamed over the old one: a running app memory-maps its .qm (QTranslator), and a file
        #   rewritten in place under it showed the untranslated texts mid-run (tester 11, finding 11)
        fresh = qm.with_name(qm.name + ".new")
        _run([qt_tool("lrelease"), "-silent", str(ts), "-qm", str(fresh)])
        os.replace(fresh, qm)
        written += [ts, qm]
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=None,
                        help="work on copies of the .ts files in this folder instead of resources/i18n")
    args = parser.parse_args(argv)
    folder = I18N
    if args.out is not None:
        args.out.mkdir(parents=True, exist_ok=True)
        for ts in I18N.glob("*.ts"):
            shutil.copy2(ts, args.out / ts.name)
        folder = args.out
    try:
        written = update(folder)
    except (RuntimeError, FileNotFoundError) as exc:
        print(exc, file=sys.stderr)
        return 1
    for path in written:
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
