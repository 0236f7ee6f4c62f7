"""Finding 4, the serving side: two slow connections stopped the Procfile's two sync workers
answering anyone; and finding 9: link tokens appeared in the access log. The Procfile's own
gunicorn command, run for real."""

from __future__ import annotations

import os
import shlex
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SLOW_CLIENTS = 8  # four times what stopped the old Procfile


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _gunicorn_args(port: int) -> list[str]:
    """The Procfile's web command after `&&`, with our port and the venv's gunicorn."""
    line = next(line for line in (ROOT / "Procfile").read_text().splitlines()
                if line.startswith("web:"))
    command = line.split("&&", 1)[1].replace("${PORT:-5000}", str(port))
    args = shlex.split(command)
    assert args[0] == "gunicorn"
    return [str(Path(sys.executable).with_name("gunicorn")), *args[1:]]


@pytest.fixture
def served(tmp_path):
    from flask_migrate import upgrade

    from app import create_app
    from tests.conftest import base_settings

    settings = base_settings(tmp_path, database_url=f"sqlite:///{tmp_path / 'serve.db'}")
    app = create_app(settings)
    with app.app_context():
        upgrade()
    env = {**os.environ, **{f"TEKENKLAAR_{k.upper()}": str(v) for k, v in settings.items()}}
    port = _free_port()
    log = tmp_path / "gunicorn.log"
    with log.open("wb") as out:
        process = subprocess.Popen(_gunicorn_args(port), cwd=ROOT, env=env, stdout=out,
                                   stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                urllib.request.urlopen(base + "/health", timeout=2)
                break
            except OSError:
                time.sleep(0.1)
        yield base, port, log
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_slow_clients_do_not_stop_the_service(served):
    base, port, _log = served
    slow = []
    for _ in range(SLOW_CLIENTS):
        sock = socket.create_connection(("127.0.0.1", port))
        sock.sendall(b"POST /inloggen HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n")
        slow.append(sock)  # headers never finished, body never sent
    try:
        started = time.monotonic()
        with urllib.request.urlopen(base + "/health", timeout=10) as response:
            assert response.status == 200
        assert time.monotonic() - started < 10
    finally:
        for sock in slow:
            sock.close()


def test_the_access_log_hides_link_tokens(served):
    base, _port, log = served
    token = "eyJwIjoxLCJkIjoyLCJ2IjoicGRmIn0.Zz9geheim.c2lnbmF0dXVy"
    try:
        urllib.request.urlopen(f"{base}/api/v1/links/{token}", timeout=10)
    except urllib.error.HTTPError as exc:
        assert exc.code in (404, 410)
    time.sleep(0.5)
    written = log.read_text()
    assert "/api/v1/links/[verborgen]" in written
    assert token not in written and "Zz9geheim" not in written
