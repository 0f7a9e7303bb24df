#!/usr/bin/env bash
# A throwaway PostgreSQL cluster on a loopback port, for tests and benchmarks.
#   scripts/pg-throwaway.sh start [DIR] [PORT]   → starts the cluster in DIR (running: left as is; stopped: started
#                                                  again, its data kept; absent or an empty folder: initialised);
#                                                  prints the connection string on stdout
#   scripts/pg-throwaway.sh init  [DIR] [PORT]   → wipes DIR (stopping its server) and initialises a new cluster
#   scripts/pg-throwaway.sh stop  [DIR]
# Only init deletes anything; start refuses a folder that holds something other than a cluster.
# Needs the Debian package "postgresql" (initdb/pg_ctl under /usr/lib/postgresql/<v>/bin). As root, the
# cluster runs as the "postgres" user. Nothing outside DIR is touched; the cluster trusts local connections.
set -euo pipefail
cmd=${1:-start}
dir=${2:-/tmp/kokuho-pg}
port=${3:-55432}
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -n "$bin" ] || { echo "pg-throwaway: PostgreSQL server binaries not found (apt-get install postgresql)" >&2; exit 3; }
as_pg() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
running() { [ -f "$dir/data/postmaster.pid" ] && as_pg "$bin/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; }
start_server() {
  as_pg "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -o "-p $port" -w -t 60 start >/dev/null
}
initialise() {
  mkdir -p "$dir"
  [ "$(id -u)" = 0 ] && chown postgres: "$dir"
  as_pg "$bin/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1
  cat >>"$dir/data/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$dir'
fsync = off
synchronous_commit = off
full_page_writes = off
shared_buffers = 256MB
max_wal_size = 4GB
max_connections = 50
CONF
  start_server
  as_pg "$bin/psql" -h 127.0.0.1 -p "$port" -U postgres -d postgres -qc "CREATE DATABASE kokuho" >/dev/null
}
case "$cmd" in
  start)
    if running; then
      port=$(as_pg "$bin/psql" -h "$dir" -U postgres -d postgres -Atqc "SHOW port" 2>/dev/null || echo "$port")
    elif [ -f "$dir/data/PG_VERSION" ]; then
      start_server   # stopped (or crashed): the same cluster, its data kept
    elif [ ! -e "$dir" ] || [ -z "$(ls -A "$dir")" ]; then
      initialise
    else
      echo "pg-throwaway: $dir holds something that is not a cluster; nothing was deleted (use 'init' to wipe it and start afresh)" >&2
      exit 4
    fi
    echo "Host=127.0.0.1;Port=$port;Username=postgres;Database=kokuho;Pooling=true"
    ;;
  init)
    if running; then as_pg "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true; fi
    rm -rf "$dir"
    initialise
    echo "Host=127.0.0.1;Port=$port;Username=postgres;Database=kokuho;Pooling=true"
    ;;
  stop)
    [ -d "$dir/data" ] && as_pg "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
    ;;
  *) echo "usage: $0 start|init|stop [DIR] [PORT]" >&2; exit 2 ;;
esac
