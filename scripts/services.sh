#!/usr/bin/env bash
# Make sure PostgreSQL (with PostGIS) and Redis answer; start them if installed but stopped.
set -euo pipefail
cd "$(dirname "$0")/.."
set -a; [ -f .env ] && . ./.env; set +a

DATABASE_URL=${DATABASE_URL:-postgis://postgres@127.0.0.1:5432/voxpop}
REDIS_URL=${REDIS_URL:-redis://127.0.0.1:6379/0}
PY=.venv/bin/python

read -r PGHOST PGPORT PGUSER DBNAME < <($PY - "$DATABASE_URL" <<'PY'
import sys
from urllib.parse import urlparse
u = urlparse(sys.argv[1])
print(u.hostname or "127.0.0.1", u.port or 5432, u.username or "postgres", u.path.lstrip("/") or "voxpop")
PY
)
export PGHOST PGPORT PGUSER
read -r REDIS_HOST REDIS_PORT < <($PY -c "from urllib.parse import urlparse; u=urlparse('$REDIS_URL'); print(u.hostname or '127.0.0.1', u.port or 6379)")

if ! pg_isready -q -h "$PGHOST" -p "$PGPORT"; then
    if command -v pg_ctlcluster >/dev/null && ls /etc/postgresql/ >/dev/null 2>&1; then
        echo "==> starting PostgreSQL"
        pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start
        for _ in $(seq 30); do pg_isready -q -h "$PGHOST" -p "$PGPORT" && break; sleep 1; done
    fi
    pg_isready -q -h "$PGHOST" -p "$PGPORT" || {
        echo "PostgreSQL does not answer on $PGHOST:$PGPORT. Install it (apt-get install postgresql-15) or set DATABASE_URL." >&2
        exit 1
    }
fi

if ! redis-cli -h "$REDIS_HOST" -p "$REDIS_PORT" ping >/dev/null 2>&1; then
    if command -v redis-server >/dev/null; then
        echo "==> starting Redis"
        mkdir -p /tmp/voxpop-redis
        redis-server --daemonize yes --bind "$REDIS_HOST" --port "$REDIS_PORT" --save "" \
            --appendonly no --dir /tmp/voxpop-redis --logfile /tmp/voxpop-redis/redis.log
        for _ in $(seq 20); do redis-cli -h "$REDIS_HOST" -p "$REDIS_PORT" ping >/dev/null 2>&1 && break; sleep 0.5; done
    fi
    redis-cli -h "$REDIS_HOST" -p "$REDIS_PORT" ping >/dev/null 2>&1 || {
        echo "Redis does not answer on $REDIS_HOST:$REDIS_PORT. Install it (apt-get install redis-server) or set REDIS_URL." >&2
        exit 1
    }
fi

if ! psql -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$DBNAME'" | grep -q 1; then
    echo "==> creating database $DBNAME"
    createdb "$DBNAME"
fi
psql -q -d "$DBNAME" -c "CREATE EXTENSION IF NOT EXISTS postgis" >/dev/null
