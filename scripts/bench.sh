#!/usr/bin/env bash
# make bench: the national-scale benchmark on throwaway PostgreSQL and Redis (removed on exit, also on failure).
# Seeds the demo and measures each main page's SQL queries, seeds the national dataset (seed_scale), times the
# annual report, the January run and the reminder sweep, measures the queries again, then serves the portal with
# gunicorn under production settings on loopback and drives load at concurrency 8 against the floor page and
# each main page. Prints a table with every target met or not. Figures are written to var/bench/*.json.
#   SCALE_ARGS="--fraction 0.1" bash scripts/bench.sh     # a smaller country, for a quick try
#   BENCH_SKIP_JANUARY=1 BENCH_SECONDS=3 bash scripts/bench.sh
set -euo pipefail
. "$(dirname "$0")/setup.sh"

missing=()
[ -x /usr/lib/postgresql/15/bin/initdb ] || missing+=(postgresql-15)
command -v redis-server >/dev/null || missing+=(redis-server)
[ ${#missing[@]} -eq 0 ] || apt_install "${missing[@]}"

export SVC_DIR=${SVC_DIR:-/tmp/asfportal-bench-$$} PG_PORT=${PG_PORT:-54349} REDIS_PORT=${REDIS_PORT:-63819}
export PG_DB=asfportal_bench
. scripts/services.sh
gunicorn_pid=""
cleanup() {
  [ -n "$gunicorn_pid" ] && kill "$gunicorn_pid" 2>/dev/null && wait "$gunicorn_pid" 2>/dev/null
  services_stop
}
trap cleanup EXIT
pg_start
redis_start

# Production settings, as a municipality would run it; only the floor page is added.
export DEBUG=off SECURE_SSL_REDIRECT=off BENCHMARK_FLOOR=on EMAIL_URL=dummymail://
export SECRET_KEY="bench-only-$(head -c 24 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')"
export ALLOWED_HOSTS="127.0.0.1,localhost,testserver" MEDIA_ROOT="$SVC_DIR/media"
export CACHE_URL="redis://127.0.0.1:${REDIS_PORT}/2"
PY=.venv/bin/python
rm -rf var/bench

echo "==> migrate and seed the demo"
$PY manage.py collectstatic --noinput -v0
$PY manage.py migrate -v0
$PY manage.py seed_demo --allow-production >/dev/null
echo "==> queries per page at demo scale"
$PY scripts/bench.py queries demo
echo "==> seed_scale ${SCALE_ARGS:-}"
# shellcheck disable=SC2086
$PY manage.py seed_scale --allow-production ${SCALE_ARGS:-}
$PY manage.py shell -c "from django.db import connection; connection.cursor().execute('VACUUM ANALYZE')"
echo "==> jobs"
$PY scripts/bench.py jobs
echo "==> queries per page at national scale"
$PY scripts/bench.py queries national

echo "==> gunicorn on 127.0.0.1:8765 (4 sync workers), load at concurrency 8"
.venv/bin/gunicorn asfportal.wsgi -b 127.0.0.1:8765 -w 4 --log-level warning &
gunicorn_pid=$!
for _ in $(seq 100); do curl -sf http://127.0.0.1:8765/healthz >/dev/null && break; sleep 0.2; done
$PY scripts/bench.py load http://127.0.0.1:8765 "$gunicorn_pid"
$PY scripts/bench.py summary
