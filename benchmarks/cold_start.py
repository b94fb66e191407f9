"""Cold start of the API Lambda handler against a bare Flask + boto3 handler doing the same calls.

Each measurement is a fresh Python process (what a new Lambda container is): the time from the start
of `import <handler module>` to the answer of a first authenticated `GET /api/v1/books` (payload 2.0,
the recorded HTTP API event, carrying a real session cookie), against a moto server holding a reader
with 20 books. The bare handler imports boto3 and Flask, answers through serverless-wsgi too, and makes
the DynamoDB calls such a page needs, the ones booklib makes (GetItem for the session and the user,
Query of the reader's entries, BatchGetItem of their books), then answers the page as JSON. Both run
REPEAT times, interleaved; medians are compared. Goal (issue 12): booklib / bare <= 1.1.

A separate, untimed run of each counts the requests it sends (botocore's before-send event), so the
two are seen to do the same work. Interpreter start-up is the same for both and is printed but left
out of the ratio. A first untimed round of each writes the bytecode caches.

A third handler, "libs", is the bare one plus the framework libraries booklib is built on (Flask-Login,
Flask-WTF's CSRF protection, dependency-injector), imported and set up with no booklib code: the part
of the ratio that belongs to those libraries rather than to booklib.

The headline figure limits imports to what the Lambda package holds (the distributions of
requirements-lambda.txt, boto3 and its dependencies as the runtime provides them, the standard
library): the dev virtualenv has extra packages, and some libraries import optional extras when
they find them (dependency-injector loads pydantic-settings, ~150 ms, when cfn-lint's pydantic is
installed). The same run without that limit is printed too."""

from __future__ import annotations

import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
REPEAT = int(os.environ.get("COLD_START_REPEAT", "9"))
BOOKS = 20
GOAL = 1.1

BARE_HANDLER = """
import hashlib
import os

import boto3
import serverless_wsgi
from flask import Flask, abort, jsonify, session

app = Flask(__name__)
app.secret_key = os.environ["SECRET_KEY"]
dynamodb = boto3.client("dynamodb")
env = os.environ["ENVIRONMENT"]


@app.get("/api/v1/books")
def books():
    session_id = session.get("_user_id") or abort(401)
    found = dynamodb.get_item(TableName=f"BookLibrary-Sessions-{env}", Key={"session_id": {"S": hashlib.sha256(session_id.encode()).hexdigest()}},
                             ConsistentRead=True)
    user_id = found["Item"]["user_id"]["S"]
    dynamodb.get_item(TableName=f"BookLibrary-Users-{env}", Key={"user_id": {"S": user_id}})
    entries = dynamodb.query(TableName=f"BookLibrary-UserBooks-{env}", IndexName="user-index", Limit=21,
                             KeyConditionExpression="user_id = :u", ExpressionAttributeValues={":u": {"S": user_id}},
                             ScanIndexForward=False)["Items"]
    keys = [{"book_id": item["book_id"]} for item in entries]
    books = dynamodb.batch_get_item(RequestItems={f"BookLibrary-Books-{env}": {"Keys": keys}})["Responses"]
    by_id = {b["book_id"]["S"]: b for b in next(iter(books.values()), [])}
    return jsonify(items=[{"id": e["user_book_id"]["S"], "title": by_id[e["book_id"]["S"]].get("title", {}).get("S")}
                          for e in entries[:20]], next_cursor=None)


def handler(event, context):
    return serverless_wsgi.handle_request(app, event, context)
"""

LIBRARIES_HANDLER = BARE_HANDLER.replace(
    "from flask import Flask, abort, jsonify, session\n",
    "from flask import Flask, abort, jsonify, session\n"
    "import dependency_injector.containers, dependency_injector.providers, flask_login, flask_wtf.csrf\n",
).replace(
    "dynamodb = boto3.client",
    "flask_wtf.csrf.CSRFProtect(app)\nflask_login.LoginManager(app)\ndynamodb = boto3.client",
)
assert "CSRFProtect(app)" in LIBRARIES_HANDLER and "import dependency_injector" in LIBRARIES_HANDLER

