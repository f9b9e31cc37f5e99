#!/usr/bin/env bash
# `recount reconcile` at scale: a generated day of 100k and 1M records, against the
# straightforward Python + tiktoken script an operator would otherwise write
# (benchmarks/reconcile_peer.py), and against the same script on every core with orjson
# (benchmarks/reconcile_peer_mp.py, the stronger peer).
#
#   benchmarks/scale.sh [--profile realistic|classic] [--runs N] [--runs-1m N] [--peer-1m] [--regenerate] [--skip-1m]
#                       [--baseline BIN]
#
#   --profile P     the generated day (default realistic: texts that rarely repeat, 2–8 KB lines,
#                   a third CJK, a quarter streamed, tools on a fifth — README "recount sample";
#                   classic: the original ~2 KB lines from small text pools, which flatter the
#                   counter's piece cache)
#   --runs N        runs per --jobs value, and of the Python peer, on the 100k set (default 3)
#   --runs-1m N     reconcile runs per --jobs value on the 1M set (default 1)
#   --peer-1m       also run the Python peers on the 1M set (about 5–10 minutes each; one run)
#   --regenerate    regenerate the data even when the cache holds it
#   --skip-1m       only the 100k set (a quick look; the targets need the 1M figures)
#   --baseline BIN  also time an older recount binary, alternating with this build run by run
#                   (old, new, old, new, … at each --jobs value), so both meet the same
#                   machine; the table gains its rows and the new/old ratio of the medians
#
# Data is cached outside the repository in ${RECOUNT_BENCH_DIR:-/tmp/recount-bench}
# (`recount sample --profile P --records N --seed 1`: about 4 GB for 1M realistic, 2.1 GB classic;
# one directory per profile and size); a cached set is reused when its sample.json names the same
# records and seed and the generator's sources have not changed. Only the day's top-level logs
# are reconciled (the realistic profile's gateway/ part is not part of the benchmark).
# The Python peers run as many times as recount on the 100k set (median). Reconcile runs wait (up to IDLE_WAIT s, default 300) for both cores to be ≥ 85% idle, and the
# idle share found is recorded. Wall time and peak RSS come from `/usr/bin/time -f '%e %M'`;
# records/s = generated records / wall s; MB/s = log bytes (the *.jsonl logs, 10^6) / wall s.
# Python: tiktoken 0.14.0 (pip-installed into .venv if missing), RAYON_NUM_THREADS=1; the
# stronger peer also needs orjson (pip-installed into .venv if missing).
# Writes benchmarks/RESULTS-scale.md (and prints it); raw rows in $DIR/scale-results.jsonl.
set -euo pipefail
cd "$(dirname "$0")/.."

RUNS=3; RUNS_1M=1; PEER_1M=0; REGENERATE=0; SKIP_1M=0; PROFILE=realistic; BASELINE=
while [ $# -gt 0 ]; do
    case "$1" in
        --profile) PROFILE="$2"; shift 2
            case "$PROFILE" in realistic|classic) ;; *) echo "$0: --profile takes realistic or classic" >&2; exit 64 ;; esac ;;
        --runs) RUNS="$2"; shift 2 ;;
        --runs-1m) RUNS_1M="$2"; shift 2 ;;
        --peer-1m) PEER_1M=1; shift ;;
        --regenerate) REGENERATE=1; shift ;;
        --skip-1m) SKIP_1M=1; shift ;;
        --baseline) BASELINE="$2"; shift 2
            [ -x "$BASELINE" ] || { echo "$0: --baseline $BASELINE is not an executable" >&2; exit 66; } ;;
        *) echo "usage: $0 [--profile realistic|classic] [--runs N] [--runs-1m N] [--peer-1m] [--regenerate] [--skip-1m] [--baseline BIN]" >&2; exit 64 ;;
    esac
done
DIR="${RECOUNT_BENCH_DIR:-/tmp/recount-bench}"
SEED=1
mkdir -p "$DIR"
RAW="$DIR/scale-results.jsonl"
: > "$RAW"

. benchmarks/common.sh  # $PYTHON, idle_percent, wait_for_idle
if ! "$PYTHON" -c 'import orjson' 2>/dev/null; then
    [ -x .venv/bin/python ] || python3 -m venv .venv
    .venv/bin/pip install -q tiktoken==0.14.0 orjson
    PYTHON=.venv/bin/python
