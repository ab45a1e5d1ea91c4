"""The Korean translation: the window in Korean with ``--lang ko`` or a Korean locale, catalogues that are
complete and compiled from the sources as they are, and no visible string that bypasses ``tr()``.

The window tests use the tiny exported model (labels cat, dog) on real photos; expected texts are read from
``resources/i18n/catdog_ko.ts``, not written here.
"""

from __future__ import annotations

import ast
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PySide6.QtCore import QLocale
from PySide6.QtWidgets import QApplication, QDialogButtonBox

from catdog_gui.__main__ import build_parser
from catdog_gui.app.i18n import catalogue_path, install_translators, label_text, system_language
from catdog_gui.app.main_window import MainWindow
from catdog_gui.app.results_model import CONFIDENCE, FOLDER, NAME, PREDICTION, STATUS

ROOT = Path(__file__).resolve().parents[1]
APP_SOURCES = sorted((ROOT / "catdog_gui" / "app").glob("*.py"))
RUN_TIMEOUT = 120_000
HANGUL = re.compile(r"[\uac00-\ud7a3]")


def read_ts(path: Path) -> dict[tuple[str, str], list[str]]:
    """``{(context, source): [translation, or each plural form]}`` of a Qt Linguist file."""
    out = {}
    for context in ET.parse(path).getroot().iter("context"):
        name = context.findtext("name")
        for message in context.iter("message"):
            translation = message.find("translation")
            forms = [f.text or "" for f in translation.iter("numerusform")] or [translation.text or ""]
            out[(name, message.findtext("source"))] = forms
    return out


@pytest.fixture(scope="module")
def ko() -> dict[tuple[str, str], list[str]]:
    return read_ts(catalogue_path("ko", ".ts"))


@pytest.fixture
def korean(qapp):
    """The application in Korean for one test, back to English after it."""
    installed = install_translators(qapp, "ko")
    yield installed
    install_translators(qapp, "en")


def plain(menu_text: str) -> str:
    return menu_text.replace("&", "")


# -- the window in Korean --------------------------------------------------------------------------
def test_window_in_korean_menus_headers_filters_summary(qtbot, korean, ko, tiny_model_path, cat_photos, dog_photos):
    assert [Path(t.filePath()).name for t in korean] == ["catdog_ko.qm", "qtbase_ko.qm"]
    photos = [str(p) for p in cat_photos[:2] + dog_photos[:2]]
    w = MainWindow(tiny_model_path, photos)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitUntil(lambda: w.results.rowCount() == 4 and not w.running, timeout=RUN_TIMEOUT)

    menus = [a.text() for a in w.menuBar().actions()]
    for source in ("&File", "&Model", "&View", "&Help"):
        assert ko[("MainWindow", source)][0] in menus
    assert ko[("TagActions", "&Tags")][0] in menus
    assert menus[-1] == ko[("MainWindow", "&Help")][0] == "도움말(&H)"  # Tags went before Help, found by object
    file_menu = w.menuBar().actions()[0].menu()
    assert w.open_folder_action in file_menu.actions()
    assert w.open_folder_action.text() == ko[("MainWindow", "Open F&older…")][0]
    assert w.export_action.statusTip() == ko[("MainWindow", "Save the results as CSV")][0]

    header = {col: w.proxy.headerData(col, w.table.horizontalHeader().orientation())
              for col in (NAME, PREDICTION, CONFIDENCE, STATUS, FOLDER)}
    assert header == {col: ko[("ResultsModel", src)][0] for col, src in
                      ((NAME, "File"), (PREDICTION, "Prediction"), (CONFIDENCE, "Confidence"), (STATUS, "Status"),
                       (FOLDER, "Folder"))}
    # the verdicts in the table are the Korean class names (or "uncertain"); the CSV keeps the model's labels
    predictions = {w.proxy.index(r, PREDICTION).data() for r in range(4)}
    assert predictions <= {ko[("Labels", label)][0] for label in ("cat", "dog", "uncertain")} and predictions

    buttons = w.filter_bar.buttons
    assert buttons["all"].text() == f"{ko[('FilterBar', 'All')][0]} 4"
    assert buttons["uncertain"].text().startswith(ko[("FilterBar", "Uncertain")][0] + " ")
    assert buttons["errors"].text() == f"{ko[('FilterBar', 'Errors')][0]} 0"
    assert buttons["cat"].text().startswith("고양이 ") and buttons["dog"].text().startswith("개 ")

    summary = w.summary.text()
    assert ko[("MainWindow", "<b>%n</b> photo(s)")][0].replace("%n", "4") in summary
    assert ko[("MainWindow", "errors <b>{n}</b>")][0].format(n=0) in summary
    assert ko[("MainWindow", "uncertain <b>{n}</b>")][0].format(n=w.tally.uncertain) in summary
    assert "photo" not in summary and "uncertain" not in summary
    assert ko[("MainWindow", "Classified %n photo(s)")][0].replace("%n", "4") in w.statusBar().currentMessage()

    # the detail view of a row
    w.select_row(0)
    qtbot.waitUntil(lambda: w.detail.explanation is not None, timeout=RUN_TIMEOUT)
    tabs = [w.detail.tabs.tabText(i) for i in range(w.detail.tabs.count())]
    assert tabs[1:] == [ko[("Flows", t)][0] for t in ("Entry flow", "Middle flow", "Exit flow")]
    assert w.detail.show_cam.text() == ko[("DetailView", "Show CAM")][0]
    assert HANGUL.search(w.detail.verdict.text()) and "confidence" not in w.detail.verdict.text()

    # Qt's own strings (standard buttons) come from qtbase_ko
    box = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
    assert HANGUL.search(box.button(QDialogButtonBox.StandardButton.Cancel).text())