PROBE = r"""
import json, sys, time
allowed = set(json.loads(sys.argv[3]))
if allowed:
    class LambdaPackageOnly:
        # Modules outside the Lambda package are not importable, as on Lambda.
        def find_spec(self, name, path=None, target=None):
            top = name.partition(".")[0]
            if top not in allowed and top not in sys.stdlib_module_names and top not in sys.builtin_module_names:
                raise ModuleNotFoundError(f"No module named {name!r} (not in the Lambda package)", name=name)
            return None
    sys.meta_path.insert(0, LambdaPackageOnly())
sent = []
if sys.argv[4] == "count":
    import botocore.session
    original = botocore.session.Session.create_client
    def counting(self, *args, **kwargs):
        client = original(self, *args, **kwargs)
        client.meta.events.register("before-send", lambda request, **_: sent.append(request.headers.get("X-Amz-Target", b"?")))
        return client
    botocore.session.Session.create_client = counting
t0 = time.perf_counter()
import importlib
module = importlib.import_module(sys.argv[1])
t1 = time.perf_counter()
answer = module.handler(json.loads(sys.argv[2]), None)
t2 = time.perf_counter()
assert answer["statusCode"] == 200, answer
assert len(json.loads(answer["body"])["items"]) == 20, answer["body"][:300]
targets = [t.decode() if isinstance(t, bytes) else str(t) for t in sent]
print(json.dumps({"import": t1 - t0, "first": t2 - t1, "total": t2 - t0,
                  "requests": [t.rpartition(".")[2] for t in targets],
                  "modules": len(sys.modules), "boto3": "boto3" in sys.modules}))
"""


def books_event(cookie: str) -> str:
    event = json.loads((ROOT / "tests/fixtures/lambda_events/apiGatewayProxyV2Event_GET.json").read_text())
    event.update(rawPath="/api/v1/books", rawQueryString="", cookies=[cookie], queryStringParameters=None)
    event["headers"] = {"host": event["headers"].get("host", "example.execute-api.us-east-1.amazonaws.com"),
                        "accept": "application/json"}
    event["requestContext"]["http"].update(path="/api/v1/books", method="GET")
    return json.dumps(event)


def seed_library(env: dict) -> str:
    """A reader with BOOKS hand-entered books on the moto server; returns their session cookie."""
    saved = dict(os.environ)
    os.environ.update(env)
    try:
        from booklib.web import create_app, current

        app = create_app()
        with app.app_context():
            for provisioner in current.container().aws_provisioners():
                provisioner.ensure()
        client = app.test_client()
        account = {"username": "cold", "email": "cold@example.org", "password": "correct horse"}
        client.post("/api/v1/auth/register", json=account)
        login = client.post("/api/v1/auth/login", json=account)
        assert login.status_code == 200, login.get_data(as_text=True)
        for i in range(BOOKS):
            made = client.post("/api/v1/books", json={"title": f"Book {i}", "author": "Cold Start"})
            assert made.status_code == 201, made.get_data(as_text=True)
        return f"session={client.get_cookie('session').value}"
    finally:
        os.environ.clear()
        os.environ.update(saved)


RUNTIME_PROVIDED = ["boto3", "botocore", "s3transfer", "jmespath", "python-dateutil", "six", "urllib3"]


def lambda_modules() -> list[str]:
    """Top-level import names of everything the Lambda package (and runtime) provides."""
    from importlib import metadata

    names = []
    for line in (ROOT / "requirements-lambda.txt").read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            names.append(re.split(r"[=<>!~;\[ ]", line, maxsplit=1)[0])
    modules = {"booklib", "bare_handler", "libraries_handler"}
    for name in names + RUNTIME_PROVIDED:
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            continue
        top_level = dist.read_text("top_level.txt")
        if top_level:
            modules.update(t.strip() for t in top_level.split() if t.strip())
        for file in dist.files or []:
            first = file.parts[0]
            if first.endswith((".dist-info", ".data")) or first == "..":
                continue
            modules.add(first.split(".", 1)[0])
    return sorted(modules)


