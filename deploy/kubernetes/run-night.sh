#!/bin/sh
# run-night.sh [DAY] — the sharded night on Kubernetes: shards, then merge, in order.
# Run it from cron (or a CronJob whose service account may create Jobs) after the day's logs
# are on the recount-data volume. Exit status: 0 when the merged reports are written.
set -eu
TZ=${RECOUNT_TZ:-Asia/Shanghai}; export TZ
day=${1:-$(date -d yesterday +%F)}
next=$(date -d "$day 12:00 + 1 day" +%F)
start_offset=$(date -d "$day 00:00" +%:z)
end_offset=$(date -d "$next 00:00" +%:z)
here=$(dirname "$0")
render() {
    sed -e "s/__DAY__/$day/g" -e "s/__NEXT__/$next/g" -e "s/__START_OFFSET__/$start_offset/g" \
        -e "s/__END_OFFSET__/$end_offset/g" "$here/$1"
}

render recount-shards.yaml | kubectl apply -f -
kubectl wait --for=condition=complete --timeout=4h "job/recount-shards-$day"
render recount-merge.yaml | kubectl apply -f -
kubectl wait --for=condition=complete --timeout=1h "job/recount-merge-$day"
echo "recount: reports for $day in /data/reports/$day on the recount-data volume"
