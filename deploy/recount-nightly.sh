#!/bin/sh
# recount-nightly.sh [DAY] — reconcile one day (default: yesterday in the platform's zone).
#
# Used by deploy/recount.cron and deploy/systemd/recount-nightly.service. Settings come from
# the environment (cron and systemd read /etc/recount/nightly.env), with these defaults:
set -u
: "${RECOUNT:=recount}"                              # the binary
: "${RECOUNT_LOGS:=/var/log/relay}"                  # one directory per day: $RECOUNT_LOGS/YYYY-MM-DD/*.jsonl[.gz]
: "${RECOUNT_PRICING:=/etc/recount/pricing.json}"    # the price catalog (check it: recount prices check FILE)
: "${RECOUNT_LEDGER:=}"                              # debit ledger; %s becomes the day, e.g. /var/lib/relay/debits-%s.csv
                                                     #   (log files only; not used with RECOUNT_GATEWAY_DB)
: "${RECOUNT_HOME:=/srv/recount}"                    # reports/DAY/ live here
: "${RECOUNT_TZ:=Asia/Shanghai}"                     # the platform's day (the window, daily.csv's days, report times)
: "${RECOUNT_FLAGS:=}"                               # more reconcile flags, e.g. "--strict --tolerance 1"
: "${RECOUNT_RERUN:=}"                               # 1: reconcile a day again that already has reports
: "${RECOUNT_GATEWAY_DB:=}"                          # the gateway's database instead of log files, e.g.
                                                     #   sqlite:/var/lib/docker/volumes/new-api_data/_data/one-api.db
                                                     #   postgres://recount_ro@db:5432/newapi  mysql://recount_ro@db:3306/new-api
: "${RECOUNT_DB_PASSWORD_FILE:=}"                    # its password, in a file (never in this file or the unit);
                                                     #   default: $CREDENTIALS_DIRECTORY/db-password (systemd LoadCredential)
: "${RECOUNT_SNAPSHOT:=1}"                           # with RECOUNT_GATEWAY_DB: first append the gateway's changed
                                                     #   ratio settings to RECOUNT_PRICING (recount prices snapshot)
#
# With RECOUNT_GATEWAY_DB the day's rows are read from the gateway's logs table (each row is its
# request's record and its debit: no ledger needed) and, before that, `recount prices snapshot`
# keeps RECOUNT_PRICING as the history of the gateway's prices. The first snapshot, which creates
# the catalog, takes effect from the start of DAY (the settings are assumed unchanged since then;
# later ones from the moment they are taken).
#
# Credits are never issued twice: every earlier night's reports/*/credits.jsonl is passed as
# --issued, so the record of what was issued is the reports themselves (there is no separate
# list to append to, and nothing to lose if this script dies halfway). A day that already has
# reports is left alone; with RECOUNT_RERUN=1 it is reconciled again into reports/DAY.rerun-TIME
# (which then issues only what the first run did not) and the first run's reports stay as they were.

day=${1:-$(TZ=$RECOUNT_TZ date -d yesterday +%F)}
next=$(TZ=$RECOUNT_TZ date -d "$day 12:00 + 1 day" +%F) || exit 64
# Each midnight with its own offset, so a day with a daylight-saving change is 23 or 25 hours.
# Where clocks jump at midnight (00:00 does not exist), the day starts at the jump: midnight in
# the offset of the evening before.
midnight_offset() {
    TZ=$RECOUNT_TZ date -d "$1 00:00" +%:z 2>/dev/null ||
        TZ=$RECOUNT_TZ date -d "$(TZ=$RECOUNT_TZ date -d "$1 12:00 - 1 day" +%F) 23:30" +%:z
}
start_offset=$(midnight_offset "$day") && end_offset=$(midnight_offset "$next") || exit 64
reports="$RECOUNT_HOME/reports"
out="$reports/$day"
mkdir -p "$reports" || exit 74
if [ -e "$out/summary.json" ]; then
    if [ "$RECOUNT_RERUN" != 1 ]; then
        echo "recount-nightly: $day is already reconciled ($out); RECOUNT_RERUN=1 reconciles it again into $out.rerun-TIME"
        exit 0
    fi
    out="$out.rerun-$(date +%Y%m%dT%H%M%S)"
fi

if [ -z "$RECOUNT_DB_PASSWORD_FILE" ] && [ -n "${CREDENTIALS_DIRECTORY:-}" ] && [ -f "$CREDENTIALS_DIRECTORY/db-password" ]; then
    RECOUNT_DB_PASSWORD_FILE=$CREDENTIALS_DIRECTORY/db-password
fi
if [ -n "$RECOUNT_GATEWAY_DB" ]; then
    set -- --gateway-db "$RECOUNT_GATEWAY_DB"
    [ -n "$RECOUNT_DB_PASSWORD_FILE" ] && set -- "$@" --db-password-file "$RECOUNT_DB_PASSWORD_FILE"
    if [ "$RECOUNT_SNAPSHOT" = 1 ]; then
        snapshot_from=
        [ -e "$RECOUNT_PRICING" ] || snapshot_from="--effective-from ${day}T00:00:00$start_offset"
        # shellcheck disable=SC2086
        "$RECOUNT" prices snapshot "$@" --catalog "$RECOUNT_PRICING" $snapshot_from
        status=$?
        if [ "$status" != 0 ]; then
            echo "recount-nightly: prices snapshot failed with status $status; $day not reconciled" >&2
            exit "$status"
        fi
    fi
else
    set -- "$RECOUNT_LOGS/$day"
fi
set -- "$@" --pricing "$RECOUNT_PRICING" --out "$out" \
    --from "${day}T00:00:00$start_offset" --until "${next}T00:00:00$end_offset" \
    --as-of "$(date +%FT%T%:z)"
# daily.csv's days and the reports' times in the platform's zone, unless RECOUNT_FLAGS chooses.
case " $RECOUNT_FLAGS " in *" --day-offset"*) ;; *) set -- "$@" --day-offset "$start_offset" ;; esac
# Only complete reports (summary.json is renamed into place last) and never this run's own
# output directory: a half-committed run's credits.jsonl is not a record of anything issued.
for issued in "$reports"/*/credits.jsonl; do
    dir=${issued%/credits.jsonl}
    [ -f "$dir/summary.json" ] && [ "$dir" != "$out" ] && set -- "$@" --issued "$issued"
done
# A database row is its own debit: RECOUNT_LEDGER is for log files only.
if [ -n "$RECOUNT_LEDGER" ] && [ -z "$RECOUNT_GATEWAY_DB" ]; then
    # shellcheck disable=SC2059
    set -- "$@" --debits "$(printf "$RECOUNT_LEDGER" "$day")"
fi
# shellcheck disable=SC2086
"$RECOUNT" reconcile "$@" $RECOUNT_FLAGS
status=$?
# 0: done; 1: credits to issue with --strict. Anything else: nothing was committed (a failed
# first run leaves no summary.json, so running this script for DAY again starts afresh).
if [ "$status" -gt 1 ]; then
    echo "recount-nightly: reconcile of $day failed with status $status" >&2
fi
exit "$status"
