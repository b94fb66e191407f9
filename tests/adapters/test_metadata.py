"""Metadata adapters against a local stub replaying recorded Google Books and Open Library answers.

What every provider must do (known/unknown ISBN, failures, timeouts, malformed answers) is in the
contract suite, tests/contract/test_metadata_provider.py; here: each adapter's own mapping, the
chain's order, retries and rate limiting."""

from __future__ import annotations

import threading
import time
from types import SimpleNamespace

import pytest
from urllib3.util import retry as retry_module

from booklib import __version__
from booklib.adapters.metadata import (
    ChainProvider,
    GoogleBooksProvider,
    OpenLibraryProvider,
    RateLimiter,
    make_session,
)
from booklib.domain.errors import MetadataUnavailableError
from booklib.domain.model import BookMetadata
from tests.support.metadata_stub import MetadataStub

JOSIE = "9781761186769"  # Google Books fixture (NZ, English)
UCHU = "9784815602666"  # Google Books fixture (Japanese)
BANKS = "9780316030571"  # Open Library fixture
UNKNOWN = "9780000000002"
VOLUMES = "/books/v1/volumes"


@pytest.fixture
def stub():
    with MetadataStub() as server:
        yield server


@pytest.fixture
def session():
    with make_session(retries=3, backoff=0.01) as s:
        yield s


@pytest.fixture
def google(stub, session):
    return GoogleBooksProvider(stub.google_url, session, timeout=2.0)


@pytest.fixture
def open_library(stub, session):
    return OpenLibraryProvider(stub.open_library_url, session, timeout=2.0)


# --- mapping


def test_google_maps_the_recorded_english_volume(stub, google):
    meta = google.lookup(JOSIE)
    assert meta.title == "Everything is Beautiful and Everything Hurts"
    assert meta.author == "Josie Shapiro"
    assert meta.genre == "Fiction"
    assert meta.description.startswith("The stunning debut novel by the winner of the Allen & Unwin")
    # thumbnail is the largest link in the recording; no page-curl effect (on the stub, which stands in
    # for books.google.com over plain http, the scheme stays; see test_google_covers_are_https)
    assert meta.cover_image_url == (
        f"{stub.open_library_url}/books/content?id=iEGqEAAAQBAJ&printsec=frontcover&img=1&zoom=1&source=gbs_api"
    )
    assert meta.source == "Google Books"


def test_google_maps_the_recorded_japanese_volume_without_categories(stub, google):
    meta = google.lookup(UCHU)
    assert meta.title == "宇宙の話をしよう"
    assert meta.author == "小野雅裕"
    assert meta.genre is None
    assert meta.description == "NASAのと娘による宇宙探査のストーリー。"
    assert meta.cover_image_url == (
        f"{stub.open_library_url}/books/content?id=GjASzgEACAAJ&printsec=frontcover&img=1&zoom=1&source=gbs_api"
    )


def test_google_sends_isbn_query_key_and_user_agent(stub, session):
    GoogleBooksProvider(stub.google_url, session, api_key="k123").lookup(JOSIE)
    assert stub.requests == [f"{VOLUMES}?q=isbn%3A{JOSIE}&key=k123"]
    assert session.headers["User-Agent"] == f"booklib/{__version__}"


def test_google_subtitle_authors_largest_cover_and_matching_item(stub, google):
    other = {"volumeInfo": {"title": "Wrong book", "industryIdentifiers": [{"type": "ISBN_13", "identifier": "1"}]}}
    wanted = {
        "volumeInfo": {
            "title": "Dune",
            "subtitle": "Deluxe Edition",
            "authors": ["Frank Herbert", "Brian Herbert"],
            "categories": ["Fiction / Science Fiction", "Classics"],
            "industryIdentifiers": [{"type": "ISBN_13", "identifier": "9780441013593"}],
            "imageLinks": {
                "thumbnail": "http://books.google.com/t?id=x&edge=curl",
                "large": "http://books.google.com/l?id=x&zoom=3&edge=curl&source=gbs_api",
            },
        }
    }
    stub.add_google("9780441013593", {"kind": "books#volumes", "totalItems": 2, "items": [other, wanted]})
    meta = google.lookup("9780441013593")
    assert meta == BookMetadata(
        title="Dune: Deluxe Edition",
        author="Frank Herbert, Brian Herbert",
        genre="Fiction / Science Fiction",
        cover_image_url=f"{stub.open_library_url}/l?id=x&zoom=3&source=gbs_api",
        description=None,
        source="Google Books",
    )


