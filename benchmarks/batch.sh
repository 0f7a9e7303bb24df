#!/usr/bin/env bash
# The 本算定 batch benchmark: for each population size, generates the insured, times `kokuho reassess`
# file-to-file and PostgreSQL-to-PostgreSQL end to end (wall time, households/s, peak memory), and, from
# the same run and database, the I/O floors — for files the benchmarks' `floor` mode (read the same file,
# parse every token with Utf8JsonReader, write a line of the results' average length per household, same
# threads), for PostgreSQL a bare binary COPY of the same rows out and in — with `file÷floor` beside
# `PG÷COPY`, the fixed cost of a run (one household), the bytes the file run allocated per household (its KOKUHO_DIAG=1 gc figure ÷ households:
# the whole process, start-up included, in whole MB), and the rule evaluation the naive way
# (RulesEngine.ExecuteAllRulesAsync) on a sample of the same households.
#
#   benchmarks/batch.sh                      # 100k and 1M insured (a throwaway PostgreSQL is started)
#   SIZES="100000" benchmarks/batch.sh       # one size
#   KOKUHO_BENCH_DB="Host=...;Database=..." benchmarks/batch.sh   # an existing (empty, scratch) database
#
# Needs the .NET 10 SDK, /usr/bin/time, psql, and the Debian package postgresql unless KOKUHO_BENCH_DB is
# set. Writes under $WORK (default /tmp/kokuho-bench) and prints a Markdown table for benchmarks/README.md.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
sizes=${SIZES:-"100000 1000000"}
work=${WORK:-/tmp/kokuho-bench}
threads=${THREADS:-$(nproc)}
insurer=amagasaki
fy=2025
sample=${SAMPLE:-2000}
mkdir -p "$work"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

echo "# building (Release; the CLI self-contained, ReadyToRun composite)" >&2
rid=$(dotnet --info | awk '/^ RID:/ {print $2; exit}')
# Composite ReadyToRun: the runtime, the framework and the application precompiled as one version bubble, so the
# generic instantiations across them (Dictionary<string,int>, the async builders of Npgsql…) are not JIT-compiled at
# every start — the fixed cost of a run (issue 17 item 4; see benchmarks/README.md, session 11). About 4 CPU-minutes
# to publish and 124 MB. Falls back to a framework-dependent ReadyToRun publish, then to a plain one.
rm -rf "$work/cli"
if ! dotnet publish src/Cli -c Release -r "$rid" --self-contained true -p:PublishReadyToRun=true -p:PublishReadyToRunComposite=true -o "$work/cli" >"$work/publish.log" 2>&1; then
  echo "# composite ReadyToRun publish failed (see $work/publish.log); publishing framework-dependent ReadyToRun" >&2
  rm -rf "$work/cli"
  if ! dotnet publish src/Cli -c Release -r "$rid" --self-contained false -p:PublishReadyToRun=true -o "$work/cli" >"$work/publish.log" 2>&1; then
    echo "# ReadyToRun publish failed (see $work/publish.log); publishing without it" >&2
    rm -rf "$work/cli"
    dotnet publish src/Cli -c Release -r "$rid" --self-contained false -o "$work/cli" >"$work/publish.log" 2>&1
  fi
fi
dotnet build -c Release benchmarks/KokuhoRules.Benchmarks >"$work/build-bench.log" 2>&1
# The application host (both a self-contained and a framework-dependent publish have one).
kokuho() { "$work/cli/kokuho" "$@"; }
bench_dll=benchmarks/KokuhoRules.Benchmarks/bin/Release/net10.0/KokuhoRules.Benchmarks.dll

if [ -z "${KOKUHO_BENCH_DB:-}" ]; then
  KOKUHO_BENCH_DB=$(scripts/pg-throwaway.sh start "$work/pg" "${PG_PORT:-55433}" | tail -n 1)
  trap 'scripts/pg-throwaway.sh stop "$work/pg"' EXIT
