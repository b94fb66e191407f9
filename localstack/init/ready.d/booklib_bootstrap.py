"""LocalStack init hook (READY stage): what `flask --app booklib.web aws bootstrap` does.

LocalStack runs *.py hooks in its own Python interpreter, which has boto3, so this needs nothing
installed: docker-compose.localstack.yml mounts the repository's booklib/ package at
/opt/booklib/booklib and this file uses its own table and queue definitions (no copy to drift).
Idempotent, like the command: restarting LocalStack with persisted state changes nothing."""

import os
import sys

sys.path.insert(0, "/opt/booklib")

import boto3  # noqa: E402

from booklib.adapters.dynamodb.tables import TableNames, ensure_tables  # noqa: E402
from booklib.adapters.tasks.sqs import ensure_queues  # noqa: E402

ENVIRONMENT = os.environ.get("BOOKLIB_ENVIRONMENT", "local")
REGION = os.environ.get("AWS_DEFAULT_REGION", "us-east-1")
# LocalStack needs credentials on every call; the test account is 000000000000.
session = boto3.session.Session(aws_access_key_id="test", aws_secret_access_key="test", region_name=REGION)
endpoint = "http://localhost:4566"

names = TableNames(
    users=f"BookLibrary-Users-{ENVIRONMENT}",
    books=f"BookLibrary-Books-{ENVIRONMENT}",
    user_books=f"BookLibrary-UserBooks-{ENVIRONMENT}",
)
for line in ensure_tables(session.client("dynamodb", endpoint_url=endpoint), names):
    print(f"booklib bootstrap: {line}")
queues = ensure_queues(ENVIRONMENT, client=session.client("sqs", endpoint_url=endpoint))
print(f"booklib bootstrap: queue {queues.queue_url}, dead-letter queue {queues.dlq_url}")
print(f"booklib bootstrap: export METADATA_QUEUE_URL={queues.queue_url}")
