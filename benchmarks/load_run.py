"""Load run: many clients, mixed reads and writes, against the real server (gunicorn) on SQLite and
on a moto server; afterwards every library is checked against what its client knows it wrote.

    python benchmarks/load_run.py [--seconds 30] [--clients 32] [--backend sqlite|dynamodb|both]

Prints one table per backend. Exit code 1 when a request erred (5xx, no answer, or a status the
contract does not allow) or an entry was lost, resurrected, unknown or stuck PENDING; 0 otherwise."""

from __future__ import annotations

import argparse
import heapq
import random
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))

from load_support import app_server, check, mismatches, print_table  # noqa: E402  (also puts the project on sys.path)
from tests.conftest import JAPANESE_ISBN, KNOWN_ISBN, OPEN_LIBRARY_ISBN, UNKNOWN_ISBN  # noqa: E402
from tests.support.metadata_stub import MetadataStub  # noqa: E402

STUB_DELAY = 0.1  # seconds per metadata answer: jobs are still running when the PATCH after an add lands
WORDS = ["river", "moon", "glass", "iron", "salt", "paper", "winter", "garden", "ember", "harbour"]
AUTHORS = ["Ada Lovelace", "Mary Shelley", "Italo Calvino", "Ursula Le Guin", "Jorge Borges"]
STATUSES = ["to-read", "reading", "read"]


def isbn13(body12: str) -> str:
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(body12))
    return body12 + str((10 - total % 10) % 10)


# The stub's recorded books and 100 valid ISBNs it does not know, all shared by the clients (one Book, many entries).
ISBNS = [KNOWN_ISBN, JAPANESE_ISBN, OPEN_LIBRARY_ISBN, UNKNOWN_ISBN] + [isbn13(f"978{n:09d}") for n in range(1, 301, 3)]


class Client(threading.Thread):
    """One user. Its model: live ids with the values each field may have (the last PATCH that answered
    200; a PATCH that got no answer or a 5xx may or may not have been written), and the deleted ids."""

    def __init__(self, n: int, base: str, stop: threading.Event, ready: threading.Barrier):
        super().__init__(daemon=True)
        self.n, self.base, self.stop, self.ready, self.s = n, base, stop, ready, requests.Session()
        self.live: dict[str, dict] = {}  # id -> {"isbn": str | None, "expect": {field: set of values}}
        self.deleted: set[str] = set()
        self.unsure: set[str] = set()  # ids a failed DELETE left undecided: not checked
        self.unsure_isbns: set[str] = set()  # ISBNs a failed add or delete left undecided: 201 or 409
        self.due: list[tuple[float, str]] = []  # (when, id): a second PATCH timed to land as the job ends
        self.latency: dict[str, list[float]] = defaultdict(list)
        self.errors: list[str] = []
        self.overlaps = 0  # PATCHes answered while the entry's metadata job was still PENDING

    def call(self, op: str, method: str, path: str, ok: set[int], **kw) -> requests.Response | None:
        started = time.perf_counter()
        try:
            r = self.s.request(method, self.base + path, timeout=30, **kw)  # no Origin header: a script
        except requests.RequestException as exc:
            r = None
            self.errors.append(f"{op} {method} {path}: {type(exc).__name__} {exc}"[:300])
        self.latency[op].append(time.perf_counter() - started)
        if r is not None and r.status_code not in ok:
            self.errors.append(f"{op} {method} {path}: {r.status_code} {r.text[:200]}")
        return r

    def run(self) -> None:
        user = {"username": f"load{self.n}", "email": f"load{self.n}@example.org", "password": "correct horse"}
        self.call("register", "POST", "/api/v1/auth/register", {201}, json=user)
        self.call("login", "POST", "/api/v1/auth/login", {200}, json={k: user[k] for k in ("email", "password")})
        self.ready.wait()  # the clock starts when every client is logged in
        ops = [self.add_isbn] * 14 + [self.add_manual] * 8 + [self.list_all] * 6 + [self.query] * 16 + \
            [self.get] * 12 + [self.patch] * 20 + [self.refresh] * 6 + [self.delete] * 7
        while not self.stop.is_set():
            if self.due and self.due[0][0] <= time.monotonic():
                entry_id = heapq.heappop(self.due)[1]
                if entry_id in self.live:
                    self.patch(entry_id, op="patch_late")
            else:
                random.choice(ops)()

    def add_isbn(self) -> None:
        isbn = random.choice(ISBNS)
        taken = {e["isbn"] for e in self.live.values()}
        ok = {201, 409} if isbn in self.unsure_isbns else {409} if isbn in taken else {201}
        r = self.call("add_isbn", "POST", "/api/v1/books", ok, json={"isbn": isbn})
        if r is None or r.status_code >= 500:
            self.unsure_isbns.add(isbn)
        elif r.status_code == 201:
            self.unsure_isbns.discard(isbn)
            entry_id = self.remember(r.json(), isbn)
            self.patch(entry_id, op="patch_new")  # lands while the metadata job runs
            heapq.heappush(self.due, (time.monotonic() + random.uniform(0.5, 2.5) * STUB_DELAY, entry_id))

    def add_manual(self) -> None:
        body = {"title": f"{random.choice(WORDS)} {random.choice(WORDS)} {self.n}", "author": random.choice(AUTHORS)}
        r = self.call("add_manual", "POST", "/api/v1/books", {201}, json=body)
        if r is not None and r.status_code == 201:
            self.remember(r.json(), None)

    def remember(self, entry: dict, isbn: str | None) -> str:
        fields = ("status", "rating") if isbn else ("status", "rating", "title")
        self.live[entry["id"]] = {"isbn": isbn, "expect": {f: {entry[f]} for f in fields}}
        return entry["id"]

    def patch(self, entry_id: str | None = None, op: str = "patch") -> None:
        if not (entry_id := entry_id or self.pick()):
            return
        changes = {"status": random.choice(STATUSES), "rating": random.randint(1, 5),
                   "title": f"{random.choice(WORDS)} edit {self.n}-{random.randrange(10**6)}"}
        body = {f: changes[f] for f in random.sample(list(changes), random.randint(1, 2))}
        r = self.call(op, "PATCH", f"/api/v1/books/{entry_id}", {200}, json=body)
        expect = self.live[entry_id]["expect"]
        self.overlaps += r is not None and r.status_code == 200 and r.json().get("sync_status") == "PENDING"
        for field, value in body.items():
            if r is not None and r.status_code == 200:
                expect[field] = {value}
                if r.json().get(field) != value:
                    self.errors.append(f"{op}: answered {field}={r.json().get(field)!r}, sent {value!r}")
            elif r is None or r.status_code >= 500:
                expect.setdefault(field, set()).add(value)

    def refresh(self) -> None:
        if ids := [i for i, e in self.live.items() if e["isbn"]]:
            self.call("refresh", "POST", f"/api/v1/books/{random.choice(ids)}/refresh", {202})

    def delete(self) -> None:
        if not (entry_id := self.pick()):
            return
        r = self.call("delete", "DELETE", f"/api/v1/books/{entry_id}", {204})
        isbn = self.live.pop(entry_id)["isbn"]
        if r is not None and r.status_code == 204:
            self.deleted.add(entry_id)
        else:
            self.unsure.add(entry_id)
            self.unsure_isbns.add(isbn)

    def pick(self) -> str | None:
        return random.choice(list(self.live)) if self.live else None

    def get(self) -> None:
        if self.deleted and random.random() < 0.2:  # a deleted entry stays gone
            self.call("get_deleted", "GET", f"/api/v1/books/{random.choice(list(self.deleted))}", {404})
        elif entry_id := self.pick():
            r = self.call("get", "GET", f"/api/v1/books/{entry_id}", {200})
            if r is not None and r.status_code == 200:
                self.errors += [f"get: {d}" for d in mismatches(r.json(), self.live[entry_id]["expect"])]

    def query(self) -> None:
        op, params = random.choice([("search", {"q": random.choice(WORDS)}),
                                    ("sort", {"sort": random.choice(["title", "author", "rating"])})])
        self.call(op, "GET", "/api/v1/books", {200}, params={**params, "limit": 20})

    def list_all(self, op: str = "list", limit: int = 20) -> dict[str, dict] | None:
        """Every page, newest first: a walk sees each entry exactly once (only this client writes)."""
        seen, cursor = {}, None
        for _ in range(1000):
            params = {"limit": limit, **({"cursor": cursor} if cursor else {})}
            r = self.call(op, "GET", "/api/v1/books", {200}, params=params)
            if r is None or r.status_code != 200:
                return None
            page = r.json()
            self.errors += [f"{op}: {i['id']} on two pages" for i in page["items"] if i["id"] in seen]
            seen.update((i["id"], i) for i in page["items"])
            if not (cursor := page["next_cursor"]):
                break
        if op == "list" and (missed := set(self.live) - set(seen)):
            self.errors.append(f"list: the page walk missed {len(missed)} live entries")
        return seen