def test_english_is_the_default_with_its_plural_forms(qtbot, qapp, tiny_model_path, cat_photos):
    install_translators(qapp, "en")
    w = MainWindow(tiny_model_path, [str(cat_photos[0])])
    qtbot.addWidget(w)
    qtbot.waitUntil(lambda: w.results.rowCount() == 1 and not w.running, timeout=RUN_TIMEOUT)
    assert [plain(a.text()) for a in w.menuBar().actions()][0] == "File"
    assert "<b>1</b> photo " in w.summary.text() + " " and "photos" not in w.summary.text()
    assert w.statusBar().currentMessage().startswith("Classified 1 photo ")
    assert label_text("cat") == "cat"


def test_language_from_the_locale_and_the_command_line():
    assert system_language(QLocale("ko_KR")) == "ko"
    assert system_language(QLocale("en_US")) == "en"
    assert system_language(QLocale(QLocale.Language.Japanese)) == "en"
    assert build_parser().parse_args(["--lang", "ko"]).lang == "ko"
    assert build_parser().parse_args([]).lang == "system"
    with pytest.raises(SystemExit):
        build_parser().parse_args(["--lang", "fr"])
    with pytest.raises(ValueError, match="unknown language 'fr'"):
        install_translators(QApplication.instance() or QApplication([]), "fr")


@pytest.mark.parametrize("lang, expected", [("ko_KR.UTF-8", "ko"), ("C.UTF-8", "en"), ("en_GB.UTF-8", "en")])
def test_system_locale_read_from_the_environment(lang, expected):
    """Qt reads the system locale from LC_ALL / LANG at start: a fresh process with that environment."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("LC_")}
    env.update(LANG=lang, LANGUAGE="", PYTHONPATH=str(ROOT))
    code = "from catdog_gui.app.i18n import system_language; print(system_language())"
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == expected


_PROBE = """
import sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
import catdog_gui.__main__ as gui

app = QApplication(sys.argv[:1])  # catdog-gui's main() uses it; the probe reads the window it builds


def probe():
    window = next(w for w in app.topLevelWidgets() if type(w).__name__ == "MainWindow")
    if window.engine is None:
        QTimer.singleShot(100, probe)
        return
    print("MENUS=" + "|".join(a.text() for a in window.menuBar().actions()), flush=True)
    app.exit(0)


