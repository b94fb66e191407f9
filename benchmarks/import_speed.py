"""Import speed: a 1,000-row Goodreads export brought in through POST /api/v1/imports, against the same rows
added one by one through POST /api/v1/books; on SQLite and on a moto server (DynamoDB).

    python benchmarks/import_speed.py [--rows 1000] [--backend sqlite|dynamodb|both] [--one-by-one-rows N]

The goal (from the issue): the import is at least 5x faster than adding the rows one by one. Figures are
printed, never asserted; the exit code is 1 only when something erred (a request failed, an import did not
finish, rows went unaccounted for), 0 otherwise.

How it runs, per backend:
- The app runs as it does in production-like use: gunicorn (2 workers x 4 threads by default), the jobs on
  background threads (BOOKLIB_TASKS=thread), the metadata providers replaced by the local stub
  (tests/support/metadata_stub.py) answering at once (delay 0): the generated ISBNs are unknown to it, so each
  lookup ends quickly as "not found". For DynamoDB, a moto server in its own process (tests/support/moto_server.py)
  with the tables made by `flask aws bootstrap`. Everything is started by benchmarks/load_support.py and stopped
  by its PID.
- Both libraries are built through the HTTP API only, the way a reader or a script would: (a) user A uploads
  the file (POST /api/v1/imports) and the import's chunk jobs add the rows through the app's own services;
  (b) user B, a fresh empty library, sends one POST /api/v1/books per row from ONE client, sequentially.
  Nothing is written to the tables directly, and no bulk path of moto's (TransactWriteItems batches written by
  the benchmark) is used: every row costs what the app's code makes it cost.
- (a) is timed from the upload until GET /api/v1/imports/<id> (polled every 0.2 s) says "done"; (b) from the
  first POST to the last answer. The metadata lookups that every ISBN row queues run in the background in both
  cases and are in neither time (the import queues them in its own lane, behind readers' own adds); the time
  until they settled is printed apart. A runs first, so B's ISBN rows find their shared Books stored already
  (one write fewer per row for B: in B's favour, against the goal).
- Then the same file is imported again into A's library: it must add nothing.
On a slow backend --one-by-one-rows N times (b) on the first N rows only and extrapolates linearly to all
rows; the table says so."""

from __future__ import annotations

import argparse
import csv
import io
import random
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))

from load_support import app_server  # noqa: E402  (also puts the project on sys.path)
from tests.support.metadata_stub import MetadataStub  # noqa: E402

FIXTURE = Path(__file__).resolve().parents[2] / "shared" / "fixtures" / "imports" / "goodreads_library_export.csv"
# Goodreads' header, exactly as in ../shared/fixtures/imports/goodreads_library_export.csv (31 columns).
HEADER = ("Book Id,Title,Author,Author l-f,Additional Authors,ISBN,ISBN13,My Rating,Average Rating,Publisher,Binding,"
          "Number of Pages,Year Published,Original Publication Year,Date Read,Date Added,Bookshelves,"
          "Bookshelves with positions,Exclusive Shelf,My Review,Spoiler,Private Notes,Read Count,Recommended For,"
          "Recommended By,Owned Copies,Original Purchase Date,Original Purchase Location,Condition,"
          "Condition Description,BCID").split(",")
WORDS = ["river", "moon", "glass", "iron", "salt", "paper", "winter", "garden", "ember", "harbour", "lantern",
         "orchard", "silence", "atlas", "meadow", "tide", "quarry", "compass", "thistle", "cinder"]
FIRST = ["Ada", "Mary", "Italo", "Ursula", "Jorge", "Toni", "Chinua", "Octavia", "Kazuo", "Wislawa", "Clarice"]
LAST = ["Lovelace", "Shelley", "Calvino", "Le Guin", "Borges", "Morrison", "Achebe", "Butler", "Ishiguro", "Lispector"]
TAGS = ["fiction", "non-fiction", "favourites", "book-club", "poetry", "history", "sci-fi", "owned", "library"]
API_STATUS = {"read": "read", "to-read": "to-read", "currently-reading": "reading", "dnf": "did-not-finish"}
POLL = 0.2


