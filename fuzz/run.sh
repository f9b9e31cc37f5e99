#!/usr/bin/env bash
# fuzz/run.sh TARGET [SECONDS|RUNSruns] — builds and runs one libFuzzer target.
#
#   fuzz/run.sh record 600          # ten minutes
#   fuzz/run.sh encoding 200000runs # a number of inputs
#
# Targets: record stream catalog ledger (decoders; structure-aware custom mutator)
#          pretokenizer encoding (differential against the backtracking reference)
# Corpus: fuzz/corpus/TARGET (kept between runs, not committed); failing inputs land in
# fuzz/artifacts/TARGET/ — copy each into Tests/Fixtures/fuzz-regressions/TARGET/ so swift test
# replays it. Each input is bounded: -timeout (s per input) and -max_len; a timeout is a failure.
# The final stats line (stat::number_of_executed_units) is appended to fuzz/runs.log.
set -euo pipefail
cd "$(dirname "$0")/.."
target=${1:?usage: fuzz/run.sh TARGET [SECONDS|RUNSruns]}
amount=${2:-60}
binary=$(bash fuzz/build.sh "$target" 2> >(grep -v 'Cannot export local symbol' >&2))
case $target in
    pretokenizer) max_len=2048 ;;
    encoding) max_len=128 ;;  # the textbook BPE reference is slow; pretokenizer covers long texts
    catalog) max_len=16384 ;;
    *) max_len=4096 ;;
esac
if [[ $amount == *runs ]]; then limit=(-runs="${amount%runs}"); else limit=(-max_total_time="${amount%s}"); fi
mkdir -p "fuzz/corpus/$target" "fuzz/corpus/$target-seeds" "fuzz/artifacts/$target"
log=fuzz/.build/last-$target-${FUZZ_SANITIZERS:-fuzzer,address}.log
status=0
SWIFT_BACKTRACE=enable=no FUZZ_SEED_DIR="fuzz/corpus/$target-seeds" ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0} \
    "$binary" "${limit[@]}" -timeout=10 -max_len=$max_len -rss_limit_mb=4096 -print_final_stats=1 \
    -artifact_prefix="fuzz/artifacts/$target/" "fuzz/corpus/$target" "fuzz/corpus/$target-seeds" > "$log" 2>&1 || status=$?
grep -v '^#[0-9]*.*\(NEW\|REDUCE\|pulse\)\|^"' "$log" | tail -20
runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
echo "$(date -u +%FT%TZ) $target runs=${runs:-?} amount=$amount exit=$status sanitizers=${FUZZ_SANITIZERS:-fuzzer,address}" >> fuzz/runs.log
tail -1 fuzz/runs.log
if [[ $status != 0 ]]; then
    echo "fuzz/run.sh: $target found a failing input: ls fuzz/artifacts/$target/" >&2
    exit 1
fi
