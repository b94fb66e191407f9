"""Barcode decoding: fixture photos read, misreads, and time per photo (figures, not asserts).

    .venv/bin/python benchmarks/barcode_decode.py [--repeat N]

A hit is the expected digits among the codes returned; "books" counts the 30 book photos whose
first ISBN is the expected one (what ScanService answers). A misread is an ISBN returned that
is not in the photo. Each photo is read N times and its median kept, in wall-clock time and in
this process's CPU time (the latter hardly moves when other processes share the machine).

Then the same at phone size: every photo scaled up to fill a 4000x3000 JPEG (12 MP, padded
with grey where its shape differs), plus a synthetic ISBN barcode drawn at that size.
Goal there: median <= 30 ms, p90 <= 80 ms, no photo read less than at its own size."""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from booklib.adapters.barcode import PyzbarReader, ZxingCppReader, make_barcode_reader  # noqa: E402
from booklib.adapters.barcode.image import is_isbn  # noqa: E402
from tests.support.barcodes import barcode_image  # noqa: E402

FIXTURES = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "barcodes"
ALSO_IN_PHOTO = {"ean13-2_23": "9784872348880", "ean13-2_28": "9784872348880"}
SETS = ["ean13-1", "ean13-2", "ean13-3", "ean13-4", "ean13-5", "upcean-extension-1"]
PHONE = (4000, 3000)
SYNTHETIC_ISBN = "9780306406157"


def load_photos() -> list[tuple[str, str, bytes]]:
    return [
        (p.stem, p.with_suffix(".txt").read_text().strip(), p.read_bytes()) for p in sorted(FIXTURES.glob("*.png"))
    ]


def jpeg(img: Image.Image) -> bytes:
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=90)
    return buf.getvalue()


def phone_sized(photos) -> list[tuple[str, str, bytes]]:
    out = []
    for stem, want, data in photos:
        img = Image.open(io.BytesIO(data)).convert("RGBA").convert("RGB")
        factor = min(PHONE[0] / img.width, PHONE[1] / img.height)
        img = img.resize((round(img.width * factor), round(img.height * factor)), Image.Resampling.BICUBIC)
        page = Image.new("RGB", PHONE, (128, 128, 128))
        page.paste(img, ((PHONE[0] - img.width) // 2, (PHONE[1] - img.height) // 2))
        out.append((stem, want, jpeg(page)))
    page = Image.new("L", PHONE, 200)
    page.paste(barcode_image(SYNTHETIC_ISBN, module=12, height=900), (700, 900))
    out.append(("synthetic", SYNTHETIC_ISBN, jpeg(page.convert("RGB"))))
    return out


def run(reader, photos, repeat: int) -> dict:
    hits, totals = defaultdict(int), defaultdict(int)
    books = book_total = misreads = 0
    times, cpu_times = [], []
    for stem, want, data in photos:
        runs, cpu_runs = [], []
        for _ in range(repeat):
            start, cpu_start = time.perf_counter(), time.process_time()
            codes = reader.read(data)
            runs.append(time.perf_counter() - start)
            cpu_runs.append(time.process_time() - cpu_start)
        times.append(statistics.median(runs) * 1000)
        cpu_times.append(statistics.median(cpu_runs) * 1000)
        group = stem.rsplit("_", 1)[0]
        totals[group] += 1
        hits[group] += want in codes
        isbns = [c for c in codes if is_isbn(c)]
        misreads += any(c not in (want, ALSO_IN_PHOTO.get(stem)) for c in isbns)
        if is_isbn(want) and group in SETS:
            book_total += 1
            books += bool(isbns) and isbns[0] == want
    times.sort()
    cpu_times.sort()
    return dict(
        sets=[f"{hits[s]}/{totals[s]}" for s in SETS],
        books=f"{books}/{book_total}",
        misreads=misreads,
        median=statistics.median(times),
        p90=times[int(0.9 * (len(times) - 1))],
        cpu_median=statistics.median(cpu_times),
        cpu_p90=cpu_times[int(0.9 * (len(cpu_times) - 1))],
        synthetic=hits["synthetic"],
    )


def table(title: str, readers, photos, repeat: int) -> None:
    header = (
        f"{title:<26}"
        + "".join(f"{s:>10}" for s in [*SETS[:5], "upc-ext"])
        + f"{'books':>8}{'misread':>9}{'median ms':>11}{'p90 ms':>8}{'cpu median':>12}{'cpu p90':>9}"
    )
    print(header)
    print("-" * len(header))
    for name, reader in readers:
        if not reader.available:
            print(f"{name:<26} unavailable: {reader.reason}")
            continue
        r = run(reader, photos, repeat)
        synthetic = f"  synthetic {'read' if r['synthetic'] else 'MISSED'}" if photos[-1][0] == "synthetic" else ""
        print(
            f"{name:<26}" + "".join(f"{s:>10}" for s in r["sets"])
            + f"{r['books']:>8}{r['misreads']:>9}{r['median']:>11.1f}{r['p90']:>8.1f}"
            + f"{r['cpu_median']:>12.1f}{r['cpu_p90']:>9.1f}{synthetic}"
        )
    print()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    photos = load_photos()
    readers = [
        ("zxingcpp (1 look)", ZxingCppReader()),
        ("pyzbar (1 look)", PyzbarReader()),
        ("cascade zxingcpp", make_barcode_reader(("zxingcpp",), 50_000_000)),
        ("cascade zxingcpp+pyzbar", make_barcode_reader(("zxingcpp", "pyzbar"), 50_000_000)),
    ]
    table("photos as they are", readers, photos, args.repeat)
    big = phone_sized(photos)
    sizes = sorted(len(d) for _, _, d in big)
    print(f"12 MP JPEGs: {len(big)}, {sizes[0] // 1000}-{sizes[-1] // 1000} KB")
    table("4000x3000 JPEG", readers[2:], big, max(1, args.repeat // 2))


if __name__ == "__main__":
    main()
