"""Peak memory of POST /api/v1/scan for hostile images (figures, not asserts).

    .venv/bin/python benchmarks/scan_memory.py

Each image is scanned in a fresh process: the app (SQLite, inline tasks) is built, a user logs
in, a small photo is scanned to load the decoders, then the peak RSS is reset (Linux:
/proc/self/clear_refs) and the hostile image is posted. "extra MiB" is the peak RSS during that
request minus the RSS before it. Goal: under 150 MiB for every accepted image (the API Lambda
has 512 MB); too big ones are refused with 413 before they are decoded."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import tempfile
from pathlib import Path

from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from tests.support.barcodes import blank_1bit_png, blank_rle8_bmp  # noqa: E402

GOAL_MIB = 150

CHILD = r"""
import io, json, re, resource, sys, tempfile
from pathlib import Path
from booklib.config import Settings
from booklib.web import create_app

def rss_kib(field):
    return int(re.search(rf"{field}:\s+(\d+)", Path("/proc/self/status").read_text()).group(1))

tmp = Path(tempfile.mkdtemp())
app = create_app(Settings.from_env(env={}, instance_path=str(tmp / "i"), database_url=f"sqlite:///{tmp / 'db'}",
                                   secret_key="bench", tasks="inline"))
client = app.test_client()
user = {"username": "bench", "email": "bench@example.org", "password": "correct horse"}
client.post("/api/v1/auth/register", json=user)
client.post("/api/v1/auth/login", json=user)
def scan(data):
    return client.post("/api/v1/scan", data={"image": (io.BytesIO(data), "photo")}, content_type="multipart/form-data")
scan(Path(sys.argv[2]).read_bytes())  # warm-up: decoders imported, first request served
data = Path(sys.argv[1]).read_bytes()
before = rss_kib("VmRSS")
Path("/proc/self/clear_refs").write_text("5")  # resets VmHWM, the peak RSS, to the current RSS
status = scan(data).status_code
print(json.dumps({"status": status, "extra_kib": rss_kib("VmHWM") - before, "before_kib": before}))
"""


def encoded(img: Image.Image, fmt: str, **options) -> bytes:
    buf = io.BytesIO()
    img.save(buf, fmt, **options)
    return buf.getvalue()


def hostile_images():
    """(name, bytes): small files that declare many pixels, in every mode uploads can have."""
    side = 7000  # 49 MP: under the 50 MP pixel limit
    yield "palette PNG 7000x7000 (the issue's)", encoded(Image.new("P", (side, side)), "PNG")
    p = Image.new("P", (side, side))
    yield "palette PNG + tRNS 7000x7000", encoded(p, "PNG", transparency=0)
    yield "palette GIF + transparency 7000x7000", encoded(p, "GIF", transparency=0)
    yield "1-bit PNG 7000x7000", blank_1bit_png(side, side)
    yield "1-bit PNG 30000x30000 (900 MP)", blank_1bit_png(30_000, 30_000)
    yield "grey PNG 7000x7000", encoded(Image.new("L", (side, side), 255), "PNG")
    yield "16-bit grey PNG 7000x7000", encoded(Image.new("I;16", (side, side), 65535), "PNG")
    yield "16-bit grey PNG 5000x5000", encoded(Image.new("I;16", (5000, 5000), 65535), "PNG")
    yield "LA PNG 7000x7000", encoded(Image.new("LA", (side, side)), "PNG")
    yield "LA PNG 4000x4000", encoded(Image.new("LA", (4000, 4000)), "PNG")
    yield "RGB PNG 7000x7000", encoded(Image.new("RGB", (side, side), "white"), "PNG")
    yield "RGB PNG 4500x4500", encoded(Image.new("RGB", (4500, 4500), "white"), "PNG")
    yield "RGBA PNG 7000x7000", encoded(Image.new("RGBA", (side, side)), "PNG")
    yield "RGBA PNG 4000x4000", encoded(Image.new("RGBA", (4000, 4000)), "PNG")
    yield "RGBA WebP 4000x4000", encoded(Image.new("RGBA", (4000, 4000)), "WEBP", lossless=True)
    yield "RGBA WebP 2400x2400", encoded(Image.new("RGBA", (2400, 2400)), "WEBP", lossless=True)
    yield "RLE8 BMP 7000x7000", blank_rle8_bmp(side, side)
    yield "RLE8 BMP 5000x5000", blank_rle8_bmp(5000, 5000)
    yield "RGB BMP 2000x2000 (12 MB: over the upload limit)", encoded(Image.new("RGB", (2000, 2000)), "BMP")
    yield "JPEG 7000x7000", encoded(Image.new("RGB", (side, side), "white"), "JPEG")
    yield "progressive JPEG 7000x7000 4:4:4", encoded(
        Image.new("RGB", (side, side), "white"), "JPEG", progressive=True, subsampling=0
    )
    yield "progressive JPEG 7000x7000 4:2:0", encoded(
        Image.new("RGB", (side, side), "white"), "JPEG", progressive=True, subsampling=2
    )
    yield "progressive JPEG 4000x3000 4:4:4", encoded(
        Image.new("RGB", (4000, 3000), "white"), "JPEG", progressive=True, subsampling=0
    )
    yield "CMYK JPEG 7000x7000", encoded(Image.new("CMYK", (side, side)), "JPEG")


def main() -> None:
    warm_up = ROOT / "tests" / "fixtures" / "barcodes" / "ean13-3_01.png"
    print(f"{'image':<50}{'file KB':>9}{'status':>8}{'extra MiB':>11}")
    print("-" * 78)
    worst = 0.0
    with tempfile.TemporaryDirectory() as tmp:
        for name, data in hostile_images():
            path = Path(tmp) / "image"
            path.write_bytes(data)
            out = subprocess.run(
                [sys.executable, "-c", CHILD, str(path), str(warm_up)],
                cwd=ROOT, capture_output=True, text=True, check=True,
            )
            result = json.loads(out.stdout.strip().splitlines()[-1])
            extra = result["extra_kib"] / 1024
            if result["status"] != 413:
                worst = max(worst, extra)
            print(f"{name:<50}{len(data) / 1000:>9.0f}{result['status']:>8}{extra:>11.0f}")
    print(f"\nworst accepted image: {worst:.0f} MiB extra (goal: under {GOAL_MIB} MiB)")


if __name__ == "__main__":
    main()
