#!/usr/bin/env python3
"""Package the Lambda functions offline and check what came out.

    .venv/bin/python scripts/check_package.py [--stage ci] [--region us-east-1] [--skip-package]

1. `npx serverless package` with dummy credentials (no AWS account is contacted);
2. cfn-lint on the generated CloudFormation template: any error fails the check;
3. the zip's size (goal: at most 12 MB with barcode decoding included);
4. the zip unpacked into a temporary folder and imported from there by CPython 3.12, the Lambda
   runtime's version, in isolated mode (no site-packages: only the package, plus boto3 as the
   runtime provides it): the API handler answers a /health event, the worker handler loads, and the
   barcode decoder reads a real photo. Without a python3.12 on the machine it checks instead that
   the compiled wheels inside are the cp312 manylinux ones and the barcode modules are present.

Exit status 0 when every check passed."""

from __future__ import annotations

import argparse
import glob
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SIZE_GOAL_MB = 12.0
LAMBDA_LIMIT_MB = 50.0  # a direct zip upload
# Lambda's python3.12 runtime provides boto3; this version stands in for it in the import check.
RUNTIME_BOTO3 = "boto3==1.34.145"
BARCODE_PHOTO = ("ean13-1_25.png", "9780140013993")

failures: list[str] = []


def step(title: str) -> None:
    print(f"\n== {title}", flush=True)


def fail(message: str) -> None:
    failures.append(message)
    print(f"FAIL: {message}", flush=True)


def dummy_aws_env() -> dict:
    env = dict(os.environ)
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL"):
        env.pop(name, None)
    env.update(
        AWS_ACCESS_KEY_ID="AKIAIOSFODNN7EXAMPLE",
        AWS_SECRET_ACCESS_KEY="dummy-secret-for-offline-packaging",
        AWS_DEFAULT_REGION="us-east-1",
        SLS_TELEMETRY_DISABLED="1",
        SLS_NOTIFICATIONS_MODE="off",
        SLS_INTERACTIVE_SETUP_DISABLE="1",
        CI=env.get("CI", "true"),
    )
    return env


def package(stage: str, region: str) -> None:
    step(f"serverless package --stage {stage} --region {region}")
    if not (ROOT / "node_modules" / "serverless").exists():
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=ROOT, check=True)
    shutil.rmtree(ROOT / ".serverless", ignore_errors=True)
    result = subprocess.run(
        ["npx", "--no-install", "serverless", "package", "--stage", stage, "--region", region],
        cwd=ROOT,
        env=dummy_aws_env(),
    )
    if result.returncode != 0:
        fail(f"serverless package exited with {result.returncode}")


def lint(template: Path) -> None:
    step(f"cfn-lint {template.relative_to(ROOT)}")
    cfn_lint = shutil.which("cfn-lint", path=str(Path(sys.executable).parent)) or shutil.which("cfn-lint")
    if not cfn_lint:
        fail("cfn-lint is not installed (pip install cfn-lint)")
        return
    result = subprocess.run([cfn_lint, str(template)], capture_output=True, text=True)
    output = (result.stdout + result.stderr).strip()
    errors = len(re.findall(r"^E\d{4}", output, re.M))
    warnings = len(re.findall(r"^W\d{4}", output, re.M))
    if output:
        print(output)
    # cfn-lint's exit status is a bit mask: 2 errors, 4 warnings, 8 informational; anything else
    # means it could not lint at all.
    if result.returncode & ~0b1110:
        fail(f"cfn-lint could not run (exit status {result.returncode})")
    elif result.returncode & 2 or errors:
        fail(f"cfn-lint found {errors} error(s)")
    print(f"cfn-lint: {errors} error(s), {warnings} warning(s)")


