#!/usr/bin/env bash
# The API load benchmark: starts the API (Release build, Production environment, logging at Warning) on a
# free loopback port, waits for GET /health, then runs `KokuhoRules.Benchmarks load` against
# POST /v1/premium/assessments for each number of clients, without and with the trace; stops the API on exit
# (whatever happens) and prints a Markdown table for benchmarks/README.md. Before the measured runs the API is
# warmed up for SERVER_WARMUP with and again without the trace (discarded): tiered compilation and dynamic
# PGO keep re-compiling the hot paths for tens of seconds on 2 busy cores, and a run during that measures the
# JIT. Loopback only; bounded in time (each run is its warm-up plus its duration, killed after LIMIT seconds;
# about 2½ minutes in all with the defaults, the build included).
#
#   benchmarks/load.sh                                   # 16 and 64 clients, trace=false and trace=true, 15 s each
#   CLIENTS="32" TRACES="false" DURATION=30s benchmarks/load.sh
#
# Needs the .NET 10 SDK, curl and /usr/bin/time. Writes under $WORK (default /tmp/kokuho-load). The last column
# is the CPU that other processes took during the run: on a shared machine, a run with much of it is not a
# figure of the API.
set -euo pipefail
cd "$(dirname "$0")/.."
work=${WORK:-/tmp/kokuho-load}
clients_list=${CLIENTS:-"16 64"}
traces=${TRACES:-"false true"}
duration=${DURATION:-15s}
warmup=${WARMUP:-3s}
server_warmup=${SERVER_WARMUP:-15s}
households=${HOUSEHOLDS:-2000}
limit=${LIMIT:-120}
mkdir -p "$work"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
log() { echo "# $(date +%T) $*" >&2; }

log "building (Release)"
dotnet build -c Release src/Api >"$work/build-api.log" 2>&1 || { cat "$work/build-api.log" >&2; exit 1; }
dotnet build -c Release benchmarks/KokuhoRules.Benchmarks >"$work/build-bench.log" 2>&1 || { cat "$work/build-bench.log" >&2; exit 1; }
api_dll=src/Api/bin/Release/net10.0/KokuhoRules.Api.dll
bench_dll=benchmarks/KokuhoRules.Benchmarks/bin/Release/net10.0/KokuhoRules.Benchmarks.dll

# Port 0: the kernel picks a free port; Kestrel logs it (the host's lifetime messages are kept at Information).
log "starting the API"
# The embedded default: the local development key, the audit log in a local file (fsync per batch) in $work
# (KOKUHO_LOAD_AUDIT_DIR=/dev/shm/… puts it on tmpfs, where fsync costs nothing: the cost of the disk write).
Audit__Directory="${KOKUHO_LOAD_AUDIT_DIR:-$work/audit}" ASPNETCORE_ENVIRONMENT=Production dotnet "$api_dll" --urls http://127.0.0.1:0 \
  --Logging:LogLevel:Default=Warning --Logging:LogLevel:Microsoft.Hosting.Lifetime=Information >"$work/api.log" 2>&1 &
api_pid=$!
stop_api() {
  if kill -0 "$api_pid" 2>/dev/null; then
    kill "$api_pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$api_pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$api_pid" 2>/dev/null || true
  fi
  wait "$api_pid" 2>/dev/null || true
}
trap stop_api EXIT
trap 'exit 130' INT TERM

url=
for _ in $(seq 300); do
  kill -0 "$api_pid" 2>/dev/null || { cat "$work/api.log" >&2; log "the API exited"; exit 1; }
  url=$(grep -o 'Now listening on: http://127\.0\.0\.1:[0-9]*' "$work/api.log" | head -n 1 | sed 's/^Now listening on: //') || true
  [ -n "$url" ] && curl -fsS --max-time 2 "$url/health" >"$work/health.json" 2>/dev/null && break
  url=
  sleep 0.1
done
[ -n "$url" ] || { cat "$work/api.log" >&2; log "the API did not answer GET /health within 30 s"; exit 1; }
log "API at $url (pid $api_pid): $(cat "$work/health.json")"

