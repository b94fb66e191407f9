"""Entry points: the WSGI app, the Lambda API handler, the Lambda SQS worker and its local poller.

Each builds what it needs once per process (a Lambda container is one process) and keeps it."""

import logging


def log_booklib_info() -> None:
    """Lambda's root logger passes WARNING and up; booklib's job outcomes and start-up notes are worth keeping."""
    booklib_log = logging.getLogger("booklib")
    if booklib_log.level == logging.NOTSET:
        booklib_log.setLevel(logging.INFO)