def size(zip_path: Path) -> None:
    step("package size")
    mb = zip_path.stat().st_size / 1024 / 1024
    with zipfile.ZipFile(zip_path) as archive:
        unzipped = sum(info.file_size for info in archive.infolist()) / 1024 / 1024
        names = archive.namelist()
    print(f"{zip_path.name}: {mb:.2f} MB zipped, {unzipped:.1f} MB unzipped, {len(names)} files "
          f"(goal <= {SIZE_GOAL_MB:.0f} MB zipped)")
    if mb > LAMBDA_LIMIT_MB:
        fail(f"the zip is over Lambda's {LAMBDA_LIMIT_MB:.0f} MB upload limit")
    elif mb > SIZE_GOAL_MB:
        print(f"NOTE: over the {SIZE_GOAL_MB:.0f} MB goal")
    unwanted = [n for n in names if re.match(r"(tests|docs|node_modules|\.venv|benchmarks|scripts|migrations)/", n)]
    unwanted += [n for n in names if re.match(r"(sqlalchemy|alembic|boto3|botocore)/", n)]
    if unwanted:
        fail(f"the zip holds files it should not: {', '.join(sorted(unwanted)[:5])} ...")


def find_python312() -> str | None:
    candidates = [shutil.which("python3.12"), "/usr/bin/python3.12", "/usr/local/bin/python3.12"]
    candidates += sorted(glob.glob(os.path.expanduser("~/.pyenv/versions/3.12*/bin/python3.12")), reverse=True)
    for candidate in candidates:
        if not candidate:
            continue
        try:
            out = subprocess.run([candidate, "-c", "import sys; print(sys.version_info[:2])"],
                                 capture_output=True, text=True, timeout=30)
        except (OSError, subprocess.TimeoutExpired):
            continue
        if out.returncode == 0 and out.stdout.strip() == "(3, 12)":
            return candidate
    return None


def barcode_photo() -> Path | None:
    for folder in (ROOT / "tests" / "fixtures" / "barcodes", ROOT.parent / "shared" / "fixtures" / "barcodes"):
        if (folder / BARCODE_PHOTO[0]).exists():
            return folder / BARCODE_PHOTO[0]
    return None


IMPORT_CHECK = r"""
import json, sys, time
start = time.perf_counter()
from booklib.entrypoints import lambda_api
event = json.loads(sys.argv[1])
answer = lambda_api.handler(event, None)
assert answer["statusCode"] == 200, answer
body = json.loads(answer["body"])
assert body["status"] == "healthy", body
print(f"api handler: /health answered {body} in {time.perf_counter() - start:.2f} s")
from booklib.entrypoints import lambda_worker
print("worker handler: imported")
for name in ("sqlalchemy", "alembic"):
    assert name not in sys.modules, f"{name} was imported"
import PIL, zxingcpp
from PIL import Image
print(f"Pillow {PIL.__version__} from {PIL.__file__}")
print(f"zxingcpp from {zxingcpp.__file__}")
photo, expected = sys.argv[2], sys.argv[3]
if photo:
    data = open(photo, "rb").read()
    try:
        from booklib.adapters.barcode import make_barcode_reader
    except ImportError as exc:
        print(f"booklib.adapters.barcode is not importable ({exc}); decoding with zxingcpp directly")
        import io
        found = [r.text for r in zxingcpp.read_barcodes(Image.open(io.BytesIO(data)))]
    else:
        found = make_barcode_reader(("zxingcpp",), 40_000_000).read(data)
    assert expected in found, (expected, found)
    print(f"barcode: {expected} read from {photo.rsplit('/', 1)[-1]}")
"""


def health_event() -> str:
    event = json.loads((ROOT / "tests" / "fixtures" / "lambda_events" / "apiGatewayProxyV2Event_GET.json").read_text())
    event.update(rawPath="/health", rawQueryString="", cookies=[])
    event["requestContext"]["http"]["path"] = "/health"
    return json.dumps(event)


