"""argparse ``type=`` validators shared by the command-line entry points (``catdog-classify`` and the
``training`` scripts), so that neither imports the other's entry point for them."""

from __future__ import annotations

import argparse

__all__ = ["positive_int", "image_size_or_zero"]


def positive_int(text: str) -> int:
    """argparse ``type`` for a count >= 1.

    Raises:
        argparse.ArgumentTypeError: not an integer, or below 1.
    """
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a positive integer, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be a positive integer, got {text!r}")
    return value


def image_size_or_zero(text: str) -> int:
    """argparse ``type`` for a square input side in pixels: 0 (the model's own size) or at least 32.

    Raises:
        argparse.ArgumentTypeError: not an integer, or between 1 and 31, or negative.
    """
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be an integer, got {text!r}") from None
    if value != 0 and value < 32:
        raise argparse.ArgumentTypeError(f"must be 0 (the model's own size) or at least 32, got {text!r}")
    return value
