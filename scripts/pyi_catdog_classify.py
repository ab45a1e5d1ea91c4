"""PyInstaller entry point of the bundled ``catdog-classify`` (build.spec); the installed one is catdog_gui.cli."""

import sys

from catdog_gui.cli import main

if __name__ == "__main__":
    sys.exit(main())
