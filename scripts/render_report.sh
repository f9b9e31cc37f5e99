#!/usr/bin/env bash
# Renders report.html and one account statement with headless Chromium — on screen at 1400 px
# and printed to PDF on A4 (the page's own @page rule: landscape) — then checks the rendered
# pages, not only their HTML text (scripts/rendered_layout_check.js, run inside the page):
#   - at 1400 px every money column of the discrepancy table (recorded, expected, delta,
#     credit) is inside the window, without scrolling;
#   - under the print rules, at A4 landscape width, no table cell is broken inside a word or
#     overflows its column, and the table fits the page's width.
# PNGs of the screen shot and of every printed page (pdftoppm) are left for a person to look at.
# It needs the Debian packages chromium, fonts-noto-cjk and poppler-utils, which it installs
# when missing (apt-get, as root). CI runs it (.ci/run). Exit 0 when every check holds.
#
# usage: scripts/render_report.sh [LOGS_DIR] [ACCOUNT] [OUT_DIR]
#   LOGS_DIR  input of the run (default SampleLogs)
#   ACCOUNT   account for the statement (default 张三工作室)
#   OUT_DIR   where reports, statements, PDFs and PNGs go (default /tmp/recount-render)
# Chromium runs with every host name unresolvable: a page that tried to load anything from
# the network would show it (and the report must not).
set -euo pipefail
cd "$(dirname "$0")/.."
LOGS="${1:-SampleLogs}"
ACCOUNT="${2:-张三工作室}"
OUT="${3:-/tmp/recount-render}"

if ! command -v chromium >/dev/null 2>&1 || ! command -v pdftoppm >/dev/null 2>&1; then
  echo "render_report: installing chromium, CJK fonts and poppler-utils…" >&2
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    chromium fonts-noto-cjk poppler-utils >/dev/null
fi

swift build -q
RECOUNT=.build/debug/recount
rm -rf "$OUT"
mkdir -p "$OUT"
"$RECOUNT" reconcile "$LOGS" --out "$OUT/report" --as-of 2024-03-02T00:00:00+08:00 >&2
"$RECOUNT" statement "$ACCOUNT" "$LOGS" --out "$OUT/statements" >&2
"$RECOUNT" statement "$ACCOUNT" "$LOGS" --out "$OUT/statements-zh" --lang zh >&2
STATEMENT=$(ls -1 "$OUT"/statements/statement-*.html | head -n 1)
STATEMENT_ZH=$(ls -1 "$OUT"/statements-zh/statement-*.html | head -n 1)

chrome() { chromium --headless=new --no-sandbox --disable-gpu --hide-scrollbars --disable-extensions \
  --host-resolver-rules="MAP * ~NOTFOUND" "$@" 2>/dev/null; }

# check PAGE.html MODE WIDTH: the page with the layout check appended, its DOM dumped after load;
# the check writes its verdict into <pre id="layout-check">.
check() {
  local page="$1" mode="$2" width="$3" probe="$OUT/probe-$(basename "$1" .html)-$2.html"
  { sed -e 's#</body>#<script>window.LAYOUT_MODE="'"$mode"'";</script><script>#' -e '/^<\/html>$/d' "$page"
    cat scripts/rendered_layout_check.js
    echo '</script></body></html>'; } > "$probe"
  local verdict
  verdict=$(chrome --window-size="$width",1000 --virtual-time-budget=5000 --dump-dom "file://$(realpath "$probe")" \
    | sed -n 's#.*<pre id="layout-check">\(.*\)</pre>.*#\1#p')
  echo "render_report: $(basename "$page") $mode at ${width}px: ${verdict:-no verdict}" >&2
  [[ "$verdict" == ok* ]]
}

status=0
check "$OUT/report/report.html" screen 1400 || status=1
# A4 landscape is 297 mm; less 2 × 10 mm of margin, 277 mm = 1047 CSS px.
check "$OUT/report/report.html" print 1047 || status=1
check "$STATEMENT" print 1047 || status=1
check "$STATEMENT_ZH" print 1047 || status=1

chrome --window-size=1400,2200 --screenshot="$OUT/report.png" "file://$(realpath "$OUT/report/report.html")"
chrome --window-size=1400,1200 --screenshot="$OUT/statement.png" "file://$(realpath "$STATEMENT")"
chrome --window-size=1400,1200 --screenshot="$OUT/statement-zh.png" "file://$(realpath "$STATEMENT_ZH")"
chrome --print-to-pdf="$OUT/report-print.pdf" --no-pdf-header-footer "file://$(realpath "$OUT/report/report.html")"
chrome --print-to-pdf="$OUT/statement-print.pdf" --no-pdf-header-footer "file://$(realpath "$STATEMENT_ZH")"
pdftoppm -r 60 -png "$OUT/report-print.pdf" "$OUT/report-print"
pdftoppm -r 60 -png "$OUT/statement-print.pdf" "$OUT/statement-print"
# The page's @page rule asks for A4 landscape: 842 × 595 pt.
size=$(pdfinfo "$OUT/report-print.pdf" | sed -n 's/^Page size: *\([0-9.]*\) x \([0-9.]*\).*/\1x\2/p')
echo "render_report: report-print.pdf page size ${size} pt ($(pdfinfo "$OUT/report-print.pdf" | sed -n 's/^Pages: *//p') pages)" >&2
case "$size" in 841*x59[45]*|842*x59[45]*) ;; *) echo "render_report: FAIL — the printed page is not A4 landscape" >&2; status=1 ;; esac
echo "render_report: PNGs in $OUT (report.png, statement*.png, report-print-*.png, statement-print-*.png)" >&2
exit $status
