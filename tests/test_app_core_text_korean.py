"""In Korean, core's English texts the window shows come out Korean: the uncertain reason in the detail pane
and the table's tooltip (below the threshold, or a degenerate photo), why CUDA is not in use in Help ▸ About,
and a non-image file's error. English keeps core's text. Offscreen, tiny model, real photos."""

from __future__ import annotations

import re

import pytest
from PIL import Image
from PySide6.QtCore import Qt

from catdog_gui.app.core_text import cuda_reason_text, error_text, provider_detail_text, uncertain_text
from catdog_gui.app.i18n import install_translators
from catdog_gui.app.main_window import MainWindow
from catdog_gui.app.results_model import NAME, STATUS
from catdog_gui.core import model as core_model
from catdog_gui.core.results import Result

RUN_TIMEOUT = 120_000
HANGUL = re.compile(r"[\uac00-\ud7a3]")
# words of core's English reasons that must not reach a Korean window
ENGLISH = re.compile(r"\b(below|threshold|probability|image|under|ratio|colour|deviation|driver|not found|"
                     r"unavailable|requested|support|install|failed|needs|could not|unrecognised)\b")
CUDA = "CUDAExecutionProvider"


@pytest.fixture
def korean(qapp):
    installed = install_translators(qapp, "ko")
    yield installed
    install_translators(qapp, "en")


def assert_korean(text: str) -> None:
    assert HANGUL.search(text) and not ENGLISH.search(text), text


def test_uncertain_reason_in_the_detail_pane_is_korean(qtbot, korean, tiny_model_path, cat_photos):
    w = MainWindow(tiny_model_path, [str(cat_photos[0])])
    qtbot.addWidget(w)
    w.show()
    qtbot.waitUntil(lambda: w.results.rowCount() == 1 and not w.running, timeout=RUN_TIMEOUT)
    w.select_row(0)
    qtbot.waitUntil(lambda: w.detail.explanation is not None, timeout=RUN_TIMEOUT)
    w.set_threshold(0.999)  # Model ▸ Uncertain Threshold… 99.9: the row is uncertain
    r = w.current_result()
    assert r.uncertain_reason(0.999)
    text = w.detail.verdict.text()
    assert_korean(text)
    assert f"{r.confidence:.1%}" in text and "99.9%" in text
    assert_korean(w.results.index(0, NAME).data(Qt.ItemDataRole.ToolTipRole).split("\n", 1)[1])


def test_uncertain_reason_tells_a_probability_from_a_threshold_of_the_same_one_decimal_text(qapp, korean):
    """0.960571 below 0.961: "96.1% ... 96.1%" in one decimal, so both numbers get two, in Korean too."""
    r = Result("/p/close.jpg", "ok", "dog", 0.960571, (0.039429, 0.960571))
    shown = uncertain_text(r, 0.961)
    assert_korean(shown)
    assert "96.06%" in shown and "96.10%" in shown and "96.1%" not in shown
    install_translators(qapp, "en")
    assert uncertain_text(r, 0.961) == "top probability 96.06% below the threshold 96.10%"


def test_degenerate_reasons_and_non_image_error_are_korean(qtbot, korean, tiny_model_path, tmp_path):
    Image.new("RGB", (1, 1), (90, 60, 30)).save(tmp_path / "pixel.png")
    Image.new("RGB", (640, 480), (255, 255, 255)).save(tmp_path / "blank.png")
    Image.effect_noise((2000, 40), 60).convert("RGB").save(tmp_path / "strip.png")
    (tmp_path / "notes.jpg").write_text("shopping list: milk, eggs\n")
    w = MainWindow(tiny_model_path, [str(tmp_path)])
    qtbot.addWidget(w)
    qtbot.waitUntil(lambda: w.results.rowCount() == 4 and not w.running, timeout=RUN_TIMEOUT)
    rows = {w.results.result(i).name: i for i in range(4)}
    for name in ("pixel.png", "blank.png", "strip.png"):
        r = w.results.result(rows[name])
        assert r.uncertain_because, name
        shown = uncertain_text(r, w.threshold)
        assert_korean(shown)
        assert re.findall(r"\d+", r.uncertain_because) == re.findall(r"\d+", shown)  # the numbers kept
    row = rows["notes.jpg"]
    error = w.results.result(row).error
    assert error.startswith("not an image")
    shown = w.results.index(row, STATUS).data()
    assert_korean(shown)
    assert error in w.results.index(row, STATUS).data(Qt.ItemDataRole.ToolTipRole)  # the English detail


