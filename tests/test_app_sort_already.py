"""The Copy/Move to Folders summary (app.sort_folders.summary_text) on a plan where photos are already there:
they are counted as skipped, not as photos to copy or as names taken."""

from __future__ import annotations

import re
import shutil

from catdog_gui.app.i18n import install_translators
from catdog_gui.app.sort_folders import summary_text
from catdog_gui.core.results import Result
from catdog_gui.core.sorting import plan_sort, run_sort


def test_summary_counts_photos_already_there_as_skipped(qapp, cat_photos, tmp_path):
    install_translators(qapp, "en")  # the app's English (plural forms), whatever an earlier test installed
    src, target = tmp_path / "src", tmp_path / "sorted"
    src.mkdir()
    for p in cat_photos[:4]:
        shutil.copy(p, src / p.name)
    rows = [Result(str(src / p.name), "ok", "cat", 0.99, (0.99, 0.01)) for p in cat_photos[:4]]
    run_sort(plan_sort(rows[:3], target, ["cat", "dog"], threshold=0.8), "copy")
    text = summary_text(plan_sort(rows, target, ["cat", "dog"], threshold=0.8), "copy", str(target), 0, False)
    assert re.match(rf"Copy (all|the) 1 shown photo(\(s\))? into {re.escape(str(target))}:", text)
    assert "    cat/    1" in text.splitlines()
    assert "3 photos already there with the same content are skipped." in text
    assert "already taken" not in text