fi
db=$KOKUHO_BENCH_DB
# psql's view of the same connection string (Host=..;Port=..;Username=..;Database=..).
pg_arg() { tr ';' '\n' <<<"$db" | awk -F= -v k="$1" 'tolower($1)==tolower(k) {print $2}'; }
psql_db() { PGPASSWORD=$(pg_arg Password) psql -X -q -v ON_ERROR_STOP=1 -h "$(pg_arg Host)" -p "$(pg_arg Port)" -U "$(pg_arg Username)" -d "$(pg_arg Database)" "$@"; }

now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }
# Runs a command under /usr/bin/time; sets WALL (s) and RSS (MB).
timed() {
  /usr/bin/time -f "%e %M" -o "$work/time.txt" "$@"
  read -r WALL rss_kb <"$work/time.txt"
  RSS=$((rss_kb / 1024))
}

{
  echo "| insured | households | file→file | households/s | peak RSS | PG→PG | households/s | peak RSS | COPY out | COPY in | COPY out+in | PG÷COPY | COPY out (4 tables) | file floor | file÷floor | allocated/household (file) | fixed cost (1 household) | fixed cost PG (1 household) | load (COPY in) |"
  echo "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
} >"$work/table.md"

for n in $sizes; do
  pop="$work/pop-$n.jsonl"
  echo "# $n insured: generating" >&2
  [ -s "$pop" ] || kokuho generate --insured "$n" --seed 1 --fiscal-year $fy --out "$pop" >&2
  households=$(wc -l <"$pop")

  echo "# $n: file to file" >&2
  sync
  KOKUHO_DIAG=1 timed "$work/cli/kokuho" reassess --insurer $insurer --fiscal-year $fy --in "$pop" --out "$work/res-$n.jsonl" --threads "$threads" >"$work/file-$n.txt" 2>"$work/file-$n.err"
  file_wall=$WALL file_rss=$RSS
  cat "$work/file-$n.txt" >&2
  # The gc line (src/Cli/Batch.cs): "... allocated <MB> MB; ..." — the whole process, in whole MB.
  alloc_mb=$(sed -n 's/^gc: .* allocated \([0-9]*\) MB;.*/\1/p' "$work/file-$n.err" | tail -n 1)
  [ -n "$alloc_mb" ] || { echo "# no gc line in $work/file-$n.err (KOKUHO_DIAG=1)" >&2; exit 1; }
  alloc_per=$(awk -v mb="$alloc_mb" -v h="$households" 'BEGIN { printf "%\047d B", mb * 1000000 / h }')

  echo "# $n: the fixed cost of a run: one household (process start, rule-set loading and compilation, JIT, the files' renaming)" >&2
  head -n 1 "$pop" >"$work/one-$n.jsonl"
  timed "$work/cli/kokuho" reassess --insurer $insurer --fiscal-year $fy --in "$work/one-$n.jsonl" --out "$work/one-$n.out.jsonl" --threads "$threads" >/dev/null 2>"$work/one-$n.err"
  fixed_wall=$WALL

  echo "# $n: the file floor (read, parse every token, write a line of the results' average length per household)" >&2
  line_bytes=$(awk -v b="$(wc -c <"$work/res-$n.jsonl")" -v l="$(wc -l <"$work/res-$n.jsonl")" 'BEGIN { printf "%d", b / l + 0.5 }')
  sync
  timed dotnet "$bench_dll" floor --in "$pop" --out "$work/floor-$n.out" --line-bytes "$line_bytes" --threads "$threads" >"$work/floor-$n.txt"
  floor_wall=$WALL
  cat "$work/floor-$n.txt" >&2
  rm -f "$work/floor-$n.out"

  echo "# $n: loading into PostgreSQL" >&2
  t0=$(now); kokuho load --db "$db" --insurer $insurer --fiscal-year $fy --in "$pop" >&2; t1=$(now)
  load=$(secs "$t0" "$t1")
  psql_db -c "VACUUM ANALYZE" >/dev/null

  echo "# $n: PostgreSQL to PostgreSQL" >&2
  timed "$work/cli/kokuho" reassess --db "$db" --insurer $insurer --fiscal-year $fy --threads "$threads" >"$work/db-$n.txt" 2>"$work/db-$n.err"
  db_wall=$WALL db_rss=$RSS
  cat "$work/db-$n.txt" >&2
  run=$(psql_db -Atc "SELECT max(run_id) FROM assessment_runs")

  echo "# $n: bare COPY of the same rows out (the household documents the run read) and in (the results it wrote)" >&2
  key="insurer_id = '$insurer' AND fiscal_year = $fy"
  t0=$(now)
  psql_db -c "COPY (SELECT household_seq, document FROM households WHERE $key ORDER BY household_seq) TO STDOUT (FORMAT binary)" >/dev/null
  t1=$(now)
  copy_out=$(secs "$t0" "$t1")
  # The four tables the run read before issue 17 (households, members, coverage periods, incomes): the yardstick of earlier figures.
  t0=$(now)
  for table in households members coverage_periods incomes; do
    psql_db -c "COPY (SELECT * FROM $table WHERE $key) TO STDOUT (FORMAT binary)" >/dev/null
  done
  t1=$(now)
  copy_out4=$(secs "$t0" "$t1")
  psql_db -c "\\copy (SELECT * FROM assessment_results WHERE run_id = $run) TO '$work/results-$n.bin' WITH (FORMAT binary)"
  psql_db -c "DROP TABLE IF EXISTS floor_results; CREATE TABLE floor_results (LIKE assessment_results INCLUDING ALL)"
  t0=$(now)
  psql_db -c "\\copy floor_results FROM '$work/results-$n.bin' WITH (FORMAT binary)"
  t1=$(now)
  copy_in=$(secs "$t0" "$t1")
  psql_db -c "DROP TABLE floor_results"
  copy_both=$(awk -v a="$copy_out" -v b="$copy_in" 'BEGIN { printf "%.2f", a + b }')

  echo "# $n: the fixed cost of a database run: one household in a database of its own (connections, migrations check, the run's rows, claims)" >&2
  db_one=$(sed 's/Database=[^;]*/Database=kokuho_fixed/' <<<"$db")
  psql_db -c "DROP DATABASE IF EXISTS kokuho_fixed" -c "CREATE DATABASE kokuho_fixed" >/dev/null
  kokuho load --db "$db_one" --insurer $insurer --fiscal-year $fy --in "$work/one-$n.jsonl" >/dev/null
  timed "$work/cli/kokuho" reassess --db "$db_one" --insurer $insurer --fiscal-year $fy --threads "$threads" >/dev/null 2>"$work/one-db-$n.err"
  fixed_db_wall=$WALL
  psql_db -c "DROP DATABASE kokuho_fixed" >/dev/null

  rate() { awk -v h="$households" -v s="$1" 'BEGIN { printf "%\047d", h / s }'; }
  ratio=$(awk -v a="$db_wall" -v b="$copy_both" 'BEGIN { printf "%.2f", a / b }')
  file_ratio=$(awk -v a="$file_wall" -v b="$floor_wall" 'BEGIN { printf "%.2f", a / b }')
  echo "| $(printf "%'d" "$n") | $(printf "%'d" "$households") | ${file_wall} s | $(rate "$file_wall") | ${file_rss} MB | ${db_wall} s | $(rate "$db_wall") | ${db_rss} MB | ${copy_out} s | ${copy_in} s | ${copy_both} s | ${ratio}× | ${copy_out4} s | ${floor_wall} s | ${file_ratio}× | ${alloc_per} | ${fixed_wall} s | ${fixed_db_wall} s | ${load} s |" >>"$work/table.md"
done

echo "# rule evaluation on the first $sample households of the last population (one thread)" >&2
dotnet "$bench_dll" sample --in "$pop" --households "$sample" --insurer $insurer --fiscal-year $fy | tee "$work/sample.txt" >&2

echo
echo "Machine: $(lscpu | awk -F: '/Model name/ {gsub(/^ +/, "", $2); print $2; exit}'), $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(. /etc/os-release; echo "$PRETTY_NAME"), .NET $(dotnet --version), $(psql --version | awk '{print $1, $3}'); threads $threads; $(date -u +%F)"
echo
cat "$work/table.md"
echo
echo "Rule evaluation ($(cat "$work/sample.txt"))"
