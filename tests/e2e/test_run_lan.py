"""`make run-lan` as the README starts it: HTTPS on the network with the instance folder's own
certificate, and the add page's QR code naming that address."""

import os
import subprocess
import sys
import time

import pytest
import requests

from tests.support.app_process import PROJECT, free_port

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def test_run_lan_serves_https_with_its_certificate_and_a_qr_code(tmp_path, stub):
    port, instance = free_port(), tmp_path / "instance"
    env = {**os.environ, "BOOKLIB_INSTANCE_PATH": str(instance), "GOOGLE_BOOKS_API_URL": stub.google_url,
           "OPEN_LIBRARY_URL": stub.open_library_url}
    command = [sys.executable, "-m", "booklib.web.lan", "--host", "127.0.0.1", "--port", str(port), "--address", "127.0.0.1"]
    log = open(tmp_path / "lan.log", "wb")
    process = subprocess.Popen(command, cwd=PROJECT, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"https://127.0.0.1:{port}"
    try:
        session = requests.Session()
        # The certificate the phone accepts (per request: REQUESTS_CA_BUNDLE would beat session.verify).
        trust = {"verify": str(instance / "lan-cert.pem")}
        deadline = time.monotonic() + 90
        while True:
            assert process.poll() is None, (tmp_path / "lan.log").read_text()
            try:
                if session.get(base + "/health", timeout=2, **trust).status_code == 200:
                    break
            except OSError:  # not listening yet, or its certificate not written yet
                pass
            assert time.monotonic() < deadline, "run-lan did not answer: " + (tmp_path / "lan.log").read_text()[-2000:]
            time.sleep(0.2)
        account = {"username": "lan", "email": "lan@example.org", "password": "password1"}
        assert session.post(base + "/api/v1/auth/register", json=account, **trust).status_code == 201
        assert session.post(base + "/api/v1/auth/login", json=account, **trust).status_code == 200
        page = session.get(base + "/books/add", **trust).text
        assert f'aria-label="QR code of {base}/books/add"' in page and "<svg" in page
        assert base in (tmp_path / "lan.log").read_text()  # the address is printed
    finally:
        process.terminate()
        process.wait(timeout=10)
        log.close()
