"""``catdog-gui [PATH...]`` / ``python -m catdog_gui``: open the app, optionally classifying PATHs."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from catdog_gui.core.pipeline import DEFAULT_BATCH_SIZE


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="catdog-gui", description="Tell cats from dogs in your photos.")
    parser.add_argument("paths", nargs="*", metavar="PATH", help="photos or folders to classify at start")
    parser.add_argument("--model", metavar="MODEL.onnx", default=None,
                        help="ONNX model (default: the bundled model, or $CATDOG_MODEL)")
    parser.add_argument("--batch-size", type=int, default=DEFAULT_BATCH_SIZE,
                        help=f"images per inference batch, 1-1024 (default {DEFAULT_BATCH_SIZE}, as catdog-classify)")
    parser.add_argument("--theme", choices=("system", "light", "dark"), default="system",
                        help="colours: follow the system's light or dark scheme (default), or force one")
    parser.add_argument("--lang", choices=("system", "en", "ko"), default="system",
                        help="language of the window: the system's (default; Korean when the locale is Korean, "
                             "else English), or force English or Korean")
    parser.add_argument("--self-test", action="store_true",
                        help="check the installation headless (model, sample photos, providers, image formats); "
                             "exit 0 when all is right, 1 with the reason otherwise")
    parser.add_argument("--startup-report", action="store_true",
                        help="print the time from process start to window shown and model loaded, then quit")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Parse arguments, open the main window, run the event loop; returns the exit status."""
    args = build_parser().parse_args(sys.argv[1:] if argv is None else list(argv))
    if not 1 <= args.batch_size <= 1024:
        build_parser().error(f"--batch-size must be between 1 and 1024, got {args.batch_size}")
    if args.self_test:  # headless: no QApplication, no window
        from catdog_gui.selftest import main as self_test

        return self_test(sys.argv[1:] if argv is None else list(argv), prog="catdog-gui", qt_required=True)

    from PySide6.QtCore import QCoreApplication

    if QCoreApplication.instance() is None:  # before Qt aborts the process on a platform plugin it cannot load
        from catdog_gui.app.qt_platform import check_platform_plugin, display_problem

        problem = check_platform_plugin() or display_problem()
        if problem is not None:
            print(problem, file=sys.stderr)
            return 1

    import onnxruntime as ort
    from PySide6.QtWidgets import QApplication

    ort.set_default_logger_severity(4)  # the status bar says why CUDA is off; 3 (ERROR) still printed red lines

    from catdog_gui.app.main_window import MainWindow

    app = QApplication.instance() or QApplication([sys.argv[0] if sys.argv else "catdog-gui"])
    app.setApplicationName("catdog")
    app.setOrganizationName("catdog")
    app.setDesktopFileName("catdog")  # resources/catdog.desktop: Wayland's app id, the task bar's icon
    from catdog_gui.app.i18n import install_translators

    install_translators(app, args.lang)  # before any widget: widgets translate their texts when they are made
    from catdog_gui.app.icon import app_icon

    app.setWindowIcon(app_icon())  # every window's title bar icon (_NET_WM_ICON on X11)
    from catdog_gui.app.garbage import MainThreadGarbageCollector

    MainThreadGarbageCollector(app)  # reference cycles holding Qt objects are freed on this thread only
    from catdog_gui.app.theme import ThemeFollower

    ThemeFollower(app, args.theme)  # light or dark, as the desktop is (or as --theme says)
    from PySide6.QtCore import QSettings

    window = MainWindow(args.model, args.paths, batch_size=args.batch_size, settings=QSettings())
    from catdog_gui.app.scripted_quit import install_from_environment

    install_from_environment(window)  # CATDOG_GUI_QUIT_AFTER_RUN: tests quit the real process as a user does
    window.show()
    if args.startup_report:
        from catdog_gui.app.startup import StartupReporter

        StartupReporter(window, app)  # prints when the window is exposed with a model, then quits
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
