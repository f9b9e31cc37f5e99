#!/usr/bin/env bash
# Kill-midway check for `recount reconcile` (SPEC §4: a killed run leaves either the previous
# reports or complete new ones, never half a file).
#
# Builds, generates a large input, writes "previous" reports (run A) and a reference for the
# new input (run B) — then, several times, restores A's reports into a scratch directory,
# starts run B into it and SIGKILLs it after a different delay. After each kill every report
# file under its real name must equal either A's or B's version byte for byte.
# Also checks `-` (standard input) gives the same reports as the file.
#
# usage: scripts/kill_midway_check.sh [records]      (default 200000)
set -euo pipefail
cd "$(dirname "$0")/.."
records=${1:-200000}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

swift build -c release -j 2 >/dev/null
bin=.build/release/recount

mkdir -p "$work/a" "$work/b"
cat > "$work/pricing.json" <<'JSON'
{"schema": "recount.pricing/1",
 "unit": {"name": "points", "currency": "USD", "per_currency": "1000", "scale": 0},
 "versions": [{"id": "v1", "effective_from": "2024-01-01T00:00:00Z", "rounding": "ceil",
   "models": {"m": {"input_per_1k": "1", "output_per_1k": "2"}}}]}
JSON
cp "$work/pricing.json" "$work/a/"; cp "$work/pricing.json" "$work/b/"
python3 - "$work" "$records" <<'PY'
import sys
work, n = sys.argv[1], int(sys.argv[2])
def line(i, amount):
    return ('{"id": "r%07d", "time": %d, "account": "acct%d", "model": "m", "key": "sk-test-%012dabcd",'
            ' "usage": {"prompt_tokens": %d, "completion_tokens": %d}, "billed": {"amount": "%d"}}\n'
            % (i, 1704844800 + i, i % 97, i, 10 + i % 7, 5 + i % 3, amount))
with open(f"{work}/a/log.jsonl", "w") as a, open(f"{work}/b/log.jsonl", "w") as b:
    for i in range(n // 10):
        a.write(line(i, 20))
    for i in range(n):
        b.write(line(i, 25 + i % 4))
PY

flags=(--jobs 2 --as-of 2024-02-01T00:00:00Z --all-rows)
"$bin" reconcile "$work/a" --out "$work/prev" "${flags[@]}" >/dev/null
start=$(date +%s.%N)
"$bin" reconcile "$work/b" --out "$work/ref" "${flags[@]}" >/dev/null
duration=$(echo "$(date +%s.%N) - $start" | bc)
echo "reference run: ${duration}s"
"$bin" reconcile - --pricing "$work/pricing.json" --out "$work/stdin" "${flags[@]}" < "$work/b/log.jsonl" >/dev/null
for f in "$work"/ref/*; do
    name=$(basename "$f")
    case "$name" in
        summary.json) continue ;;   # names the input path
        discrepancies.csv)          # its last column (source) is file:line, "-:line" for stdin
            cmp -s <(sed 's/,[^,]*$//' "$f") <(sed 's/,[^,]*$//' "$work/stdin/$name") \
                || { echo "FAIL: stdin and file give different $name"; exit 1; } ;;
        *) cmp -s "$f" "$work/stdin/$name" || { echo "FAIL: stdin and file give different $name"; exit 1; } ;;
    esac
done

failures=0
kills=0
# Delays spread over the run, dense near its end, where the reports are staged and renamed.
for fraction in 0.3 0.7 0.9 0.95 0.97 0.98 0.99 0.995 1.0 1.005 1.01 1.02 1.05; do
    delay=$(echo "$duration * $fraction" | bc -l)
    rm -rf "$work/out"; cp -r "$work/prev" "$work/out"
    "$bin" reconcile "$work/b" --out "$work/out" "${flags[@]}" >/dev/null 2>&1 &
    pid=$!
    sleep "$delay"
    if kill -KILL "$pid" 2>/dev/null; then kills=$((kills + 1)); state=killed; else state=finished; fi
    wait "$pid" 2>/dev/null || true
    new=0; old=0
    for f in "$work"/prev/*; do
        name=$(basename "$f")
        if cmp -s "$work/out/$name" "$work/ref/$name"; then new=$((new + 1))
        elif cmp -s "$work/out/$name" "$f"; then old=$((old + 1))
        else echo "FAIL (delay $delay, $state): $name is neither the previous nor the new version"; failures=$((failures + 1)); fi
    done
    # summary.json is renamed last: when it is new, every file must be new.
    if cmp -s "$work/out/summary.json" "$work/ref/summary.json" && [ "$old" -ne 0 ]; then
        echo "FAIL (delay $delay): summary.json is new but $old files are old"; failures=$((failures + 1))
    fi
    echo "delay ${delay}s: $state; $new new, $old previous; leftover temporaries: $(ls -A "$work/out" | grep -c '\.tmp-' || true)"
done
echo "$kills runs killed midway"
if [ "$failures" -ne 0 ]; then echo "FAILED: $failures"; exit 1; fi
echo "OK: every report file was the previous or the complete new version"
