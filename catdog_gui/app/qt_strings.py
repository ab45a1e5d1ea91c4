"""Qt's own strings that the Korean catalogue of Qt itself (``qtbase_ko.qm``, shipped with PySide6) lacks: Qt
6.11 renamed them ("Look in:" became "&Look in:"), so the file dialogs read half English in the Korean window.
They are marked here, under Qt's own contexts, so that ``scripts/update_translations.py`` puts them into
catdog's catalogues; Qt asks the translators newest first, and catdog's (installed before ``qtbase_ko``,
:func:`catdog_gui.app.i18n.install_translators`) answers when ``qtbase_ko`` has no translation."""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP

__all__ = ["QT_STRINGS"]

QT_STRINGS = (  # (context, source) as Qt 6.11's widgets ask for them
    ("QFileDialog", QT_TRANSLATE_NOOP("QFileDialog", "&Look in:")),
    ("QFileDialog", QT_TRANSLATE_NOOP("QFileDialog", "Files of &type:")),
    ("QAbstractFileIconProvider", QT_TRANSLATE_NOOP("QAbstractFileIconProvider", "Folder")),
    ("QAbstractFileIconProvider", QT_TRANSLATE_NOOP("QAbstractFileIconProvider", "File")),
    ("QAbstractFileIconProvider", QT_TRANSLATE_NOOP("QAbstractFileIconProvider", "Drive")),
)
