#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the PostgreSQL tests: initdb into a new temporary folder, postgres
# listening on a Unix socket in that folder only (no TCP port), trust authentication, fsync off (it is thrown
# away). Prints the URL to export as PORTICO_TEST_POSTGRES; `cluster.sh stop FOLDER` stops it and removes it.
#   eval "$(test/postgres/cluster.sh)"   # sets PORTICO_TEST_POSTGRES and PORTICO_TEST_POSTGRES_DIR
#   npm test; test/postgres/cluster.sh stop "$PORTICO_TEST_POSTGRES_DIR"
# `cluster.sh crash FOLDER` stops the server at once (as a power cut would) and `cluster.sh restart FOLDER`
# starts it again on the same data: the fault tests.
set -euo pipefail

bin=${PG_BIN:-}
if [ -z "$bin" ]; then
  if command -v pg_ctl >/dev/null 2>&1; then bin=$(dirname "$(command -v pg_ctl)")
  else bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
  fi
fi
[ -x "$bin/initdb" ] || { echo "cluster.sh: no PostgreSQL server binaries (install Debian's postgresql, or set PG_BIN)" >&2; exit 1; }

# PostgreSQL refuses to run as root: then the cluster belongs to the package's postgres user (or nobody).
as=()
if [ "$(id -u)" = 0 ]; then
  user=postgres
  id -u postgres >/dev/null 2>&1 || user=nobody
  as=(runuser -u "$user" --)
fi

# A commit is flushed to the WAL before it returns only with synchronous_commit on: the fault tests crash
# PostgreSQL (not the machine, so fsync may stay off) and set PORTICO_PG_DURABLE=1 to keep what it acknowledged.
# PORTICO_PG_OPTIONS (e.g. "-c fsync=on") comes last and so overrides these: the benchmark's honest settings.
start_server() {
  local commit=off
  [ "${PORTICO_PG_DURABLE:-}" = 1 ] && commit=on
  "${as[@]}" "$bin/pg_ctl" -D "$1/data" -l "$1/postgres.log" -w -o "-c listen_addresses='' -k $1 -c fsync=off -c synchronous_commit=$commit -c full_page_writes=off -c max_connections=300 ${PORTICO_PG_OPTIONS:-}" start >/dev/null \
    || { cat "$1/postgres.log" >&2; exit 1; }
}

case "${1:-}" in
  stop|crash|restart)
    dir=${2:?usage: cluster.sh stop|crash|restart FOLDER}
    if [ "$1" = restart ]; then start_server "$dir"; exit 0; fi
    "${as[@]}" "$bin/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
    [ "$1" = crash ] || rm -rf "$dir"
    exit 0
    ;;
esac

dir=$(mktemp -d /tmp/portico-pg-XXXXXX)
chmod 755 "$dir"
[ ${#as[@]} -eq 0 ] || chown "$user" "$dir"
"${as[@]}" "$bin/initdb" -D "$dir/data" -U portico -A trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
  || { cat "$dir/initdb.log" >&2; exit 1; }
start_server "$dir"
echo "export PORTICO_TEST_POSTGRES='postgres://portico@/postgres?host=$dir'"
echo "export PORTICO_TEST_POSTGRES_DIR='$dir'"
