"""Cost of the decoding repairs (colour profiles, alpha, EXIF, huge images), as ratios measured in one run;
appends to benchmarks/RESULTS.md.

    python benchmarks/imaging.py [--repeat 20]

1. Colour profiles: ``preprocess`` of real full-size photos saved without a profile, with the sRGB profile
   cameras embed (recognised, no conversion), and with a ProPhoto profile (converted by littleCMS).
2. A 90-megapixel WebP panorama (10000 x 9000): time and peak memory of ``preprocess`` (libwebp into one
   array, shrunk in strips) against Pillow's own decoder (``Image.open(...).convert("RGB")``), each in a
   fresh process.
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import numpy as np
from PIL import Image, ImageCms

REPO = Path(__file__).resolve().parents[1]
DATA = Path(os.environ.get("CATDOG_DATA", REPO.parent / "shared" / "data"))
sys.path.insert(0, str(REPO / "tests"))


def _median_time(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return float(np.median(times))


_PEAK = textwrap.dedent("""
    import sys, time
    from PIL import Image
    from catdog_gui.core.imaging import Preprocessing, preprocess
    spec = Preprocessing(image_size=(299, 299))
    t0 = time.perf_counter()
    if sys.argv[2] == "catdog":
        preprocess(sys.argv[1], spec)
    else:
        Image.MAX_IMAGE_PIXELS = None
        preprocess(Image.open(sys.argv[1]).convert("RGB"), spec)
    with open("/proc/self/status") as f:  # VmHWM: this process's peak RSS (ru_maxrss inherits the parent's)
        peak_kib = next(int(line.split()[1]) for line in f if line.startswith("VmHWM:"))
    print(time.perf_counter() - t0, peak_kib / 1024)
""")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    from catdog_gui.core.imaging import Preprocessing, preprocess
    from test_imaging import prophoto_profile

    spec = Preprocessing(image_size=(299, 299))
    photos = sorted((DATA / "photos-fullsize" / "cat").glob("*.jpg"))[:4]
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    prophoto = prophoto_profile()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        variants = {"no profile": None, "sRGB profile": srgb, "ProPhoto profile": prophoto}
        files = {name: [] for name in variants}
        for i, photo in enumerate(photos):
            image = Image.open(photo).convert("RGB")
            for name, icc in variants.items():
                path = Path(tmp) / f"{i}-{name.split()[0]}.png"
                image.save(path, **({"icc_profile": icc} if icc else {}))
                files[name].append(path)
        seconds = {name: _median_time(lambda ps=paths: [preprocess(p, spec) for p in ps], args.repeat)
                   for name, paths in files.items()}
        base = seconds["no profile"]
        sizes = ", ".join(f"{Image.open(p).width}x{Image.open(p).height}" for p in files["no profile"])
        for name, s in seconds.items():
            rows.append(f"| preprocess, {len(photos)} PNG photos ({sizes}), {name} | "
                        f"{s / len(photos) * 1000:.1f} ms | {s / base:.2f} |")

        big = Path(tmp) / "panorama.webp"
        Image.open(photos[0]).convert("RGB").resize((10000, 9000), Image.Resampling.BILINEAR).save(
            big, quality=85, method=0)
        measured = {}
        for how in ("catdog", "pillow"):
            out = subprocess.run([sys.executable, "-c", _PEAK, str(big), how], capture_output=True, text=True,
                                 cwd=REPO, check=True).stdout.split()
            measured[how] = (float(out[0]), float(out[1]))
    (t_new, m_new), (t_old, m_old) = measured["catdog"], measured["pillow"]
    machine = (f"{platform.system()} {platform.machine()}, {os.cpu_count()} logical CPUs, Python "
               f"{platform.python_version()}; load average before: {os.getloadavg()[0]:.2f}")
    text = [f"\n## {datetime.datetime.now():%Y-%m-%dT%H:%M}: decoding repairs (`python benchmarks/imaging.py "
            f"--repeat {args.repeat}`)\n", f"Machine: {machine}\n",
            "| measurement | median per photo | ratio to no profile |", "|---|---|---|", *rows, "",
            "| 10000x9000 WebP (90 Mpx) to the model's input, fresh process | time (s) | peak RSS (MiB) |",
            "|---|---|---|",
            f"| catdog `preprocess` (libwebp into one array, strips) | {t_new:.2f} | {m_new:.0f} |",
            f"| Pillow's decoder, then `preprocess` | {t_old:.2f} | {m_old:.0f} |",
            f"| ratio catdog / Pillow | {t_new / t_old:.2f} | {m_new / m_old:.2f} |", ""]
    print("\n".join(text))
    with open(REPO / "benchmarks" / "RESULTS.md", "a", encoding="utf-8") as f:
        f.write("\n".join(text))


if __name__ == "__main__":
    main()
