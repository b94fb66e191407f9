"""For benchmarks/load_run.py: the app under gunicorn on SQLite or on a moto server (DynamoDB), the final
check of every library against its client's model, and the printed table. Every process is started
here and stopped by its PID when its `with` block ends, also on Ctrl-C."""

from __future__ import annotations

import contextlib
import os
import re
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.support.app_process import free_port  # noqa: E402
from tests.support.moto_server import MotoServer  # noqa: E402  (moto with atomic DynamoDB requests)

BIN = Path(sys.executable).parent


@contextlib.contextmanager
def app_server(backend: str, instance: str, stub, log: Path, workers: int = 4, threads: int = 4):
    """The app's base URL, served by gunicorn (4 workers of 4 threads unless told, background threads for the jobs)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "BOOKLIB_INSTANCE_PATH": instance, "BOOKLIB_BACKEND": backend,
           "BOOKLIB_TASKS": "thread", "GOOGLE_BOOKS_API_URL": stub.google_url, "OPEN_LIBRARY_URL": stub.open_library_url, "OPEN_LIBRARY_COVERS_URL": stub.open_library_url,
           "GOOGLE_BOOKS_MIN_INTERVAL": "0", "METADATA_TIMEOUT": "5"}
    with contextlib.ExitStack() as stack:
        if backend == "dynamodb":
            moto = stack.enter_context(MotoServer(lifetime=3600))
            for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL_DYNAMODB"):
                env.pop(name, None)
            env.update(AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing", AWS_DEFAULT_REGION="us-east-1",
                       AWS_ENDPOINT_URL=moto.url)
            subprocess.run([BIN / "flask", "--app", "booklib.web", "aws", "bootstrap"], cwd=ROOT, env=env,
                           check=True, capture_output=True, timeout=60)
        url = f"http://127.0.0.1:{free_port()}"
        command = [BIN / "gunicorn", "--workers", str(workers), "--threads", str(threads), "--graceful-timeout", "5",
                   "--no-control-socket", "--bind", url.removeprefix("http://"), "booklib.entrypoints.wsgi:app"]
        with open(log, "ab") as out:
            proc = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
        stack.callback(_stop, proc)
        deadline = time.monotonic() + 60
        while not _ready(url):
            if proc.poll() is not None or time.monotonic() > deadline:
                sys.exit(f"the server did not get ready (exit code {proc.poll()}); log: {log}")
            time.sleep(0.2)
        yield url, proc


def _ready(url: str) -> bool:
    try:
        return requests.get(url + "/health/ready", timeout=2).status_code == 200
    except requests.RequestException:
        return False


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


def mismatches(item: dict, expect: dict) -> list[str]:
    return [f"{item['id']} {f}={item.get(f)!r}, expected one of {sorted(v, key=repr)}"
            for f, v in expect.items() if item.get(f) not in v]


def check(clients: list, wait: float = 60) -> dict:
    """Wait (bounded) until no entry is PENDING, then compare every library with its client's model."""
    deadline = time.monotonic() + wait
    while True:
        libraries = [c.list_all(op="final", limit=100) for c in clients]
        stuck = sum(i["sync_status"] == "PENDING" for lib in libraries if lib for i in lib.values())
        if not stuck or time.monotonic() > deadline:
            break
        time.sleep(1)
    result = {"lost": [], "resurrected": [], "unknown": [], "stuck": stuck}
    for c, library in zip(clients, libraries):
        library = library or {}  # unreadable: the failed requests are among the errors, its entries count as lost
        for entry_id, model in c.live.items():
            if entry_id not in library:
                result["lost"].append(f"client {c.n}: {entry_id} missing")
            elif diffs := mismatches(library[entry_id], model["expect"]):
                result["lost"].append(f"client {c.n}: " + "; ".join(diffs))
        result["resurrected"] += [f"client {c.n}: {i}" for i in c.deleted & set(library)]
        result["unknown"] += [f"client {c.n}: {i}" for i in set(library) - set(c.live) - c.deleted - c.unsure]
    return result


def print_table(title: str, figures: list[tuple[str, object]], latency: dict, errors: list[str], result: dict) -> None:
    print(f"\n== {title} ==")
    for name, value in figures:
        print(f"  {name:<14} {value:>8}")
    print(f"  {'operation':<14} {'count':>8} {'p50 ms':>8} {'p99 ms':>8}")
    for op in sorted(latency):
        values = sorted(latency[op])
        p50, p99 = values[len(values) // 2], values[min(len(values) - 1, int(len(values) * 0.99))]
        print(f"  {op:<14} {len(values):>8} {p50 * 1000:>8.1f} {p99 * 1000:>8.1f}")
    kinds = defaultdict(list)  # errors grouped by their first words (operation, method, status), ids left out
    for e in errors:
        kinds[" ".join(re.sub(r"[0-9a-f]{8}-[0-9a-f-]{27}", "<id>", e).split()[:4])].append(e)
    for kind, items in sorted(kinds.items(), key=lambda kv: -len(kv[1]))[:10]:
        print(f"  error x{len(items)}: {items[0][:300]}")
    for kind in ("lost", "resurrected", "unknown"):
        print("".join(f"  {kind}: {item}\n" for item in result[kind][:10]), end="")


if __name__ == "__main__":
    print("a helper of benchmarks/load_run.py, which runs the load")
