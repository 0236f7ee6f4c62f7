"""Several web processes starting at once migrate the database once, without errors."""

import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.postgres
def test_three_concurrent_upgrades_on_postgresql(empty_postgres_url, tmp_path):
    import os

    env = {k: v for k, v in os.environ.items() if not k.startswith("TEKENKLAAR_")}
    env.update(TEKENKLAAR_DATABASE_URL=empty_postgres_url, TEKENKLAAR_ENVIRONMENT="testing",
               TEKENKLAAR_SECRET_KEY="x", TEKENKLAAR_INSTANCE_PATH=str(tmp_path))
    engine = sa.create_engine(empty_postgres_url)  # a database of its own, without tables
    processes = [subprocess.Popen([sys.executable, "-m", "flask", "--app", "app:create_app",
                                   "db", "upgrade"], cwd=ROOT, env=env,
                                  stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
                 for _ in range(3)]
    outputs = [p.communicate(timeout=120)[0].decode() for p in processes]
    assert [p.returncode for p in processes] == [0, 0, 0], outputs
    with engine.connect() as conn:
        versions = conn.execute(sa.text("SELECT version_num FROM alembic_version")).all()
    engine.dispose()
    assert len(versions) == 1