QTimer.singleShot(200, probe)
sys.exit(gui.main(sys.argv[1:]))
"""


@pytest.mark.parametrize("lang, args, korean", [("C.UTF-8", ["--lang", "ko"], True),
                                                ("ko_KR.UTF-8", [], True),
                                                ("ko_KR.UTF-8", ["--lang", "en"], False)])
def test_catdog_gui_process_follows_lang_and_locale(tiny_model_path, tmp_path, lang, args, korean):
    """The real ``catdog-gui`` main(): ``--lang`` wins over the locale, a Korean locale gives Korean."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("LC_")}
    env.update(LANG=lang, LANGUAGE="", PYTHONPATH=str(ROOT), QT_QPA_PLATFORM="offscreen",
               XDG_CONFIG_HOME=str(tmp_path))
    out = subprocess.run([sys.executable, "-c", _PROBE, "--model", str(tiny_model_path), *args], env=env,
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    menus = next(line for line in out.stdout.splitlines() if line.startswith("MENUS=")).removeprefix("MENUS=")
    ko = read_ts(catalogue_path("ko", ".ts"))
    expected = ko[("MainWindow", "&File")][0] if korean else "&File"
    assert menus.split("|")[0] == expected, menus
    assert bool(HANGUL.search(menus)) == korean


_SCALE2_PROBE = """
import sys, time
from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QApplication
app = QApplication(sys.argv[:1])
from catdog_gui.app.i18n import install_translators
install_translators(app, "ko")
from catdog_gui.app.main_window import MainWindow

class Largest(QObject):
    height = width = 0
    def eventFilter(self, obj, event):
        if event.type() == QEvent.Type.Resize:
            self.height, self.width = max(self.height, event.size().height()), max(self.width, event.size().width())
        return False

w = MainWindow(sys.argv[1], sys.argv[2:])
largest = Largest()
w.installEventFilter(largest)
w.show()
deadline = time.monotonic() + 100
while (w.running or w.results.rowCount() < len(sys.argv) - 2) and time.monotonic() < deadline:
    app.processEvents()
w.select_row(0)
while w.detail.explanation is None and time.monotonic() < deadline:
    app.processEvents()
for _ in range(50):
    app.processEvents()
a = w.screen().availableGeometry()
print("SCREEN", a.width(), a.height(), "LARGEST", largest.width, largest.height, "INSIDE", a.contains(w.geometry()))
w.shutdown()
"""


def test_korean_window_fits_a_1600x1000_screen_at_scale_2(tiny_model_path, cat_photos, dog_photos, tmp_path):
    """Hangul lines are taller than Latin ones (Noto Sans CJK's line spacing): the Korean window, during a run
    (progress bar shown) and with a photo's explanation, still fits 800x500 logical pixels."""
    config = tmp_path / "screen.json"
    config.write_text('{"screens": [{"name": "s", "x": 0, "y": 0, "width": 1600, "height": 1000, '
                      '"logicalDpi": 96}]}')
    env = dict(os.environ, QT_QPA_PLATFORM=f"offscreen:configfile={config}", QT_SCALE_FACTOR="2",
               PYTHONPATH=str(ROOT), XDG_CONFIG_HOME=str(tmp_path))
    photos = [str(p) for p in cat_photos[:3] + dog_photos[:3]]
    out = subprocess.run([sys.executable, "-c", _SCALE2_PROBE, str(tiny_model_path), *photos], env=env,
                         capture_output=True, text=True, timeout=180)
    assert out.returncode == 0, out.stderr
    line = next(x for x in out.stdout.splitlines() if x.startswith("SCREEN")).split()
    screen_w, screen_h, largest_w, largest_h, inside = int(line[1]), int(line[2]), int(line[4]), int(line[5]), line[7]
    assert (screen_w, screen_h) == (800, 500)
    assert largest_w <= screen_w and largest_h <= screen_h and inside == "True", line


# -- the catalogues --------------------------------------------------------------------------------
# sources whose code also passes {ro}, the Korean particle after {label} (i18n.ro_particle): "고양이로", "개로"
WITH_PARTICLE = {"%n photo(s) marked by hand as {label}"}


@pytest.mark.parametrize("language", ["ko", "en"])
def test_every_entry_is_translated_and_keeps_its_placeholders(language):
    ts = catalogue_path(language, ".ts")
    text = ts.read_text(encoding="utf-8")
    assert 'type="unfinished"' not in text and 'type="vanished"' not in text and 'type="obsolete"' not in text
    entries = read_ts(ts)
    assert len(entries) >= (200 if language == "ko" else 10)
    for (context, source), forms in entries.items():
        assert forms and all(f.strip() for f in forms), (context, source)
        for form in forms:
            # the same {names} for str.format, %n where the count goes, one mnemonic when the source has one
            # (a format spec may differ: "{s:02d}" in English, "{s}" in Korean)
            names = [n for n in re.findall(r"\{(\w+)(?::[^}]*)?\}", form)
                     if not (n == "ro" and source in WITH_PARTICLE)]
            assert sorted(names) == sorted(re.findall(r"\{(\w+)(?::[^}]*)?\}", source)), (source, form)
            assert ("%n" in form) == ("%n" in source), (source, form)
            assert len(re.findall(r"&\w", form)) == len(re.findall(r"&\w", source)), (source, form)
            if language == "ko" and re.search(r"[a-z]{3}", re.sub(r"<[^>]+>|\{\w+\}|\([^)]*\)", "", source)):
                assert HANGUL.search(form) or form == source, (source, form)  # "CAM" stays CAM


def test_catalogues_match_the_sources_and_the_qm_files_are_compiled_from_them(tmp_path):
    """Regenerate both catalogues from the sources into a temporary folder: nothing new to translate, nothing
    removed, and the .qm files byte for byte the committed ones."""
    script = ROOT / "scripts" / "update_translations.py"
    done = subprocess.run([sys.executable, str(script), "--out", str(tmp_path)], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    for language in ("ko", "en"):
        fresh = read_ts(tmp_path / f"catdog_{language}.ts")
        assert fresh == read_ts(catalogue_path(language, ".ts")), f"run {script.name}: strings changed"
        assert 'type="unfinished"' not in (tmp_path / f"catdog_{language}.ts").read_text(encoding="utf-8")
        assert (tmp_path / f"catdog_{language}.qm").read_bytes() == catalogue_path(language).read_bytes()


# -- no visible string outside tr() ----------------------------------------------------------------
# calls whose string arguments a person reads; QMessageBox's static functions and QFileDialog's titles too
_SETTERS = {"setText", "setToolTip", "setStatusTip", "setWhatsThis", "setWindowTitle", "setPlaceholderText",
            "addMenu", "addAction", "addTab", "setTabToolTip", "setTabText", "showMessage", "setFormat", "addItem",
            "addItems", "addRow", "setHtml", "set_text", "set_placeholder", "setLabelText", "setDetailedText",
            "setInformativeText", "information", "warning", "critical", "question", "about", "getOpenFileName",
            "getOpenFileNames", "getSaveFileName", "getExistingDirectory"}
_WIDGETS = {"QAction", "QLabel", "QPushButton", "QCheckBox", "QRadioButton", "QMenu", "QToolButton", "QGroupBox",
            "QMessageBox", "QListWidgetItem", "QProgressDialog"}


_NOT_WORDS = {"catdog"}  # the app's name
_FILE_NAME = re.compile(r"[\w{}-]+\.[a-z]{2,4}")  # a default file name such as catdog-results.csv


def _literal_words(node: ast.AST) -> list[str]:
    """The English words written literally in an argument (a string, an f-string's text, ``+``, ``a if c else
    b``), HTML tags and file names left out; a call (``self.tr(...)``, ``label_text(...)``) or a name counts as
    translated."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        if _FILE_NAME.fullmatch(node.value):
            return []
        return [w for w in re.findall(r"[A-Za-z]{2,}", re.sub(r"<[^>]+>", " ", node.value)) if w not in _NOT_WORDS]
    if isinstance(node, ast.JoinedStr):
        if _FILE_NAME.fullmatch("".join("{}" if isinstance(v, ast.FormattedValue) else v.value for v in node.values)):
            return []
        return [w for v in node.values if not isinstance(v, ast.FormattedValue) for w in _literal_words(v)]
    if isinstance(node, ast.BinOp):
        return _literal_words(node.left) + _literal_words(node.right)
    if isinstance(node, ast.IfExp):
        return _literal_words(node.body) + _literal_words(node.orelse)
    return []


def untranslated(source: str, filename: str = "<string>") -> list[str]:
    """``file:line: text`` for each visible-string call whose argument is literal English."""
    found = []
    for node in ast.walk(ast.parse(source, filename)):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
        if name not in _SETTERS and name not in _WIDGETS:
            continue
        args = node.args[:1] if name == "addItem" else [*node.args, *(k.value for k in node.keywords)]
        for arg in args:  # addItem(text, data): only the text is shown
            words = _literal_words(arg)
            if words:
                found.append(f"{filename}:{node.lineno}: {ast.unparse(arg)[:80]}")
    return found


def test_the_scanner_finds_bare_strings():
    bad = 'w.setText("Hello")\nQAction(f"Mark as {x}", self)\nbox.setToolTip("a" + t)\nm.addMenu("&File")\n'
    good = 'w.setText(self.tr("Hello"))\nw.setText(f"{n} / {total}")\nQLabel("50%")\nQLabel("–")\nw.setText(x)\n'
    assert len(untranslated(bad)) == 3  # "a" + t has no English word of two letters
    assert len(untranslated('QMessageBox.warning(self, "Oops", text)')) == 1
    assert untranslated(good) == []


def test_no_visible_string_bypasses_tr():
    problems = [p for path in APP_SOURCES for p in untranslated(path.read_text(encoding="utf-8"), path.name)]
    assert problems == [], "wrap these in self.tr() / QCoreApplication.translate():\n" + "\n".join(problems)


def test_durations_pad_in_english_not_in_korean(qapp, korean):
    """English keeps "3 min 05 s" (columns of times line up); Korean writes "3분 5초", as people write it."""
    from catdog_gui.app.i18n import duration_text

    assert [duration_text(s) for s in (42, 185, 3700)] == ["42초", "3분 5초", "1시간 2분"]
    install_translators(qapp, "en")
    assert [duration_text(s) for s in (42, 185, 3700)] == ["42 s", "3 min 05 s", "1 h 02 min"]