def isbn13(body12: str) -> str:
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(body12))
    return body12 + str((10 - total % 10) % 10)


def isbn10(body9: str) -> str:
    check = (11 - sum(int(d) * (10 - i) for i, d in enumerate(body9)) % 11) % 11
    return body9 + ("X" if check == 10 else str(check))


def generate(rows: int, seed: int = 1) -> list[dict]:
    """The books of the export: ~80% with a valid ISBN-13 (and its ISBN-10), ~20% without any ISBN (title and
    author only); titles unique, so no two rows match one another."""
    rnd = random.Random(seed)
    bodies = rnd.sample(range(10**8, 10**9), rows)  # distinct 9-digit bodies after 978
    books = []
    for n in range(rows):
        shelf = rnd.choices(["read", "to-read", "currently-reading", "dnf"], weights=[50, 35, 12, 3])[0]
        added = date(2015, 1, 1) + timedelta(days=rnd.randrange(3000))
        finished = added + timedelta(days=rnd.randrange(1, 400)) if shelf == "read" and rnd.random() < 0.85 else None
        first, last = rnd.choice(FIRST), rnd.choice(LAST)
        has_isbn = rnd.random() < 0.8
        body = f"{bodies[n]:09d}"
        books.append({
            "book_id": 10_000_000 + n,
            "title": f"The {rnd.choice(WORDS).title()} of {rnd.choice(WORDS).title()} {n + 1}",
            "author": f"{first} {last}", "author_lf": f"{last}, {first}",
            "isbn10": isbn10(body) if has_isbn else "", "isbn13": isbn13("978" + body) if has_isbn else "",
            "rating": rnd.randint(0, 5) if shelf in ("read", "dnf") else 0,
            "pages": rnd.randrange(90, 900), "year": rnd.randrange(1900, 2024),
            "date_read": finished, "date_added": added, "shelf": shelf,
            "tags": rnd.sample(TAGS, rnd.randrange(0, 3)),
        })
    return books


def goodreads_csv(books: list[dict]) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADER)
    for b in books:
        shelves = [b["shelf"], *b["tags"]]
        writer.writerow([
            b["book_id"], b["title"], b["author"], b["author_lf"], "",
            f'="{b["isbn10"]}"', f'="{b["isbn13"]}"', b["rating"], "3.91", "Some Press", "Paperback",
            b["pages"], b["year"], b["year"],
            b["date_read"].strftime("%Y/%m/%d") if b["date_read"] else "", b["date_added"].strftime("%Y/%m/%d"),
            ", ".join(shelves), ", ".join(f"{s} (#{i + 1})" for i, s in enumerate(shelves)), b["shelf"],
            "", "", "", 1 if b["shelf"] == "read" else 0, "", "", 0, "", "", "", "", "",
        ])
    return out.getvalue().encode("utf-8")


def book_body(b: dict) -> dict:
    """The POST /api/v1/books body for a row: its ISBN (else title and author) with what the file says of it."""
    body = {"isbn": b["isbn13"]} if b["isbn13"] else {"title": b["title"], "author": b["author"]}
    body["status"] = API_STATUS[b["shelf"]]
    if b["rating"]:
        body["rating"] = b["rating"]
    if b["date_read"]:
        body["reads"] = [{"started_on": None, "finished_on": b["date_read"].isoformat()}]
    if b["tags"]:
        body["tags"] = b["tags"]
    body["page_count"] = b["pages"]
    return body


class Failed(Exception):
    pass


def user(base: str, name: str) -> requests.Session:
    s = requests.Session()
    creds = {"username": name, "email": f"{name}@example.org", "password": "correct horse battery"}
    r = s.post(base + "/api/v1/auth/register", json=creds, timeout=30)
    if r.status_code != 201:
        raise Failed(f"register {name}: {r.status_code} {r.text[:200]}")
    r = s.post(base + "/api/v1/auth/login", json={"email": creds["email"], "password": creds["password"]}, timeout=30)
    if r.status_code != 200:
        raise Failed(f"login {name}: {r.status_code} {r.text[:200]}")
    return s