def test_cuda_reasons_and_about_are_korean(qtbot, korean, tiny_model_path, monkeypatch):
    loader = "libcuda.so.1: cannot open shared object file: No such file or directory"
    reasons = [core_model._cuda_unavailable_reason(["CPUExecutionProvider"], [], [], None),
               core_model._cuda_unavailable_reason([CUDA], ["CPUExecutionProvider"], [], None),
               core_model._cuda_unavailable_reason([CUDA], [CUDA], [], loader)]
    monkeypatch.setattr(core_model, "_cuda_library_error", lambda: "libcudnn.so.9: cannot open shared object "
                        "file: No such file or directory")
    reasons.append(core_model._cuda_unavailable_reason([CUDA], [CUDA], [], None))
    monkeypatch.setattr(core_model, "_cuda_library_error", lambda: None)
    reasons.append(core_model._cuda_unavailable_reason([CUDA], [CUDA], [], None))
    assert len(set(reasons)) == 5
    for reason in reasons:
        assert_korean(cuda_reason_text(reason))
    assert "libcuda.so.1" in cuda_reason_text(reasons[2])

    w = MainWindow(tiny_model_path)
    qtbot.addWidget(w)
    w.engine.using_cuda, w.engine.cuda_unavailable_reason = False, reasons[2]  # as on a machine with no driver
    about = w.about_text()
    assert "사용 중" in about and provider_detail_text(w.engine) in about
    assert_korean(provider_detail_text(w.engine))
    assert "CUDA unavailable" not in about and reasons[2] not in about
    assert about.count("CUDA") == 1  # one line says what is in use and why CUDA is not (it said it twice)


def test_english_keeps_core_reasons(qapp, tiny_model_path):
    install_translators(qapp, "en")
    assert error_text("not an image (unrecognised file content)") == "not an image (unrecognised file content)"
    reason = core_model._cuda_unavailable_reason([CUDA], [CUDA], [], "libcuda.so.1: cannot open shared object "
                                                 "file: No such file or directory")
    assert cuda_reason_text(reason) == reason
    engine = core_model.Engine(tiny_model_path, providers=["CPUExecutionProvider"])
    assert provider_detail_text(engine) == engine.describe_provider()


def test_os_reasons_are_korean_with_their_paths_kept(qtbot, korean, tiny_model_path, cat_photos, tmp_path,
                                                     unreadable):
    """A folder that cannot be listed (simulated: root reads chmod 000 folders) is named in the status bar
    with the operating system's reason in Korean; a path after a reason (a sort's target) stays as it is."""
    import shutil

    from catdog_gui.app.core_text import os_error_text

    assert_korean(os_error_text("Permission denied"))
    assert os_error_text("Permission denied: /photos/sorted") == os_error_text("Permission denied") + ": /photos/sorted"
    assert os_error_text("Some other reason") == "Some other reason"
    top, blocked = tmp_path / "photos", tmp_path / "photos" / "private"
    blocked.mkdir(parents=True)
    shutil.copy(cat_photos[0], top / cat_photos[0].name)
    unreadable(str(blocked))
    w = MainWindow(tiny_model_path, [str(top)])
    qtbot.addWidget(w)
    qtbot.waitUntil(lambda: w.last_summary is not None and not w.running, timeout=RUN_TIMEOUT)
    message = w.statusBar().currentMessage()
    assert f"{blocked}: {os_error_text('Permission denied')}" in message and "Permission denied" not in message


def test_model_errors_are_korean_with_their_file_names_kept(qtbot, korean, tmp_path, monkeypatch):
    """Why a model could not be opened (core's English ModelError) reads Korean in the dialog: a missing file,
    an empty one, one that is not ONNX, and an ONNX file without catdog's metadata; the names stay."""
    import onnx
    from onnx import TensorProto, helper
    from PySide6.QtWidgets import QMessageBox

    from test_ort_errors import IR_REASON, make_ir14_model

    from catdog_gui.app.core_text import model_error_text

    empty, junk, plain = tmp_path / "empty.onnx", tmp_path / "junk.onnx", tmp_path / "plain.onnx"
    empty.write_bytes(b"")
    junk.write_bytes(b"not a model at all")
    graph = helper.make_graph([helper.make_node("Identity", ["x"], ["y"])], "g",
                              [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1])],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1])])
    onnx.save(helper.make_model(graph), plain)
    shown: list[str] = []
    newer = make_ir14_model(tmp_path / "ir14.onnx")
    monkeypatch.setattr(QMessageBox, "critical", staticmethod(lambda parent, title, text, *a: shown.append(text)))
    details = {}
    for i, model in enumerate((tmp_path / "missing.onnx", empty, junk, plain, newer)):
        w = MainWindow(model)
        qtbot.addWidget(w)
        qtbot.waitUntil(lambda i=i: len(shown) > i, timeout=5000)
        detail = details[model] = shown[-1].split("\n\n")[1]  # "Could not open the model\n{path}\n\n{message}..."
        assert HANGUL.search(detail) and model.name in detail, detail
        assert not re.search(r"\b(not found|is empty|cannot open|is not a catdog model)\b", detail), detail
    # a text file is "not an ONNX file" first; ONNX Runtime's reason for a newer IR version is kept whole
    assert details[junk].startswith("'junk.onnx'은(는) ONNX 파일이 아니거나 손상된 파일입니다: "), details[junk]
    assert IR_REASON.search(details[newer]) and "onnxruntime::" not in details[newer], details[newer]
    assert model_error_text("something else entirely") == "something else entirely"


