#!/bin/sh
# recount-nightly.sh [DAY] — reconcile one day (default: yesterday in the platform's zone),
# then remember the credits it issued so no later run issues them again.
#
# Used by deploy/recount.cron and deploy/systemd/recount-nightly.service. Settings come from
# the environment (systemd: EnvironmentFile=/etc/recount/nightly.env), with these defaults:
set -u
: "${RECOUNT:=recount}"                              # the binary
: "${RECOUNT_LOGS:=/var/log/relay}"                  # one directory per day: $RECOUNT_LOGS/YYYY-MM-DD/*.jsonl[.gz]
: "${RECOUNT_PRICING:=/etc/recount/pricing.json}"    # the price catalog (check it: recount prices check FILE)
: "${RECOUNT_LEDGER:=}"                              # debit ledger; %s becomes the day, e.g. /var/lib/relay/debits-%s.csv
: "${RECOUNT_HOME:=/srv/recount}"                    # reports/DAY/ and issued-credits.jsonl live here
: "${RECOUNT_TZ:=Asia/Shanghai}"                     # the platform's day
: "${RECOUNT_JOBS:=}"                                # threads (default: all cores)

day=${1:-$(TZ=$RECOUNT_TZ date -d yesterday +%F)}
next=$(TZ=$RECOUNT_TZ date -d "$day 12:00 + 1 day" +%F)
offset=$(TZ=$RECOUNT_TZ date -d "$day 12:00" +%:z)
out="$RECOUNT_HOME/reports/$day"
issued="$RECOUNT_HOME/issued-credits.jsonl"
mkdir -p "$RECOUNT_HOME/reports" && touch "$issued" || exit 74

set -- "$RECOUNT_LOGS/$day" --pricing "$RECOUNT_PRICING" --out "$out" \
    --from "${day}T00:00:00$offset" --until "${next}T00:00:00$offset" \
    --issued "$issued" --as-of "$(date +%FT%T%:z)"
if [ -n "$RECOUNT_LEDGER" ]; then
    # shellcheck disable=SC2059
    set -- "$@" --debits "$(printf "$RECOUNT_LEDGER" "$day")"
fi
if [ -n "$RECOUNT_JOBS" ]; then set -- "$@" --jobs "$RECOUNT_JOBS"; fi

"$RECOUNT" reconcile "$@"
status=$?
# 0: done; 1: only with --strict. Anything else: nothing was committed; the previous reports
# (if any) are untouched — look at the message above and rerun.
if [ "$status" -gt 1 ]; then
    echo "recount-nightly: reconcile of $day failed with status $status" >&2
    exit "$status"
fi
# A rerun of the same night issues nothing new (its ids are in $issued), so this appends
# nothing twice.
cat "$out/credits.jsonl" >> "$issued" || exit 74
