"""Entry point of the moto server process the tests start: moto.server with atomic DynamoDB requests,
and a watchdog so the process never outlives the test session that started it, nor its time limit."""

from __future__ import annotations

import argparse
import os
import threading
import time


def _watch(parent_pid: int, deadline: float) -> None:
    while os.getppid() == parent_pid and time.monotonic() < deadline:
        time.sleep(0.5)
    os._exit(0)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--lifetime", type=float, default=1800.0, help="seconds before the server exits by itself")
    args = parser.parse_args()

    from moto import server

    from tests.support.moto_atomic import serialize_dynamodb_requests

    serialize_dynamodb_requests()
    threading.Thread(target=_watch, args=(os.getppid(), time.monotonic() + args.lifetime), daemon=True).start()
    # moto's SIGTERM handler raises SystemExit, which then waits for keep-alive connections' threads.
    server.signal_handler = lambda *_: os._exit(0)
    server.main(["-H", "127.0.0.1", "-p", str(args.port)])


if __name__ == "__main__":
    main()
