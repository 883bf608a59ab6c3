# Throwaway PostgreSQL 15 and Redis for tests and benchmarks. Source it, then call the functions:
#   . scripts/services.sh; pg_start; redis_start; ...; services_stop
# Root-safe: PostgreSQL refuses to run as root, so its binaries run as the postgres OS user, and the data lives
# under SVC_DIR in /tmp (every parent folder must be o+x, which a checkout under /root is not).
SVC_DIR=${SVC_DIR:-/tmp/asfportal-svc}
PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
PG_PORT=${PG_PORT:-54329}
REDIS_PORT=${REDIS_PORT:-63799}
PG_OS_USER=${PG_OS_USER:-postgres}
PG_DB=${PG_DB:-asfportal}
# manage.py backup/restore take pg_dump/pg_restore from PG_BIN: the same major version as this server.
export PG_BIN PG_OS_USER

_pg() { runuser -u "$PG_OS_USER" -- "$PG_BIN/$1" "${@:2}"; }

pg_start() {
  local d="$SVC_DIR/pg"
  mkdir -p "$d" && chmod 755 "$SVC_DIR" && chown "$PG_OS_USER": "$d"
  if [ ! -s "$d/data/PG_VERSION" ]; then
    runuser -u "$PG_OS_USER" -- mkdir -p "$d/sock"
    _pg initdb -D "$d/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 --no-sync \
      >"$d/initdb.log" 2>&1 || { cat "$d/initdb.log"; return 1; }
  fi
  _pg pg_ctl -D "$d/data" status >/dev/null 2>&1 || _pg pg_ctl -D "$d/data" -l "$d/server.log" -w -t 60 start \
    -o "-p $PG_PORT -k $d/sock -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
    >/dev/null || { cat "$d/server.log"; return 1; }
  export DATABASE_URL="postgres://postgres@127.0.0.1:$PG_PORT/$PG_DB"
  PGHOST=127.0.0.1 PGPORT=$PG_PORT PGUSER=postgres "$PG_BIN/createdb" "$PG_DB" 2>/dev/null || true
}

pg_stop() {
  [ -s "$SVC_DIR/pg/data/postmaster.pid" ] && _pg pg_ctl -D "$SVC_DIR/pg/data" -m fast -w stop >/dev/null 2>&1
  return 0
}

# A crash-like stop (SIGQUIT to every backend, no checkpoint): the next pg_start runs crash recovery. The
# durability test in tests/core/test_backup.py restarts the server this way during a burst of writes.
pg_crash() { _pg pg_ctl -D "$SVC_DIR/pg/data" -m immediate -w stop >/dev/null; }

redis_start() {
  local d="$SVC_DIR/redis" i
  mkdir -p "$d"
  # 64 databases: room for each pytest-xdist worker's own four (tests/parallel.py).
  redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --daemonize yes --dir "$d" --pidfile "$d/redis.pid" \
    --logfile "$d/redis.log" --save '' --appendonly no --databases 64 || return 1
  for i in $(seq 50); do redis-cli -p "$REDIS_PORT" ping 2>/dev/null | grep -q PONG && break; sleep 0.1; done
  redis-cli -p "$REDIS_PORT" ping | grep -q PONG || { cat "$d/redis.log"; return 1; }
  export CELERY_BROKER_URL="redis://127.0.0.1:$REDIS_PORT/0"
  export CELERY_RESULT_BACKEND="redis://127.0.0.1:$REDIS_PORT/1"
}

redis_stop() {
  local p="$SVC_DIR/redis/redis.pid" i
  [ -s "$p" ] || return 0
  kill "$(cat "$p")" 2>/dev/null
  for i in $(seq 50); do [ -e "$p" ] || break; sleep 0.1; done
  return 0
}

services_stop() {
  pg_stop
  redis_stop
  rm -rf "$SVC_DIR"
}
