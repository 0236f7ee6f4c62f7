"""Callback throughput through the real WSGI stack: gunicorn, 2 sync workers, SQLite and
PostgreSQL. A figure to report, not a timed test.

    .venv/bin/python bench/bench_callbacks.py                 # both databases
    .venv/bin/python bench/bench_callbacks.py --db sqlite --packages 100 --deliveries 1000

What it does, per database:
1. a throwaway database (SQLite file in a temporary folder; PostgreSQL database
   `tekenklaar_bench_<random>` on 127.0.0.1:5432, dropped afterwards), migrated;
2. N packages made and sent with the manual provider (bench/callbacks_prepare.py), each with
   eight distinct signed deliveries (its uploads as callbacks);
3. gunicorn (2 workers, loopback only) serving bench/callbacks_wsgi.py;
4. baselines: the same number of POSTs of the same bodies to a trivial 200-OK endpoint, before
   Flask (`/_bench/wsgi-ok`) and in Flask (`/_bench/flask-ok`);
5. the deliveries, with DUP of them repeated, all shuffled, posted to /webhooks/manual by
   CLIENTS threads; then a wait (bounded) until the archiving jobs have finished;
6. checks: every answer 200; every package `gearchiveerd`; each event applied once
   (AppliedEvent rows = distinct events, per package too); the deliveries recorded as
   `aanvaard` (distinct) and `dubbel` (repeats); no state entered twice; no failed job;
7. peak RSS of each gunicorn process (VmHWM) and of this client.

Results go to bench/out/callbacks.json and a table is printed.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import random
import resource
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402

from bench.callbacks_prepare import EVENTS_PER_PACKAGE  # noqa: E402

OUT = ROOT / "bench" / "out"
PG_ADMIN = os.environ.get("TEKENKLAAR_BENCH_POSTGRES",
                          "postgresql+psycopg://postgres@127.0.0.1:5432/test")
SECRET_KEY = "bench-secret-key-" + uuid.uuid4().hex
MAX_WAIT_ARCHIVE = 600.0  # seconds
REQUEST_TIMEOUT = 60.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def settings_for(tmp: Path, database_url: str) -> dict[str, str]:
    return {
        "environment": "production",
        "secret_key": SECRET_KEY,
        "instance_path": str(tmp / "instance"),
        "database_url": database_url,
        "public_url": "https://127.0.0.1",
        "session_cookie_secure": "true",
        "ratelimit_enabled": "false",  # one client sends 10,000 deliveries on purpose
        "log_level": "WARNING",
        "jobs": "inline",
        "mail_backend": "outbox",
    }


# --- the database -------------------------------------------------------------------------

class Database:
    def __init__(self, kind: str, tmp: Path):
        self.kind = kind
        self.name = None
        if kind == "sqlite":
            self.url = f"sqlite:///{tmp / 'bench.db'}"
        else:
            self.name = f"tekenklaar_bench_{uuid.uuid4().hex[:10]}"
            self.admin = sa.create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
            with self.admin.connect() as conn:
                conn.execute(sa.text(f'CREATE DATABASE "{self.name}"'))
            self.url = PG_ADMIN.rsplit("/", 1)[0] + f"/{self.name}"

    def drop(self) -> None:
        if self.name is None:
            return
        with self.admin.connect() as conn:
            conn.execute(sa.text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                                 "WHERE datname = :n"), {"n": self.name})
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{self.name}"'))
        self.admin.dispose()


# --- gunicorn -----------------------------------------------------------------------------

class Gunicorn:
    def __init__(self, settings: dict[str, str], workers: int, log: Path):
        self.port = free_port()
        env = {**os.environ, **{f"TEKENKLAAR_{k.upper()}": v for k, v in settings.items()}}
        self.log = open(log, "wb")
        self.proc = subprocess.Popen(
            [str(ROOT / ".venv" / "bin" / "gunicorn"), "--workers", str(workers),
             "--worker-class", "sync", "--bind", f"127.0.0.1:{self.port}",
             "--timeout", "120", "--log-level", "warning", "--chdir", str(ROOT / "bench"),
             "callbacks_wsgi:application"],
            env=env, cwd=ROOT, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"gunicorn exited; see {log}")
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                conn.request("POST", "/_bench/wsgi-ok", b"")
                conn.getresponse().read()
                if len(self.workers()) == workers:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        self.stop()
        raise RuntimeError("gunicorn did not start in 60 s")

    def workers(self) -> list[int]:
        try:
            text = Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children").read_text()
        except OSError:
            return []
        return [int(p) for p in text.split()]

    def peak_rss_mib(self) -> dict[str, float]:
        """VmHWM (peak resident set) of the master and of each worker, in MiB."""
        result = {}
        for label, pid in [("master", self.proc.pid)] + [
                (f"worker{i + 1}", p) for i, p in enumerate(self.workers())]:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    result[label] = round(int(line.split()[1]) / 1024, 1)
        return result

    def cpu_seconds(self) -> float:
        """User + system CPU time used so far by the workers (and their threads)."""
        tick = os.sysconf("SC_CLK_TCK")
        total = 0
        for pid in self.workers():
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
        return total / tick

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        self.log.close()


# --- the client ---------------------------------------------------------------------------

def post_all(port: int, path: str, items: list[tuple[dict[str, str], bytes]],
             clients: int) -> dict:
    """POST every item once, `clients` threads taking the next item in order; return the
    wall time, statuses and latencies."""
    index = iter(range(len(items)))
    lock = threading.Lock()
    statuses: Counter = Counter()
    latencies: list[float] = []
    errors: list[str] = []

    def run():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=REQUEST_TIMEOUT)
        mine, codes = [], Counter()
        while True:
            with lock:
                i = next(index, None)
            if i is None:
                break
            headers, body = items[i]
            started = time.perf_counter()
            try:
                conn.request("POST", path, body, headers)
                response = conn.getresponse()
                response.read()
                codes[response.status] += 1
                if response.getheader("Connection", "").lower() == "close":
                    conn.close()
            except (OSError, http.client.HTTPException) as exc:
                codes["error"] += 1
                errors.append(type(exc).__name__)
                conn.close()
            mine.append(time.perf_counter() - started)
        with lock:
            statuses.update(codes)
            latencies.extend(mine)

    threads = [threading.Thread(target=run) for _ in range(clients)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    latencies.sort()

    def pct(p):
        return round(latencies[min(len(latencies) - 1, int(p * len(latencies)))] * 1000, 2)

    return {"requests": len(items), "seconds": round(elapsed, 3),
            "per_second": round(len(items) / elapsed, 1),
            "statuses": {str(k): v for k, v in sorted(statuses.items(), key=str)},
            "latency_ms": {"p50": pct(0.50), "p95": pct(0.95), "p99": pct(0.99),
                           "max": round(latencies[-1] * 1000, 2),
                           "mean": round(statistics.fmean(latencies) * 1000, 2)},
            "errors": dict(Counter(errors))}


# --- one run ------------------------------------------------------------------------------

def run_one(kind: str, args) -> dict:
    from flask_migrate import upgrade

    from app import create_app
    from app.extensions import db

    tmp = Path(tempfile.mkdtemp(prefix=f"tekenklaar-bench-{kind}-"))
    database = Database(kind, tmp)
    server = app = None
    try:
        settings = settings_for(tmp, database.url)
        app = create_app(dict(settings))
        with app.app_context():
            upgrade()
            if kind == "sqlite" and args.sqlite_journal != "delete":
                # A property of the database file: every connection then uses it.
                with db.engine.connect() as conn:
                    conn.exec_driver_sql(f"PRAGMA journal_mode={args.sqlite_journal}")
        print(f"[{kind}] preparing {args.packages} packages ...", flush=True)
        started = time.perf_counter()
        with app.app_context():
            from bench.callbacks_prepare import prepare

            distinct = prepare(args.packages, progress=lambda n: print(
                f"[{kind}]   {n} packages sent", flush=True))
            db.session.remove()
        prepare_seconds = time.perf_counter() - started

        rng = random.Random(args.seed)
        repeats = args.deliveries - len(distinct)
        if repeats < 0:
            raise SystemExit(f"--deliveries must be at least {len(distinct)}")
        batch = distinct + rng.choices(distinct, k=repeats)
        rng.shuffle(batch)
        items = [(d.headers, d.body) for d in batch]

        server = Gunicorn(settings, args.workers, tmp / "gunicorn.log")
        post_all(server.port, "/_bench/wsgi-ok", items[:200], args.clients)  # warm-up
        post_all(server.port, "/_bench/flask-ok", items[:200], args.clients)
        wsgi_ok = post_all(server.port, "/_bench/wsgi-ok", items, args.clients)
        flask_ok = post_all(server.port, "/_bench/flask-ok", items, args.clients)
        print(f"[{kind}] baselines: {wsgi_ok['per_second']}/s (WSGI), "
              f"{flask_ok['per_second']}/s (Flask); posting {len(items)} deliveries ...",
              flush=True)
        cpu_before, client_before = server.cpu_seconds(), os.times()
        callbacks = post_all(server.port, "/webhooks/manual", items, args.clients)
        client_after = os.times()

        with app.app_context():
            from app.store.models import JobRun
            from app.store.models import Package

            waited = time.perf_counter()
            while True:  # the archiving (and its mail) runs after the answers, as jobs
                open_count = db.session.scalar(sa.select(sa.func.count(Package.id)).where(
                    Package.state != "gearchiveerd")) + db.session.scalar(
                    sa.select(sa.func.count(JobRun.id)).where(
                        JobRun.state.in_(("wachtend", "bezig"))))
                db.session.commit()
                if not open_count or time.perf_counter() - waited > MAX_WAIT_ARCHIVE:
                    break
                time.sleep(0.2)
            archive_wait = time.perf_counter() - waited
            checks = verify(db, args.packages, len(distinct), repeats)
            db.session.remove()
        memory = server.peak_rss_mib()
        worker_cpu = server.cpu_seconds() - cpu_before  # includes the archiving jobs
        client_cpu = (client_after.user + client_after.system
                      - client_before.user - client_before.system)
        rate = callbacks["per_second"]
        all_done = callbacks["seconds"] + archive_wait
        return {
            "database": kind + ("-wal" if kind == "sqlite" and args.sqlite_journal == "wal"
                                else ""),
            "packages": args.packages,
            "deliveries": len(items),
            "distinct_events": len(distinct),
            "repeated_deliveries": repeats,
            "gunicorn_workers": args.workers,
            "client_threads": args.clients,
            "prepare_seconds": round(prepare_seconds, 1),
            "baseline_wsgi_ok": wsgi_ok,
            "baseline_flask_ok": flask_ok,
            "callbacks": callbacks,
            "archive_wait_seconds": round(archive_wait, 2),
            "deliveries_per_second_until_all_archived": round(len(items) / all_done, 1),
            "ratio_to_wsgi_ok": round(rate / wsgi_ok["per_second"], 4),
            "ratio_to_flask_ok": round(rate / flask_ok["per_second"], 4),
            "worker_cpu_ms_per_delivery": round(worker_cpu / len(items) * 1000, 2),
            "client_cpu_ms_per_delivery": round(client_cpu / len(items) * 1000, 2),
            "peak_rss_mib": memory,
            "client_peak_rss_mib": round(
                resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
            "checks": checks,
        }
    finally:
        if server is not None:
            server.stop()
        if app is not None:  # the preparing app's job runner stops before its database goes
            with app.app_context():
                app.extensions["tekenklaar"].close()
        database.drop()
        shutil.rmtree(tmp, ignore_errors=True)


def verify(db, packages: int, distinct: int, repeats: int) -> dict:
    from app.store.models import AppliedEvent
    from app.store.models import JobRun
    from app.store.models import Package
    from app.store.models import TimelineEvent
    from app.store.models import WebhookDelivery

    def count(query):
        return db.session.scalar(query)

    states = dict(db.session.execute(
        sa.select(Package.state, sa.func.count()).group_by(Package.state)).all())
    per_package = Counter(dict(db.session.execute(
        sa.select(AppliedEvent.package_id, sa.func.count()).group_by(AppliedEvent.package_id)
    ).all()))
    outcomes = dict(db.session.execute(
        sa.select(WebhookDelivery.outcome, sa.func.count()).group_by(WebhookDelivery.outcome)
    ).all())
    twice = count(sa.select(sa.func.count()).select_from(
        sa.select(TimelineEvent.package_id, TimelineEvent.state_to)
        .where(TimelineEvent.state_to.is_not(None))
        .group_by(TimelineEvent.package_id, TimelineEvent.state_to)
        .having(sa.func.count() > 1).subquery()))
    archived_once = count(sa.select(sa.func.count(TimelineEvent.id)).where(
        TimelineEvent.state_to == "gearchiveerd"))
    failed_jobs = count(sa.select(sa.func.count(JobRun.id)).where(JobRun.state != "klaar"))
    job_errors = dict(Counter(
        f"{name} [{state}] {(error or '')[:160]}" for name, state, error in db.session.execute(
            sa.select(JobRun.name, JobRun.state, JobRun.error).where(JobRun.state != "klaar"))))
    applied = count(sa.select(sa.func.count(AppliedEvent.id)))
    result = {
        "package_states": states,
        "applied_events": applied,
        "packages_with_exactly_8_events": sum(1 for v in per_package.values()
                                              if v == EVENTS_PER_PACKAGE),
        "delivery_outcomes": outcomes,
        "states_entered_twice": twice,
        "archived_transitions": archived_once,
        "unfinished_or_failed_jobs": failed_jobs,
        "job_errors": job_errors,
    }
    result["ok"] = (
        states == {"gearchiveerd": packages}
        and applied == distinct
        and result["packages_with_exactly_8_events"] == packages
        and outcomes == {k: v for k, v in {"aanvaard": distinct, "dubbel": repeats}.items()
                         if v}  # a run without repeated deliveries has no `dubbel` row
        and twice == 0 and archived_once == packages and failed_jobs == 0
    )
    return result


def table(results: list[dict]) -> str:
    rows = [("database", "deliveries/s", "WSGI-ok/s", "Flask-ok/s", "ratio WSGI", "ratio Flask",
             "p50 ms", "p99 ms", "archived +s", "peak RSS worker MiB", "checks")]
    for r in results:
        workers = [v for k, v in r["peak_rss_mib"].items() if k.startswith("worker")]
        rows.append((r["database"], f"{r['callbacks']['per_second']}",
                     f"{r['baseline_wsgi_ok']['per_second']}",
                     f"{r['baseline_flask_ok']['per_second']}", f"{r['ratio_to_wsgi_ok']:.3f}",
                     f"{r['ratio_to_flask_ok']:.3f}", f"{r['callbacks']['latency_ms']['p50']}",
                     f"{r['callbacks']['latency_ms']['p99']}", f"{r['archive_wait_seconds']}",
                     "/".join(f"{w}" for w in workers),
                     "ok" if r["checks"]["ok"] else "FAILED"))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return "\n".join("  ".join(c.ljust(w) for c, w in zip(row, widths)) for row in rows)


def main() -> int:
    # A TERM (e.g. from `timeout`) still stops gunicorn and drops the database.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--packages", type=int, default=1000)
    parser.add_argument("--deliveries", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--seed", type=int, default=20261128)
    parser.add_argument("--sqlite-journal", choices=["delete", "wal"], default="delete",
                        help="SQLite journal mode of the database file (the app's default "
                        "is SQLite's own: delete)")
    parser.add_argument("--out", type=Path, default=OUT / "callbacks.json")
    args = parser.parse_args()
    kinds = ["sqlite", "postgres"] if args.db == "both" else [args.db]
    results = [run_one(kind, args) for kind in kinds]
    report = {
        "command": " ".join([Path(sys.executable).name, *sys.argv]),
        "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                    "platform": platform.platform()},
        "results": results,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    print()
    print(table(results))
    print(f"\nwritten to {args.out.relative_to(ROOT) if args.out.is_relative_to(ROOT) else args.out}")
    return 0 if all(r["checks"]["ok"] for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
