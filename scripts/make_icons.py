"""Generate catdog's icon files from ``resources/icons/catdog.svg``: ``python scripts/make_icons.py``.

Writes, beside the SVG: ``catdog-<N>.png`` for N in :data:`catdog_gui.resources.ICON_SIZES` (16..512,
rendered by Qt's SVG renderer at each size, so small sizes are drawn, not downscaled), ``catdog.ico``
(Windows: 16..256, PNG-compressed entries) and ``catdog.icns`` (macOS: 16..512), both written by Pillow
from those renders. Run it again after editing the SVG and commit the results.
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

from PIL import Image
from PySide6.QtCore import QByteArray, QBuffer, QIODevice, Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
from catdog_gui.resources import ICON_SIZES  # noqa: E402

ICONS = REPO / "resources" / "icons"
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)  # Windows Explorer uses up to 256


def render(renderer: QSvgRenderer, size: int) -> Image.Image:
    """The SVG drawn at ``size`` x ``size`` pixels, antialiased, as an RGBA Pillow image."""
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    buffer.close()
    return Image.open(io.BytesIO(bytes(data))).convert("RGBA")


def main() -> int:
    app = QGuiApplication.instance() or QGuiApplication(["make_icons", "-platform", "offscreen"])  # noqa: F841
    renderer = QSvgRenderer(str(ICONS / "catdog.svg"))
    if not renderer.isValid():
        print(f"cannot read {ICONS / 'catdog.svg'}", file=sys.stderr)
        return 1
    renders = {size: render(renderer, size) for size in sorted(set(ICON_SIZES) | set(ICO_SIZES))}
    for size in ICON_SIZES:
        renders[size].save(ICONS / f"catdog-{size}.png", optimize=True)
    largest_ico = renders[max(ICO_SIZES)]
    largest_ico.save(ICONS / "catdog.ico", sizes=[(s, s) for s in ICO_SIZES],
                     append_images=[renders[s] for s in ICO_SIZES if s != max(ICO_SIZES)])
    renders[512].save(ICONS / "catdog.icns", append_images=[renders[s] for s in (16, 32, 64, 128, 256)])
    written = sorted(p.name for p in ICONS.iterdir() if p.suffix in (".png", ".ico", ".icns"))
    print("wrote", ", ".join(written), "in", ICONS)
    return 0


if __name__ == "__main__":
    sys.exit(main())
