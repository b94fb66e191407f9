"""Entry points: the WSGI app, the Lambda API handler, the Lambda SQS worker and its local poller.

Each builds what it needs once per process (a Lambda container is one process) and keeps it."""
