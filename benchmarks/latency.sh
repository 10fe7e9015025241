#!/usr/bin/env bash
# Latency of raftis against a plain redis-server, measured in the same run on the same machine by raftis's own
# open-loop load generator (io.raftis.bench.LoadGenerator), corrected for coordinated omission.
#
#   benchmarks/latency.sh [LoadGenerator args]      e.g. --rate 2000 --duration 10s --mix set:80,get:20
#
# Starts a fresh five-member raftis cluster (RAFTIS_PORT_OFFSET, default 2000, keeps it off 6379), runs the load
# generator at the same constant rate (default --rate 5000, 20 connections, 30 s after 5 s warm-up) against the
# raftis leader, stops the cluster, starts a plain redis-server (no persistence) and runs the same load against it.
# With REDIS_AOF_ALWAYS=1 it also measures redis-server with appendfsync always, the closest durability to raftis's
# fsync=always. Writes LABEL-{set,get,all}.hgrm, LABEL.png and LABEL.txt (the summary) per server and one plot of
# them all, raftis-vs-redis.png, into LATENCY_OUTPUT (default ./bench-results). Everything it started is stopped by
# pid when it ends.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
export RAFTIS_PORT_OFFSET="${RAFTIS_PORT_OFFSET:-2000}"
own_data=0
if [[ -z "${RAFTIS_DATA:-}" ]]; then
    RAFTIS_DATA="$(mktemp -d /tmp/raftis-latency.XXXXXX)"
    own_data=1
fi
export RAFTIS_DATA
source "$HERE/../scripts/env.sh"

args=(--rate 5000 "$@")
out="${LATENCY_OUTPUT:-bench-results}"
mkdir -p "$out"
out="$(cd "$out" && pwd)"
command -v redis-server > /dev/null || { echo "redis-server not found: apt-get install redis-server" >&2; exit 1; }

redis_port=$((6399 + RAFTIS_PORT_OFFSET))
redis_dir="$(mktemp -d /tmp/redis-latency.XXXXXX)"
source "$HERE/lib.sh"
cleanup() {
    local status=$?
    stop_all_redis
    "$RAFTIS_HOME/scripts/stop-cluster.sh" > /dev/null || true
    rm -rf "$redis_dir"
    if (( status != 0 )); then
        echo "failed; raftis data and member logs are in $RAFTIS_DATA" >&2
    elif (( own_data )); then
        rm -rf "$RAFTIS_DATA"
    fi
}
trap cleanup EXIT

load() { # label, port: run the load generator, print and keep its summary
    local label="$1" port="$2"
    echo
    # shellcheck disable=SC2086
    java -Xms256m -Xmx1g ${LOADGEN_JAVA_OPTS:-} -cp "$RAFTIS_JAR" io.raftis.bench.LoadGenerator \
        --port "$port" --label "$label" --output "$out" "${args[@]}" | tee "$out/$label.txt"
}

raftis_build_if_needed
echo "raftis: starting five members (data $RAFTIS_DATA, port offset $RAFTIS_PORT_OFFSET)"
"$RAFTIS_HOME/scripts/start-cluster.sh" > /dev/null
leader_port="$(stable_leader_port)"

echo "load generator: ${args[*]}"
echo "raftis leader on port $leader_port ..."
load raftis "$leader_port"
"$RAFTIS_HOME/scripts/stop-cluster.sh" > /dev/null

echo
echo "redis-server on port $redis_port ..."
start_redis "$redis_port"
load redis "$redis_port"
stop_redis

plots=("$out/raftis-set.hgrm" "$out/raftis-get.hgrm" "$out/redis-set.hgrm" "$out/redis-get.hgrm")
labels=(raftis redis)
if [[ "${REDIS_AOF_ALWAYS:-0}" == 1 ]]; then
    echo
    echo "redis-server appendfsync always on port $((redis_port + 1)) ..."
    start_redis "$((redis_port + 1))" --appendonly yes --appendfsync always
    load redis-aof-always "$((redis_port + 1))"
    stop_redis
    plots+=("$out/redis-aof-always-set.hgrm" "$out/redis-aof-always-get.hgrm")
    labels+=(redis-aof-always)
fi

rate="$(awk '/requests\/s on/ {print $2; exit}' "$out/raftis.txt")"
java -cp "$RAFTIS_JAR" io.raftis.bench.LoadGenerator --plot "${plots[@]}" \
    --output "$out/raftis-vs-redis.png" \
    --title "raftis (leader of 5) vs redis-server, $rate requests/s, corrected for coordinated omission" > /dev/null

echo
echo "latency in ms from the intended send time:"
printf '%-22s %10s %9s %9s %9s %9s %9s %9s\n' "" count p50 p90 p99 p99.9 p99.99 max
for label in "${labels[@]}"; do
    awk -v l="$label" '$1 ~ /^(SET|GET|ALL)$/ && NF == 8 {
        printf "%-22s %10s %9s %9s %9s %9s %9s %9s\n", l " " $1, $2, $3, $4, $5, $6, $7, $8 }' "$out/$label.txt"
done

echo
echo "files in $out:"
for label in "${labels[@]}"; do
    echo "  $label-set.hgrm $label-get.hgrm $label-all.hgrm $label.png $label.txt"
done
echo "  raftis-vs-redis.png   (all of them on one percentile plot)"
echo "compare others with: java -cp $RAFTIS_JAR io.raftis.bench.LoadGenerator --plot A.hgrm B.hgrm --output X.png"
