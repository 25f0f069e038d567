#!/usr/bin/env bash
# Start a throwaway PostgreSQL server for tests on a local port and print its URL.
# Installs Debian's postgresql package when it is missing (needs root, as in CI).
# Usage: eval "$(scripts/start-postgres.sh)"   -> exports SHUKKO_TEST_DATABASE_URL
set -euo pipefail

PORT="${SHUKKO_PG_PORT:-54329}"
DATA="${SHUKKO_PG_DATA:-/tmp/shukko-pg-$PORT}"

bindir() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1; }

if [ -z "$(bindir)" ]; then
  echo "installing PostgreSQL from Debian's packages..." >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq postgresql >&2
fi
BIN="$(bindir)"

as_postgres() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

if ! as_postgres "$BIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1; then
  rm -rf "$DATA"
  mkdir -p "$DATA"
  [ "$(id -u)" = 0 ] && chown postgres:postgres "$DATA"
  as_postgres "$BIN/initdb" -D "$DATA" -U shukko --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
  as_postgres "$BIN/pg_ctl" -D "$DATA" -o "-p $PORT -k /tmp -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200" \
    -l "$DATA/server.log" -w start >/dev/null
fi
echo "export SHUKKO_TEST_DATABASE_URL=postgresql+psycopg://shukko@127.0.0.1:$PORT/postgres"