def run_import(s: requests.Session, base: str, data: bytes, timeout: float = 1800) -> tuple[float, float, dict]:
    """(seconds until done, seconds the upload itself took, the finished import)."""
    started = time.perf_counter()
    r = s.post(base + "/api/v1/imports", files={"file": ("goodreads_library_export.csv", data, "text/csv")},
               timeout=120)
    uploaded = time.perf_counter() - started
    if r.status_code != 202:
        raise Failed(f"POST /api/v1/imports: {r.status_code} {r.text[:300]}")
    import_id = r.json()["import"]["id"]
    while True:
        g = s.get(f"{base}/api/v1/imports/{import_id}", timeout=60)
        if g.status_code != 200:
            raise Failed(f"GET /api/v1/imports/{import_id}: {g.status_code} {g.text[:300]}")
        job = g.json()["import"]
        if job["status"] in ("done", "failed"):
            elapsed = time.perf_counter() - started
            if job["status"] == "failed":
                raise Failed(f"import {import_id} failed: {job.get('error')}")
            return elapsed, uploaded, job
        if time.perf_counter() - started > timeout:
            raise Failed(f"import {import_id} not done after {timeout:.0f} s: {job['status']}, {job['processed']} rows")
        time.sleep(POLL)


def add_one_by_one(s: requests.Session, base: str, books: list[dict]) -> tuple[float, list[str]]:
    errors = []
    started = time.perf_counter()
    for b in books:
        try:
            r = s.post(base + "/api/v1/books", json=book_body(b), timeout=60)
        except requests.RequestException as exc:
            errors.append(f"{b['title']}: {type(exc).__name__} {exc}"[:300])
            continue
        if r.status_code != 201:
            errors.append(f"{b['title']}: {r.status_code} {r.text[:200]}")
    return time.perf_counter() - started, errors


def library_size(s: requests.Session, base: str) -> tuple[int, int]:
    """(entries, of them still PENDING), walking every page."""
    count = pending = 0
    cursor = None
    while True:
        r = s.get(base + "/api/v1/books", params={"limit": 100, **({"cursor": cursor} if cursor else {})}, timeout=60)
        if r.status_code != 200:
            raise Failed(f"GET /api/v1/books: {r.status_code} {r.text[:200]}")
        page = r.json()
        count += len(page["items"])
        pending += sum(i["sync_status"] == "PENDING" for i in page["items"])
        if not (cursor := page["next_cursor"]):
            return count, pending


def settle(s: requests.Session, base: str, since: float, limit: float = 600) -> float | None:
    """Seconds from `since` until no entry of the library is PENDING (its metadata lookups done); None if not
    within `limit` seconds from now. Checked once a second, so the figure is +-1 s."""
    deadline = time.perf_counter() + limit
    while time.perf_counter() < deadline:
        if library_size(s, base)[1] == 0:
            return time.perf_counter() - since
        time.sleep(1)
    return None


