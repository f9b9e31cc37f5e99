#!/usr/bin/env bash
# Renders report.html and one account statement to PNG with headless Chromium, so a human can
# look at them (charts, Chinese text, tables) without a desktop. Not run by CI: it needs the
# Debian `chromium` package, which it installs when missing (apt-get, as root).
#
# usage: scripts/render_report.sh [LOGS_DIR] [ACCOUNT] [OUT_DIR]
#   LOGS_DIR  input of the run (default SampleLogs)
#   ACCOUNT   account for the statement (default 张三工作室)
#   OUT_DIR   where reports, the statement and the PNGs go (default /tmp/recount-render)
# Writes OUT_DIR/report.png, OUT_DIR/report-print.pdf and OUT_DIR/statement.png.
# Chromium runs with every host name unresolvable: a page that tried to load anything from
# the network would show it (and the report must not).
set -euo pipefail
cd "$(dirname "$0")/.."
LOGS="${1:-SampleLogs}"
ACCOUNT="${2:-张三工作室}"
OUT="${3:-/tmp/recount-render}"

if ! command -v chromium >/dev/null 2>&1; then
  echo "render_report: installing chromium (and CJK fonts)…" >&2
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium fonts-noto-cjk >/dev/null
fi

swift build -q
RECOUNT=.build/debug/recount
mkdir -p "$OUT"
"$RECOUNT" reconcile "$LOGS" --out "$OUT/report" --as-of 2024-03-02T00:00:00+08:00 >&2
"$RECOUNT" statement "$ACCOUNT" "$LOGS" --out "$OUT/statements" >&2
STATEMENT=$(ls -1 "$OUT"/statements/statement-*.html | head -n 1)
for candidate in "$OUT"/statements/statement-*.html; do
  if grep -q "Statement for ${ACCOUNT}<" "$candidate" 2>/dev/null; then STATEMENT="$candidate"; fi
done

shot() {  # shot INPUT.html OUTPUT.png
  chromium --headless=new --no-sandbox --disable-gpu --hide-scrollbars --disable-extensions \
    --host-resolver-rules="MAP * ~NOTFOUND" --window-size=1280,2000 \
    --screenshot="$2" "file://$(realpath "$1")" 2>/dev/null
  echo "render_report: $2" >&2
}
shot "$OUT/report/report.html" "$OUT/report.png"
shot "$STATEMENT" "$OUT/statement.png"
chromium --headless=new --no-sandbox --disable-gpu --host-resolver-rules="MAP * ~NOTFOUND" \
  --print-to-pdf="$OUT/report-print.pdf" --no-pdf-header-footer "file://$(realpath "$OUT/report/report.html")" 2>/dev/null
echo "render_report: $OUT/report-print.pdf (the @media print layout)" >&2
