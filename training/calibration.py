"""Calibration of a classifier's probabilities: the expected calibration error and temperature scaling
(Guo et al., "On Calibration of Modern Neural Networks", ICML 2017)."""

from __future__ import annotations

import numpy as np
import torch

from training.xception import Xception

__all__ = ["expected_calibration_error", "fit_temperature", "apply_temperature"]


def expected_calibration_error(probabilities: np.ndarray, targets: np.ndarray, n_bins: int = 15) -> float:
    """Expected calibration error (Guo et al., "On Calibration of Modern Neural Networks", ICML 2017, eq. 3).

    Args:
        probabilities: ``[N, C] float`` class probabilities.
        targets: ``[N] int`` true class indices.
        n_bins: equal-width confidence bins over (0, 1].

    Returns:
        ECE in 0..1: sum over bins of (bin size / N) * |accuracy(bin) - mean confidence(bin)|.
    """
    if len(targets) == 0:
        return float("nan")
    confidence = probabilities.max(1)
    correct = probabilities.argmax(1) == targets
    edges = np.linspace(0.0, 1.0, n_bins + 1)
    ece = 0.0
    for lo, hi in zip(edges[:-1], edges[1:]):
        in_bin = (confidence > lo) & (confidence <= hi)
        if in_bin.any():
            ece += in_bin.mean() * abs(correct[in_bin].mean() - confidence[in_bin].mean())
    return float(ece)


def fit_temperature(logits: np.ndarray, targets: np.ndarray) -> float:
    """Temperature scaling (Guo et al. 2017, section 4.2): the T > 0 that minimises the cross-entropy of
    ``softmax(logits / T)`` on held-out photos; predictions (the arg-max) do not change.

    Args:
        logits: ``[N, C] float`` on a validation split (never on a test set).
        targets: ``[N] int``.

    Returns:
        T, searched on a log grid from 0.25 to 4 (steps of 1%).
    """
    logits = np.asarray(logits, np.float64)
    best_t, best_nll = 1.0, np.inf
    for t in np.exp(np.arange(np.log(0.25), np.log(4.0), 0.01)):
        z = logits / t
        z = z - z.max(1, keepdims=True)
        nll = -(z[np.arange(len(targets)), targets] - np.log(np.exp(z).sum(1))).mean()
        if nll < best_nll:
            best_t, best_nll = float(t), nll
    return best_t


def apply_temperature(model: Xception, temperature: float) -> None:
    """Fold temperature scaling into the classifier: ``fc`` weight and bias divided by ``temperature``.

    Logits become ``logits / T``, so probabilities are calibrated, the arg-max is unchanged, and the CAM
    identity ``cam.mean() + b == logits`` still holds (both use the scaled ``fc``).

    Raises:
        ValueError: ``temperature`` not a positive finite number.
    """
    if not (temperature > 0 and np.isfinite(temperature)):
        raise ValueError(f"temperature must be a positive number, got {temperature!r}")
    with torch.no_grad():
        model.fc.weight.div_(temperature)
        model.fc.bias.div_(temperature)
