#!/usr/bin/env bash
# Reading the gateway's database (issue 14) against the databases' own JSON exports.
#
#   benchmarks/gateway_db.sh [ROWS ...]    (default: 100000 1000000; run when the machine is quiet)
#
# For each size, fills a new-api `logs` table (the GORM definitions in
# Tests/Fixtures/gateway-schema/) in SQLite and in PostgreSQL (the server of
# scripts/db-servers.sh, started if needed) with ROWS rows, then times, with peak RSS:
#   - GatewayDB's reader (benchmarks/GatewayDBBench.swift) writing the rows as JSON lines;
#   - `sqlite3 -json` and `psql -At -c "SELECT row_to_json(l) FROM logs l"`, and
#     `psql -c "COPY (SELECT row_to_json(l) FROM logs l) TO STDOUT"` (which doubles backslashes,
#     so it is not a faithful export, but it is the usual one);
#   - `recount reconcile --gateway-db` (SQLite, PostgreSQL) against the two-step way: the
#     export to a JSONL file (`sqlite3 -json` turned into one row a line; `psql -At row_to_json`),
#     then `recount reconcile FILE`; the table gives each step and their sum;
#   - peak RSS of every step (getrusage of the child), so flatness from 100k to 1M shows.
# Writes benchmarks/RESULTS-gateway-db.md.
set -euo pipefail
cd "$(dirname "$0")/.."
SIZES=("${@:-100000 1000000}")
[ $# -gt 0 ] || SIZES=(100000 1000000)
WORK=${BENCH_DIR:-/tmp/recount-gwdb-bench}
mkdir -p "$WORK"
eval "$(scripts/db-servers.sh start </dev/null)"
export PGPASSWORD=$RECOUNT_TEST_DB_PASSWORD RECOUNT_DB_PASSWORD=$RECOUNT_TEST_DB_PASSWORD
PSQL=(psql -X -q -v ON_ERROR_STOP=1 "host=127.0.0.1 port=${RECOUNT_PG_PORT:-55432} user=recount dbname=recount_test")

swift build -c release --target GatewayDB >&2
swift build -c release --product recount >&2
BIN=$(swift build -c release --show-bin-path)
RECOUNT=$BIN/recount
# The rows' one model, priced as the rows say (ratio 1.25, completion ratio 4), from before the day.
printf '%s\n' '{"ModelRatio": "{\"gpt-4o\": 1.25}", "CompletionRatio": "{\"gpt-4o\": 4}", "GroupRatio": "{\"default\": 1}"}' > "$WORK/settings.json"
"$RECOUNT" prices import --settings "$WORK/settings.json" --out "$WORK/pricing.json" --effective-from 1699000000 >&2
WINDOW=(--from 2023-11-14T22:13:20Z --until 2023-11-15T22:13:20Z)
swiftc -O -parse-as-library benchmarks/GatewayDBBench.swift -I "$BIN/Modules" "$BIN"/GatewayDB.build/*.o -o "$BIN/gateway-db-bench"

# measure NAME CMD… : wall seconds and peak RSS (KiB) of CMD, its stdout to $WORK/NAME.out
measure() {
    local name=$1; shift
    python3 - "$WORK/$name.out" "$@" <<'PY'
import resource, subprocess, sys, time
out = open(sys.argv[1], "wb")
start = time.monotonic()
subprocess.run(sys.argv[2:], stdout=out, check=True)
seconds = time.monotonic() - start
rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(f"{seconds:.3f} {rss}")
PY
}

FROM=1700000000
ROWSQL="n, 1 + n % 500, $FROM + n % 86000, 2, 'model ratio 1.25, group ratio 1', 'user' || (n % 500), 'key' || (n % 50), 'gpt-4o', 1500 + n % 7, 1000 + n % 300, 50 + n % 90, n % 20, (n % 2), 1, NULL, 7, 'default', '', '{\"cache_tokens\":400,\"model_ratio\":1.25,\"group_ratio\":1,\"completion_ratio\":4,\"cache_ratio\":0.5,\"frt\":-1000}'"

{
echo "# Gateway database reads (benchmarks/gateway_db.sh)"
echo
echo "$(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'); other jobs may share the machine."
echo
echo "| rows | reader | seconds | rows/s | peak RSS MiB | output MB |"
echo "|---:|---|---:|---:|---:|---:|"
} > "$WORK/results.md"

row() { # rows name "seconds rss"
    local rows=$1 name=$2 seconds rss bytes
    read -r seconds rss <<<"$3"
    bytes=$(stat -c %s "$WORK/$name.out")
    printf '| %s | %s | %s | %s | %s | %s |\n' "$rows" "$name" "$seconds" \
        "$(python3 -c "print(round($rows / $seconds))")" "$(python3 -c "print(round($rss / 1024, 1))")" \
        "$(python3 -c "print(round($bytes / 1e6, 1))")" >> "$WORK/results.md"
}

sum_row() { # rows name "seconds rss" "seconds rss": the two steps one after the other (RSS: the larger)
    local rows=$1 name=$2 s1 r1 s2 r2
    read -r s1 r1 <<<"$3"; read -r s2 r2 <<<"$4"
    printf '| %s | %s | %s | %s | %s | |\n' "$rows" "$name" "$(python3 -c "print(round($s1 + $s2, 3))")" \
        "$(python3 -c "print(round($rows / ($s1 + $s2)))")" "$(python3 -c "print(round(max($r1, $r2) / 1024, 1))")" >> "$WORK/results.md"
}

for N in "${SIZES[@]}"; do
    echo "== $N rows" >&2
    DB=$WORK/new-api-$N.db
    if [ ! -s "$DB" ]; then
        rm -f "$DB"
        { cat Tests/Fixtures/gateway-schema/new-api.sqlite.sql
          echo "PRAGMA journal_mode=WAL;"
          echo "WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < $N)"
          echo "INSERT INTO logs SELECT $ROWSQL FROM s;"; } | sqlite3 "$DB" >/dev/null
    fi
    SCHEMA=bench_$N
    if ! "${PSQL[@]}" -Atc "SELECT count(*) FROM $SCHEMA.logs" 2>/dev/null | grep -qx "$N"; then
        { echo "DROP SCHEMA IF EXISTS $SCHEMA CASCADE; CREATE SCHEMA $SCHEMA; SET search_path = $SCHEMA;"
          cat Tests/Fixtures/gateway-schema/new-api.postgres.sql
          echo "INSERT INTO logs SELECT ${ROWSQL//(n % 2)/(n % 2 = 1)} FROM generate_series(1, $N) n; ANALYZE logs;"; } | "${PSQL[@]}" >/dev/null
    fi
    row "$N" "GatewayDB sqlite" "$(measure "GatewayDB sqlite" "$BIN/gateway-db-bench" "sqlite:$DB")"
    row "$N" "sqlite3 -json" "$(measure "sqlite3 -json" sqlite3 -json "$DB" "SELECT * FROM logs ORDER BY id")"
    row "$N" "GatewayDB postgres" "$(measure "GatewayDB postgres" "$BIN/gateway-db-bench" \
        "postgres://recount@127.0.0.1:${RECOUNT_PG_PORT:-55432}/recount_test?options=-csearch_path%3D$SCHEMA")"
    pg_export=$(measure "psql -At row_to_json" "${PSQL[@]}" -At -c "SET search_path = $SCHEMA" \
        -c "SELECT row_to_json(l) FROM logs l ORDER BY id")
    row "$N" "psql -At row_to_json" "$pg_export"
    row "$N" "psql COPY row_to_json" "$(measure "psql COPY row_to_json" "${PSQL[@]}" \
        -c "COPY (SELECT row_to_json(l) FROM $SCHEMA.logs l ORDER BY id) TO STDOUT")"
    # The database reader's lines are the export's lines, but for the boolean (0/1, not true/false).
    sed -e 's/"is_stream":true,/"is_stream":1,/' -e 's/"is_stream":false,/"is_stream":0,/' "$WORK/psql -At row_to_json.out" \
        | cmp -s "$WORK/GatewayDB postgres.out" - || echo "WARNING: postgres lines differ from psql's" >&2

    # Reconcile: from the database, and export-then-file.
    row "$N" "reconcile --gateway-db sqlite" "$(measure "reconcile --gateway-db sqlite" "$RECOUNT" reconcile --gateway-db "sqlite:$DB" \
        --pricing "$WORK/pricing.json" "${WINDOW[@]}" --out "$WORK/r-db-sqlite-$N" --jobs 2)"
    sqlite_export=$(measure "export sqlite3 -json → JSONL" sh -c \
        "sqlite3 -json '$DB' 'SELECT * FROM logs ORDER BY id' | sed -e '1s/^\\[//' -e 's/},\$/}/' -e '\$s/]\$//'")
    row "$N" "export sqlite3 -json → JSONL" "$sqlite_export"
    cp "$WORK/export sqlite3 -json → JSONL.out" "$WORK/sqlite-$N.jsonl"
    sqlite_file=$(measure "reconcile sqlite JSONL file" "$RECOUNT" reconcile "$WORK/sqlite-$N.jsonl" \
        --pricing "$WORK/pricing.json" "${WINDOW[@]}" --out "$WORK/r-file-sqlite-$N" --jobs 2)
    row "$N" "reconcile sqlite JSONL file" "$sqlite_file"
    sum_row "$N" "= sqlite export + reconcile file" "$sqlite_export" "$sqlite_file"
    row "$N" "reconcile --gateway-db postgres" "$(measure "reconcile --gateway-db postgres" "$RECOUNT" reconcile \
        --gateway-db "postgres://recount@127.0.0.1:${RECOUNT_PG_PORT:-55432}/recount_test?options=-csearch_path%3D$SCHEMA" \
        --pricing "$WORK/pricing.json" "${WINDOW[@]}" --out "$WORK/r-db-pg-$N" --jobs 2)"
    cp "$WORK/psql -At row_to_json.out" "$WORK/pg-$N.jsonl"
    pg_file=$(measure "reconcile postgres JSONL file" "$RECOUNT" reconcile "$WORK/pg-$N.jsonl" \
        --pricing "$WORK/pricing.json" "${WINDOW[@]}" --out "$WORK/r-file-pg-$N" --jobs 2)
    row "$N" "reconcile postgres JSONL file" "$pg_file"
    sum_row "$N" "= psql export + reconcile file" "$pg_export" "$pg_file"
    # The same findings either way (only the source's name differs).
    for pair in "r-db-sqlite-$N r-file-sqlite-$N" "r-db-pg-$N r-file-pg-$N"; do
        set -- $pair
        cmp -s "$WORK/$1/accounts.csv" "$WORK/$2/accounts.csv" && cmp -s "$WORK/$1/daily.csv" "$WORK/$2/daily.csv" \
            || echo "WARNING: $1 and $2 disagree" >&2
    done
done
echo >> "$WORK/results.md"
echo "Load while running: $(uptime | sed 's/^ *//')" >> "$WORK/results.md"
cp "$WORK/results.md" benchmarks/RESULTS-gateway-db.md
cat benchmarks/RESULTS-gateway-db.md
