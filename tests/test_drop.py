"""catdog_gui.app.drop: what a file manager drops becomes the paths of the files it names."""

from __future__ import annotations

import os
import shutil
import sys

import pytest
from PySide6.QtCore import QMimeData

from catdog_gui.app.drop import split_urls
from catdog_gui.core.imaging import load_rgb


def uri_list(*urls: bytes) -> QMimeData:
    """A drop as file managers send it: ``text/uri-list``, one percent-encoded URL per line (RFC 2483)."""
    mime = QMimeData()
    mime.setData("text/uri-list", b"".join(u + b"\r\n" for u in urls))
    return mime


@pytest.mark.skipif(sys.platform in ("win32", "darwin"), reason="file names there are always valid Unicode")
def test_dropped_name_that_is_not_utf8_is_found_and_decodes(tmp_path, cat_photos):
    """A Latin-1 name (``chat\\xe9.jpg``, written by an old camera or a Windows zip) arrives as ``chat%E9.jpg``."""
    folder = os.fsencode(tmp_path)
    raw_name = os.path.join(folder, b"chat\xe9.jpg")
    shutil.copy(cat_photos[0], raw_name)
    spaced = os.path.join(folder, "caf\u00e9 au lait.jpg".encode())
    shutil.copy(cat_photos[1], spaced)
    local, remote = split_urls(uri_list(b"file://" + folder + b"/chat%E9.jpg",
                                        b"file://" + folder + b"/caf%C3%A9%20au%20lait.jpg",
                                        b"https://example.org/cat.jpg"))
    assert local == [os.fsdecode(raw_name), os.fsdecode(spaced)]
    assert remote == ["https://example.org/cat.jpg"]
    assert all(os.path.isfile(p) for p in local)
    assert load_rgb(local[0]).size == load_rgb(cat_photos[0]).size
