"""HTTP plumbing shared by the metadata providers: a retrying session bounded in time, a rate limiter,
a size cap on answers, and error mapping."""

from __future__ import annotations

import json
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit
import threading
import time
from contextlib import contextmanager
from typing import Callable

import requests
from requests.adapters import HTTPAdapter
from urllib3.exceptions import MaxRetryError, ReadTimeoutError, ResponseError
from urllib3.util.retry import Retry

from booklib import __version__
from booklib.domain.errors import MetadataUnavailableError

RETRY_STATUSES = (429, 500, 502, 503, 504)
# A provider asking to come back later than this is treated as unavailable now: the job is retried
# by its queue instead of holding a worker (urllib3 alone would wait up to 6 hours).
MAX_RETRY_AFTER = 5.0
# No attempt starts with less time than this left before the job's deadline.
MIN_ATTEMPT_SECONDS = 1.0
# A book's record is a few kilobytes; anything past this is not an answer worth reading.
MAX_ANSWER_BYTES = 2 * 1024 * 1024

_job = threading.local()  # the deadline of the job this thread is running, read by BoundedRetry


@contextmanager
def deadline_of_job(deadline: float | None):
    """Within this block, HTTP attempts and retries stop at `deadline` (time.monotonic() seconds)."""
    previous = getattr(_job, "deadline", None)
    _job.deadline = deadline
    try:
        yield
    finally:
        _job.deadline = previous


def seconds_left() -> float | None:
    deadline = getattr(_job, "deadline", None)
    return None if deadline is None else deadline - time.monotonic()


class BoundedRetry(Retry):
    """urllib3's Retry, with Retry-After capped and no retry past the job's deadline."""

    def get_retry_after(self, response):
        after = super().get_retry_after(response)
        return None if after is None else min(after, MAX_RETRY_AFTER)

    def increment(self, method=None, url=None, response=None, error=None, _pool=None, _stacktrace=None):
        new = super().increment(method, url, response, error, _pool, _stacktrace)
        left = seconds_left()
        wait = (self.get_retry_after(response) or 0) if response is not None else 0
        if left is not None and left < MIN_ATTEMPT_SECONDS + wait:
            raise MaxRetryError(_pool, url, error or ResponseError("out of time for another attempt"))
        return new


def make_session(retries: int = 3, backoff: float = 0.5) -> requests.Session:
    retry = BoundedRetry(
        total=retries,
        backoff_factor=backoff,
        backoff_max=MAX_RETRY_AFTER,
        status_forcelist=RETRY_STATUSES,
        allowed_methods=frozenset({"GET"}),
        respect_retry_after_header=True,
        raise_on_status=False,  # hand back the last response so its status can be reported
    )
    session = requests.Session()
    adapter = HTTPAdapter(max_retries=retry)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    session.headers["User-Agent"] = f"booklib/{__version__}"
    return session


class RateLimiter:
    """Spaces calls at least `min_interval` seconds apart, across threads.

    `clock` returns monotonic seconds and `sleep` waits that many seconds; tests pass fakes."""

    def __init__(
        self,
        min_interval: float,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ):
        self.min_interval = max(0.0, float(min_interval))
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._next: float | None = None

    def wait(self) -> None:
        if self.min_interval <= 0:
            return
        with self._lock:
            now = self._clock()
            start = now if self._next is None else max(now, self._next)
            self._next = start + self.min_interval
        # Each caller reserves its slot under the lock, then sleeps outside it.
        if start > now:
            self._sleep(start - now)


def get_json(session: requests.Session, url: str, params: dict, timeout: float, provider: str):
    """GET and decode JSON, turning every way of failing into MetadataUnavailableError."""
    status, body, _ = _get(session, url, params, timeout, provider, MAX_ANSWER_BYTES)
    if status >= 400:
        raise MetadataUnavailableError(f"{provider} rejected the request: answered {status}")
    try:
        return json.loads(body)
    except ValueError:
        raise MetadataUnavailableError(f"{provider} answered with invalid JSON") from None


def get_image(session: requests.Session, url: str, timeout: float, provider: str, max_bytes: int) -> bytes | None:
    """GET an image: its bytes, or None when there is none there (an answer 4xx, or not an image).
    Unreachable, slow, throttled or failing hosts raise MetadataUnavailableError."""
    status, body, content_type = _get(session, url, None, timeout, provider, max_bytes)
    if status >= 400 or not content_type.lower().startswith("image/"):
        return None
    return body


def _get(session: requests.Session, url: str, params: dict | None, timeout: float, provider: str,
         max_bytes: int) -> tuple[int, bytes, str]:
    """(status, body, content type) of a GET bounded in time and size; 429 and 5xx raise, as does
    every way of not getting an answer."""
    left = seconds_left()
    if left is not None:
        if left < MIN_ATTEMPT_SECONDS:
            raise MetadataUnavailableError(f"{provider} was not asked: the job ran out of time")
        timeout = min(timeout, left)
    try:
        with session.get(url, params=params, timeout=timeout, stream=True) as response:
            status = response.status_code
            content_type = response.headers.get("Content-Type", "")
            body = _bounded_body(response, provider, max_bytes) if status < 400 else b""
    except requests.Timeout:
        raise MetadataUnavailableError(f"{provider} timed out after {timeout:g} s") from None
    except requests.RequestException as error:
        # Read timeouts that exhausted urllib3's retries come back as a ConnectionError.
        cause = error.args[0] if error.args else None
        if isinstance(getattr(cause, "reason", None), ReadTimeoutError):
            raise MetadataUnavailableError(f"{provider} timed out after {timeout:g} s") from None
        raise MetadataUnavailableError(f"{provider} could not be reached ({type(error).__name__})") from None
    if status == 429:
        raise MetadataUnavailableError(f"{provider} answered 429: too many requests")
    if status >= 500:
        raise MetadataUnavailableError(f"{provider} answered {status}")
    return status, body, content_type


def _bounded_body(response: requests.Response, provider: str, max_bytes: int) -> bytes:
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise MetadataUnavailableError(f"{provider} answered {int(declared)} bytes, more than expected")
    body = b""
    for chunk in response.iter_content(64 * 1024):
        body += chunk
        if len(body) > max_bytes:
            raise MetadataUnavailableError(f"{provider} answered more than {max_bytes} bytes")
    return body


@contextmanager
def expected_shape(provider: str):
    """Parsing an answer that is JSON but not the shape documented: the provider is unavailable for now
    (the chain asks the next one, the queue retries later), never a crash of the job."""
    try:
        yield
    except (AttributeError, TypeError, KeyError, IndexError, ValueError):
        raise MetadataUnavailableError(f"{provider} answered in an unexpected shape") from None


def https(url: str | None, upgrade: bool = True) -> str | None:
    """A web URL from a provider's answer, upgraded to https (upgrade=False: a provider reached over
    plain http, such as the tests' local stub, keeps its scheme)."""
    if upgrade and isinstance(url, str) and url.startswith("http://"):
        return "https://" + url[len("http://"):]
    return url if isinstance(url, str) and url else None


def with_query(url: str | None, drop: tuple[str, ...] = (), **params: str) -> str | None:
    """The URL with the named query parameters removed and these set."""
    if not url:
        return None
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k not in drop and k not in params]
    return urlunsplit(parts._replace(query=urlencode([*query, *params.items()])))
