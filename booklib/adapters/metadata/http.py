"""HTTP plumbing shared by the metadata providers: a retrying session, a rate limiter, error mapping."""

from __future__ import annotations

import threading
import time
from typing import Callable

import requests
from requests.adapters import HTTPAdapter
from urllib3.exceptions import ReadTimeoutError
from urllib3.util.retry import Retry

from booklib import __version__
from booklib.domain.errors import MetadataUnavailableError

RETRY_STATUSES = (429, 500, 502, 503, 504)


def make_session(retries: int = 3, backoff: float = 0.5) -> requests.Session:
    retry = Retry(
        total=retries,
        backoff_factor=backoff,
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
    try:
        response = session.get(url, params=params, timeout=timeout)
    except requests.Timeout:
        raise MetadataUnavailableError(f"{provider} timed out after {timeout:g} s") from None
    except requests.RequestException as error:
        # Read timeouts that exhausted urllib3's retries come back as a ConnectionError.
        cause = error.args[0] if error.args else None
        if isinstance(getattr(cause, "reason", None), ReadTimeoutError):
            raise MetadataUnavailableError(f"{provider} timed out after {timeout:g} s") from None
        raise MetadataUnavailableError(f"{provider} could not be reached ({type(error).__name__})") from None
    status = response.status_code
    if status == 429:
        raise MetadataUnavailableError(f"{provider} answered 429: too many requests")
    if status >= 500:
        raise MetadataUnavailableError(f"{provider} answered {status}")
    if status >= 400:
        raise MetadataUnavailableError(f"{provider} rejected the request: answered {status}")
    try:
        return response.json()
    except ValueError:
        raise MetadataUnavailableError(f"{provider} answered with invalid JSON") from None


def https(url: str | None) -> str | None:
    if url and url.startswith("http://"):
        return "https://" + url[len("http://"):]
    return url or None
