"""The retry loops, written once: optimistic retries (services and adapters), and draining what a batch
call left over (adapters). Plain Python, so the domain can use it too."""

from __future__ import annotations

import random
import time
from typing import Callable, TypeVar

T = TypeVar("T")
R = TypeVar("R")


class GaveUp(RuntimeError):
    """Still not done after every attempt; the message says what, for the log and the reader."""


def jittered(attempt: int, base: float, cap: float = 2.0) -> float:
    """A doubling delay with jitter, so clients that failed together do not retry together."""
    return min(cap, base * 2**attempt) * random.uniform(0.5, 1.0)


def retry_on(error: type[BaseException], action: Callable[[], R], *, attempts: int, gave_up: str,
             base_delay: float = 0.0, sleep: Callable[[float], None] = time.sleep) -> R:
    """Run `action` again while it raises `error` (someone changed what it read), at most `attempts` times."""
    for attempt in range(attempts):
        try:
            return action()
        except error:
            if base_delay and attempt < attempts - 1:
                sleep(jittered(attempt, base_delay))
    raise GaveUp(gave_up)


def drain(step: Callable[[T], T | None], request: T, *, attempts: int, gave_up: str, base_delay: float = 0.05,
          sleep: Callable[[float], None] = time.sleep) -> None:
    """Call `step` with what the previous call left unprocessed until nothing is left, backing off between calls."""
    for attempt in range(attempts):
        request = step(request)
        if not request:
            return
        if attempt < attempts - 1:
            sleep(jittered(attempt, base_delay))
    raise GaveUp(gave_up)