fi
CORES=$(nproc)

echo "== release build" >&2
swift build -c release --product recount >&2
BIN="$(swift build -c release --show-bin-path)/recount"
# The data depends only on the generator: regenerate when its sources change (or, outside a
# git checkout, when the binary does).
BIN_SUM=$(git rev-parse HEAD:Sources/RecountSample 2>/dev/null || sha256sum "$BIN" | cut -c1-16)

# Busy CPU seconds of the whole machine so far (all cores, from /proc/stat; USER_HZ = 100).
busy_seconds() {
    local a; a=($(head -1 /proc/stat))
    echo $(( (a[1] + a[2] + a[3] + a[6] + a[7] + a[8]) ))
}

# timed KIND SET JOBS RUN COMMAND… — runs COMMAND under /usr/bin/time, appends a JSON row with
# wall s, peak RSS, our CPU s, and the CPU other processes used meanwhile (in cores), since
# this machine is shared and a busy neighbour halves what --jobs 2 can show.
timed() {
    local kind="$1" set="$2" jobs="$3" run="$4"; shift 4
    local idle; idle=$(wait_for_idle)
    local before; before=$(busy_seconds)
    local out; out=$( { /usr/bin/time -f 'TIME %e %M %U %S' "$@" > "$DIR/last-run.out"; } 2>&1 | grep '^TIME' | tail -1)
    local after; after=$(busy_seconds)
    read -r _ seconds rss_kb user sys <<< "$out"
    local others; others=$(awk -v b="$before" -v a="$after" -v u="$user" -v s="$sys" -v w="$seconds" \
        'BEGIN { o = ((a - b) / 100 - u - s) / (w > 0 ? w : 1); printf "%.2f", (o < 0 ? 0 : o) }')
    printf '{"kind":"%s","set":"%s","jobs":%s,"run":%s,"seconds":%s,"rss_kb":%s,"cpu_seconds":%s,"others_cores":%s,"idle_before_percent":%s}\n' \
        "$kind" "$set" "$jobs" "$run" "$seconds" "$rss_kb" "$(awk -v u="$user" -v s="$sys" 'BEGIN { print u + s }')" "$others" "$idle" \
        | tee -a "$RAW" >&2
}

# The data sets: generated once, timed when generated.
SETS=(100000); [ "$SKIP_1M" = 1 ] || SETS+=(1000000)
for n in "${SETS[@]}"; do
    data="$DIR/day-$PROFILE-$n"
    if [ "$REGENERATE" = 1 ] || [ ! -f "$data/sample.json" ] || [ "$(cat "$data/.generator" 2>/dev/null)" != "$BIN_SUM" ] \
        || ! grep -q "\"records\": $n," "$data/sample.json" || ! grep -q "\"seed\": $SEED," "$data/sample.json"; then
        echo "== generating $n records in $data" >&2
        rm -rf "$data"
        timed generate "$n" 2 1 "$BIN" sample --profile "$PROFILE" --records "$n" --seed "$SEED" --out "$data" --jobs 2
        echo "$BIN_SUM" > "$data/.generator"
    else
        echo "== $n records cached in $data" >&2
    fi
done

