"""A local HTTP server standing in for Google Books and Open Library, replaying recorded responses.

It also stands in for their image hosts: cover URLs in the recorded answers (books.google.com,
covers.openlibrary.org) are rewritten to point here, and any cover asked for is a real photo
(tests/fixtures/covers/). Open Library's cover by ISBN answers 404 with ?default=false for a book
it has no cover of, and a 1x1 placeholder GIF without it, as the real service does."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "metadata"
COVER_PHOTO = Path(__file__).resolve().parent.parent / "fixtures" / "covers" / "book_photo.jpg"
GOOGLE_PREFIX = "/books/v1"
GOOGLE_COVER_PATH = "/books/content"
OPEN_LIBRARY_COVER_PREFIX = "/b/"
# What Open Library answers for a missing cover without ?default=false: a transparent 1x1 GIF.
PLACEHOLDER_GIF = (b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00"
                   b"\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;")
IMAGE_HOSTS = ("http://books.google.com", "https://books.google.com", "https://covers.openlibrary.org")


def _load(name: str):
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


class MetadataStub:
    def __init__(self):
        self.delay = 0.0
        self._lock = threading.Lock()
        self._requests: list[str] = []
        self._failures: dict[str, list[tuple[int, str | None]]] = {}
        self._google_empty = _load("google_books_isbn_empty.json")
        self._google = {
            p.stem.rsplit("_", 1)[1]: _load(p.name)
            for p in FIXTURES.glob("google_books_isbn_*.json")
            if not p.stem.endswith("_empty")
        }
        self._open_library = {}
        for p in FIXTURES.glob("openlibrary_api_books_jscmd_data_*.json"):
            # These files hold the whole answer, already keyed "ISBN:<isbn>"; keep the records per ISBN.
            for key, record in _load(p.name).items():
                self._open_library[key.split(":", 1)[1]] = record
        self.cover = COVER_PHOTO.read_bytes()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # --- lifecycle
    def start(self) -> "MetadataStub":
        self._server = _Server(("127.0.0.1", 0), _handler_for(self))
        # A short poll interval keeps stop() (shutdown) quick.
        self._thread = threading.Thread(
            target=self._server.serve_forever, args=(0.05,), name="metadata-stub", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._thread.join(timeout=5)
            self._server = self._thread = None

    def __enter__(self) -> "MetadataStub":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # --- addresses
    @property
    def open_library_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def google_url(self) -> str:
        return self.open_library_url + GOOGLE_PREFIX

    # --- programming
    def reset(self) -> None:
        """Forget programmed failures, delays and recorded requests (between tests)."""
        with self._lock:
            self.delay = 0.0
            self._failures.clear()
            self._requests.clear()

    def fail_next(self, path_prefix: str, statuses: list[int], retry_after: float | None = None) -> None:
        header = None if retry_after is None else str(retry_after)
        with self._lock:
            self._failures.setdefault(path_prefix, []).extend((s, header) for s in statuses)

    def add_google(self, isbn: str, body) -> None:
        """Answer for `isbn:<isbn>`: a dict (sent as JSON) or str/bytes (sent as they are)."""
        self._google[isbn] = body

    def add_open_library(self, isbn: str, body) -> None:
        """The record for ISBN:<isbn> (a dict), or str/bytes sent as the whole answer."""
        self._open_library[isbn] = body

    @property
    def requests(self) -> list[str]:
        """Paths (with query strings) requested so far, oldest first."""
        with self._lock:
            return list(self._requests)

    # --- answering
    def _answer(self, path: str) -> tuple[int, dict, object]:
        with self._lock:
            self._requests.append(path)
            for prefix, queue in self._failures.items():
                if path.startswith(prefix) and queue:
                    status, retry_after = queue.pop(0)
                    headers = {"Retry-After": retry_after} if retry_after else {}
                    return status, headers, {"error": {"code": status, "message": "stub failure"}}
        url = urlsplit(path)
        query = parse_qs(url.query)
        if url.path == f"{GOOGLE_PREFIX}/volumes":
            q = query.get("q", [""])[0]
            isbn = q[len("isbn:"):] if q.startswith("isbn:") else None
            return 200, {}, self._here(self._google.get(isbn, self._google_empty))
        if url.path == "/api/books":
            found = {}
            for key in ",".join(query.get("bibkeys", [])).split(","):
                record = self._open_library.get(key.split(":", 1)[-1])
                if isinstance(record, (str, bytes)):
                    return 200, {}, record
                if record is not None:
                    found[key] = record
            return 200, {}, self._here(found)
        if url.path == GOOGLE_COVER_PATH:
            return 200, {"Content-Type": "image/jpeg"}, self.cover
        if url.path.startswith(OPEN_LIBRARY_COVER_PREFIX + "isbn/"):
            isbn = url.path.rsplit("/", 1)[-1].split("-", 1)[0]
            record = self._open_library.get(isbn)
            if isinstance(record, dict) and record.get("cover"):
                return 200, {"Content-Type": "image/jpeg"}, self.cover
            if query.get("default") == ["false"]:
                return 404, {"Content-Type": "text/html"}, b"Not Found"
            return 200, {"Content-Type": "image/gif"}, PLACEHOLDER_GIF
        if url.path.startswith(OPEN_LIBRARY_COVER_PREFIX):
            return 200, {"Content-Type": "image/jpeg"}, self.cover
        return 404, {}, {"error": "not found"}

    def _here(self, answer):
        """The answer with its cover URLs pointing at this stub."""
        if not isinstance(answer, dict):
            return answer
        text = json.dumps(answer)
        for host in IMAGE_HOSTS:
            text = text.replace(host, self.open_library_url)
        return text


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        pass  # clients that timed out close their socket before a delayed answer; that is expected


def _handler_for(stub: MetadataStub):
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            status, headers, body = stub._answer(self.path)
            if stub.delay:
                time.sleep(stub.delay)
            if isinstance(body, str):
                body = body.encode()
            elif not isinstance(body, bytes):
                body = json.dumps(body).encode()
            self.send_response(status)
            headers = {"Content-Type": "application/json; charset=UTF-8", **headers}
            self.send_header("Content-Length", str(len(body)))
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format, *args):
            pass

    return Handler
