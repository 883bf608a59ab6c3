#!/usr/bin/env bash
# make bench: the national-scale benchmark on throwaway PostgreSQL and Redis (removed on exit, also on failure).
# Seeds the demo and measures each main page's SQL queries, seeds the national dataset (seed_scale), times the
# annual report, the January run and the reminder sweep, measures the queries again, then serves the portal with
# gunicorn under production settings on loopback and drives load at concurrency 8 against the floor page and
# each main page, and finally the two-node topology (HAProxy, two gunicorn nodes). Prints one table with every
# target met or not, and exits 1 when a measured request failed, a page was not served as itself (a redirect to
# the login or second-factor step, say) or a target was missed. Figures are written to var/bench/*.json.
#   SCALE_ARGS="--fraction 0.1" bash scripts/bench.sh     # a smaller country, for a quick try
#   BENCH_SKIP_JANUARY=1 BENCH_SECONDS=3 bash scripts/bench.sh
#   bash scripts/bench.sh --quick    # the run inside make test: a tiny country, 1 s per page, two pages per
#                                    # visitor; fails on any error or query count above target, never on speed
# With BENCH_SERVICES=external the PostgreSQL on PG_PORT and the Redis on REDIS_PORT already run (the test
# command's): the benchmark makes its own database PG_DB there, drops it afterwards and leaves the servers up.
set -euo pipefail
[ "${1:-}" = "--quick" ] && export BENCH_QUICK=1
. "$(dirname "$0")/setup.sh"

missing=()
[ -x /usr/lib/postgresql/15/bin/initdb ] || missing+=(postgresql-15)
command -v redis-server >/dev/null || missing+=(redis-server)
if [ "${BENCH_TOPOLOGY:-$((1 - ${BENCH_QUICK:-0}))}" = 1 ]; then
  command -v haproxy >/dev/null || missing+=(haproxy)