# Runs are interleaved round by round — recount --jobs 1 and 2 (each after the baseline, if
# given), then the Python peer and the stronger one — so a drift of the shared host (it can slow
# by half within the hour) meets every program alike instead of only the ones timed last.
for n in "${SETS[@]}"; do
    data="$DIR/day-$PROFILE-$n"
    runs="$RUNS"; [ "$n" = 1000000 ] && runs="$RUNS_1M"
    peers=0; { [ "$n" = 100000 ] || [ "$PEER_1M" = 1 ]; } && peers=1
    peer_runs="$RUNS"; [ "$n" = 1000000 ] && peer_runs=1
    rounds="$runs"; [ "$peers" = 1 ] && [ "$peer_runs" -gt "$rounds" ] && rounds="$peer_runs"
    for run in $(seq 1 "$rounds"); do
        if [ "$run" -le "$runs" ]; then
            for jobs in 1 2; do
                if [ -n "$BASELINE" ]; then
                    echo "== baseline reconcile $n records, --jobs $jobs, run $run" >&2
                    timed baseline "$n" "$jobs" "$run" "$BASELINE" reconcile "$data" --out "$DIR/reports-baseline-$n" --jobs "$jobs"
                fi
                echo "== recount reconcile $n records, --jobs $jobs, run $run" >&2
                timed recount "$n" "$jobs" "$run" "$BIN" reconcile "$data" --out "$DIR/reports-$n" --jobs "$jobs"
            done
        fi
        if [ "$peers" = 1 ] && [ "$run" -le "$peer_runs" ]; then
            echo "== python peer $n records, run $run" >&2
            timed peer "$n" 1 "$run" env RAYON_NUM_THREADS=1 "$PYTHON" benchmarks/reconcile_peer.py "$data" --out "$DIR/peer-$n"
            echo "== python peer, $CORES processes + orjson, $n records, run $run" >&2
            timed peer_mp "$n" "$CORES" "$run" env RAYON_NUM_THREADS=1 "$PYTHON" benchmarks/reconcile_peer_mp.py "$data" \
                --out "$DIR/peer-mp-$n" --workers "$CORES"
        fi
    done
    if [ "$peers" = 1 ]; then
        # Same classes as recount? (The peers are not the contract; a difference is worth a look.)
        "$PYTHON" - "$DIR/reports-$n/summary.json" "$DIR/peer-$n/summary.json" "$DIR/peer-mp-$n/summary.json" "$n" >> "$RAW" <<'PY'
import json, sys
ours = {k: v["count"] for k, v in json.load(open(sys.argv[1]))["classes"].items() if v["count"]}
theirs = json.load(open(sys.argv[2]))["classes"]
strong = json.load(open(sys.argv[3]))["classes"]
print(json.dumps({"kind": "agreement", "set": sys.argv[4], "same_classes": ours == theirs, "recount": ours, "peer": theirs,
                  "mp_same_classes": strong == theirs, "peer_mp": strong}))
PY
    fi
done

"$PYTHON" - "$RAW" "$DIR" "$BIN" "$PROFILE" "$BASELINE" <<'PY' | tee benchmarks/RESULTS-scale.md
import json, os, platform, statistics, subprocess, sys, time
raw, data_dir, binary, profile, baseline = sys.argv[1:6]
rows = [json.loads(line) for line in open(raw) if line.startswith("{")]
def log_bytes(n):
    manifest = json.load(open(os.path.join(data_dir, f"day-{profile}-{n}", "sample.json")))
    # The day's top-level logs only: what `reconcile DIR` reads (not gateway/, not the ledger).
    return sum(f["bytes"] for f in manifest["files"]
               if f["name"].endswith(".jsonl") and f["name"] != "debits.jsonl" and "/" not in f["name"])
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
swift = subprocess.run(["swift", "--version"], capture_output=True, text=True).stdout.splitlines()[0]
print("# Reconcile at scale\n")
print(f"Measured by `benchmarks/scale.sh` on {time.strftime('%Y-%m-%dT%H:%MZ', time.gmtime())}, {os.cpu_count()} cores ({cpu}), "
      f"{platform.system()} {platform.release()}, {swift}, Python {platform.python_version()} with tiktoken 0.14.0. "
      f"Input: `recount sample --profile {profile} --records N --seed 1` (cached in $RECOUNT_BENCH_DIR). Wall time and peak RSS from "
      "`/usr/bin/time`; records/s = generated records / wall s; MB/s = request-log bytes (10^6) / wall s. "
      "Median of the runs (peak RSS: the largest). Each run waits for both cores to be ≥ 85% idle; `CPU s / wall s` is the "
      "cores the program kept busy, `others' load` the most CPU other processes used during any of the runs (this machine is shared).\n")
