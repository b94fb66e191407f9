"""Cold start of the API Lambda handler, relative to a bare Flask + boto3 handler.

Each measurement is a fresh Python process (what a new Lambda container is): the time from the
start of `import <handler module>` to the answer of a first /health event (payload 2.0, the
recorded HTTP API event). The bare handler imports boto3 and Flask, builds a one-route Flask app
and answers through serverless-wsgi too. The booklib handler is configured as on AWS
(BOOKLIB_BACKEND=dynamodb, BOOKLIB_TASKS=sqs). Both run REPEAT times, interleaved; medians are
compared. Goal: booklib / bare <= 1.3.

Interpreter start-up is the same for both and is printed but left out of the ratio. A first
untimed round of each writes the bytecode caches.

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
REPEAT = int(os.environ.get("COLD_START_REPEAT", "9"))
GOAL = 1.3

BARE_HANDLER = '''
import boto3
import serverless_wsgi
from flask import Flask, jsonify

app = Flask(__name__)


@app.get("/health")
def health():
    return jsonify(status="healthy")


def handler(event, context):
    return serverless_wsgi.handle_request(app, event, context)
'''

PROBE = r'''
import json, sys, time
allowed = set(json.loads(sys.argv[3]))
if allowed:
    class LambdaPackageOnly:
        """Modules outside the Lambda package are not importable, as on Lambda."""
        def find_spec(self, name, path=None, target=None):
            top = name.partition(".")[0]
            if top not in allowed and top not in sys.stdlib_module_names and top not in sys.builtin_module_names:
                raise ModuleNotFoundError(f"No module named {name!r} (not in the Lambda package)", name=name)
            return None
    sys.meta_path.insert(0, LambdaPackageOnly())
t0 = time.perf_counter()
import importlib
module = importlib.import_module(sys.argv[1])
t1 = time.perf_counter()
answer = module.handler(json.loads(sys.argv[2]), None)
t2 = time.perf_counter()
assert answer["statusCode"] == 200, answer
print(json.dumps({"import": t1 - t0, "first": t2 - t1, "total": t2 - t0,
                  "modules": len(sys.modules), "boto3": "boto3" in sys.modules}))
'''


def health_event() -> str:
    event = json.loads((ROOT / "tests/fixtures/lambda_events/apiGatewayProxyV2Event_GET.json").read_text())
    event.update(rawPath="/health", rawQueryString="", cookies=[])
    event["requestContext"]["http"]["path"] = "/health"
    return json.dumps(event)


RUNTIME_PROVIDED = ["boto3", "botocore", "s3transfer", "jmespath", "python-dateutil", "six", "urllib3"]


def lambda_modules() -> list[str]:
    """Top-level import names of everything the Lambda package (and runtime) provides."""
    from importlib import metadata

    names = []
    for line in (ROOT / "requirements-lambda.txt").read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            names.append(re.split(r"[=<>!~;\[ ]", line, maxsplit=1)[0])
    modules = {"booklib", "bare_handler"}
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


def run(module: str, env: dict, event: str, allowed: list[str]) -> dict:
    out = subprocess.run([sys.executable, "-c", PROBE, module, event, json.dumps(allowed)], env=env, cwd=ROOT,
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
    for module, env in cases.values():
        run(module, env, event, allowed)  # write the bytecode caches
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
        print(f"  {name:8s} import {imp * 1000:6.1f} ms + first /health {first * 1000:6.1f} ms = {medians[name] * 1000:6.1f} ms"
              f"  ({runs[0]['modules']} modules, boto3 imported: {runs[0]['boto3']})")
    ratio = medians["booklib"] / medians["bare"]
    print(f"  ratio booklib / bare: {ratio:.2f}")
    return ratio


def main() -> None:
    event = health_event()
    with tempfile.TemporaryDirectory(prefix="booklib-cold-") as tmp:
        (Path(tmp) / "bare_handler.py").write_text(BARE_HANDLER)
        base = {k: v for k, v in os.environ.items() if not k.startswith(("BOOKLIB_", "AWS_", "PYTHONDONTWRITEBYTECODE"))}
        base.update(AWS_DEFAULT_REGION="us-east-1", AWS_ACCESS_KEY_ID="bench", AWS_SECRET_ACCESS_KEY="bench")
        bare_env = {**base, "PYTHONPATH": tmp}
        ours_env = {
            **base,
            "PYTHONPATH": str(ROOT),
            "BOOKLIB_BACKEND": "dynamodb",
            "BOOKLIB_TASKS": "sqs",
            "ENVIRONMENT": "bench",
            "SECRET_KEY": "bench-secret",
            "METADATA_QUEUE_URL": "https://sqs.us-east-1.amazonaws.com/123456789012/BookLibrary-Metadata-bench",
            "BOOKLIB_INSTANCE_PATH": str(Path(tmp) / "instance"),
        }
        cases = {"bare": ("bare_handler", bare_env), "booklib": ("booklib.entrypoints.lambda_api", ours_env)}
        packaged = measure(cases, event, lambda_modules())
        unrestricted = measure(cases, event, [])

    print(f"cold start to a first /health answer, median of {REPEAT} fresh processes each "
          f"(interpreter start-up ~{startup(base) * 1000:.0f} ms, not counted)")
    ratio = report("as packaged for Lambda (imports limited to the package's contents):", packaged)
    report("this virtualenv, unrestricted (dev-only extras importable):", unrestricted)
    print(f"cold start ratio: {ratio:.2f} (goal <= {GOAL})")


if __name__ == "__main__":
    main()
