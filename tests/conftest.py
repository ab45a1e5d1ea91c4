"""Shared fixtures: real photos from ../shared/data, a small exported model, the default model."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

REPO = Path(__file__).resolve().parents[1]
DATA = Path(os.environ.get("CATDOG_DATA", REPO.parent / "shared" / "data"))
DEFAULT_MODEL = REPO / "resources" / "models" / "catdog-xception.onnx"


def pytest_configure(config):
    if not DATA.is_dir():
        raise pytest.UsageError(f"test photos not found at {DATA} (set CATDOG_DATA)")


@pytest.fixture(autouse=True)
def _results_never_ask_on_quit(monkeypatch):
    """Tests close their windows whenever they like: on a slow machine a run of a minute or more would make
    quitting ask about its results (app/quit_question.py), a modal dialog nobody answers. The tests of that
    question set ``ASK_AFTER_S`` themselves."""
    from catdog_gui.app import quit_question

    monkeypatch.setattr(quit_question, "ASK_AFTER_S", float("inf"))


@pytest.hookimpl(wrapper=True, tryfirst=True)  # before pytest-qt's wrapper, which closes the windows
def pytest_runtest_teardown(item, nextitem):
    """Before pytest-qt closes a test's windows: a window still holding marks by hand or unexported results (a
    test that failed before it quit) would ask whether to save them, a modal dialog nobody answers, and the
    whole run would hang there. Forget them, so a failure is reported instead."""
    import sys

    if "catdog_gui.app.main_window" in sys.modules:
        from PySide6.QtWidgets import QApplication

        from catdog_gui.app.main_window import MainWindow

        app = QApplication.instance()
        for w in app.topLevelWidgets() if app is not None else ():
            if isinstance(w, MainWindow):
                w.marks.unsaved.clear()
                w.marks.cleared.clear()
                w._unsaved = False  # (results would ask too, in the tests that make any run count as long)
    return (yield)


@pytest.fixture
def hand_tagged(tmp_path, cat_photos) -> tuple[Path, Path, Path]:
    """(folder, marked, other): two cat photos copied into ``tmp_path/photos``; ``marked`` carries a sidecar with
    the verdict "dog" set by hand (what the app's Mark as, then Write Tags, leave), ``other`` no tags."""
    import shutil

    from catdog_gui.core.xmp import SOURCE_HAND, Verdict, write_verdict

    folder = tmp_path / "photos"
    folder.mkdir()
    for p in cat_photos[:2]:
        shutil.copyfile(p, folder / p.name)
    marked, other = sorted(folder.glob("*.jpg"))
    assert write_verdict(marked, Verdict(label="dog", source=SOURCE_HAND)).action == "written"
    return folder, marked, other


@pytest.fixture
def unreadable(monkeypatch):
    """``unreadable(folder)``: from then on listing ``folder`` fails with EACCES "Permission denied", as a
    chmod 000 folder does for a normal user (tests run as root here, and root lists it anyway)."""
    from catdog_gui.core import scan

    blocked: set[str] = set()
    real_scandir = os.scandir

    def scandir(path="."):
        if os.fspath(path) in blocked:
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return real_scandir(path)

    monkeypatch.setattr(scan.os, "scandir", scandir)
    return lambda folder: blocked.add(os.fspath(folder))


@pytest.fixture(scope="session")
def data_dir() -> Path:
    """``../shared/data``: petimages/, pets-ood-val/, photos-fullsize/."""
    return DATA


@pytest.fixture(scope="session")
def cat_photos() -> list[Path]:
    """Eight real cat photos at their original sizes (non-square)."""
    return sorted((DATA / "photos-fullsize" / "cat").glob("*.jpg"))[:8]


@pytest.fixture(scope="session")
def dog_photos() -> list[Path]:
    """Eight real dog photos at their original sizes (non-square)."""
    return sorted((DATA / "photos-fullsize" / "dog").glob("*.jpg"))[:8]


@pytest.fixture(scope="session")
def tiny_model_path(tmp_path_factory) -> Path:
    """A randomly initialised Xception exported through ``training.export`` (the full contract), input 96x96.

    Its predictions are meaningless; use it for shapes, plumbing and error handling. Tests that need
    correct predictions use ``default_model_path``.
    """
    import numpy as np
    import torch

    from catdog_gui.core.imaging import Preprocessing, preprocess
    from training.export import export_onnx
    from training.xception import Xception

    torch.manual_seed(0)
    model = Xception(num_classes=2).eval()
    spec = Preprocessing(image_size=(96, 96))
    photos = sorted((DATA / "petimages" / "Cat").glob("*.jpg"))[:4] + sorted((DATA / "petimages" / "Dog").glob("*.jpg"))[:4]
    images = np.stack([preprocess(p, spec) for p in photos])
    out = tmp_path_factory.mktemp("model") / "tiny.onnx"
    export_onnx(model, out, ["cat", "dog"], spec, images,
                {"trained_on": "nothing (random weights, tests only)", "val_top1": "unknown"})
    return out


@pytest.fixture(scope="session")
def default_model_path() -> Path:
    """The bundled default model (``resources/models/catdog-xception.onnx``)."""
    if not DEFAULT_MODEL.is_file():
        pytest.fail(f"default model missing: {DEFAULT_MODEL}")
    return DEFAULT_MODEL


@pytest.fixture(scope="session")
def tiny_light_exports(tmp_path_factory, tiny_model_path) -> dict:
    """The weights of ``tiny_model_path`` exported again with float16-stored weights and an int8 sibling.

    Returns ``{"fp16": <dir>/tiny.onnx, "int8": <dir>/tiny-int8.onnx, "result": export_onnx's numbers,
    "calibration": the training photos used}``; the float32 reference is ``tiny_model_path``.
    """
    import numpy as np
    import torch

    from catdog_gui.core.imaging import Preprocessing, preprocess
    from training.export import export_onnx
    from training.quantize import calibration_samples
    from training.xception import Xception

    torch.manual_seed(0)
    model = Xception(num_classes=2).eval()  # the same weights as tiny_model_path
    spec = Preprocessing(image_size=(96, 96))
    photos = sorted((DATA / "petimages" / "Cat").glob("*.jpg"))[:4] + sorted((DATA / "petimages" / "Dog").glob("*.jpg"))[:4]
    images = np.stack([preprocess(p, spec) for p in photos])
    calibration = [s.path for s in calibration_samples([DATA / "petimages"], 16)]
    out = tmp_path_factory.mktemp("light") / "tiny.onnx"
    result = export_onnx(model, out, ["cat", "dog"], spec, images,
                         {"trained_on": "nothing (random weights, tests only)", "val_top1": "unknown"},
                         float16_weights=True, int8_calibration=calibration)
    return {"fp16": out, "int8": result["int8"]["path"], "result": result, "calibration": calibration}


@pytest.fixture
def restore_look(qapp):
    """Put the application's style and palette back after a test that switches the theme."""
    style, palette = qapp.style().name(), qapp.palette()
    yield
    qapp.setStyle(style)
    qapp.setPalette(palette)


@pytest.fixture(autouse=True)
def _state_dir(tmp_path_factory, monkeypatch):
    """Every test (and every app process it starts) keeps catdog's state (the Undo Write Tags journal) in a
    folder of its own, never in the real home."""
    monkeypatch.setenv("CATDOG_STATE_DIR", str(tmp_path_factory.mktemp("state")))


@pytest.fixture
def answer_quit():
    """``answer(window, text, seen, informative=False)``: once ``window``'s quit question is open, note its text
    (with ``informative``, `` | `` and its informative text) in ``seen`` and click the button labelled ``text``
    (None: Esc, the Cancel button)."""
    from PySide6.QtCore import QTimer

    def answer(w, text: str | None, seen: list, informative: bool = False) -> None:
        def later():
            box = w.quit_question.box
            if box is None or not box.isVisible():
                QTimer.singleShot(20, later)
                return
            seen.append(box.text() + (" | " + box.informativeText() if informative else ""))
            if text is None:
                box.reject()
                return
            [button] = [b for b in box.buttons() if b.text() == text]
            button.click()
        QTimer.singleShot(0, later)

    return answer


@pytest.fixture
def classified_window(qtbot, tiny_model_path):
    """``open(photos, folder)``: copy ``photos`` into the new ``folder``, open a window on it with the tiny
    model, and return the window once every photo is classified."""
    import shutil

    from catdog_gui.app.main_window import MainWindow

    def open_(photos, folder) -> MainWindow:
        folder.mkdir()
        for p in photos:
            shutil.copy(p, folder / p.name)
        w = MainWindow(tiny_model_path, [str(folder)])
        qtbot.addWidget(w)
        w.show()
        qtbot.waitUntil(lambda: w.results.rowCount() == len(photos) and not w.running, timeout=120_000)
        return w

    return open_