def run(module: str, env: dict, event: str, allowed: list[str], mode: str = "time") -> dict:
    out = subprocess.run([sys.executable, "-c", PROBE, module, event, json.dumps(allowed), mode], check=False, env=env,
                         cwd=ROOT,
                         capture_output=True, text=True, timeout=120)
    if out.returncode != 0:
        raise SystemExit(f"{module} failed:\n{out.stderr}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def startup(env: dict) -> float:
    import time

    runs = []
    for _ in range(5):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", "pass"], env=env, check=True)
        runs.append(time.perf_counter() - start)
    return statistics.median(runs)


def measure(cases: dict, event: str, allowed: list[str]) -> dict[str, list[dict]]:
    results: dict[str, list[dict]] = {name: [] for name in cases}
    for name, (module, env) in cases.items():
        run(module, env, event, allowed)  # write the bytecode caches
        print(f"  {name:8s} sends {run(module, env, event, allowed, 'count')['requests']}")
    for _ in range(REPEAT):
        for name, (module, env) in cases.items():
            results[name].append(run(module, env, event, allowed))
    return results


def report(title: str, results: dict[str, list[dict]]) -> float:
    print(title)
    medians = {}
    for name, runs in results.items():
        medians[name] = statistics.median(r["total"] for r in runs)
        imp = statistics.median(r["import"] for r in runs)
        first = statistics.median(r["first"] for r in runs)
        print(f"  {name:8s} import {imp * 1000:6.1f} ms + first page {first * 1000:6.1f} ms = {medians[name] * 1000:6.1f} ms"
              f"  ({runs[0]['modules']} modules, boto3 imported: {runs[0]['boto3']})")
    ratio = medians["booklib"] / medians["bare"]
    print(f"  ratio libs / bare: {medians['libs'] / medians['bare']:.2f} (the libraries alone, no booklib code)")
    print(f"  ratio booklib / bare: {ratio:.2f}")
    return ratio


def main() -> None:
    from tests.support.moto_server import MotoServer

    server = MotoServer().start()
    try:
        with tempfile.TemporaryDirectory(prefix="booklib-cold-") as tmp:
            (Path(tmp) / "bare_handler.py").write_text(BARE_HANDLER)
            (Path(tmp) / "libraries_handler.py").write_text(LIBRARIES_HANDLER)
            base = {k: v for k, v in os.environ.items() if not k.startswith(("BOOKLIB_", "AWS_", "PYTHONDONTWRITEBYTECODE"))}
            base.update(AWS_DEFAULT_REGION="us-east-1", AWS_ACCESS_KEY_ID="bench", AWS_SECRET_ACCESS_KEY="bench",
                        AWS_ENDPOINT_URL=server.url, ENVIRONMENT="bench", SECRET_KEY="bench-secret-" + "x" * 32)
            ours_env = {
                **base,
                "PYTHONPATH": str(ROOT),
                "BOOKLIB_BACKEND": "dynamodb",
                "BOOKLIB_TASKS": "sqs",
                "METADATA_QUEUE_URL": f"{server.url}/123456789012/BookLibrary-Metadata-bench",
                "BOOKLIB_INSTANCE_PATH": str(Path(tmp) / "instance"),
            }
            event = books_event(seed_library(ours_env))
            cases = {"bare": ("bare_handler", {**base, "PYTHONPATH": tmp}),
                     "libs": ("libraries_handler", {**base, "PYTHONPATH": tmp}),
                     "booklib": ("booklib.entrypoints.lambda_api", ours_env)}
            print("requests of a first page (an untimed run of each):")
            packaged = measure(cases, event, lambda_modules())
            unrestricted = measure(cases, event, [])
    finally:
        server.stop()

    print(f"cold start to a first authenticated GET /api/v1/books, median of {REPEAT} fresh processes each "
          f"(interpreter start-up ~{startup(base) * 1000:.0f} ms, not counted)")
    ratio = report("as packaged for Lambda (imports limited to the package's contents):", packaged)
    report("this virtualenv, unrestricted (dev-only extras importable):", unrestricted)
    print(f"cold start ratio: {ratio:.2f} (goal <= {GOAL})")


if __name__ == "__main__":
    main()
