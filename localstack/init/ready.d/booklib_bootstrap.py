"""LocalStack init hook (READY stage): what `flask --app booklib.web aws bootstrap` does.

LocalStack runs *.py hooks in its own Python interpreter, which has boto3.
docker-compose.localstack.yml mounts the repository's booklib/ package at /opt/booklib/booklib;
the hook reads Settings and asks the container for the provisioners, like the command does, so
table and queue names come from one place. The container needs dependency-injector, installed
once into /tmp/booklib-deps when LocalStack's interpreter lacks it.
Idempotent, like the command: restarting LocalStack with persisted state changes nothing."""

import importlib.util
import subprocess
import sys

DEPS = "/tmp/booklib-deps"
sys.path[:0] = ["/opt/booklib", DEPS]

if importlib.util.find_spec("dependency_injector") is None:
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--target", DEPS, "dependency-injector"],
                   check=True)

from booklib.config import Settings  # noqa: E402
from booklib.container import build_container  # noqa: E402

# Inside the LocalStack container, LocalStack itself answers on localhost:4566. Provisioning signs
# nothing, so the secret key that other environments require is a placeholder here.
settings = Settings.from_env(aws_endpoint_url="http://localhost:4566", secret_key="x" * 64)
for provisioner in build_container(settings).aws_provisioners():
    for line in provisioner.ensure():
        print(f"booklib bootstrap: {line}")
