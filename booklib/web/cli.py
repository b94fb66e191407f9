"""`flask --app booklib.web ...` commands. Each asks the app's container for what it runs."""

import click
from flask import current_app
from flask.cli import AppGroup, with_appcontext

db_cli = AppGroup("db", help="The SQL database's schema (alembic).")
aws_cli = AppGroup("aws", help="AWS resources on the configured endpoint (AWS_ENDPOINT_URL, or AWS itself).")


def _container():
    return current_app.extensions["booklib.container"]


@db_cli.command("upgrade")
def db_upgrade():
    """Bring the SQL schema to the latest version."""
    click.echo(_container().sql_schema().upgrade())


@aws_cli.command("bootstrap")
def aws_bootstrap():
    """Create the DynamoDB tables, the SQS queue + dead-letter queue and the covers bucket (idempotent); print what exists."""
    for provisioner in _container().aws_provisioners():
        for line in provisioner.ensure():
            click.echo(line)


@click.command("worker")
@with_appcontext
@click.option("--once", is_flag=True, help="One receive round, then exit (tests, scripts).")
@click.option("--wait-time", type=click.IntRange(0, 20), default=20, show_default=True, help="Long-poll seconds per receive.")
@click.option("--max-messages", type=click.IntRange(1, 10), default=10, show_default=True, help="Messages per receive.")
@click.option("--queue-url", default=None, help="The metadata queue; defaults to METADATA_QUEUE_URL.")
def worker_command(once, wait_time, max_messages, queue_url):
    """Long-poll the SQS metadata queue and run its jobs (what the worker Lambda does on AWS)."""
    try:
        poller = _container().sqs_poller(queue_url=queue_url, wait_time=wait_time, max_messages=max_messages)
    except ValueError as exc:
        raise click.UsageError(f"{exc} Or pass --queue-url.") from None
    if not once:
        click.echo(f"Polling {poller.queue_url} (Ctrl-C to stop)...")
    with poller.signal_handlers():
        result = poller.run(once=once)
    click.echo(f"Received {result.received} message(s): {result.succeeded} done, {result.failed} to retry.")


def init_app(app) -> None:
    app.cli.add_command(db_cli)
    app.cli.add_command(aws_cli)
    app.cli.add_command(worker_command)