def run_backend(backend: str, args, stub: MetadataStub, log: Path) -> bool:
    with tempfile.TemporaryDirectory(prefix="booklib-load-") as instance, \
            app_server(backend, instance, stub, log) as (url, server):
        stop, ready = threading.Event(), threading.Barrier(args.clients + 1)
        clients = [Client(n, url, stop, ready) for n in range(args.clients)]
        for c in clients:
            c.start()
        ready.wait(timeout=300)
        started = time.monotonic()
        time.sleep(args.seconds)
        stop.set()
        for c in clients:
            c.join(timeout=60)
        elapsed = time.monotonic() - started
        latency = defaultdict(list)
        for op, values in (kv for c in clients for kv in c.latency.items()):
            latency[op] += values
        requests_run = sum(len(v) for op, v in latency.items() if op not in ("register", "login"))
        result = check(clients)
        errors = [e for c in clients for e in c.errors]
        if server.poll() is not None:
            errors.append(f"the server exited with {server.returncode}")

    print_table(f"{backend}: {args.clients} clients, {args.seconds:g} s (stub answers in {STUB_DELAY * 1000:.0f} ms)",
                [("requests", requests_run), ("req/s", f"{requests_run / elapsed:.1f}"), ("errors", len(errors)),
                 *((k, len(result[k])) for k in ("lost", "resurrected", "unknown")), ("stuck PENDING", result["stuck"]),
                 ("live entries", sum(len(c.live) for c in clients)), ("deleted", sum(len(c.deleted) for c in clients)),
                 ("PATCH, PENDING", sum(c.overlaps for c in clients))],
                latency, errors, result)
    print(f"  server log: {log}")
    return not (errors or result["lost"] or result["resurrected"] or result["unknown"] or result["stuck"])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--backend", choices=["sqlite", "dynamodb", "both"], default="both")
    args = parser.parse_args()
    logs = Path(tempfile.mkdtemp(prefix="booklib-load-logs-"))
    with MetadataStub() as stub:
        stub.delay = STUB_DELAY
        backends = ["sqlite", "dynamodb"] if args.backend == "both" else [args.backend]
        results = [run_backend(b, args, stub, logs / f"gunicorn-{b}.log") for b in backends]
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
