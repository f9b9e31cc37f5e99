#!/usr/bin/env bash
# `reconcile --bodies` in flat memory (issue 13, SPEC §2.10): a day of 100k and one of 1M new-api
# rows, each with a tiny captured body, reconciled by the release binary; peak RSS from
# `/usr/bin/time -f %M`. Fails when the 1M run's peak exceeds 1.1 × the 100k run's: the join is
# the external sort, so ten times the rows and bodies must not cost more memory. Both runs use
# the default `--sort-memory 64` and `--jobs 2`; both days spill (100k rows and bodies are about
# 45 MB of sort data, past the join's 32 MB), so both fill the sort's budget and the comparison
# is of what else memory holds. Every row is billed right (`ok`), so the report sorts stay empty
# and the figure is the join's.
#
#   scripts/bodies_memory.sh [ROWS_SMALL ROWS_LARGE]     (default 100000 1000000)
#
# Rows: type 2, gpt-4o-mini, `other` with the ratios; every row has a body under its
# `request_id` ({request_id, request, response} pairs: the user message "ping", the reply "pong":
# 8 prompt tokens (3 + 1 + 1 + 3) and 1 completion token, so quota (8 + 1 × 4) × 0.075 = 0.9 → 1,
# as each row says); one row in a thousand has a body of another model (rejected: the run goes
# on, the row re-priced from its own tokens). Data in a temp
# directory, removed at the end (about 0.5 GB for 1M). CI runs it after the static-binary check
# (.ci/run), which has already built the release binary. Prints the two peaks; exit 0 when flat.
set -euo pipefail
cd "$(dirname "$0")/.."
SMALL="${1:-100000}"
LARGE="${2:-1000000}"
swift build -c release --static-swift-stdlib --product recount >&2
BIN="$(swift build -c release --static-swift-stdlib --show-bin-path)/recount"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

"$BIN" sample --records 10 --seed 1 --profile realistic --out "$WORK/sample" >/dev/null
cp "$WORK/sample/gateway/pricing.json" "$WORK/pricing.json"

generate() {
    python3 - "$1" "$2" <<'EOF'
import sys
rows, out = int(sys.argv[1]), sys.argv[2]
other = ('{\\"cache_ratio\\":0.5,\\"cache_tokens\\":0,\\"completion_ratio\\":4,\\"group_ratio\\":1,'
         '\\"model_price\\":-1,\\"model_ratio\\":0.075,\\"user_group_ratio\\":-1}')
with open(out + "/logs.jsonl", "w") as logs, open(out + "/bodies.jsonl", "w") as bodies:
    for i in range(1, rows + 1):
        rid = "req-%09d" % i
        logs.write('{"id":%d,"user_id":%d,"created_at":%d,"type":2,"username":"user-%d","token_name":"t",'
                   '"model_name":"gpt-4o-mini","quota":1,"prompt_tokens":8,"completion_tokens":1,"use_time":1,'
                   '"is_stream":false,"channel_id":1,"group":"default","request_id":"%s","other":"%s"}\n'
                   % (i, i % 5000, 1709222400 + i % 86000, i % 5000, rid, other))
        model = "gpt-4o" if i % 1000 == 0 else "gpt-4o-mini"
        bodies.write('{"request_id":"%s","request":{"model":"%s","messages":[{"role":"user","content":"ping"}]},'
                     '"response":{"choices":[{"message":{"role":"assistant","content":"pong"}}]}}\n'
                     % (rid, model))
EOF
}

peak() {
    local rows="$1" dir="$WORK/day-$1"
    mkdir -p "$dir"
    generate "$rows" "$dir"
    /usr/bin/time -f '%M' -o "$dir/rss" "$BIN" reconcile "$dir/logs.jsonl" --pricing "$WORK/pricing.json" \
        --bodies "$dir/bodies.jsonl" --jobs 2 --out "$dir/out" >"$dir/summary-line" 2>"$dir/err" || {
        cat "$dir/err" >&2
        exit 1
    }
    python3 - "$dir/out/summary.json" "$rows" <<'EOF'
import json, sys
summary, rows = json.load(open(sys.argv[1])), int(sys.argv[2])
bodies = summary["counts"]["bodies"]
rejected = rows // 1000
assert summary["counts"]["requests"] == rows, summary["counts"]
assert bodies == {"read": rows, "joined": rows - rejected, "outside_window": 0, "rejected": rejected}, bodies
assert summary["counts"]["recounted_requests"] == rows - rejected, summary["counts"]
assert summary["classes"]["ok"]["count"] == rows, summary["classes"]
EOF
    rm -f "$dir/logs.jsonl" "$dir/bodies.jsonl"
    cat "$dir/rss"
}

small_kb=$(peak "$SMALL")
large_kb=$(peak "$LARGE")
echo "bodies_memory: peak RSS $((small_kb / 1024)) MB for $SMALL rows + bodies, $((large_kb / 1024)) MB for $LARGE" >&2
if [ "$large_kb" -gt $((small_kb * 11 / 10)) ]; then
    echo "bodies_memory: FAIL — memory grows with the rows: $large_kb KB > 1.1 × $small_kb KB" >&2
    exit 1
fi
echo "bodies_memory: ok — flat" >&2