fi
[ ${#missing[@]} -eq 0 ] || apt_install "${missing[@]}"

export SVC_DIR=${SVC_DIR:-/tmp/asfportal-bench-$$} PG_PORT=${PG_PORT:-54349} REDIS_PORT=${REDIS_PORT:-63819}
export PG_DB=${PG_DB:-asfportal_bench}
. scripts/services.sh
gunicorn_pid=""
cleanup() {
  [ -n "$gunicorn_pid" ] && kill "$gunicorn_pid" 2>/dev/null && wait "$gunicorn_pid" 2>/dev/null
  if [ "${BENCH_SERVICES:-}" = external ]; then
    PGHOST=127.0.0.1 PGPORT=$PG_PORT PGUSER=postgres "$PG_BIN/dropdb" --if-exists "$PG_DB" || true
  else
    services_stop
  fi
}
trap cleanup EXIT
if [ "${BENCH_SERVICES:-}" = external ]; then
  PGHOST=127.0.0.1 PGPORT=$PG_PORT PGUSER=postgres "$PG_BIN/dropdb" --if-exists "$PG_DB"
  PGHOST=127.0.0.1 PGPORT=$PG_PORT PGUSER=postgres "$PG_BIN/createdb" "$PG_DB"
  export DATABASE_URL="postgres://postgres@127.0.0.1:$PG_PORT/$PG_DB"
else
  pg_start
  redis_start
fi

# Production settings, as a municipality would run it; only the floor page is added.
export DEBUG=off SECURE_SSL_REDIRECT=off BENCHMARK_FLOOR=on EMAIL_URL=dummymail://
export SECRET_KEY="bench-only-$(head -c 24 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')"
export ALLOWED_HOSTS="127.0.0.1,localhost,testserver" MEDIA_ROOT="$SVC_DIR/media"
# The API's rate limits (120 a minute without a key) would answer most of the load 429: the benchmark measures
# what a page costs, so they are lifted here (tests/api/test_api.py proves the limits themselves).
export API_RATE_ANONYMOUS=${API_RATE_ANONYMOUS:-1000000/min} API_RATE_TOKEN=${API_RATE_TOKEN:-1000000/min}
# Cache and sessions on Redis as in production (the quick run uses databases of its own beside the tests').
cache_db=2 && [ "${BENCH_SERVICES:-}" = external ] && cache_db=5
export CACHE_URL="redis://127.0.0.1:${REDIS_PORT}/${cache_db}"
export SESSION_CACHE_URL="redis://127.0.0.1:${REDIS_PORT}/$((cache_db + 1))"
# Nothing here needs a worker: tasks the pages send wait in a queue of their own.
export CELERY_BROKER_URL="redis://127.0.0.1:${REDIS_PORT}/$((cache_db + 2))"
export CELERY_RESULT_BACKEND=""
PY=.venv/bin/python
export BENCH_OUT=${BENCH_OUT:-$PWD/var/bench}
rm -rf "$BENCH_OUT"
port=$($PY -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')

if [ "${BENCH_QUICK:-0}" = 1 ]; then
  export BENCH_SECONDS=${BENCH_SECONDS:-1} BENCH_WARMUP=${BENCH_WARMUP:-0.3}
  SCALE_ARGS=${SCALE_ARGS:---fraction 0.01}
fi

echo "==> [${SECONDS}s] migrate"
[ -d staticfiles ] || $PY manage.py collectstatic --noinput -v0
$PY manage.py migrate -v0
status=0  # a failed step prints why and the summary says so again; every step still runs
# The quick run seeds only the tiny country (its own users for every role); the full run compares the query
# counts at demo scale with those at national scale (they must be equal: constant queries).
if [ "${BENCH_QUICK:-0}" != 1 ]; then
  echo "==> [${SECONDS}s] seed the demo; queries per page at demo scale"
  $PY manage.py seed_demo --allow-production >/dev/null
  $PY scripts/bench.py queries demo || status=1
fi
echo "==> [${SECONDS}s] seed_scale ${SCALE_ARGS:-}"
# shellcheck disable=SC2086
$PY manage.py seed_scale --allow-production ${SCALE_ARGS:-}
if [ "${BENCH_QUICK:-0}" != 1 ]; then
  $PY manage.py shell -c "from django.db import connection; connection.cursor().execute('VACUUM ANALYZE')"
  echo "==> [${SECONDS}s] jobs"
  $PY scripts/bench.py jobs
fi
if [ "${BENCH_QUICK:-0}" != 1 ] && [ "${BENCH_SKIP_JANUARY:-0}" != 1 ]; then
  echo "==> [${SECONDS}s] the January run fanned out over two workers"
  worker_pids=()
  for n in 1 2; do
    $PY -m celery -A asfportal worker --pool=solo -l WARNING -n "bench-$n-$$@%h" --without-gossip --without-mingle \
      >"$SVC_DIR/worker-$n.log" 2>&1 &
    worker_pids+=($!)
  done
  $PY scripts/bench.py january-workers 2 || status=1
  kill "${worker_pids[@]}" 2>/dev/null && wait "${worker_pids[@]}" 2>/dev/null || true
fi
echo "==> [${SECONDS}s] queries per page at national scale"
$PY scripts/bench.py queries national || status=1

echo "==> [${SECONDS}s] gunicorn on 127.0.0.1:$port (4 sync workers), load at concurrency 8"
.venv/bin/gunicorn asfportal.wsgi -b "127.0.0.1:$port" -w 4 --log-level warning &
gunicorn_pid=$!
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.2; done
$PY scripts/bench.py load "http://127.0.0.1:$port" "$gunicorn_pid" || status=1
kill "$gunicorn_pid" && wait "$gunicorn_pid" 2>/dev/null || true
gunicorn_pid=""
# The two-node step runs in the full benchmark (BENCH_TOPOLOGY=0 skips it) and in a quick one with BENCH_TOPOLOGY=1.
topology=${BENCH_TOPOLOGY:-1} && [ "${BENCH_QUICK:-0}" = 1 ] && topology=${BENCH_TOPOLOGY:-0}
if [ "$topology" = 1 ]; then
  echo "==> [${SECONDS}s] two web nodes behind HAProxy: the same mixed load through the balancer"
  $PY scripts/topology.py bench || status=1
fi
$PY scripts/bench.py summary || status=1
exit $status
