#!/usr/bin/env bash
# Checks the promise of the README's install step: `swift build -c release --static-swift-stdlib`
# gives one self-contained binary. It builds it, lists what the binary links dynamically (no
# libswift*, libFoundation*, libdispatch or libBlocksRuntime may appear: those would come from
# the toolchain), then runs it with the toolchain out of reach — PATH without /opt/swift, no
# LD_LIBRARY_PATH, a copy of the binary in an empty directory — on the sample, and compares its
# reports with those of the debug build. CI runs it (.ci/run). Exit 0 when all holds.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --static-swift-stdlib --product recount >&2
BIN="$(swift build -c release --static-swift-stdlib --show-bin-path)/recount"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
cp "$BIN" "$WORK/recount"

echo "check_static_binary: dynamic libraries of the binary:" >&2
ldd "$WORK/recount" | sed 's/^/  /' >&2
if ldd "$WORK/recount" | grep -Eq 'libswift|libFoundation|libdispatch|libBlocksRuntime|/opt/swift'; then
  echo "check_static_binary: FAIL — the binary links the Swift toolchain's libraries" >&2
  exit 1
fi

cp -R SampleLogs "$WORK/SampleLogs"
(cd "$WORK" && env -i PATH=/usr/bin:/bin HOME="$WORK" ./recount reconcile SampleLogs --out static-reports >&2)
(cd "$WORK" && env -i PATH=/usr/bin:/bin HOME="$WORK" ./recount --version >&2)
for file in Reports/*; do
  name=$(basename "$file")
  # The inputs are named relative to the run: SampleLogs/… in both.
  if ! cmp -s "$file" "$WORK/static-reports/$name"; then
    echo "check_static_binary: FAIL — $name differs from Reports/$name" >&2
    exit 1
  fi
done
echo "check_static_binary: ok — one self-contained binary ($(du -h "$WORK/recount" | cut -f1)), reports identical to Reports/" >&2
