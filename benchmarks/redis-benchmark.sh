#!/usr/bin/env bash
# raftis against redis-server, measured in one run on one machine, as ratios (absolute figures drift from run to run).
#
#   benchmarks/redis-benchmark.sh [redis-benchmark args]     default: -n 200000 -r 100000000 -c 20
#   TESTS=set,get (default) runs each test on its own, so that its CPU cost can be told apart.
#   IDLE_SECONDS=10 (default) is how long the idle cluster's CPU is measured, IDLE_SETTLE_SECONDS=5 after the load.
#   WARMUP=100000 (default) unmeasured requests of each test go first, to every server alike; 0 for none.
#
# Starts a fresh five-member raftis cluster (RAFTIS_PORT_OFFSET, default 2000, keeps it off 6379), runs
# redis-benchmark against the leader test by test and measures the CPU all members use meanwhile, then the CPU its
# members use over IDLE_SECONDS once the load is over; then does the same runs against a redis-server without
# persistence (plain) and one with appendfsync always (durable, the closest to raftis's fsync=always). It prints requests per second, p50 and p99 for
# each, the ratios raftis/durable and raftis/plain, the idle CPU and the CPU per request of all five members.
# Everything it started is stopped by pid when it ends.
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
[[ ${#args[@]} -gt 0 ]] || args=(-n 200000 -r 100000000 -c 20)
tests="${TESTS:-set,get}"
warmup="${WARMUP:-100000}"
requests=100000 # redis-benchmark's own default
for ((i = 0; i < ${#args[@]}; i++)); do
    case "${args[i]}" in
        -n) requests="${args[i + 1]}" ;;
        -t) echo "name the tests with TESTS=set,get, not -t: each runs on its own" >&2; exit 2 ;;
    esac
done
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

ticks_per_second="$(getconf CLK_TCK)"

# CPU time, in clock ticks, the raftis members have used so far: user and system, from /proc/PID/stat.
members_cpu_ticks() {
    local total=0 i pid fields
    for ((i = 1; i <= RAFTIS_NODES; i++)); do
        pid="$(cat "$RAFTIS_DATA/node$i/pid")"
        fields="$(sed -E 's/^.*\) //' "/proc/$pid/stat")" # past the command name, which may hold spaces
        total=$((total + $(awk '{print $12 + $13}' <<< "$fields")))
    done
    echo "$total"
}

# port test -> "rps p50 p99", from redis-benchmark's CSV
bench() {
    redis-benchmark -p "$1" -t "$2" "${args[@]}" --csv 2>/dev/null | tail -1 | tr -d '"' |
        awk -F, '{print $2, $5, $7}'
}

# WARMUP requests of the test first, unmeasured, against every server alike: a JVM compiles its hot code in its
# first seconds of load (measured: half of the members' CPU in the first 10 s goes to the JIT compiler)
warm_up() {
    (( warmup > 0 )) || return 0
    redis-benchmark -p "$1" -t "$2" -n "$warmup" -r 100000000 -c 20 -q > /dev/null 2>&1 || true
}

echo "raftis: starting five members (data $RAFTIS_DATA, port offset $RAFTIS_PORT_OFFSET)"
"$RAFTIS_HOME/scripts/start-cluster.sh" > /dev/null
leader_port="$(stable_leader_port)"

declare -A raftis durable plain cpu_per_request
echo "redis-benchmark ${args[*]}, tests $tests"
for test in ${tests//,/ }; do
    warm_up "$leader_port" "$test"
    before="$(members_cpu_ticks)"
    raftis[$test]="$(bench "$leader_port" "$test")"
    used=$(( $(members_cpu_ticks) - before ))
    cpu_per_request[$test]="$(awk -v t="$used" -v hz="$ticks_per_second" -v n="$requests" \
        'BEGIN {printf "%.0f", t / hz * 1e6 / n}')"
    echo "  raftis leader (port $leader_port) $test: ${raftis[$test]} (rps p50 p99)"
done

# idle once the load is over: what a cluster that has served costs while no one asks anything (measured right after
# start-up it would include the JIT compiling the start's code, which goes on for a minute at idle)
idle_seconds="${IDLE_SECONDS:-10}"
sleep "${IDLE_SETTLE_SECONDS:-5}"
before="$(members_cpu_ticks)"
sleep "$idle_seconds"
idle_cpu="$(awk -v t="$(( $(members_cpu_ticks) - before ))" -v hz="$ticks_per_second" 'BEGIN {printf "%.2f", t / hz}')"
echo "idle: the five members used $idle_cpu CPU-seconds in ${idle_seconds}s"
"$RAFTIS_HOME/scripts/stop-cluster.sh" > /dev/null

# results-array label [redis-server args]: every test against a fresh redis-server started with those args
measure_redis() {
    local -n results="$1"
    local label="$2" test
    shift 2
    start_redis "$redis_port" "$@"
    for test in ${tests//,/ }; do
        warm_up "$redis_port" "$test"
        results[$test]="$(bench "$redis_port" "$test")"
        echo "  redis-server $label $test: ${results[$test]}"
    done
    stop_redis
}
measure_redis durable "appendfsync always" --appendonly yes --appendfsync always
measure_redis plain "without persistence"

printf '\n%-6s | %-24s | %-24s | %-24s | %9s %9s | %s\n' test "raftis rps p50 p99" "durable rps p50 p99" \
    "plain rps p50 p99" "/durable" "/plain" "raftis CPU-us/request"
for test in ${tests//,/ }; do
    read -r r_rps r_p50 r_p99 <<< "${raftis[$test]}"
    read -r d_rps d_p50 d_p99 <<< "${durable[$test]}"
    read -r p_rps p_p50 p_p99 <<< "${plain[$test]}"
    printf '%-6s | %9.0f %6s %7s | %9.0f %6s %7s | %9.0f %6s %7s | %9.3f %9.3f | %s\n' "$test" \
        "$r_rps" "$r_p50" "$r_p99" "$d_rps" "$d_p50" "$d_p99" "$p_rps" "$p_p50" "$p_p99" \
        "$(awk -v a="$r_rps" -v b="$d_rps" 'BEGIN {print a / b}')" \
        "$(awk -v a="$r_rps" -v b="$p_rps" 'BEGIN {print a / b}')" "${cpu_per_request[$test]}"
done
echo "p50 and p99 in ms; SET p99 raftis/durable: $(awk -v a="$(awk '{print $3}' <<< "${raftis[set]:-0 0 0}")" \
    -v b="$(awk '{print $3}' <<< "${durable[set]:-0 0 1}")" 'BEGIN {printf "%.2f", a / b}')"
echo "idle CPU of the five members over ${idle_seconds}s: $idle_cpu CPU-seconds"