print("| set | program | --jobs | runs | wall s (median) | records/s | MB/s | peak RSS MB | CPU s / wall s | others' load (cores) |")
print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|")
summary = {}
for n in sorted({r["set"] for r in rows if r["kind"] in ("recount", "peer", "peer_mp")}, key=int):
    mb = log_bytes(n) / 1e6
    for kind, label in (("recount", "recount reconcile"), ("baseline", f"baseline ({os.path.basename(baseline)})"),
                        ("peer", "reconcile_peer.py"),
                        ("peer_mp", "reconcile_peer_mp.py (processes + orjson)")):
        for jobs in sorted({r["jobs"] for r in rows if r["kind"] == kind and r["set"] == n}):
            runs = [r for r in rows if r["kind"] == kind and r["set"] == n and r["jobs"] == jobs]
            if not runs:
                continue
            wall = statistics.median(r["seconds"] for r in runs)
            rss = max(r["rss_kb"] for r in runs) / 1024
            summary[(kind, n, jobs)] = (int(n) / wall, wall, rss)
            cpu = statistics.median(r["cpu_seconds"] / r["seconds"] for r in runs)
            others = max(r["others_cores"] for r in runs)
            print(f"| {int(n):,} ({mb:,.0f} MB) | {label} | {jobs} | {len(runs)} | {wall:.1f} | {int(n) / wall:,.0f} | {mb / wall:.1f} | "
                  f"{rss:.0f} | {cpu:.2f} | {others:.2f} |")
gen = [r for r in rows if r["kind"] == "generate"]
if gen:
    print("\nGeneration (`recount sample --jobs 2`): " + "; ".join(
        f"{int(r['set']):,} records in {r['seconds']:.1f} s ({r['rss_kb'] / 1024:.0f} MB peak RSS)" for r in gen) + ".")
for r in rows:
    if r["kind"] == "agreement":
        print(f"\nClasses on {int(r['set']):,} records: recount and the peer {'agree' if r['same_classes'] else 'DIFFER'}"
              + ("" if r["same_classes"] else f" (recount {r['recount']}, peer {r['peer']})") + "; "
              + f"the two peers {'agree' if r.get('mp_same_classes') else 'DIFFER'}"
              + ("" if r.get("mp_same_classes") else f" (peer_mp {r.get('peer_mp')})") + ".")
print("\n## Targets (product owner, this 2-core machine)\n")
def best(n):
    options = [summary[k] for k in summary if k[0] == "recount" and k[1] == n]
    return max(options) if options else None
b100, b1m = best("100000"), best("1000000")
for n, label in (("100000", "100k"), ("1000000", "1M")):
    peer, ours = summary.get(("peer", n, 1)), best(n)
    if peer and ours:
        ratio = ours[0] / peer[0]
        print(f"- recount ≥ 10× the Python script's records/s: {ratio:.1f}× at {label} (best --jobs, same input) — "
              f"{'met' if ratio >= 10 else 'NOT met'}")
    strong = [v for k, v in summary.items() if k[0] == "peer_mp" and k[1] == n]
    if strong and ours:
        print(f"- against the stronger peer (reconcile_peer_mp.py, every core + orjson): {ours[0] / strong[0][0]:.1f}× "
              f"its records/s at {label} (best --jobs; no target set)")
if b1m:
    print(f"- 1M records < 4 min: {b1m[1]:.0f} s (best --jobs) — {'met' if b1m[1] < 240 else 'NOT met'}")
    rss1m = max(v[2] for k, v in summary.items() if k[0] == "recount" and k[1] == "1000000")
    rss100 = max(v[2] for k, v in summary.items() if k[0] == "recount" and k[1] == "100000")
    print(f"- peak RSS < 300 MB at 1M: {rss1m:.0f} MB — {'met' if rss1m < 300 else 'NOT met'}")
    print(f"- peak RSS at 1M within 10% of 100k: {rss1m:.0f} vs {rss100:.0f} MB ({(rss1m / rss100 - 1) * 100:+.0f}%) — "
          f"{'met' if rss1m <= rss100 * 1.1 else 'NOT met'}")
else:
    print("- 1M figures not measured (--skip-1m)")
if baseline:
    print("\n## This build against the baseline, runs alternated\n")
    for (kind, n, jobs), (rate, wall, rss) in sorted(summary.items(), key=lambda i: (int(i[0][1]), i[0][2])):
        old = summary.get(("baseline", n, jobs))
        if kind == "recount" and old:
            print(f"- {int(n):,} records, --jobs {jobs}: median wall {old[1]:.2f} s → {wall:.2f} s "
                  f"({(wall / old[1] - 1) * 100:+.1f}%), peak RSS {old[2]:.0f} → {rss:.0f} MB")
PY
echo "wrote benchmarks/RESULTS-scale.md" >&2
