"""The ONNX contract's metadata encoding: what training.export writes reads back as written, and models
written before every value was JSON-encoded (the committed one among them) still read."""

import json
from pathlib import Path

import onnx

from catdog_gui.core import contract as c
from catdog_gui.core.model import read_model_info

VALUES = {c.CONTRACT_KEY: 1, c.LABELS: ["cat", "dog"], c.IMAGE_SIZE: [256, 256], c.RESIZE: "center_crop",
          c.CROP_FRACTION: 0.875, c.MEAN: [0.485, 0.456, 0.406], c.STD: [0.229, 0.224, 0.225],
          c.BACKGROUND: [255, 255, 255], c.TTA: "flip", c.PRECISION: "int8", c.TRAINED_ON: "2024",
          c.VAL_TOP1: 0.976, c.TRAINING: {"epoch": 3, "temperature": 0.46}, c.UNCERTAIN_THRESHOLD: 0.8}
GRAPH = (["image"], [["N", 3, "H", "W"]], ["logits", "probabilities"], [["N", 2], ["N", 2]])


def test_every_value_is_json_and_round_trips():
    encoded = c.encode_metadata(VALUES)
    assert {key: json.loads(text) for key, text in encoded.items()} == VALUES
    assert encoded[c.RESIZE] == '"center_crop"' and encoded[c.TRAINED_ON] == '"2024"'
    assert c.decode_metadata(encoded) == VALUES


def test_the_reader_builds_model_info_from_what_the_writer_wrote():
    info = read_model_info(Path("m.onnx"), c.encode_metadata(VALUES), *GRAPH)
    assert info.labels == ("cat", "dog") and info.contract == 1
    assert info.preprocessing.resize == "center_crop" and info.preprocessing.image_size == (256, 256)
    assert info.preprocessing.mean == (0.485, 0.456, 0.406) and info.preprocessing.crop_fraction == 0.875
    assert info.trained_on == "2024" and info.val_top1 == 0.976
    assert info.metadata == VALUES


def test_raw_text_values_of_older_files_still_read():
    raw = {**c.encode_metadata(VALUES), c.RESIZE: "squash", c.TTA: "none", c.TRAINED_ON: "2024",
           c.CREATED: "2026-11-30T16:44:32+00:00", c.ARCHITECTURE: "Xception"}
    meta = c.decode_metadata(raw)
    assert meta[c.RESIZE] == "squash" and meta[c.TTA] == "none" and meta[c.ARCHITECTURE] == "Xception"
    assert meta[c.TRAINED_ON] == "2024"  # text, though "2024" alone is valid JSON (a number)
    assert meta[c.CREATED] == "2026-11-30T16:44:32+00:00"
    assert read_model_info(Path("m.onnx"), raw, *GRAPH).preprocessing.resize == "squash"


def test_the_committed_model_reads_and_rewrites_to_the_same_values(default_model_path, tmp_path):
    proto = onnx.load(str(default_model_path), load_external_data=False)
    raw = {p.key: p.value for p in proto.metadata_props}
    assert raw[c.RESIZE] == "squash"  # written before every value was JSON-encoded
    meta = c.read_metadata(proto)
    assert meta[c.RESIZE] == "squash" and meta[c.PRECISION] == "fp32" and meta[c.IMAGE_SIZE] == [256, 256]
    assert meta[c.TRAINED_ON].startswith("petimages") and 0.0 < meta[c.TRAINING]["temperature"] < 1.0
    c.write_metadata(proto, meta)
    assert all(json.loads(p.value) is not None for p in proto.metadata_props)
    assert c.read_metadata(proto) == meta
