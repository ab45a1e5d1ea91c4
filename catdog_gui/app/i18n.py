"""The app's language: Qt translators chosen from the system locale or ``--lang``, and the names that come
from the model or from ``core`` (class labels, flow titles) shown in that language.

Catalogues live in ``resources/i18n`` (found in a source tree, a wheel and a PyInstaller bundle through
:mod:`catdog_gui.resources`)::

    catdog_ko.ts / catdog_ko.qm   Korean: every visible string of catdog_gui/app
    catdog_en.ts / catdog_en.qm   English plural forms only ("1 photo" / "2 photos"); the source text is English
    qtbase_ko.qm                  only in a bundle: Qt's own strings (standard dialog buttons), copied by build.spec

``python scripts/update_translations.py`` regenerates the ``.ts`` files from the sources (pyside6-lupdate,
keeping the translations already made) and compiles the ``.qm`` files (pyside6-lrelease). The command-line
tools' messages, CSV columns and XMP keywords stay English.
"""

from __future__ import annotations

import re
from pathlib import Path

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QLibraryInfo, QLocale, QTranslator

from catdog_gui.resources import resource_path

__all__ = ["LANGUAGES", "CATALOGUE", "catalogue_path", "system_language", "install_translators", "ro_particle",
           "ensure_translators", "label_text", "flow_title", "duration_text"]

LANGUAGES = ("en", "ko")
CATALOGUE = "catdog"  # catdog_<language>.qm

# Names that reach the window from the model's metadata or from core/: listed here so that pyside6-lupdate
# collects them; label_text() and flow_title() look them up at run time. A label the catalogue does not know
# (another model's classes) is shown as the model names it.
_LABELS = (QT_TRANSLATE_NOOP("Labels", "cat"), QT_TRANSLATE_NOOP("Labels", "dog"),
           QT_TRANSLATE_NOOP("Labels", "uncertain"))  # the verdict of a row whose answer is not worth much
_FLOWS = (QT_TRANSLATE_NOOP("Flows", "Entry flow"), QT_TRANSLATE_NOOP("Flows", "Middle flow"),
          QT_TRANSLATE_NOOP("Flows", "Exit flow"))


def catalogue_path(language: str, suffix: str = ".qm") -> Path:
    """``resources/i18n/catdog_<language><suffix>`` (existence not checked)."""
    return resource_path("i18n", f"{CATALOGUE}_{language}{suffix}")


def system_language(locale: QLocale | None = None) -> str:
    """``"ko"`` when ``locale`` (default: ``QLocale.system()``, which follows ``LANG``/``LC_*``) is Korean,
    else ``"en"``."""
    locale = QLocale.system() if locale is None else locale
    return "ko" if locale.language() == QLocale.Language.Korean else "en"


def _load(translator: QTranslator, name: str, folders: list[Path]) -> bool:
    return any(translator.load(name, str(folder)) for folder in folders if folder.is_dir())


def install_translators(app: QCoreApplication, language: str = "system") -> list[QTranslator]:
    """Install the translators of ``language`` (``"system"``, ``"en"`` or ``"ko"``) on ``app``; call it before
    the first window is built (widgets translate their texts when they are made).

    Installs catdog's catalogue and, for Korean, Qt's own ``qtbase_ko`` (standard buttons such as Cancel),
    looked up in Qt's translations folder, then in ``resources/i18n`` (a bundle). Translators installed by an
    earlier call are removed first. Returns the installed translators (parented to ``app``; a missing file is
    skipped, and the strings then stay English).

    Raises:
        ValueError: ``language`` is not ``"system"`` or one of :data:`LANGUAGES`.
    """
    if language not in ("system", *LANGUAGES):
        raise ValueError(f"unknown language {language!r}; expected 'system' or one of {', '.join(LANGUAGES)}")
    language = system_language() if language == "system" else language
    for old in app.findChildren(QTranslator, "catdog-translator"):
        app.removeTranslator(old)
        old.deleteLater()
    installed = []
    ours = resource_path("i18n")
    qt = Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath))
    wanted = [(f"{CATALOGUE}_{language}", [ours])]
    if language != "en":
        wanted.append((f"qtbase_{language}", [qt, ours]))
    for name, folders in wanted:
        translator = QTranslator(app)
        translator.setObjectName("catdog-translator")
        if _load(translator, name, folders) and app.installTranslator(translator):
            installed.append(translator)
        else:
            translator.deleteLater()
    return installed


def ensure_translators(app: QCoreApplication | None = None) -> None:
    """Install the English catalogue (its plural forms: "1 photo", "2 photos") when no language was chosen yet,
    as when a window is built without ``catdog-gui`` (tests, embedding); ``catdog-gui`` installs the language
    of ``--lang`` or the system before its window, and then this does nothing."""
    app = QCoreApplication.instance() if app is None else app
    if app is not None and not app.findChildren(QTranslator, "catdog-translator"):
        install_translators(app, "en")


def label_text(label: str) -> str:
    """A class label of the model (``"cat"``) in the app's language (``"고양이"``); unknown labels unchanged."""
    return QCoreApplication.translate("Labels", label)


def ro_particle(word: str) -> str:
    """The Korean particle "to / as" that follows ``word``: "로" after a vowel or ㄹ, "으로" after another final
    consonant, "(으)로" when ``word`` does not end in a Hangul syllable. A Hangul syllable's code point is
    0xAC00 + (initial * 21 + medial) * 28 + final, final 0 meaning none and 8 meaning ㄹ (Unicode 15, §3.12)."""
    if not word or not "\uac00" <= word[-1] <= "\ud7a3":
        return "(으)로"
    final = (ord(word[-1]) - 0xAC00) % 28
    return "로" if final in (0, 8) else "으로"


def flow_title(name: str) -> str:
    """The title of one of Xception's flows (``core.explain.FLOW_TITLES[name]``) in the app's language."""
    from catdog_gui.core.explain import FLOW_TITLES

    return QCoreApplication.translate("Flows", FLOW_TITLES.get(name, name))


def duration_text(seconds: float) -> str:
    """:func:`core.tally.format_duration` (``42 s``, ``3 min 05 s``, ``1 h 02 min``, same rounding) with its
    units in the app's language."""
    from catdog_gui.core.tally import format_duration

    text = format_duration(seconds)
    for pattern, template in ((r"(?P<s>\d+) s", QT_TRANSLATE_NOOP("Duration", "{s} s")),
                              (r"(?P<m>\d+) min (?P<s>\d+) s", QT_TRANSLATE_NOOP("Duration", "{m} min {s:02d} s")),
                              (r"(?P<h>\d+) h (?P<m>\d+) min", QT_TRANSLATE_NOOP("Duration", "{h} h {m:02d} min"))):
        match = re.fullmatch(pattern, text)
        if match:
            numbers = {k: int(v) for k, v in match.groupdict().items()}  # the template pads or not: "3분 5초"
            return QCoreApplication.translate("Duration", template).format(**numbers)
    return text
