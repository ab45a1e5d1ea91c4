"""PyInstaller entry point of the bundled ``catdog-gui`` (build.spec); the installed one is catdog_gui.__main__."""

import sys

from catdog_gui.__main__ import main

if __name__ == "__main__":
    sys.exit(main())