def test_open_library_maps_the_recorded_answer(stub, open_library):
    meta = open_library.lookup(BANKS)
    assert meta == BookMetadata(
        title="Use of Weapons",
        author="Iain M. Banks",
        genre="Fiction",
        cover_image_url=f"{stub.open_library_url}/b/id/2379038-L.jpg?default=false",  # a 404, not a 1x1 placeholder
        description=None,
        source="Open Library",
        page_count=480,
    )
    assert stub.requests == [f"/api/books?bibkeys=ISBN%3A{BANKS}&format=json&jscmd=data"]


@pytest.mark.parametrize(
    "extra, expected",
    [
        ({"description": "Plain text."}, "Plain text."),
        ({"description": {"type": "/type/text", "value": "Typed text."}}, "Typed text."),
        ({"excerpts": [{"text": "An excerpt.", "first_sentence": True}]}, "An excerpt."),
    ],
)
def test_open_library_description_forms(stub, open_library, extra, expected):
    stub.add_open_library(UNKNOWN, {"title": "T", "subtitle": "S", "cover": {"small": "http://c/s.jpg"}, **extra})
    meta = open_library.lookup(UNKNOWN)
    assert (meta.title, meta.description, meta.cover_image_url) == ("T: S", expected, "http://c/s.jpg?default=false")


def test_google_covers_are_https_without_the_page_curl():
    from booklib.adapters.metadata.google_books import _cover

    links = {"smallThumbnail": "http://books.google.com/c?id=x&zoom=5&edge=curl",
             "thumbnail": "http://books.google.com/books/content?id=x&printsec=frontcover&img=1&zoom=1&edge=curl&source=gbs_api"}
    assert _cover(links, secure=True) == (
        "https://books.google.com/books/content?id=x&printsec=frontcover&img=1&zoom=1&source=gbs_api")


def test_open_library_covers_are_https_and_asked_without_a_placeholder():
    from booklib.adapters.metadata.open_library import cover_url

    assert cover_url("http://covers.openlibrary.org/b/id/1-L.jpg") == "https://covers.openlibrary.org/b/id/1-L.jpg?default=false"
    assert cover_url("https://covers.openlibrary.org/b/id/1-L.jpg?default=true") == (
        "https://covers.openlibrary.org/b/id/1-L.jpg?default=false")
    assert cover_url(None) is None


# --- chain


def test_chain_falls_back_to_open_library_when_google_knows_nothing(stub, google, open_library):
    chain = ChainProvider([google, open_library])
    assert chain.name == "Google Books and Open Library"
    meta = chain.lookup(BANKS)
    assert (meta.title, meta.source) == ("Use of Weapons", "Open Library")
    assert [p.split("?")[0] for p in stub.requests] == [VOLUMES, "/api/books"]


def test_chain_stops_at_the_first_answer(stub, google, open_library):
    assert ChainProvider([google, open_library]).lookup(JOSIE).source == "Google Books"
    assert len(stub.requests) == 1


def test_chain_skips_an_unavailable_provider(stub, google, open_library):
    stub.fail_next(VOLUMES, [503] * 4)
    assert ChainProvider([google, open_library]).lookup(BANKS).source == "Open Library"


def test_chain_raises_when_not_found_and_a_provider_failed(stub, google, open_library):
    stub.fail_next(VOLUMES, [503] * 4)
    with pytest.raises(MetadataUnavailableError, match="Google Books answered 503"):
        ChainProvider([google, open_library]).lookup(UNKNOWN)


# --- failures and retries


