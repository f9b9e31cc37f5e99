#!/bin/sh
# run-night.sh [DAY] — the sharded night on Kubernetes: shards, then merge, in order.
# Run it from cron (or a CronJob whose service account may create Jobs) after the day's logs
# are on the recount-data volume (or, with RECOUNT_SOURCE=gateway-db, straight from the
# gateway's database). Exit status: 0 when the merged reports are written.
set -eu
TZ=${RECOUNT_TZ:-Asia/Shanghai}; export TZ
day=${1:-$(date -d yesterday +%F)}
next=$(date -d "$day 12:00 + 1 day" +%F)
# Each midnight's own offset; where 00:00 does not exist (clocks jump), the evening before's.
midnight_offset() {
    date -d "$1 00:00" +%:z 2>/dev/null || date -d "$(date -d "$1 12:00 - 1 day" +%F) 23:30" +%:z
}
start_offset=$(midnight_offset "$day")
end_offset=$(midnight_offset "$next")
here=$(dirname "$0")
render() {
    sed -e "s/__DAY__/$day/g" -e "s/__NEXT__/$next/g" -e "s/__START_OFFSET__/$start_offset/g" \
        -e "s/__END_OFFSET__/$end_offset/g" "$here/$1"
}

# Until the Job completes (0) or fails (1): `kubectl wait` alone would sit out its timeout on a
# failed Job.
wait_job() {
    while :; do
        conditions=$(kubectl get "job/$1" -o jsonpath='{range .status.conditions[*]}{.type}={.status} {end}')
        case "$conditions" in
            *Complete=True*) return 0 ;;
            *Failed=True*) echo "run-night: job $1 failed (kubectl describe job/$1)" >&2; return 1 ;;
        esac
        sleep 30
    done
}

# RECOUNT_SOURCE=gateway-db: one Job reading the gateway's database (recount-gateway-db.yaml).
if [ "${RECOUNT_SOURCE:-files}" = gateway-db ]; then
    render recount-gateway-db.yaml | kubectl apply -f -
    wait_job "recount-gateway-db-$day"
    echo "recount: reports for $day in /data/reports/$day on the recount-data volume"
    exit 0
fi
render recount-shards.yaml | kubectl apply -f -
wait_job "recount-shards-$day"
render recount-merge.yaml | kubectl apply -f -
wait_job "recount-merge-$day"
echo "recount: reports for $day in /data/reports/$day on the recount-data volume"
