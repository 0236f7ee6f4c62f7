"""Bulk: packages for all 342 municipalities with two workers, against the naive path.

    .venv/bin/python bench/bench_bulk.py [--municipalities 342] [--workers 2] [--naive 3]
                                         [--break-one]

Each package: the aanbiedingsbrief, the registration form (Bijlage 2: participant), a
verwerkersovereenkomst and one gebruiksovereenkomst, DOCX and PDF/A, sent with the manual
provider (the PDFs mailed to a file outbox). Production mode: PostgreSQL (a throwaway
database on 127.0.0.1:5432), jobs on Redis, two `flask worker` processes, each with one
LibreOffice server kept running.

Naive path, one process: for every document a new DocxTemplate (render, save) and a one-shot
`soffice --headless --convert-to` per PDF. It is measured on --naive packages in the same run
and its per-package time multiplied out, as a full naive run takes over half an hour.

--break-one gives one municipality no contact person: that organisation's item must fail
with its reason while the rest finish.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

from common import ROOT
from common import mib
from common import table
from common import tree_peak_rss
from common import write

import sqlalchemy as sa

POSTGRES = os.environ.get("TEKENKLAAR_TEST_POSTGRES",
                          "postgresql+psycopg://postgres@127.0.0.1:5432/test")
REDIS = os.environ.get("TEKENKLAAR_TEST_REDIS", "redis://127.0.0.1:6379/0")
START = dt.date(2026, 1, 1)


def settings(instance: Path, database_url: str, queue: str) -> dict:
    return {"environment": "testing", "secret_key": "bench-secret", "instance_path": instance,
            "database_url": database_url, "jobs": "rq", "redis_url": REDIS,
            "job_queue": queue, "worker_heartbeat_seconds": 5,
            "worker_maintenance_seconds": 30, "log_level": "WARNING"}


def seed(app, count: int, break_one: bool) -> list[int]:
    """The municipalities with a contact person and signatory on file (from an earlier,
    withdrawn package); returns their ids."""
    from app.domain.municipalities import load_municipalities
    from app.extensions import db
    from app.runtime import runtime
    from app.store.models import ContactPerson
    from app.store.models import Organisation
    from app.store.models import Package

    municipalities = list(load_municipalities(runtime().settings.data_dir).values())[:count]
    ids = []
    for number, m in enumerate(municipalities, start=1):
        org = Organisation(name=m.name, kind="gemeente", cbs_code=m.code,
                           street="Raadhuisplein 1", postcode="1234 AB", city=m.name)
        contact = ContactPerson(organisation=org, name="Contact Sociaal Domein",
                                function="beleidsadviseur", email=f"sociaal@{m.code.lower()}.example",
                                phone="+31 30 123 4567")
        signatory = ContactPerson(organisation=org, name="De Burgemeester",
                                  function="burgemeester", email=f"burgemeester@{m.code.lower()}.example")
        db.session.add_all([org, contact, signatory])
        if not (break_one and number == count // 2):
            db.session.add(Package(reference_number=f"OUD-{m.code}", organisation=org,
                                   involvement="participant", state="ingetrokken",
                                   contact=contact, signatory=signatory))
        ids.append(org)
    db.session.commit()
    return [org.id for org in ids]


def naive_seconds_per_package(samples: int) -> float:
    """Plain docxtpl + one-shot soffice for every document of `samples` packages."""
    from bench_package import naive_package
    from common import gemeente_package

    from app.documents import DocxRenderer
    from app.domain.organisations import Involvement
    from app.domain.rules import OnFile
    from app.domain.rules import PackageRequest
    from app.domain.rules import SolutionRequest
    from app.domain.rules import plan_package

    renderer = DocxRenderer()
    durations = []
    with tempfile.TemporaryDirectory() as tmp:
        profile, work = Path(tmp) / "profile", Path(tmp) / "work"
        work.mkdir()
        for index in range(samples):
            facts = gemeente_package(900 + index, name=f"Gemeente {index}")
            plan = plan_package(PackageRequest(facts.organisation.kind, Involvement.PARTICIPANT,
                                               (SolutionRequest("schuldenradar", START),), True),
                                OnFile(), facts.reference)
            facts = type(facts)(**{**facts.__dict__, "plan": plan,
                                   "involvement": Involvement.PARTICIPANT})
            begin = time.perf_counter()
            naive_package(facts, renderer, profile, work)
            durations.append(time.perf_counter() - begin)
    return sum(durations[1:] or durations) / len(durations[1:] or durations)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--municipalities", type=int, default=342)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--naive", type=int, default=3, help="packages for the naive path")
    parser.add_argument("--break-one", action="store_true")
    args = parser.parse_args()

    from flask_migrate import upgrade

    from app import create_app
    from app.domain.organisations import Involvement
    from app.domain.rules import SolutionRequest
    from app.extensions import db
    from app.services.bulk import BulkOffer
    from app.services.bulk import start_bulk
    from app.store.models import BulkItem
    from app.store.models import Document

    admin = sa.create_engine(POSTGRES, isolation_level="AUTOCOMMIT")
    name = f"tekenklaar_bench_{uuid.uuid4().hex[:8]}"
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    database_url = POSTGRES.rsplit("/", 1)[0] + f"/{name}"
    queue = f"tekenklaar-bench-{uuid.uuid4().hex[:6]}"
    workers: list[subprocess.Popen] = []
    with tempfile.TemporaryDirectory() as tmp:
        instance = Path(tmp) / "instance"
        config = settings(instance, database_url, queue)
        app = create_app(config)
        try:
            with app.app_context():
                upgrade()
                ids = seed(app, args.municipalities, args.break_one)
            env = {k: v for k, v in os.environ.items() if not k.startswith("TEKENKLAAR_")}
            env.update({f"TEKENKLAAR_{k.upper()}": str(v) for k, v in config.items()})
            logs = []
            for index in range(args.workers):
                log = open(Path(tmp) / f"worker-{index}.log", "wb")  # noqa: SIM115
                logs.append(log)
                workers.append(subprocess.Popen(
                    [sys.executable, "-m", "flask", "--app", "app:create_app", "worker"],
                    cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                    start_new_session=True))
            time.sleep(10)  # the workers start LibreOffice before they take jobs
            offer = BulkOffer(Involvement.PARTICIPANT, (SolutionRequest("schuldenradar", START),),
                              participant_warning_acknowledged=True, provider="manual")
            with app.app_context():
                begin = time.perf_counter()
                run = start_bulk(ids, offer, "benchmark", actor="bench")
                run_id = run.id
                enqueued = time.perf_counter() - begin
            peak = 0
            while True:
                time.sleep(1)
                peak = max(peak, sum(tree_peak_rss(w.pid) for w in workers))
                with app.app_context():
                    db.session.remove()
                    counts = dict(db.session.execute(
                        sa.select(BulkItem.state, sa.func.count()).where(BulkItem.bulk_id == run_id)
                        .group_by(BulkItem.state)).all())
                done = counts.get("klaar", 0) + counts.get("mislukt", 0)
                print(f"\r{done}/{len(ids)} klaar ({counts.get('mislukt', 0)} mislukt), "
                      f"{time.perf_counter() - begin:.0f} s", end="", flush=True)
                if done == len(ids):
                    break
                if time.perf_counter() - begin > 1800:
                    raise SystemExit("bulk run did not finish within 30 minutes")
            elapsed = time.perf_counter() - begin
            print()
            with app.app_context():
                failed = db.session.execute(
                    sa.select(BulkItem.organisation_label, BulkItem.error)
                    .where(BulkItem.bulk_id == run_id, BulkItem.state == "mislukt")).all()
                documents = db.session.scalar(sa.select(sa.func.count(Document.id)).where(
                    Document.pdf_key.is_not(None), Document.sent_sha256.is_not(None)))
        finally:
            for worker in workers:
                if worker.poll() is None:
                    os.killpg(worker.pid, signal.SIGTERM)
            for worker in workers:
                try:
                    worker.wait(timeout=60)
                except subprocess.TimeoutExpired:
                    os.killpg(worker.pid, signal.SIGKILL)
            with app.app_context():
                db.session.remove()
                db.engine.dispose()
            for log in locals().get("logs", []):
                log.close()
            with admin.connect() as conn:
                conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()

    succeeded = len(ids) - len(failed)
    per_minute = succeeded / elapsed * 60
    ours_per_package = elapsed / max(succeeded, 1)
    print(f"naive path: {args.naive} packages, one process ...")
    naive = naive_seconds_per_package(args.naive)
    rows = [("", "packages", "time", "per package", "packages/min"),
            (f"ours ({args.workers} workers)", str(succeeded), f"{elapsed:.1f} s",
             f"{ours_per_package:.2f} s", f"{per_minute:.1f}"),
            ("naive (1 process)", f"{args.naive} measured", f"{naive * len(ids) / 60:.1f} min (est.)",
             f"{naive:.2f} s", f"{60 / naive:.1f}")]
    print(table(rows))
    print(f"ratio naive/ours per package: {naive / ours_per_package:.1f}x")
    print(f"signed-off documents made and sent: {documents}; queueing took {enqueued:.1f} s")
    print(f"peak RSS of the workers (with LibreOffice): {mib(peak)}")
    for label, error in failed:
        print(f"failed: {label}: {error}")
    path = write("bench_bulk", {
        "municipalities": len(ids), "workers": args.workers, "succeeded": succeeded,
        "failed": [{"organisation": label, "reason": error} for label, error in failed],
        "elapsed_s": round(elapsed, 1), "packages_per_minute": round(per_minute, 1),
        "seconds_per_package": round(ours_per_package, 3),
        "naive_seconds_per_package": round(naive, 3), "naive_packages_measured": args.naive,
        "ratio": round(naive / ours_per_package, 1), "documents_sent": documents,
        "workers_peak_rss_bytes": peak,
    })
    print(f"written to {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
