"""Barcode decoding on the fixture photos: hit rate per set and time per photo (figures, not asserts).

    .venv/bin/python benchmarks/barcode_decode.py [--repeat N]

A hit is the expected digits among the codes returned; "books" counts the book photos whose
first ISBN is the expected one (what ScanService answers). A misread is an ISBN returned that
is not in the photo. Times are per photo, PNG decoding included; each photo is read N times
and its median kept. Goal: median <= 30 ms. A last line times phone-sized JPEGs (the photos
scaled to 4000 px wide), where loading dominates."""

from __future__ import annotations

import argparse
import io
import statistics
import time
from collections import defaultdict
from pathlib import Path

from PIL import Image

from booklib.adapters.barcode import PyzbarReader, ZxingCppReader, make_barcode_reader
from booklib.adapters.barcode.image import is_isbn

FIXTURES = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "barcodes"
ALSO_IN_PHOTO = {"ean13-2_23": "9784872348880", "ean13-2_28": "9784872348880"}
SETS = ["ean13-1", "ean13-2", "ean13-3", "ean13-4", "ean13-5", "upcean-extension-1"]


def load_photos() -> list[tuple[str, str, bytes]]:
    return [
        (p.stem, p.with_suffix(".txt").read_text().strip(), p.read_bytes()) for p in sorted(FIXTURES.glob("*.png"))
    ]


def run(reader, photos, repeat: int) -> dict:
    hits, totals = defaultdict(int), defaultdict(int)
    books = book_total = misreads = 0
    times = []
    for stem, want, data in photos:
        runs = []
        for _ in range(repeat):
            start = time.perf_counter()
            codes = reader.read(data)
            runs.append(time.perf_counter() - start)
        times.append(statistics.median(runs) * 1000)
        group = stem.rsplit("_", 1)[0]
        totals[group] += 1
        hits[group] += want in codes
        isbns = [c for c in codes if is_isbn(c)]
        misreads += any(c not in (want, ALSO_IN_PHOTO.get(stem)) for c in isbns)
        if is_isbn(want):
            book_total += 1
            books += bool(isbns) and isbns[0] == want
    times.sort()
    return dict(
        sets=[f"{hits[s]}/{totals[s]}" for s in SETS],
        books=f"{books}/{book_total}",
        misreads=misreads,
        median=statistics.median(times),
        p90=times[int(0.9 * (len(times) - 1))],
    )


def phone_sized(photos) -> list[tuple[str, str, bytes]]:
    out = []
    for stem, want, data in photos:
        img = Image.open(io.BytesIO(data)).convert("RGBA").convert("RGB")
        big = img.resize((4000, round(img.height * 4000 / img.width)), Image.Resampling.BICUBIC)
        buf = io.BytesIO()
        big.save(buf, "JPEG", quality=90)
        out.append((stem, want, buf.getvalue()))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    photos = load_photos()
    readers = [
        ("zxingcpp (1 pass)", ZxingCppReader()),
        ("pyzbar (1 pass)", PyzbarReader()),
        ("cascade zxingcpp", make_barcode_reader(("zxingcpp",), 40_000_000)),
        ("cascade zxingcpp+pyzbar", make_barcode_reader(("zxingcpp", "pyzbar"), 40_000_000)),
    ]
    header = (
        f"{'reader':<26}"
        + "".join(f"{s:>10}" for s in [*SETS[:5], "upc-ext"])
        + f"{'books':>8}{'misread':>9}{'median ms':>11}{'p90 ms':>8}"
    )
    print(header)
    print("-" * len(header))
    for name, reader in readers:
        if not reader.available:
            print(f"{name:<26} unavailable: {reader.reason}")
            continue
        r = run(reader, photos, args.repeat)
        print(
            f"{name:<26}" + "".join(f"{s:>10}" for s in r["sets"])
            + f"{r['books']:>8}{r['misreads']:>9}{r['median']:>11.1f}{r['p90']:>8.1f}"
        )
    r = run(readers[-1][1], phone_sized(photos), 1)
    print(f"\n12 MP JPEGs (photos scaled to 4000 px wide), cascade zxingcpp+pyzbar: books {r['books']}, "
          f"misreads {r['misreads']}, median {r['median']:.0f} ms, p90 {r['p90']:.0f} ms")


if __name__ == "__main__":
    main()