def test_the_status_bars_settings_are_korean(qtbot, korean, tiny_model_path):
    """The model line in the status bar says the speed setting in Korean ('flip TTA' was English)."""
    from catdog_gui.app.core_text import settings_text

    w = MainWindow(tiny_model_path)
    qtbot.addWidget(w)
    assert w.engine.tta and settings_text(w.engine) == f"{w.engine.precision}, 좌우 반전 TTA"
    assert settings_text(w.engine) in w.model_label.text() and "flip" not in w.model_label.text()
    assert w.set_speed(tta=False) and "TTA 없음" in w.model_label.text()


def test_decoding_notes_and_the_detail_panes_error_are_korean(qtbot, korean, tiny_model_path, cat_photos, tmp_path):
    """In Korean, the Status cell's note (what was repaired or ignored while decoding) reads Korean, its
    details (a profile's name, littleCMS's reason) kept; an error row's reason in the detail pane is the
    Status column's Korean one, not core's English."""
    import numpy as np
    from test_imaging import bmp_v5_argb, prophoto_profile

    from catdog_gui.app.core_text import note_text
    from catdog_gui.core.imaging import load_rgb

    upright = load_rgb(cat_photos[0])
    (tmp_path / "screenshot.bmp").write_bytes(bmp_v5_argb(np.asarray(upright), 0))  # alpha 0 everywhere
    upright.convert("L").save(tmp_path / "grey.png", icc_profile=prophoto_profile())  # an RGB profile on grey
    upright.save(tmp_path / "broken.png", icc_profile=prophoto_profile()[:200])  # a profile cut short
    (tmp_path / "notes.jpg").write_text("shopping list: milk, eggs\n")
    w = MainWindow(tiny_model_path, [str(tmp_path)])
    qtbot.addWidget(w)
    w.show()
    qtbot.waitUntil(lambda: w.results.rowCount() == 4 and not w.running, timeout=RUN_TIMEOUT)
    rows = {w.results.result(i).name: i for i in range(4)}
    notes = {name: w.results.result(i).note for name, i in rows.items()}
    assert notes["screenshot.bmp"] == "alpha channel is 0 everywhere; taken as an opaque image"
    assert notes["grey.png"] == "colour profile 'ProPhoto RGB (catdog test)' is for RGB, the image is L; ignored"
    assert notes["broken.png"].startswith("colour profile unreadable, colours used as stored (")
    status = {name: w.results.index(i, STATUS).data() for name, i in rows.items()}
    assert_korean(status["screenshot.bmp"])
    assert_korean(status["grey.png"])
    assert "'ProPhoto RGB (catdog test)'" in status["grey.png"] and ", the image is" not in status["grey.png"]
    unreadable = notes["broken.png"].removeprefix("colour profile unreadable, colours used as stored ")
    assert HANGUL.search(status["broken.png"]) and status["broken.png"].endswith(unreadable)  # the reason kept
    assert "colours used as stored" not in status["broken.png"]
    # several notes in one (each may hold "; " itself); an unknown one stays as it is
    joined = "; ".join([notes["screenshot.bmp"], notes["grey.png"], "something new"])
    parts = note_text(joined).split("; ")
    assert len(parts) == 3 and parts[2] == "something new", parts
    assert parts[:2] == [note_text(notes["screenshot.bmp"]), note_text(notes["grey.png"])]

    # the detail pane of an error row: the Status column's Korean reason, the English one in the tooltip
    w.select_row(w.proxy.mapFromSource(w.results.index(rows["notes.jpg"], 0)).row())
    qtbot.waitUntil(lambda: w.detail.verdict.toolTip().startswith("not an image"), timeout=5000)
    assert_korean(w.detail.cam_view.placeholder())
    assert_korean(w.detail.verdict.text())
    assert error_text(w.results.result(rows["notes.jpg"]).error) in w.detail.cam_view.placeholder()


