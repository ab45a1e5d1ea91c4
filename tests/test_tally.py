"""core.tally: counts over results and the time-remaining estimate."""

from __future__ import annotations

import pytest

from catdog_gui.core.results import Result
from catdog_gui.core.tally import RemainingTime, Tally, format_duration, uncertain_threshold


def test_tally_counts_classes_uncertain_and_errors_batch_by_batch():
    t = Tally(("cat", "dog"), threshold=0.8)
    t.add([Result("a.jpg", "ok", "cat", 0.99, (0.99, 0.01)), Result("b.jpg", "ok", "dog", 0.7, (0.3, 0.7))])
    t.add([Result("c.jpg", "error", error="empty file"), Result("d.jpg", "ok", "dog", 0.8, (0.2, 0.8))])
    assert t.per_class == {"cat": 1, "dog": 1} and t.uncertain == 1 and t.errors == 1 and t.total == 4
    t.clear()
    assert t.total == 0 and t.per_class == {"cat": 0, "dog": 0}


def test_uncertain_threshold_from_metadata():
    assert uncertain_threshold({"uncertain_threshold": "0.65"}) == 0.65
    assert uncertain_threshold({}) == 0.8
    assert uncertain_threshold({"uncertain_threshold": "high"}) == 0.8
    assert uncertain_threshold({"uncertain_threshold": "1.5"}) == 0.8


def test_remaining_time_waits_then_follows_the_recent_rate():
    eta = RemainingTime(window_s=10, min_done=8, min_elapsed_s=3)
    # a slow start (model warm-up: 2 photos in 2 s), then 10 photos/s
    assert eta.update(0, 1000, 0.0) is None
    assert eta.update(2, 1000, 2.0) is None
    done, now = 2, 2.0
    left = None
    for _ in range(200):
        now += 0.1
        done += 1
        left = eta.update(done, 1000, now)
    assert left == pytest.approx((1000 - done) / 10, rel=0.02)  # the slow start has left the window
    assert eta.update(1000, 1000, now + 1) == 0.0


def test_format_duration():
    assert format_duration(0.2) == "1 s"
    assert format_duration(59) == "59 s"
    assert format_duration(61) == "1 min 05 s"
    assert format_duration(3 * 3600 + 59) == "3 h 01 min"