def import_check(zip_path: Path) -> None:
    step("import the package under the Lambda runtime's Python")
    python = find_python312()
    with tempfile.TemporaryDirectory(prefix="booklib-lambda-") as tmp:
        task = Path(tmp) / "task"  # /var/task
        with zipfile.ZipFile(zip_path) as archive:
            archive.extractall(task)
        if python is None:
            print("no python3.12 on this machine: checking the wheels' tags instead")
            static_check(task)
            return
        runtime = Path(tmp) / "runtime"  # /var/runtime, where Lambda keeps boto3
        pip = subprocess.run(
            [python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--target", str(runtime),
             RUNTIME_BOTO3],
            capture_output=True, text=True,
        )
        if pip.returncode != 0:
            print(f"(could not install {RUNTIME_BOTO3} for the check: {pip.stderr.strip()[-300:]})")
        env = {
            "PYTHONPATH": os.pathsep.join([str(task), str(runtime)]),
            "PATH": os.environ.get("PATH", ""),
            "LANG": "C.UTF-8",
            "BOOKLIB_BACKEND": "dynamodb",
            "BOOKLIB_TASKS": "sqs",
            "ENVIRONMENT": "ci",
            "SECRET_KEY": "package-check-secret-of-at-least-32-chars",
            "BOOKLIB_INSTANCE_PATH": str(Path(tmp) / "instance"),
            "BOOKLIB_BARCODE_READERS": "zxingcpp",
            "METADATA_QUEUE_URL": "https://sqs.us-east-1.amazonaws.com/123456789012/BookLibrary-Metadata-ci",
            "AWS_REGION": "us-east-1",  # what Lambda sets
            "AWS_ACCESS_KEY_ID": "AKIAIOSFODNN7EXAMPLE",
            "AWS_SECRET_ACCESS_KEY": "dummy",
        }
        photo = barcode_photo()
        # -s: no user site-packages, -S: no site-packages at all. Only the package (and boto3) is there.
        result = subprocess.run(
            [python, "-s", "-S", "-c", IMPORT_CHECK, health_event(), str(photo or ""), BARCODE_PHOTO[1]],
            cwd=task, env=env, capture_output=True, text=True, timeout=300,
        )
        print(f"python: {python}")
        print((result.stdout + result.stderr).strip())
        if result.returncode != 0:
            fail("the unpacked package does not work under Python 3.12")
        if photo is None:
            print("NOTE: no barcode photo found (tests/fixtures/barcodes or ../shared/fixtures/barcodes)")


def static_check(task: Path) -> None:
    compiled = [p for p in task.rglob("*.so")]
    wrong = [p.name for p in compiled if "cpython-" in p.name and "cpython-312-x86_64-linux-gnu" not in p.name]
    if wrong:
        fail(f"compiled modules for another Python: {', '.join(wrong[:5])}")
    for tag_file in task.glob("*.dist-info/WHEEL"):
        tags = [line.split(":", 1)[1].strip() for line in tag_file.read_text().splitlines() if line.startswith("Tag:")]
        bad = [t for t in tags if "linux" in t and "x86_64" not in t or "macosx" in t or "win" in t.split("-")[-1]]
        if bad:
            fail(f"{tag_file.parent.name}: wheel tags {bad}")
    for needed in ("zxingcpp", "PIL/_imaging.cpython-312-x86_64-linux-gnu.so", "booklib/entrypoints/lambda_api.py"):
        if not (task / needed).exists():
            fail(f"{needed} is missing from the package")
    barcode = task / "booklib" / "adapters" / "barcode"
    print(f"barcode adapter in package: {'yes' if barcode.exists() else 'NO (not written yet?)'}")
    print(f"compiled modules: {len(compiled)}, all for CPython 3.12 / manylinux x86_64" if not wrong else "")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--stage", default="ci")
    parser.add_argument("--region", default="us-east-1")
    parser.add_argument("--skip-package", action="store_true", help="check the existing .serverless/ output")
    args = parser.parse_args()

    if not args.skip_package:
        package(args.stage, args.region)
    template = ROOT / ".serverless" / "cloudformation-template-update-stack.json"
    zip_path = ROOT / ".serverless" / "booklib.zip"
    if not template.exists() or not zip_path.exists():
        fail("no packaged output in .serverless/")
    else:
        lint(template)
        size(zip_path)
        import_check(zip_path)
    step("result")
    if failures:
        print(f"{len(failures)} check(s) failed:\n- " + "\n- ".join(failures))
        return 1
    print("package checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
