"""A failed login must take as long for an unknown email as for a known one (no account enumeration).

Prints the median time of POST /api/v1/auth/login, through the whole app on SQLite, for a wrong password
on a known email, for an unknown email, and for a right password. Figures only, no asserts.
Throttling is loosened for the run (each address and account gets a million free failures) so that every
request reaches the password check: the figures are about the hash check, not the 429 answers."""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from booklib.config import Settings  # noqa: E402
from booklib.domain.services.accounts import ThrottlePolicy, ThrottleRule  # noqa: E402
from booklib.web import create_app  # noqa: E402

RUNS = 41


CASES = {
    "known email, wrong password": ("known@example.org", "wrong password", 401),
    "unknown email": ("unknown@example.org", "wrong password", 401),
    "known email, right password": ("known@example.org", "password1", 200),
}


def one_ms(client, email: str, password: str, expected: int) -> float:
    started = time.perf_counter()
    response = client.post("/api/v1/auth/login", json={"email": email, "password": password})
    elapsed = time.perf_counter() - started
    assert response.status_code == expected, response.get_data(as_text=True)
    return elapsed * 1000


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings.from_env(env={}, instance_path=tmp, database_url=f"sqlite:///{tmp}/bench.db",
                                     secret_key="bench", tasks="inline")
        app = create_app(settings)
        accounts = app.extensions["booklib.container"].accounts()
        accounts.policy = ThrottlePolicy(account=ThrottleRule(free=10**6), address=ThrottleRule(free=10**6))
        accounts.register("known", "known@example.org", "password1")
        client = app.test_client()
        for case in CASES.values():  # warm up
            one_ms(client, *case)
        samples: dict[str, list[float]] = {name: [] for name in CASES}
        for _ in range(RUNS):  # interleaved, so drift (caches, WAL checkpoints) hits every case alike
            for name, case in CASES.items():
                samples[name].append(one_ms(client, *case))
    medians = {name: statistics.median(values) for name, values in samples.items()}
    print(f"login, median of {RUNS} (SQLite, werkzeug's default hash):")
    for name, value in medians.items():
        print(f"  {name:<30}{value:8.1f} ms")
    ratio = medians["unknown email"] / medians["known email, wrong password"]
    print(f"  {'unknown / known (wrong)':<30}{ratio:8.2f}")


if __name__ == "__main__":
    main()