def test_write_tags_details_say_a_kept_mark_in_korean(korean, qtbot, tiny_model_path):
    """The Write Tags report's details said "set by hand to 'dog'" in English in the Korean window (tester 7)."""
    from catdog_gui.app import tag_actions
    from catdog_gui.app.main_window import MainWindow

    w = MainWindow(tiny_model_path)
    qtbot.addWidget(w)
    actions = getattr(w, "tag_actions", None) or tag_actions.install(w)
    assert actions._reason_text("set by hand to 'dog'") == "직접 표시: 개"
    assert actions._reason_text("Permission denied") == "Permission denied"  # unknown reasons pass through
    w.shutdown()


def test_the_korean_particle_follows_the_label():
    """"고양이(으)로" read as unfinished Korean (tester 7): the particle is chosen from the label's last syllable."""
    from catdog_gui.app.i18n import ro_particle

    assert [ro_particle(w) for w in ("고양이", "개", "물", "책", "cat", "")] == ["로", "로", "로", "으로", "(으)로",
                                                                             "(으)로"]


def test_a_mark_by_hand_says_the_right_particle(korean, qtbot, tiny_model_path, cat_photos):
    from catdog_gui.app.main_window import MainWindow

    w = MainWindow(tiny_model_path, [str(cat_photos[0])])
    qtbot.addWidget(w)
    qtbot.waitUntil(lambda: w.results.rowCount() == 1 and not w.running, timeout=120_000)
    w.select_row(0)
    assert w.mark_selected("dog") == 1
    assert w.statusBar().currentMessage() == "사진 1장을 개로 직접 표시했습니다"
    assert w.mark_selected("cat") == 1
    assert w.statusBar().currentMessage() == "사진 1장을 고양이로 직접 표시했습니다"
    w.marks.unsaved.clear()
    w.shutdown()


def test_qts_file_dialog_is_korean_too(korean):
    """Qt 6.11 renamed "Look in:" to "&Look in:" and its own Korean catalogue lacks the new strings: the file
    dialogs read half English in the Korean window (tester 7). catdog's catalogue fills them in."""
    from PySide6.QtCore import QCoreApplication
    from PySide6.QtWidgets import QFileDialog, QLabel

    dialog = QFileDialog(None, "x")
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
    labels = [label.text() for label in dialog.findChildren(QLabel) if label.text()]
    assert labels and all(HANGUL.search(text) for text in labels), labels
    assert QCoreApplication.translate("QAbstractFileIconProvider", "Folder") == "폴더"  # the Type column
    dialog.deleteLater()


def test_new_decoding_notes_are_korean(korean):
    """The end-marker, animation and EXIF orientation notes (tester 8) are said in Korean, values kept."""
    from catdog_gui.app.core_text import note_text

    notes = "; ".join(["JPEG end marker missing (the image data is complete)",
                       "animated: first of 12 frames classified", "EXIF orientation 9 is not valid, image used as stored"])
    assert note_text(notes) == ("JPEG 끝 표식이 없음 (이미지 데이터는 온전함); 애니메이션: 프레임 12개 중 첫 프레임을 분류함; "
                                "EXIF 방향 값 9이(가) 올바르지 않아 저장된 그대로 사용함")


def test_a_model_from_catdog_model_is_named_as_its_source(qtbot, qapp, tmp_path, monkeypatch):
    """$CATDOG_MODEL naming a text file: the dialog says where the file came from (tester 8, finding 14), once."""
    from PySide6.QtWidgets import QMessageBox

    install_translators(qapp, "en")
    junk = tmp_path / "text.jpg"
    junk.write_text("not a model")
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "critical", staticmethod(lambda parent, title, text, *a: shown.append(text)))
    monkeypatch.setenv("CATDOG_MODEL", str(junk))
    w = MainWindow(junk)
    qtbot.addWidget(w)
    qtbot.waitUntil(lambda: len(shown) == 1, timeout=5000)
    assert f"{junk} (set by $CATDOG_MODEL)\n" in shown[0] and shown[0].count("$CATDOG_MODEL") == 1, shown[0]
    missing = tmp_path / "gone.onnx"  # core's own message names the variable already: not twice
    monkeypatch.setenv("CATDOG_MODEL", str(missing))
    w.load_model(missing)
    assert shown[-1].count("$CATDOG_MODEL") == 1, shown[-1]
    monkeypatch.delenv("CATDOG_MODEL")
    w.load_model(junk)
    assert "$CATDOG_MODEL" not in shown[-1]
