"""Fixtures for the production-mode job tests: Redis, real worker processes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from tests.conftest import IN_CI
from tests.conftest import WORKER
from tests.conftest import restore_seed

ROOT = Path(__file__).resolve().parents[2]
REDIS_SERVER = os.environ.get("TEKENKLAAR_TEST_REDIS", "redis://127.0.0.1:6379/0")


def worker_redis_url(server: str, worker: str) -> str:
    """A Redis database of its own for each pytest-xdist worker ("gw0" -> /1, "gw1" -> /2, ...).

    RQ's job keys (`rq:job:jobrun-<id>`) are not per queue, and every test's JobRun ids start
    at 1: two workers sharing a database would overwrite each other's jobs.
    """
    if not worker.startswith("gw"):
        return server
    return f"{server.rsplit('/', 1)[0]}/{1 + int(worker[2:]) % 15}"


REDIS_URL = worker_redis_url(REDIS_SERVER, WORKER)


@pytest.fixture(scope="session")
def redis_url():
    from redis import Redis
    from redis.exceptions import ConnectionError

    try:
        Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except ConnectionError as exc:
        if IN_CI:
            pytest.fail(f"Redis niet bereikbaar: {exc} (in CI this must run, not skip)")
        pytest.skip(f"Redis niet bereikbaar: {exc}")
    return REDIS_URL


class Workers:
    """Start `flask worker` processes with the test's settings, and kill them."""

    def __init__(self, env: dict[str, str], log_dir: Path):
        self.env = env
        self.log_dir = log_dir
        self.processes: list[subprocess.Popen] = []
        self.log_files = []

    def start(self, *extra: str) -> subprocess.Popen:
        log = open(self.log_dir / f"worker-{len(self.processes)}.log", "wb")  # noqa: SIM115
        self.log_files.append(log)
        process = subprocess.Popen(
            [sys.executable, "-m", "flask", "--app", "app:create_app", "worker", *extra],
            cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: LibreOffice dies with it
        )
        self.processes.append(process)
        return process

    def kill(self, process: subprocess.Popen) -> None:
        """SIGKILL the worker and everything it started, as a machine failure would.

        RQ's work-horse runs in a session of its own, so the whole tree is found via /proc.
        """
        for pid in [process.pid, *descendants(process.pid)]:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        process.wait(timeout=10)

    def stop_all(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                try:
                    os.killpg(process.pid, signal.SIGTERM)
                    process.wait(timeout=20)
                except (ProcessLookupError, subprocess.TimeoutExpired):
                    os.killpg(process.pid, signal.SIGKILL)
                    process.wait(timeout=10)
        for log in self.log_files:
            log.close()

    def logs(self) -> str:
        return "\n".join(p.read_text(errors="replace")[-3000:]
                         for p in sorted(self.log_dir.glob("worker-*.log")))


def descendants(pid: int) -> list[int]:
    """Every process below `pid`, read from /proc (Linux)."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def settings_env(settings: dict) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TEKENKLAAR_")}
    for key, value in settings.items():
        env[f"TEKENKLAAR_{key.upper()}"] = str(value)
    return env


@pytest.fixture
def queue_name():
    return f"tekenklaar-test-{uuid.uuid4().hex[:8]}"


def wait_for(condition, timeout: float, what: str):
    """Poll `condition` until it returns something true (returned); fail after `timeout`."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def empty_app(settings: dict):
    """The app for these settings on a migrated PostgreSQL database with every table empty."""
    import sqlalchemy as sa
    from flask_migrate import upgrade

    from app import create_app
    from app.extensions import db

    app = create_app(settings)
    with app.app_context():
        upgrade()
        tables = ", ".join(f'"{t.name}"' for t in db.metadata.sorted_tables)
        with db.engine.begin() as conn:
            conn.execute(sa.text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
            restore_seed(conn)
    return app
