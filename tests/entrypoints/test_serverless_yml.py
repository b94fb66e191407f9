"""serverless.yml against the code: tables as the DynamoDB adapter defines them, queue settings as the
worker assumes them, and IAM roles that allow exactly the DynamoDB actions the app and worker make."""

from __future__ import annotations

import importlib
import io
from pathlib import Path

import pytest
import yaml

from booklib.adapters.dynamodb.tables import TableNames, ensure_tables, expiring_tables, table_definitions
from booklib.adapters.tasks.sqs import MAX_RECEIVE_COUNT, WORKER_TIMEOUT_SECONDS, ensure_queues
from booklib.entrypoints.lambda_worker import process_batch
from booklib.web import create_app
from tests.conftest import KNOWN_ISBN

ROOT = Path(__file__).resolve().parents[2]


class _CfnLoader(yaml.SafeLoader):
    pass


def _tag(name):
    def construct(loader, node):
        if isinstance(node, yaml.ScalarNode):
            value = loader.construct_scalar(node)
            return {name: value.split(".", 1) if name == "Fn::GetAtt" else value}
        return {name: loader.construct_sequence(node)}

    return construct


for _short, _full in {"!Ref": "Ref", "!GetAtt": "Fn::GetAtt", "!Sub": "Fn::Sub"}.items():
    _CfnLoader.add_constructor(_short, _tag(_full))


@pytest.fixture(scope="module")
def sls() -> dict:
    return yaml.load((ROOT / "serverless.yml").read_text(), Loader=_CfnLoader)


def resources(sls) -> dict:
    return sls["resources"]["Resources"]


LOGICAL_TABLES = {"users": "UsersTable", "books": "BooksTable", "user_books": "UserBooksTable",
                  "sessions": "SessionsTable", "login_attempts": "LoginAttemptsTable", "imports": "ImportsTable",
                  "tokens": "TokensTable", "stats": "StatsTable"}


def test_runtime_handlers_and_environment(sls):
    provider = sls["provider"]
    assert provider["runtime"] == "python3.12" and sls["frameworkVersion"] == "3"
    env = provider["environment"]
    assert "AWS_REGION" not in env and all("AWS_REGION" not in (f.get("environment") or {}) for f in sls["functions"].values())
    assert env["BOOKLIB_BACKEND"] == "dynamodb" and env["BOOKLIB_TASKS"] == "sqs"
    assert env["ENVIRONMENT"] == "${sls:stage}"
    assert env["METADATA_QUEUE_URL"] == {"Ref": "MetadataQueue"}
    # The secret key is in no environment: the api function reads the SSM SecureString at cold start.
    assert all("SECRET_KEY" not in (f.get("environment") or {}) for f in [provider, *sls["functions"].values()])
    assert sls["functions"]["api"]["environment"] == {"SECRET_KEY_PARAMETER": "${param:secretKeyParameter}"}
    assert sls["params"]["default"]["secretKeyParameter"] == "/booklib/${sls:stage}/secret-key"
    assert "secret" not in str(sls["functions"]["worker"]).lower() and "secret" not in str(sls["functions"]["sweeper"]).lower()
    for function in sls["functions"].values():
        module, _, name = function["handler"].replace("/", ".").rpartition(".")
        assert callable(getattr(importlib.import_module(module), name))
    api, worker = sls["functions"]["api"], sls["functions"]["worker"]
    assert (api["memorySize"], api["timeout"]) == (512, 30) and api["events"] == [{"httpApi": "*"}]
    sqs_event = worker["events"][0]["sqs"]
    assert sqs_event["batchSize"] == 10 and sqs_event["functionResponseType"] == "ReportBatchItemFailures"
    assert worker["timeout"] == "${self:custom.workerTimeout}" and sls["custom"]["workerTimeout"] == WORKER_TIMEOUT_SECONDS