tck=$(getconf CLK_TCK)
# CPU seconds (user + system) the API process has used so far.
api_cpu() { awk -v t="$tck" '{ sub(/^.*\) /, ""); printf "%.3f", ($12 + $13) / t }' "/proc/$api_pid/stat"; }
# CPU seconds the whole machine has been busy (user, nice, system, irq, softirq; not idle, iowait or steal).
busy_cpu() { awk -v t="$tck" '/^cpu / { printf "%.3f", ($2 + $3 + $4 + $7 + $8) / t; exit }' /proc/stat; }
kv() { tr ' ' '\n' <<<"$1" | awk -F= -v k="$2" '$1 == k { print $2 }'; }

for trace in true false; do
  log "warming the API up: 64 clients, trace=$trace, $server_warmup (not measured)"
  timeout "$limit" dotnet "$bench_dll" load --url "$url" --clients 64 --duration "$server_warmup" --warmup 0 \
    --households "$households" --trace "$trace" >"$work/server-warmup-$trace.txt" || { cat "$work/server-warmup-$trace.txt" >&2; log "FAILED during the warm-up"; exit 1; }
done

{
  echo "| clients | trace | requests | req/s | p50 | p90 | p99 | max | errors | API CPU per request | client CPU per request | other processes |"
  echo "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
} >"$work/table.md"
failed=0
for trace in $traces; do
  for clients in $clients_list; do
    log "$clients clients, trace=$trace: $warmup warm-up, $duration measured"
    before=$(api_cpu) busy_before=$(busy_cpu) t0=$(date +%s.%N)
    status=0
    /usr/bin/time -f "%U %S" -o "$work/client-time.txt" timeout "$limit" dotnet "$bench_dll" load --url "$url" --clients "$clients" --duration "$duration" --warmup "$warmup" \
      --households "$households" --trace "$trace" >"$work/load-$clients-$trace.txt" || status=$?
    after=$(api_cpu) busy_after=$(busy_cpu) t1=$(date +%s.%N)
    line=$(cat "$work/load-$clients-$trace.txt")
    echo "$line" >&2
    if [ "$status" -ne 0 ] || [ -z "$line" ]; then failed=1; log "FAILED (exit $status)"; continue; fi
    # The API's CPU over the warm-up and the measured phase, per request of both; the client's over the measured phase.
    total=$(( $(kv "$line" requests) + $(kv "$line" warmup_requests) ))
    api_us=$(awk -v a="$before" -v b="$after" -v n="$total" 'BEGIN { printf "%.0f", (b - a) * 1e6 / n }')
    client_us=$(awk -v c="$(kv "$line" process_cpu_s)" -v n="$(kv "$line" requests)" 'BEGIN { printf "%.0f", c * 1e6 / n }')
    # Busy CPU of the machine not used by the API or the client process, as cores over the run.
    other=$(awk -v b0="$busy_before" -v b1="$busy_after" -v a0="$before" -v a1="$after" -v t0="$t0" -v t1="$t1" -v c="$(tail -n 1 "$work/client-time.txt" | awk '{ print $1 + $2 }')" \
      'BEGIN { o = (b1 - b0) - (a1 - a0) - c; if (o < 0) o = 0; printf "%.2f", o / (t1 - t0) }')
    printf '| %s | %s | %s | %s | %s ms | %s ms | %s ms | %s ms | %s | %s µs | %s µs | %s cores |\n' \
      "$clients" "$trace" "$(printf "%'d" "$(kv "$line" requests)")" "$(printf "%'d" "$(kv "$line" throughput_rps)")" \
      "$(kv "$line" p50_ms)" "$(kv "$line" p90_ms)" "$(kv "$line" p99_ms)" "$(kv "$line" max_ms)" "$(kv "$line" errors)" \
      "$api_us" "$client_us" "$other" >>"$work/table.md"
  done
done

echo
echo "Machine: $(lscpu | awk -F: '/Model name/ {gsub(/^ +/, "", $2); print $2; exit}'), $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(. /etc/os-release; echo "$PRETTY_NAME"), .NET $(dotnet --version); API and client on the same machine; $households households, $warmup warm-up, $duration per run; $(date -u +%F)"
echo
cat "$work/table.md"
exit "$failed"