def run_backend(backend: str, args, books: list[dict], data: bytes, stub: MetadataStub, log: Path) -> bool:
    rows = len(books)
    b_rows = min(args.one_by_one_rows or rows, rows)
    figures: list[tuple[str, str]] = []
    errors: list[str] = []
    try:
        with tempfile.TemporaryDirectory(prefix="booklib-import-speed-") as instance, \
                app_server(backend, instance, stub, log, workers=args.workers, threads=args.threads) as (base, server):
            a, b = user(base, "reader_a"), user(base, "reader_b")

            a_time, a_upload, job = run_import(a, base, data)
            counts = job["counts"]
            a_settled = settle(a, base, time.perf_counter() - a_time)
            a_size = library_size(a, base)[0]
            accounted = sum(counts.values())
            if job["processed"] != rows or accounted != rows or job["total"] != rows:
                errors.append(f"import: total {job['total']}, processed {job['processed']}, counts sum {accounted}")
            if counts["added"] != rows or a_size != rows:
                errors.append(f"import: added {counts['added']}, library holds {a_size}, expected {rows}")

            b_started = time.perf_counter()
            b_time, b_errors = add_one_by_one(b, base, books[:b_rows])
            errors += b_errors[:10]
            b_settled = settle(b, base, b_started)
            b_size = library_size(b, base)[0]
            if b_size != b_rows:
                errors.append(f"one by one: library holds {b_size}, expected {b_rows}")

            again_time, _, again = run_import(a, base, data)
            again_counts = again["counts"]
            if again_counts["added"] != 0 or sum(again_counts.values()) != rows:
                errors.append(f"second import: {again_counts}")
            if server.poll() is not None:
                errors.append(f"the server exited with {server.returncode}")
    except Failed as exc:
        errors.append(str(exc))

    print(f"\n== {backend}: {rows} Goodreads rows ({sum(1 for x in books if x['isbn13'])} with ISBN), "
          f"gunicorn {args.workers}x{args.threads}, BOOKLIB_TASKS=thread, metadata stub delay 0 ==")
    if "counts" in locals() and "b_time" in locals():
        b_full = b_time * rows / b_rows
        figures = [
            ("(a) import: seconds, upload to done", f"{a_time:.2f}"),
            ("    of which the upload (202)", f"{a_upload:.2f}"),
            ("    rows/s", f"{rows / a_time:.1f}"),
            ("    counts", " ".join(f"{k}={v}" for k, v in counts.items()) + f" (sum {accounted}, total {rows})"),
            ("    metadata lookups settled after", f"{a_settled:.1f} s" if a_settled is not None else "not within 600 s after"),
            ("(b) one by one: rows timed", f"{b_rows}" + ("" if b_rows == rows else
                                                           f" (EXTRAPOLATED linearly to {rows})")),
            ("    seconds" + ("" if b_rows == rows else f" for {rows} (measured {b_time:.2f} for {b_rows})"),
             f"{b_full:.2f}"),
            ("    rows/s", f"{b_rows / b_time:.1f}"),
            ("    ms per POST /api/v1/books", f"{b_time / b_rows * 1000:.1f}"),
            ("    errors", f"{len(b_errors)}"),
            ("    metadata lookups settled after", f"{b_settled:.1f} s" if b_settled is not None else "not within 600 s after"),
            ("ratio (b)/(a), goal >= 5", f"{b_full / a_time:.2f}"),
            ("second import of the same file: s", f"{again_time:.2f}" if "again_time" in locals() else "-"),
            ("    counts", " ".join(f"{k}={v}" for k, v in again_counts.items()) if "again_counts" in locals() else "-"),
        ]
    for name, value in figures:
        print(f"  {name:<40} {value}")
    print("  metadata jobs run in the background in both cases and are in neither time")
    for e in errors[:10]:
        print(f"  error: {e}")
    print(f"  server log: {log}")
    return not errors


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1000)
    parser.add_argument("--backend", choices=["sqlite", "dynamodb", "both"], default="both")
    parser.add_argument("--one-by-one-rows", type=int, default=None,
                        help="time (b) on the first N rows only and extrapolate linearly")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    books = generate(args.rows, args.seed)
    folder = Path(tempfile.mkdtemp(prefix="booklib-import-speed-"))
    data = goodreads_csv(books)
    (folder / "goodreads_library_export.csv").write_bytes(data)
    if FIXTURE.exists() and FIXTURE.read_text(encoding="utf-8-sig").splitlines()[0].split(",") != HEADER:
        print(f"warning: the header differs from {FIXTURE}")
    print(f"export: {folder / 'goodreads_library_export.csv'} ({len(data) / 1024:.0f} KB)")
    with MetadataStub() as stub:
        stub.delay = 0.0
        backends = ["sqlite", "dynamodb"] if args.backend == "both" else [args.backend]
        results = [run_backend(b, args, books, data, stub, folder / f"gunicorn-{b}.log") for b in backends]
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
