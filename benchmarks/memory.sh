#!/usr/bin/env bash
# Bytes per key of small hashes, sets and sorted sets: raftis against redis-server, loaded alike in one run.
#
#   benchmarks/memory.sh                 KEYS=1000000 (default) keys of each type, FIELDS=5 (default) entries each
#
# Starts a fresh raftis cluster (RAFTIS_NODES, default 3 here; RAFTIS_PORT_OFFSET, default 2000) and a redis-server
# without persistence, then for each type empties both, loads KEYS keys of FIELDS small entries each through
# `redis-cli --pipe`, and compares what each holds afterwards:
#   - redis-server: the growth of INFO memory's used_memory;
#   - raftis, on the leader: the growth of its own used_memory (what maxmemory is checked against), and the growth of
#     the JVM's heap in use after a full collection (jcmd GC.run, then GC.heap_info), which is what the keys cost.
# It prints bytes per key for each and the ratios raftis/redis. Everything it started is stopped by pid when it ends.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
export RAFTIS_PORT_OFFSET="${RAFTIS_PORT_OFFSET:-2000}"
export RAFTIS_NODES="${RAFTIS_NODES:-3}"
own_data=0
if [[ -z "${RAFTIS_DATA:-}" ]]; then
    RAFTIS_DATA="$(mktemp -d /tmp/raftis-memory.XXXXXX)"
    own_data=1
fi
export RAFTIS_DATA
source "$HERE/../scripts/env.sh"

keys="${KEYS:-1000000}"
fields="${FIELDS:-5}"
[[ "$keys" =~ ^[1-9][0-9]*$ && "$fields" =~ ^[1-9][0-9]*$ ]] ||
    { echo "KEYS and FIELDS must be positive integers: KEYS=$keys FIELDS=$fields" >&2; exit 2; }
for tool in redis-server redis-cli jcmd; do
    command -v "$tool" > /dev/null || { echo "$tool not found" >&2; exit 1; }
done

redis_port=$((6399 + RAFTIS_PORT_OFFSET))
redis_dir="$(mktemp -d /tmp/redis-memory.XXXXXX)"
source "$HERE/lib.sh"
cleanup() {
    stop_all_redis
    "$RAFTIS_HOME/scripts/stop-cluster.sh" > /dev/null || true
    rm -rf "$redis_dir"
    (( own_data )) && rm -rf "$RAFTIS_DATA"
    return 0
}
trap cleanup EXIT

info_field() { # port, field: a number from INFO
    redis-cli -p "$1" INFO memory | tr -d '\r' | awk -F: -v f="$2" '$1 == f { print $2 }'
}

heap_used_after_gc() { # pid: bytes of heap in use after a full collection
    jcmd "$1" GC.run > /dev/null
    jcmd "$1" GC.heap_info | awk '/used/ {
        for (i = 1; i <= NF; i++) if ($i == "used") { v = $(i + 1); sub(/,$/, "", v); break }
        n = v + 0; u = substr(v, length(v)); if (u == "K") n *= 1024; else if (u == "M") n *= 1048576;
        else if (u == "G") n *= 1073741824; print n; exit }'
}

# The commands that load KEYS keys of one type, FIELDS small entries each, as RESP for redis-cli --pipe.
commands() { # type
    awk -v keys="$keys" -v fields="$fields" -v type="$1" 'BEGIN {
        for (k = 0; k < keys; k++) {
            key = type ":" k; n = 2 + 2 * fields
            if (type == "set") n = 2 + fields
            printf "*%d\r\n", n
            cmd = type == "hash" ? "HSET" : type == "set" ? "SADD" : "ZADD"
            printf "$%d\r\n%s\r\n$%d\r\n%s\r\n", length(cmd), cmd, length(key), key
            for (f = 0; f < fields; f++) {
                member = "member" f
                if (type == "hash") { value = "value" f; printf "$%d\r\n%s\r\n$%d\r\n%s\r\n", length(member), member, length(value), value }
                else if (type == "set") printf "$%d\r\n%s\r\n", length(member), member
                else { score = f ""; printf "$%d\r\n%s\r\n$%d\r\n%s\r\n", length(score), score, length(member), member }
            }
        }
    }'
}

load() { # port, type
    local out
    out="$(commands "$2" | redis-cli -p "$1" --pipe 2>&1)"
    [[ "$out" == *"errors: 0, replies: $keys"* ]] || { echo "loading $2 into port $1 failed: $out" >&2; exit 1; }
}

echo "building and starting $RAFTIS_NODES raftis members and a redis-server ..." >&2
"$RAFTIS_HOME/scripts/start-cluster.sh" > /dev/null
start_redis "$redis_port" --appendonly no
leader_port="$(stable_leader_port)"
leader_pid=""
for ((i = 1; i <= RAFTIS_NODES; i++)); do
    [[ "$(raftis_client_port "$i")" == "$leader_port" ]] && leader_pid="$(cat "$RAFTIS_DATA/node$i/pid")"
done

printf '%-7s %10s %16s %16s %18s %14s\n' type keys "redis B/key" "raftis B/key" "raftis heap B/key" "heap/redis"
for type in hash set zset; do
    redis-cli -p "$redis_port" FLUSHALL > /dev/null
    redis-cli -p "$leader_port" FLUSHALL > /dev/null
    redis_before="$(info_field "$redis_port" used_memory)"
    raftis_before="$(info_field "$leader_port" used_memory)"
    heap_before="$(heap_used_after_gc "$leader_pid")"
    load "$redis_port" "$type"
    load "$leader_port" "$type"
    redis_after="$(info_field "$redis_port" used_memory)"
    raftis_after="$(info_field "$leader_port" used_memory)"
    heap_after="$(heap_used_after_gc "$leader_pid")"
    awk -v t="$type" -v k="$keys" -v r0="$redis_before" -v r1="$redis_after" -v a0="$raftis_before" \
        -v a1="$raftis_after" -v h0="$heap_before" -v h1="$heap_after" 'BEGIN {
        r = (r1 - r0) / k; a = (a1 - a0) / k; h = (h1 - h0) / k
        printf "%-7s %10d %16.1f %16.1f %18.1f %14.2f\n", t, k, r, a, h, h / r }'
done