def test_429_retry_after_is_honoured(stub, google, monkeypatch):
    sleeps = []
    # urllib3's Retry sleeps through its module's `time`; record instead of waiting.
    monkeypatch.setattr(retry_module, "time", SimpleNamespace(sleep=sleeps.append, time=time.time, monotonic=time.monotonic))
    stub.fail_next(VOLUMES, [429], retry_after=1)
    assert google.lookup(JOSIE) is not None
    assert sleeps == [1.0]
    assert len(stub.requests) == 2


def test_persistent_500_is_unavailable_after_retries(stub, google):
    stub.fail_next(VOLUMES, [500] * 10)
    with pytest.raises(MetadataUnavailableError, match="Google Books answered 500"):
        google.lookup(JOSIE)
    assert len(stub.requests) == 4  # first try + 3 retries


# --- rate limiting (a fake clock: nothing waits, nothing is timed)


class FakeClock:
    """Monotonic seconds that move only when someone sleeps (or the test says so)."""

    def __init__(self, advance_on_sleep: bool = True):
        self.now = 1000.0
        self.sleeps: list[float] = []
        self.advance_on_sleep = advance_on_sleep
        self._lock = threading.Lock()

    def __call__(self) -> float:
        with self._lock:
            return self.now

    def sleep(self, seconds: float) -> None:
        with self._lock:
            self.sleeps.append(seconds)
            if self.advance_on_sleep:
                self.now += seconds


def test_provider_spaces_calls(stub, session):
    provider = GoogleBooksProvider(stub.google_url, session, min_interval=0.2)
    assert provider.limiter.min_interval == 0.2
    clock = FakeClock()
    provider.limiter = RateLimiter(0.2, clock=clock, sleep=clock.sleep)
    for _ in range(3):
        provider.lookup(JOSIE)
    assert clock.sleeps == [pytest.approx(0.2), pytest.approx(0.2)]
    assert len(stub.requests) == 3


def test_rate_limiter_waits_only_for_what_is_left_of_the_interval():
    clock = FakeClock()
    limiter = RateLimiter(1.0, clock=clock, sleep=clock.sleep)
    limiter.wait()  # the first call never waits
    clock.now += 0.25  # the caller worked a while
    limiter.wait()
    clock.now += 5  # idle for longer than the interval
    limiter.wait()
    assert clock.sleeps == [pytest.approx(0.75)]


def test_rate_limiter_spaces_calls_across_threads():
    clock = FakeClock(advance_on_sleep=False)  # all four arrive at the same instant
    limiter = RateLimiter(0.1, clock=clock, sleep=clock.sleep)
    threads = [threading.Thread(target=limiter.wait) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    # each caller got a slot of its own: one goes at once, the others 0.1, 0.2 and 0.3 s later
    assert sorted(clock.sleeps) == [pytest.approx(0.1), pytest.approx(0.2), pytest.approx(0.3)]


def test_rate_limiter_defaults_to_the_real_clock():
    limiter = RateLimiter(0.5)
    assert limiter._clock is time.monotonic and limiter._sleep is time.sleep


def test_rate_limiter_zero_does_not_wait():
    limiter = RateLimiter(0)
    for _ in range(1000):
        limiter.wait()


def test_stub_stop_joins_its_thread():
    stub = MetadataStub().start()
    thread = stub._thread
    stub.stop()
    assert not thread.is_alive()


def test_retry_after_is_capped():
    from urllib3 import HTTPResponse

    from booklib.adapters.metadata.http import MAX_RETRY_AFTER, BoundedRetry

    response = HTTPResponse(status=429, headers={"Retry-After": "21600"})
    assert BoundedRetry(total=3).get_retry_after(response) == MAX_RETRY_AFTER


def test_no_retry_is_made_past_the_jobs_deadline(stub):
    import time

    from booklib.adapters.metadata.http import deadline_of_job, get_json, make_session

    stub.fail_next("/books/v1", [503] * 8, retry_after=2)
    with make_session(retries=5, backoff=0.01) as session, deadline_of_job(time.monotonic() + 2.5):
        with pytest.raises(MetadataUnavailableError):
            get_json(session, f"{stub.google_url}/volumes", {"q": "isbn:9780306406157"}, 5.0, "Google Books")
    assert len(stub.requests) == 1  # waiting 2 s for a second attempt would leave it under a second
