#!/usr/bin/env bash
# One command for a local portal on embedded defaults: SQLite, the filesystem Celery broker (no Redis),
# demo data; web server on http://127.0.0.1:8000 with a Celery worker and beat beside it.
set -euo pipefail
export DEBUG=${DEBUG:-on}
. "$(dirname "$0")/setup.sh"

# Cached page parts are keyed by data versions kept beside them; start clean in case the database was replaced.
rm -rf var/cache
.venv/bin/python manage.py migrate -v0
.venv/bin/python manage.py seed_demo

mkdir -p var/log
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup EXIT INT TERM
.venv/bin/celery -A asfportal worker -l INFO --concurrency 2 >var/log/worker.log 2>&1 &
pids+=($!)
.venv/bin/celery -A asfportal beat -l INFO >var/log/beat.log 2>&1 &
pids+=($!)
echo "==> worker and beat are running (logs in var/log/). Open http://127.0.0.1:8000 — Ctrl-C stops everything."
.venv/bin/python manage.py runserver 127.0.0.1:8000
