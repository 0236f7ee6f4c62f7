#!/usr/bin/env bash
# Make sure the PostgreSQL and Redis that the production-mode tests use are running, when this
# machine has them installed (start commands as on Debian). Prints what it finds; never fails.
set -u
pg_up() { (exec 3<>/dev/tcp/127.0.0.1/5432) 2>/dev/null; }
redis_up() { (exec 3<>/dev/tcp/127.0.0.1/6379) 2>/dev/null; }

if ! pg_up && command -v pg_ctlcluster >/dev/null 2>&1; then
  for version in $(ls /etc/postgresql 2>/dev/null); do
    pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
  done
  sleep 2
fi
if ! redis_up && command -v redis-server >/dev/null 2>&1; then
  mkdir -p /var/lib/redis /var/log/redis 2>/dev/null || true
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/ci.log || true
  sleep 1
fi
pg_up && echo "PostgreSQL: bereikbaar" || echo "PostgreSQL: niet bereikbaar"
redis_up && echo "Redis: bereikbaar" || echo "Redis: niet bereikbaar"
exit 0
