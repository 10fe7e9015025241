#!/usr/bin/env bash
# Throughput of raftis against a plain redis-server measured in the same run on the same machine.
#
#   benchmarks/redis-benchmark.sh [redis-benchmark args]     default: -t set,get -n 1000000 -r 100000000 -c 20
#
# Starts a fresh five-member raftis cluster (RAFTIS_PORT_OFFSET, default 2000, keeps it off 6379) and a plain
# redis-server (no persistence, as shipped defaults minus RDB snapshots), runs redis-benchmark against the raftis
# leader and against redis-server with the same arguments, and prints each test's requests per second and the
# ratio raftis/redis. With REDIS_AOF_ALWAYS=1 it also measures redis-server with appendfsync always, the closest
# durability to raftis's fsync=always. Everything it started is stopped by pid when it ends.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
export RAFTIS_PORT_OFFSET="${RAFTIS_PORT_OFFSET:-2000}"
own_data=0
if [[ -z "${RAFTIS_DATA:-}" ]]; then
    RAFTIS_DATA="$(mktemp -d /tmp/raftis-bench.XXXXXX)"
    own_data=1
fi
export RAFTIS_DATA
source "$HERE/../scripts/env.sh"

args=("$@")
[[ ${#args[@]} -gt 0 ]] || args=(-t set,get -n 1000000 -r 100000000 -c 20)
for tool in redis-server redis-benchmark; do
    command -v "$tool" > /dev/null || { echo "$tool not found: apt-get install redis-server redis-tools" >&2; exit 1; }
done

redis_port=$((6399 + RAFTIS_PORT_OFFSET))
redis_dir="$(mktemp -d /tmp/redis-bench.XXXXXX)"
source "$HERE/lib.sh"
cleanup() {
    stop_all_redis
    "$RAFTIS_HOME/scripts/stop-cluster.sh" > /dev/null || true
    rm -rf "$redis_dir"
    (( own_data )) && rm -rf "$RAFTIS_DATA"
    return 0
}
trap cleanup EXIT

rps() { # port -> "TEST rps" lines
    redis-benchmark -p "$1" "${args[@]}" -q 2>&1 | tr '\r' '\n' | grep -a "requests per second" |
        sed -E 's/^ *([A-Za-z_:]+)[: ]+ ([0-9.]+) requests per second.*/\1 \2/' | tr -d ':'
}

echo "raftis: starting five members (data $RAFTIS_DATA, port offset $RAFTIS_PORT_OFFSET)"
"$RAFTIS_HOME/scripts/start-cluster.sh" > /dev/null
leader_port="$(stable_leader_port)"

echo "redis-benchmark ${args[*]}"
echo "raftis leader on port $leader_port ..."
raftis_out="$(rps "$leader_port")"
"$RAFTIS_HOME/scripts/stop-cluster.sh" > /dev/null

echo "redis-server on port $redis_port ..."
start_redis "$redis_port"
redis_out="$(rps "$redis_port")"

aof_out=""
if [[ "${REDIS_AOF_ALWAYS:-0}" == 1 ]]; then
    echo "redis-server appendfsync always on port $((redis_port + 1)) ..."
    start_redis "$((redis_port + 1))" --appendonly yes --appendfsync always
    aof_out="$(rps "$((redis_port + 1))")"
fi

printf '\n%-8s %14s %14s %8s' test raftis redis-server ratio
[[ -n "$aof_out" ]] && printf ' %14s %8s' redis-aof-always ratio
printf '\n'
while read -r test raftis; do
    redis="$(awk -v t="$test" '$1 == t {print $2}' <<< "$redis_out")"
    printf '%-8s %14.0f %14.0f %8.3f' "$test" "$raftis" "$redis" "$(awk -v a="$raftis" -v b="$redis" 'BEGIN {print a / b}')"
    if [[ -n "$aof_out" ]]; then
        aof="$(awk -v t="$test" '$1 == t {print $2}' <<< "$aof_out")"
        printf ' %14.0f %8.3f' "$aof" "$(awk -v a="$raftis" -v b="$aof" 'BEGIN {print a / b}')"
    fi
    printf '\n'
done <<< "$raftis_out"
