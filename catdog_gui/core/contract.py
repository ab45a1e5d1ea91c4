"""catdog's ONNX contract in one place: the names a model file must use and how its metadata is encoded.

DESIGN.md, "The ONNX contract": one input ``image`` ``[N, 3, H, W] float32``; outputs ``logits`` and
``probabilities`` ``[N, C]`` (required) and ``entry_flow``, ``middle_flow``, ``exit_flow``, ``cam``
``[N, K, h, w]`` (optional to the app, always written by ``training.export``); and string metadata
(ONNX ``metadata_props``) under the keys below, every value JSON-encoded.

The writer (``training.export``) and every reader (``core.model``, ``training.recover``,
``training.export --from-onnx``) go through :func:`encode_metadata` / :func:`decode_metadata`, so a value
reads back as what was written. Files written before every value was JSON-encoded carry some values raw
(``resize``, ``tta``, ``precision``, ``architecture``...): :func:`decode_metadata` still reads them.

Qt-, torch- and onnx-free: ``proto`` arguments are duck-typed ``onnx.ModelProto`` objects.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

__all__ = ["CONTRACT_VERSION", "SUPPORTED_CONTRACTS", "INPUT_NAME", "LOGITS_OUTPUT", "PROBABILITIES_OUTPUT",
           "REQUIRED_OUTPUTS", "FLOW_OUTPUTS", "CAM_OUTPUT",
           "OPTIONAL_OUTPUTS", "OUTPUT_NAMES", "CONTRACT_KEY", "TEXT_KEYS", "encode_metadata", "decode_metadata", "not_json",
           "read_metadata", "write_metadata"]

CONTRACT_VERSION = 1
SUPPORTED_CONTRACTS = frozenset({CONTRACT_VERSION})

INPUT_NAME = "image"
LOGITS_OUTPUT = "logits"  # [N, C] float32
PROBABILITIES_OUTPUT = "probabilities"  # [N, C] float32, softmax of the logits
REQUIRED_OUTPUTS = (LOGITS_OUTPUT, PROBABILITIES_OUTPUT)
FLOW_OUTPUTS = ("entry_flow", "middle_flow", "exit_flow")
CAM_OUTPUT = "cam"
OPTIONAL_OUTPUTS = (*FLOW_OUTPUTS, CAM_OUTPUT)  # [N, K, h, w]: mirrored back under test-time flipping
OUTPUT_NAMES = (*REQUIRED_OUTPUTS, *OPTIONAL_OUTPUTS)  # the order training.export writes them in

# Metadata keys. Required: catdog.contract, labels, image_size, resize, mean, std, background
# (crop_fraction with resize "center_crop"). The others are optional.
CONTRACT_KEY = "catdog.contract"  # int: the contract version
LABELS = "labels"  # list[str]: class names in output order
IMAGE_SIZE = "image_size"  # [H, W] ints: the input size the model was trained at
RESIZE = "resize"  # "squash" | "center_crop"
CROP_FRACTION = "crop_fraction"  # float in (0, 1]
MEAN = "mean"  # 3 floats, per-channel, on [0, 1] pixels
STD = "std"  # 3 floats
BACKGROUND = "background"  # 3 ints 0-255: what transparent pixels become
ARCHITECTURE = "architecture"  # str
TRAINED_ON = "trained_on"  # str
VAL_TOP1 = "val_top1"  # float in [0, 1]
CREATED = "created"  # str: ISO 8601 time of the export
TTA = "tta"  # "none" | "flip": horizontal-flip averaging inside the graph
PRECISION = "precision"  # "fp32" | "int8"
WEIGHTS_STORAGE = "weights_storage"  # "float16" when the weights are stored in half precision
TRAINING = "training"  # dict: how it was trained (temperature, epoch, weights...)
QUANTIZATION = "quantization"  # dict: how the int8 file was made
UNCERTAIN_THRESHOLD = "uncertain_threshold"  # float in (0, 1): top probability below which a verdict is uncertain

# Keys whose values are text: an older file holds them raw, so a raw value that happens to parse as JSON
# (a trained_on of "2024", say) is still read as the text it is.
TEXT_KEYS = frozenset({RESIZE, ARCHITECTURE, TRAINED_ON, CREATED, TTA, PRECISION, WEIGHTS_STORAGE})


def encode_metadata(values: Mapping[str, Any]) -> dict[str, str]:
    """Metadata values -> the strings stored in the file: every value JSON-encoded (text too: ``"squash"``).

    Args:
        values: key -> any JSON-serialisable value (str, int, float, bool, None, list, dict).

    Raises:
        TypeError: a value JSON cannot encode (a tuple is encoded as a list, a numpy scalar is not accepted).
    """
    return {str(key): json.dumps(value) for key, value in values.items()}


def decode_metadata(raw: Mapping[str, str]) -> dict[str, Any]:
    """The strings stored in a file -> metadata values; the inverse of :func:`encode_metadata`.

    A value that is not valid JSON is kept as the raw string (files written before every value was
    JSON-encoded store ``resize``, ``tta``, ``precision`` and free text raw); under :data:`TEXT_KEYS` a
    value that decodes to anything but a string is also kept raw. Never raises on malformed values: the
    readers validate each key they need and name the file in their errors.
    """
    values: dict[str, Any] = {}
    for key, text in raw.items():
        try:
            value = json.loads(text)
        except (json.JSONDecodeError, TypeError):
            value = text
        if key in TEXT_KEYS and not isinstance(value, str):
            value = text
        values[key] = value
    return values


def not_json(raw: Mapping[str, str]) -> list[str]:
    """The keys outside :data:`TEXT_KEYS` whose stored value is not valid JSON (malformed metadata)."""
    bad = []
    for key, text in raw.items():
        if key not in TEXT_KEYS:
            try:
                json.loads(text)
            except (json.JSONDecodeError, TypeError):
                bad.append(key)
    return bad


def read_metadata(proto) -> dict[str, Any]:
    """The decoded metadata of a loaded ``onnx.ModelProto`` (its ``metadata_props``)."""
    return decode_metadata({p.key: p.value for p in proto.metadata_props})


def write_metadata(proto, values: Mapping[str, Any]) -> None:
    """Replace the ``metadata_props`` of an ``onnx.ModelProto`` with ``values``, encoded by :func:`encode_metadata`."""
    encoded = encode_metadata(values)
    del proto.metadata_props[:]
    for key, text in encoded.items():
        proto.metadata_props.add(key=key, value=text)
