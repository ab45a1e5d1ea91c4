"""``catdog-gui [PATH...]`` / ``python -m catdog_gui``: open the app, optionally classifying PATHs."""

from __future__ import annotations

import argparse
import sys
from typing import Sequence


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="catdog-gui", description="Tell cats from dogs in your photos.")
    parser.add_argument("paths", nargs="*", metavar="PATH", help="photos or folders to classify at start")
    parser.add_argument("--model", metavar="MODEL.onnx", default=None,
                        help="ONNX model (default: the bundled model, or $CATDOG_MODEL)")
    parser.add_argument("--batch-size", type=int, default=16, help="images per inference batch (default 16)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Parse arguments, open the main window, run the event loop; returns the exit status."""
    args = build_parser().parse_args(sys.argv[1:] if argv is None else list(argv))
    if args.batch_size < 1:
        build_parser().error(f"--batch-size must be >= 1, got {args.batch_size}")

    import onnxruntime as ort
    from PySide6.QtWidgets import QApplication

    ort.set_default_logger_severity(4)  # the status bar says why CUDA is off; 3 (ERROR) still printed red lines

    from catdog_gui.app.main_window import MainWindow

    app = QApplication.instance() or QApplication([sys.argv[0] if sys.argv else "catdog-gui"])
    app.setApplicationName("catdog")
    app.setOrganizationName("catdog")
    from catdog_gui.app.garbage import MainThreadGarbageCollector

    MainThreadGarbageCollector(app)  # reference cycles holding Qt objects are freed on this thread only
    window = MainWindow(args.model, args.paths, batch_size=args.batch_size)
    window.show()
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
