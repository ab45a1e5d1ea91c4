"""Model ▸ Uncertain Threshold… remembered per model file, so that a threshold set for one model never applies
to another: the default model's float32 and int8 files have their own (0.920 and 0.961, chosen on the validation
split; MODEL_CARD.md), and a 99% set for a test model used to stay on the default one after a restart."""

from __future__ import annotations

import json
import os

from PySide6.QtCore import QSettings

from catdog_gui.core.tally import valid_threshold

KEY = "verdict/thresholds"  # JSON object: {model file's real path: threshold in (0, 1)}
OLD_KEY = "verdict/threshold"  # one threshold for every model (until 2026-12); dropped when read
MAX_MODELS = 50  # the most model files remembered; the oldest setting goes first


def model_key(path: str | os.PathLike) -> str:
    """The key of a model file: its real, absolute path (a link and its target share one threshold)."""
    return os.path.realpath(os.fspath(path))


def read_thresholds(settings: QSettings | None) -> dict[str, float]:
    """The thresholds a person set, by :func:`model_key`; entries that are not valid probabilities are
    skipped. A setting of the old single key is dropped: it named no model, so it cannot be placed."""
    if settings is None:
        return {}
    if settings.contains(OLD_KEY):
        settings.remove(OLD_KEY)
    try:
        raw = json.loads(str(settings.value(KEY, "{}")))
    except (TypeError, ValueError):
        return {}
    if not isinstance(raw, dict):
        return {}
    kept = {str(k): valid_threshold(v) for k, v in raw.items()}
    return {k: v for k, v in kept.items() if v is not None}


def remember_threshold(settings: QSettings | None, thresholds: dict[str, float], path: str | os.PathLike,
                       threshold: float | None) -> None:
    """Set (or, with ``None``, forget) the threshold of the model at ``path`` in ``thresholds`` and save them
    all; the newest last, at most :data:`MAX_MODELS`."""
    key = model_key(path)
    thresholds.pop(key, None)
    if threshold is not None:
        thresholds[key] = threshold
    while len(thresholds) > MAX_MODELS:
        thresholds.pop(next(iter(thresholds)))
    if settings is not None:
        settings.setValue(KEY, json.dumps(thresholds))
