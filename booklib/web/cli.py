"""`flask --app booklib.web ...` commands."""

import click
from flask import current_app
from flask.cli import AppGroup, with_appcontext

db_cli = AppGroup("db", help="The SQL database's schema (alembic).")


def _settings():
    return current_app.extensions["booklib.settings"]


@db_cli.command("upgrade")
def db_upgrade():
    """Bring the SQL schema to the latest version."""
    from booklib.adapters.sqlite.schema import current_revision, upgrade_to_head

    settings = _settings()
    upgrade_to_head(settings.database_url)
    engine = current_app.extensions["booklib.container"].sql_engine()
    click.echo(f"Database {engine.url.render_as_string(hide_password=True)} is at revision {current_revision(engine)}.")


@click.command("worker")
@with_appcontext
@click.option("--once", is_flag=True, help="One receive round, then exit (tests, scripts).")
@click.option("--wait-time", type=click.IntRange(0, 20), default=20, show_default=True, help="Long-poll seconds per receive.")
@click.option("--max-messages", type=click.IntRange(1, 10), default=10, show_default=True, help="Messages per receive.")
@click.option("--queue-url", default=None, help="The metadata queue; defaults to METADATA_QUEUE_URL.")
def worker_command(once, wait_time, max_messages, queue_url):
    """Long-poll the SQS metadata queue and run its jobs (what the worker Lambda does on AWS)."""
    from booklib.adapters.tasks.sqs import sqs_client
    from booklib.entrypoints.sqs_poller import SqsPoller

    settings = _settings()
    queue_url = queue_url or settings.metadata_queue_url
    if not queue_url:
        raise click.UsageError("No queue: set METADATA_QUEUE_URL (see `flask --app booklib.web aws bootstrap`) or pass --queue-url.")
    container = current_app.extensions["booklib.container"]
    poller = SqsPoller(
        sqs_client(settings.aws_endpoint_url, long_poll=True),
        queue_url,
        container.metadata_sync(),
        wait_time=wait_time,
        max_messages=max_messages,
    )
    if not once:
        click.echo(f"Polling {queue_url} (Ctrl-C to stop)...")
    with poller.signal_handlers():
        result = poller.run(once=once)
    click.echo(f"Received {result.received} message(s): {result.succeeded} done, {result.failed} to retry.")


aws_cli = AppGroup("aws", help="AWS resources on the configured endpoint (AWS_ENDPOINT_URL, or AWS itself).")


def _dynamodb_tables(container, settings) -> list[str]:
    from booklib.adapters.dynamodb.tables import ensure_tables

    return ensure_tables(container.dynamodb_client(), container.dynamodb_tables())


def _sqs_queues(container, settings) -> list[str]:
    from booklib.adapters.tasks.sqs import MAX_RECEIVE_COUNT, ensure_queues

    queues = ensure_queues(settings.environment, endpoint_url=settings.aws_endpoint_url)
    return [
        f"Queue {queues.queue_url} (dead letters after {MAX_RECEIVE_COUNT} receives).",
        f"Dead-letter queue {queues.dlq_url}.",
        f"For BOOKLIB_TASKS=sqs: export METADATA_QUEUE_URL={queues.queue_url}",
    ]


# What `aws bootstrap` sets up, in order. Each step takes (container, settings), creates what is
# missing, must be harmless to run again, and returns lines saying what exists.
AWS_BOOTSTRAP_STEPS = [_dynamodb_tables, _sqs_queues]


@aws_cli.command("bootstrap")
def aws_bootstrap():
    """Create the DynamoDB tables and the SQS queue + dead-letter queue (idempotent); print what exists."""
    container = current_app.extensions["booklib.container"]
    for step in AWS_BOOTSTRAP_STEPS:
        for line in step(container, _settings()):
            click.echo(line)


def init_app(app) -> None:
    app.cli.add_command(db_cli)
    app.cli.add_command(aws_cli)
    app.cli.add_command(worker_command)
