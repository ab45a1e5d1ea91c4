"""The extremes of real photos for the degenerate-input thresholds of :mod:`catdog_gui.core.degenerate`:
``python -m benchmarks.degenerate_inputs [DIR...]`` (default: pets-ood-val, photos-fullsize, resources/samples).

For every photo: the decoded size (as the app decodes it for a 256x256 model), its aspect ratio, and the pixel
spread of the model's input; prints the smallest short side, the largest aspect ratio, the smallest spread and
how many photos the current thresholds flag (should be 0).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import numpy as np

from catdog_gui.core.degenerate import degenerate_reason, pixel_spread
from catdog_gui.core.imaging import Preprocessing, load_rgb, resize_for_model
from catdog_gui.core.scan import is_image_candidate

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(os.environ.get("CATDOG_DATA", ROOT.parent / "shared" / "data"))
DEFAULT_DIRS = [DATA / "pets-ood-val", DATA / "photos-fullsize", ROOT / "resources" / "samples"]


def main(argv: list[str] | None = None) -> int:
    dirs = [Path(d) for d in (argv if argv else DEFAULT_DIRS)]
    spec = Preprocessing(image_size=(256, 256), resize="squash", mean=(0.5,) * 3, std=(0.5,) * 3)
    rows = []
    for d in dirs:
        for p in sorted(x for x in d.rglob("*") if x.is_file() and is_image_candidate(x)):
            image = load_rgb(p, min_size=spec.image_size, background=spec.background)
            pixels = np.asarray(resize_for_model(image, spec))
            rows.append((str(p), image.width, image.height, pixel_spread(pixels),
                         degenerate_reason(image.width, image.height, pixels)))
    short = min(rows, key=lambda r: min(r[1], r[2]))
    aspect = max(rows, key=lambda r: max(r[1], r[2]) / min(r[1], r[2]))
    flat = min(rows, key=lambda r: r[3])
    print(f"{len(rows)} photos in {', '.join(str(d) for d in dirs)}")
    print(f"smallest short side: {min(short[1], short[2])} px ({short[0]})")
    print(f"largest aspect ratio: {max(aspect[1], aspect[2]) / min(aspect[1], aspect[2]):.2f} ({aspect[0]})")
    print(f"smallest pixel spread: {flat[3]:.1f} ({flat[0]})")
    flagged = [r for r in rows if r[4]]
    print(f"flagged degenerate: {len(flagged)}")
    for r in flagged:
        print(f"  {r[0]}: {r[4]}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
