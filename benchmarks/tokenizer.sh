#!/usr/bin/env bash
# TokenCounter throughput against tiktoken 0.14.0, side by side in one run.
#
#   benchmarks/tokenizer.sh [ROUNDS]      (default 7; run when the machine is quiet)
#
# Per file and encoding: our count with the piece cache cold in every round (the merge's figure),
# the same count cached, our encode, and tiktoken's encode_ordinary, each file ours-then-tiktoken.
#
# Needs: the Swift toolchain; python3 with tiktoken==0.14.0 (PYTHON=.venv/bin/python by default:
# `python3 -m venv .venv && .venv/bin/pip install tiktoken==0.14.0`); ../shared/oracle for
# tiktoken's offline vocabulary loader (ORACLE_DIR to override). Writes
# benchmarks/RESULTS-tokenizer.md and keeps the raw JSON lines in .build/tokenizer-bench.jsonl.
#
# The probe `tokenizer-bench` (benchmarks/TokenizerBench.swift) is compiled with swiftc against
# the release objects of the TokenCounter target, so the package needs no extra target.
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS="${1:-7}"
. benchmarks/common.sh  # $PYTHON, idle_percent, wait_for_idle
export ORACLE_DIR="${ORACLE_DIR:-$(cd .. && pwd)/shared/oracle}"
[ -d "$ORACLE_DIR" ] || ORACLE_DIR=/work/shared/oracle
CORPUS=Tests/Fixtures/oracle/corpus
FILES=("$CORPUS"/*.txt)
OUT=.build/tokenizer-bench.jsonl

swift build -c release --product recount >&2
BIN=$(swift build -c release --show-bin-path)
swiftc -O -parse-as-library benchmarks/TokenizerBench.swift -I "$BIN/Modules" \
    -Xcc -fmodule-map-file="$BIN/CVocabulary.build/module.modulemap" \
    "$BIN"/TokenCounter.build/*.o "$BIN/CVocabulary.build/vocabulary.c.o" -o "$BIN/tokenizer-bench"

{
    printf '{"mode":"meta","date":"%s","cpus":%s,"cpu":"%s","swift":"%s","tiktoken":"%s","rounds":%s,"load":"%s"}\n' \
        "$(date -u +%Y-%m-%dT%H:%MZ)" "$(nproc)" \
        "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')" \
        "$(swift --version 2>&1 | head -1 | sed 's/"//g')" \
        "$("$PYTHON" -c 'import tiktoken; print(tiktoken.__version__)')" "$ROUNDS" "$(cut -d' ' -f1-3 /proc/loadavg)"
    for enc in r50k_base p50k_base cl100k_base o200k_base; do
        echo "== $enc" >&2
        # File by file, ours then tiktoken's, so both sides of a ratio see the same moment.
        for file in "${FILES[@]}"; do
            "$BIN/tokenizer-bench" files "$enc" "$ROUNDS" "$file"
            RAYON_NUM_THREADS=1 "$PYTHON" benchmarks/tokenizer_bench.py tiktoken "$enc" "$ROUNDS" "$file"
        done
    done
    printf '{"mode":"meta_end","load":"%s"}\n' "$(cut -d' ' -f1-3 /proc/loadavg)"
    for enc in cl100k_base o200k_base; do
        idle=$(wait_for_idle)
        "$BIN/tokenizer-bench" batch "$enc" "$ROUNDS" "${FILES[@]}" | sed "s/}\$/,\"idle_before_percent\":$idle}/"
    done
    # Load time inside the process, median of 5 fresh processes.
    for enc in o200k_base cl100k_base; do
        for _ in 1 2 3 4 5; do "$BIN/tokenizer-bench" load "$enc"; done \
            | "$PYTHON" -c 'import json,sys,statistics; r=[json.loads(l) for l in sys.stdin]; r[0]["load_s"]=statistics.median(x["load_s"] for x in r); print(json.dumps(r[0]))'
    done
    # Time to first count: process start to exit of `recount count` on a tiny file.
    printf 'hello world\n' > .build/tokenizer-bench-hello.txt
    "$PYTHON" - "$BIN/recount" <<'PY'
import json, statistics, subprocess, sys, time
times = []
for _ in range(9):
    t0 = time.perf_counter()
    subprocess.run([sys.argv[1], "count", "--encoding", "o200k_base", ".build/tokenizer-bench-hello.txt"], check=True, capture_output=True)
    times.append(time.perf_counter() - t0)
print(json.dumps({"mode": "first_count", "encoding": "o200k_base", "runs": 9, "seconds": statistics.median(times)}))
PY
    # Peak RSS with o200k loaded.
    for file in .build/tokenizer-bench-hello.txt "$CORPUS/multilingual.txt"; do
        kb=$( { /usr/bin/time -v "$BIN/recount" count --encoding o200k_base "$file" >/dev/null; } 2>&1 \
              | awk -F: '/Maximum resident set size/ {gsub(/ /, "", $2); print $2}')
        printf '{"mode":"rss","encoding":"o200k_base","file":"%s","max_rss_kb":%s}\n' "$(basename "$file")" "$kb"
    done
} | tee "$OUT"

"$PYTHON" benchmarks/tokenizer_bench.py report "$OUT" benchmarks/RESULTS-tokenizer.md
echo "wrote benchmarks/RESULTS-tokenizer.md" >&2
