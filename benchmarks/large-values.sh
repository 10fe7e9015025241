#!/usr/bin/env bash
# What 20 MB writes do to everyone else: the latency of small SETs at a constant rate, alone and while another
# client writes 20 MB values back to back, on raftis and on a plain redis-server in the same run.
#
#   benchmarks/large-values.sh            SIZE_MB=20 (default), RATE=1000 small SETs/s, DURATION=20s
#
# Starts a fresh raftis cluster (RAFTIS_NODES, default 3 here; RAFTIS_PORT_OFFSET, default 2000) and runs raftis's
# open-loop load generator (io.raftis.bench.LoadGenerator, corrected for coordinated omission) against the leader
# twice: once alone, once while redis-cli SETs a SIZE_MB value over and over on another connection. Then the same
# against a redis-server without persistence. It prints each run's percentiles, the large writes done, the Raft
# terms the run went through (an election shows as a new term), and the ratios: how much the large writes stretch
# the small SETs' p99 and max on each server. Everything it started is stopped by pid when it ends.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
export RAFTIS_PORT_OFFSET="${RAFTIS_PORT_OFFSET:-2000}"
export RAFTIS_NODES="${RAFTIS_NODES:-3}"
own_data=0
if [[ -z "${RAFTIS_DATA:-}" ]]; then
    RAFTIS_DATA="$(mktemp -d /tmp/raftis-large.XXXXXX)"
    own_data=1
fi
export RAFTIS_DATA
source "$HERE/../scripts/env.sh"

size_mb="${SIZE_MB:-20}"
rate="${RATE:-1000}"
duration="${DURATION:-20s}"
[[ "$size_mb" =~ ^[1-9][0-9]*$ && "$rate" =~ ^[1-9][0-9]*$ ]] ||
    { echo "SIZE_MB and RATE must be positive integers: SIZE_MB=$size_mb RATE=$rate" >&2; exit 2; }
for tool in redis-server redis-cli; do
    command -v "$tool" > /dev/null || { echo "$tool not found: apt-get install redis-server redis-tools" >&2; exit 1; }
done

redis_port=$((6399 + RAFTIS_PORT_OFFSET))
redis_dir="$(mktemp -d /tmp/redis-large.XXXXXX)"
out="$redis_dir/out"
mkdir -p "$out"
writer_pid=""
source "$HERE/lib.sh"
cleanup() {
    [[ -n "$writer_pid" ]] && kill "$writer_pid" 2>/dev/null && wait "$writer_pid" 2>/dev/null
    stop_all_redis
    "$RAFTIS_HOME/scripts/stop-cluster.sh" > /dev/null || true
    rm -rf "$redis_dir"
    (( own_data )) && rm -rf "$RAFTIS_DATA"
    return 0
}
trap cleanup EXIT

value="$redis_dir/value"
head -c $((size_mb * 1024 * 1024)) /dev/urandom > "$value"

start_writer() { # port: SET the large value over and over, counting the replies, until stopped
    local port="$1"
    ( n=0; while true; do
        reply="$(redis-cli -p "$port" -x SET large < "$value" 2>&1)" || true
        [[ "$reply" == OK ]] && n=$((n + 1))
        echo "$n" > "$redis_dir/writes"
      done ) &
    writer_pid=$!
}

stop_writer() {
    kill "$writer_pid" 2>/dev/null || true
    wait "$writer_pid" 2>/dev/null || true
    writer_pid=""
}

load() { # label, port
    java -Xms256m -Xmx1g -cp "$RAFTIS_JAR" io.raftis.bench.LoadGenerator --port "$1" --label "$2" \
        --output "$out" --rate "$rate" --duration "$duration" --connections 4 --mix set:100 > "$out/$2.txt"
}

term() { # port: the Raft term of the member on that port
    redis-cli -p "$1" INFO raft | tr -d '\r' | awk -F: '$1 == "raft_term" { print $2 }'
}

run_pair() { # name, port, is-raftis
    local name="$1" port="$2" before after writes
    before="$( (( $3 )) && term "$port" || echo -)"
    load "$port" "$name-alone"
    echo 0 > "$redis_dir/writes"
    start_writer "$port"
    load "$port" "$name-large"
    stop_writer
    writes="$(cat "$redis_dir/writes")"
    after="$( (( $3 )) && term "$port" || echo -)"
    echo "$name: $writes writes of $size_mb MB during the second run; Raft term $before before, $after after"
}

raftis_build_if_needed
echo "raftis: starting $RAFTIS_NODES members (data $RAFTIS_DATA, port offset $RAFTIS_PORT_OFFSET)"
"$RAFTIS_HOME/scripts/start-cluster.sh" > /dev/null
leader_port="$(stable_leader_port)"
run_pair raftis "$leader_port" 1
"$RAFTIS_HOME/scripts/stop-cluster.sh" > /dev/null

start_redis "$redis_port"
run_pair redis "$redis_port" 0
stop_redis

echo
echo "small SETs at $rate/s, latency in ms from the intended send time:"
printf '%-16s %10s %9s %9s %9s %9s %9s %9s\n' "" count p50 p90 p99 p99.9 p99.99 max
for label in raftis-alone raftis-large redis-alone redis-large; do
    awk -v l="$label" '$1 == "SET" && NF == 8 {
        printf "%-16s %10s %9s %9s %9s %9s %9s %9s\n", l, $2, $3, $4, $5, $6, $7, $8 }' "$out/$label.txt"
done
stretch() { # server, column: the large run's figure over the alone run's
    awk -v c="$2" '$1 == "SET" && NF == 8 { v[FILENAME] = $c } END {
        for (f in v) if (f ~ /-large[.]txt$/) l = v[f]; else a = v[f]; printf "%.2f", (a > 0 ? l / a : 0) }' \
        "$out/$1-alone.txt" "$out/$1-large.txt"
}
echo
echo "stretch of the small SETs by the large writes (large run / alone run):"
printf '  raftis: p99 %sx, max %sx\n' "$(stretch raftis 5)" "$(stretch raftis 8)"
printf '  redis:  p99 %sx, max %sx\n' "$(stretch redis 5)" "$(stretch redis 8)"