def test_queue_and_dead_letter_queue(sls):
    queue = resources(sls)["MetadataQueue"]["Properties"]
    dlq = resources(sls)["MetadataDeadLetterQueue"]["Properties"]
    assert queue["RedrivePolicy"] == {"deadLetterTargetArn": {"Fn::GetAtt": ["MetadataDeadLetterQueue", "Arn"]},
                                      "maxReceiveCount": MAX_RECEIVE_COUNT}
    assert queue["VisibilityTimeout"] >= 6 * WORKER_TIMEOUT_SECONDS
    assert dlq["MessageRetentionPeriod"] == 14 * 24 * 3600
    assert queue["QueueName"] == "${self:custom.queueName}" and sls["custom"]["queueName"] == "BookLibrary-Metadata-${sls:stage}"
    assert dlq["QueueName"] == "${self:custom.dlqName}" and sls["custom"]["dlqName"] == "BookLibrary-Metadata-DLQ-${sls:stage}"


def test_tables_match_the_adapter_definitions(sls):
    stage = "${sls:stage}"
    names = TableNames(*(f"BookLibrary-{kind}-{stage}" for kind in ("Users", "Books", "UserBooks", "Sessions", "LoginAttempts", "Imports", "Tokens", "Stats")))
    custom = sls["custom"]
    by_name = {custom["usersTable"]: "UsersTable", custom["booksTable"]: "BooksTable", custom["userBooksTable"]: "UserBooksTable",
               custom["sessionsTable"]: "SessionsTable", custom["loginAttemptsTable"]: "LoginAttemptsTable",
               custom["importsTable"]: "ImportsTable", custom["tokensTable"]: "TokensTable", custom["statsTable"]: "StatsTable"}
    assert sorted(by_name.values()) == sorted(LOGICAL_TABLES.values())
    env = sls["provider"]["environment"]
    for variable, logical in (("SESSIONS_TABLE", "SessionsTable"), ("LOGIN_ATTEMPTS_TABLE", "LoginAttemptsTable"),
                              ("IMPORTS_TABLE", "ImportsTable"), ("TOKENS_TABLE", "TokensTable"), ("STATS_TABLE", "StatsTable")):
        assert env[variable] == {"Ref": logical}
    expiring = expiring_tables(names)
    for definition in table_definitions(names):
        table = resources(sls)[by_name[definition["TableName"]]]
        props = table["Properties"]
        assert table["Type"] == "AWS::DynamoDB::Table"
        assert props["KeySchema"] == definition["KeySchema"]
        assert sorted(props["AttributeDefinitions"], key=lambda a: a["AttributeName"]) == sorted(
            definition["AttributeDefinitions"], key=lambda a: a["AttributeName"])
        assert props.get("GlobalSecondaryIndexes") == definition.get("GlobalSecondaryIndexes")
        if definition["TableName"] in expiring:
            ttl = {"AttributeName": expiring[definition["TableName"]], "Enabled": True}
            assert props["TimeToLiveSpecification"] == ttl
        else:
            assert "TimeToLiveSpecification" not in props
        assert props["BillingMode"] == "PAY_PER_REQUEST"
        assert props["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}
        assert props["SSESpecification"] == {"SSEEnabled": True}


# --- IAM: record the DynamoDB calls of a realistic session, then check the roles against them.

def required_permissions(operation: str, params: dict, kinds: dict[str, str]) -> set[tuple[str, str]]:
    """(IAM action, resource) pairs a DynamoDB call needs; resources as 'users', 'user_books/index/x'."""
    if operation == "TransactWriteItems":
        parts = {"Put": "PutItem", "Delete": "DeleteItem", "Update": "UpdateItem", "ConditionCheck": "ConditionCheckItem"}
        return {(f"dynamodb:{parts[kind]}", kinds[body["TableName"]])
                for item in params["TransactItems"] for kind, body in item.items()}
    if operation == "BatchGetItem":
        return {("dynamodb:BatchGetItem", kinds[table]) for table in params["RequestItems"]}
    resource = kinds[params["TableName"]]
    if params.get("IndexName"):
        resource += f"/index/{params['IndexName']}"
    return {(f"dynamodb:{operation}", resource)}


def granted_permissions(sls, role: str) -> set[tuple[str, str]]:
    logical = {v: k for k, v in LOGICAL_TABLES.items()}
    granted = set()
    for policy in resources(sls)[role]["Properties"]["Policies"]:
        for statement in policy["PolicyDocument"]["Statement"]:
            assert statement["Effect"] == "Allow"
            actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
            targets = statement["Resource"] if isinstance(statement["Resource"], list) else [statement["Resource"]]
            for target in targets:
                if target in ({"Fn::GetAtt": ["CoversBucket", "Arn"]}, {"Fn::Sub": "${CoversBucket.Arn}/*"}):
                    name = "covers/*" if "Fn::Sub" in target else "covers"
                elif "Fn::GetAtt" in target and target["Fn::GetAtt"][0] in logical:
                    name = logical[target["Fn::GetAtt"][0]]
                elif "Fn::Sub" in target and target["Fn::Sub"].startswith("${") and ".Arn}" in target["Fn::Sub"]:
                    table, rest = target["Fn::Sub"][2:].split(".Arn}", 1)
                    name = logical[table] + rest
                elif target == {"Fn::GetAtt": ["MetadataQueue", "Arn"]}:
                    name = "queue"

                else:
                    continue  # log groups
                granted.update((action, name) for action in actions)
    return granted


@pytest.fixture
def recorded(settings, monkeypatch):
    """An API session and a worker run on in-process moto, with every AWS call recorded per role."""
    from tests.support.dynamodb import dummy_aws_env, moto_in_process

    dummy_aws_env(monkeypatch)
    monkeypatch.delenv("AWS_ENDPOINT_URL_SQS", raising=False)

    calls: dict[str, set] = {"api": set(), "worker": set(), "sweeper": set()}
    phase = ["api"]
    with moto_in_process():
        import boto3

        queues = ensure_queues("iam", client=boto3.client("sqs", region_name="us-east-1"))
        app = create_app(settings.replace(backend="dynamodb", tasks="sqs", metadata_queue_url=queues.queue_url))
        app.config.update(TESTING=True)
        container = app.extensions["booklib.container"]
        ensure_tables(container.dynamodb_client(), container.dynamodb_tables())
        tables = container.dynamodb_tables()
        kinds = {getattr(tables, kind): kind for kind in LOGICAL_TABLES}

        def on_dynamodb(model, params, **_):
            calls[phase[0]].update(required_permissions(model.name, params, kinds))

        def on_sqs(model, params, **_):
            calls[phase[0]].add((f"sqs:{model.name}", "queue"))

        def on_s3(model, params, **_):
            calls[phase[0]].add((f"s3:{model.name}", "covers/*"))

        container.dynamodb_client().meta.events.register("before-parameter-build.dynamodb", on_dynamodb)
        sqs = container.task_queue().client
        sqs.meta.events.register("before-parameter-build.sqs", on_sqs)
        container.s3_client().create_bucket(Bucket=container.config.covers_bucket())
        container.s3_client().meta.events.register("before-parameter-build.s3", on_s3)

        web = app.test_client()
        assert web.get("/health/ready").status_code == 200
        assert web.post("/api/v1/auth/register", json={"username": "iam", "email": "iam@example.org", "password": "correct horse"}).status_code == 201
        assert web.post("/api/v1/auth/register", json={"username": "iam", "email": "iam@example.org", "password": "correct horse"}).status_code == 409
        assert web.post("/api/v1/auth/login", json={"email": "iam@example.org", "password": "wrong horse"}).status_code == 401
        assert web.post("/api/v1/auth/login", json={"email": "iam@example.org", "password": "correct horse"}).status_code == 200
        entry = web.post("/api/v1/books", json={"isbn": KNOWN_ISBN}).get_json()
        assert web.post("/api/v1/books", json={"isbn": KNOWN_ISBN}).status_code == 409
        manual = web.post("/api/v1/books", json={"title": "A book of one's own", "author": "Someone"}).get_json()
        assert web.get("/api/v1/books?status=to-read&sort=title").status_code == 200
        assert web.get("/api/v1/books?q=book&limit=1").status_code == 200
        assert web.patch(f"/api/v1/books/{manual['id']}", json={"status": "read", "rating": 4, "title": "Renamed"}).status_code == 200
        assert web.get(f"/api/v1/books/{entry['id']}").status_code == 200
        assert web.get("/books").status_code == 200
        assert web.get("/api/v1/stats").status_code == 200  # built from the library, once
        assert web.put("/api/v1/stats/goal", json={"books": 12}).status_code == 200

        export = b"isbn,title,author,status\n9780306406157,,,read\n,Hand Made,Me,reading\n"
        started = web.post("/api/v1/imports", data={"file": (io.BytesIO(export), "mine.csv")}, content_type="multipart/form-data")
        assert started.status_code == 202
        assert web.get("/api/v1/imports").status_code == 200

        phase[0] = "worker"
        # The event source mapping receives and deletes with the worker's role; its own client stays unrecorded.
        mapping = boto3.client("sqs", region_name="us-east-1")
        for _ in range(10):
            messages = mapping.receive_message(QueueUrl=queues.queue_url, MaxNumberOfMessages=10).get("Messages", [])
            if not messages:
                break
            event = {"Records": [{"messageId": m["MessageId"], "body": m["Body"], "attributes": {"ApproximateReceiveCount": "1"}} for m in messages]}
            assert process_batch(event, container.jobs()) == {"batchItemFailures": []}
            for m in messages:
                mapping.delete_message(QueueUrl=queues.queue_url, ReceiptHandle=m["ReceiptHandle"])

        phase[0] = "api"
        cover = web.get(f"/api/v1/books/{entry['id']}").get_json()["cover_image_url"]
        assert web.get(cover).status_code == 200
        assert web.get(cover.replace("/page.jpg", "/thumb.jpg")).status_code == 200
        assert web.get(f"/covers/{manual['book_id']}/page.jpg").status_code == 404  # none kept
        report = web.get(f"/api/v1/imports/{started.get_json()['import']['id']}")
        assert report.get_json()["import"]["counts"]["added"] == 2

        phase[0] = "api"
        assert web.post(f"/api/v1/books/{entry['id']}/refresh").status_code == 202

        phase[0] = "sweeper"
        from datetime import timedelta

        assert container.library().resume_pending_jobs(stale_after=timedelta(0)) >= 1
        assert container.imports().resume_unfinished(stale_after=timedelta(0)) == 0

        phase[0] = "api"
        assert web.delete(f"/api/v1/books/{entry['id']}").status_code == 204
        assert web.delete(f"/api/v1/books/{manual['id']}").status_code == 204
        assert web.post("/api/v1/auth/logout").status_code == 204
        # The account: another device, a password change, log out everywhere, delete the account.
        other = app.test_client()
        assert other.post("/api/v1/auth/login", json={"email": "iam@example.org", "password": "correct horse"}).status_code == 200
        assert web.post("/api/v1/auth/login", json={"email": "iam@example.org", "password": "correct horse"}).status_code == 200
        assert web.post("/api/v1/account/password", json={"current_password": "correct horse", "new_password": "battery staple"}).status_code == 204
        assert web.post("/api/v1/auth/logout-everywhere").status_code == 204
        assert web.post("/api/v1/auth/login", json={"email": "iam@example.org", "password": "battery staple"}).status_code == 200
        assert web.post("/api/v1/books", json={"title": "Kept until the end"}).status_code == 201
        # A personal access token: made, used by a script (checked, stamped), listed, revoked.
        made = web.post("/api/v1/tokens", json={"name": "script"}).get_json()
        bearer = {"Authorization": f"Bearer {made['token']}"}
        assert app.test_client().get("/api/v1/books", headers=bearer).status_code == 200
        assert web.get("/api/v1/tokens").status_code == 200
        assert web.delete(f"/api/v1/tokens/{made['id']}").status_code == 204
        assert web.post("/api/v1/tokens", json={"name": "left for the account deletion"}).status_code == 201
        assert web.delete("/api/v1/account", json={"password": "battery staple"}).status_code == 204
    return calls


@pytest.mark.slow
def test_roles_allow_exactly_the_actions_the_code_uses(sls, recorded):
    for function, role in (("api", "ApiRole"), ("worker", "WorkerRole"), ("sweeper", "SweeperRole")):
        needed = recorded[function]
        granted = granted_permissions(sls, role)
        missing = needed - granted
        assert not missing, f"{role} lacks {sorted(missing)}"
        granted_dynamodb = {action for action, _ in granted if action.startswith("dynamodb:")}
        used_dynamodb = {action for action, _ in needed if action.startswith("dynamodb:")}
        assert granted_dynamodb == used_dynamodb, f"{role} grants unused {sorted(granted_dynamodb - used_dynamodb)}"
        granted_s3 = {pair for pair in granted if pair[0].startswith("s3:")} - {("s3:ListBucket", "covers")}
        used_s3 = {pair for pair in needed if pair[0].startswith("s3:")}
        assert granted_s3 == used_s3, f"{role} grants unused {sorted(granted_s3 - used_s3)}"
    assert ("sqs:SendMessage", "queue") in recorded["api"]
    assert ("sqs:SendMessage", "queue") in granted_permissions(sls, "ApiRole")
    # The api reads covers and may look for a missing one (a 404 needs ListBucket); the worker writes them.
    assert ("s3:GetObject", "covers/*") in recorded["api"] and ("s3:PutObject", "covers/*") in recorded["worker"]
    assert ("s3:ListBucket", "covers") in granted_permissions(sls, "ApiRole")


def test_the_covers_bucket_is_private_encrypted_and_given_to_the_functions(sls):
    bucket = resources(sls)["CoversBucket"]
    assert bucket["Type"] == "AWS::S3::Bucket" and "BucketName" not in bucket["Properties"]  # names are global
    assert bucket["DeletionPolicy"] == "${param:tableDeletionPolicy}" == bucket["UpdateReplacePolicy"]
    assert set(bucket["Properties"]["PublicAccessBlockConfiguration"].values()) == {True}
    rule = bucket["Properties"]["BucketEncryption"]["ServerSideEncryptionConfiguration"][0]
    assert rule["ServerSideEncryptionByDefault"]["SSEAlgorithm"] in ("AES256", "aws:kms")
    assert sls["provider"]["environment"]["COVERS_BUCKET"] == {"Ref": "CoversBucket"}
    assert not {a for a, r in granted_permissions(sls, "SweeperRole") if a.startswith("s3:")}


def test_concurrency_and_throttling_are_bounded_per_stage(sls):
    functions = sls["functions"]
    assert functions["api"]["reservedConcurrency"] == "${param:apiConcurrency}"
    assert functions["sweeper"]["reservedConcurrency"] == 1
    routes = sls["resources"]["extensions"]["HttpApiStage"]["Properties"]["DefaultRouteSettings"]
    assert routes == {"ThrottlingRateLimit": "${param:apiRateLimit}", "ThrottlingBurstLimit": "${param:apiBurstLimit}"}
    for stage in ("default", "prod"):
        params = {**sls["params"]["default"], **sls["params"][stage]}
        assert 0 < params["apiConcurrency"] and 0 < params["apiRateLimit"] <= params["apiBurstLimit"]


def test_the_sweeper_runs_on_a_schedule_and_requeues_stale_jobs(sls):
    sweeper = sls["functions"]["sweeper"]
    assert sweeper["events"] == [{"schedule": "rate(15 minutes)"}]
    assert sweeper["handler"] == "booklib/entrypoints/lambda_sweeper.handler"


def test_the_session_and_login_attempt_tables_are_granted_exactly_what_is_used(sls, recorded):
    def on_account_tables(pairs):
        return {(action, resource) for action, resource in pairs if resource.split("/")[0] in ("sessions", "login_attempts")}

    assert on_account_tables(granted_permissions(sls, "ApiRole")) == on_account_tables(recorded["api"])
    assert not on_account_tables(granted_permissions(sls, "WorkerRole"))
