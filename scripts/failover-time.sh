#!/usr/bin/env bash
# Time from kill -9 of the leader to the next acknowledged write, over TRIES (default 10) tries.
#
#   scripts/failover-time.sh [tries]
#
# Starts a fresh five-member cluster (RAFTIS_PORT_OFFSET, default 4000; data in a temporary RAFTIS_DATA), then for
# each try: finds the leader, kills it with SIGKILL, sends SET to every live member in turn until one answers +OK
# (followers answer -MOVED or -CLUSTERDOWN meanwhile), prints the time, restarts the killed member and waits for it
# to catch up. Prints every figure and the median. Everything it started is stopped by pid.
set -euo pipefail
export RAFTIS_PORT_OFFSET="${RAFTIS_PORT_OFFSET:-4000}"
own_data=0
if [[ -z "${RAFTIS_DATA:-}" ]]; then
    RAFTIS_DATA="$(mktemp -d /tmp/raftis-failover.XXXXXX)"
    own_data=1
fi
export RAFTIS_DATA
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
tries="${1:-10}"

cleanup() {
    "$RAFTIS_HOME/scripts/stop-cluster.sh" > /dev/null || true
    (( own_data )) && rm -rf "$RAFTIS_DATA"
    return 0
}
trap cleanup EXIT

leader_id() {
    local i
    for ((i = 1; i <= RAFTIS_NODES; i++)); do
        if raftis_is_leader "$(raftis_client_port "$i")"; then
            echo "$i"
            return 0
        fi
    done
    return 1
}

"$RAFTIS_HOME/scripts/start-cluster.sh" > /dev/null
times=()
for ((t = 1; t <= tries; t++)); do
    leader=""
    until leader="$(leader_id)"; do sleep 0.1; done
    raftis_send "$(raftis_client_port "$leader")" "SET failover before-$t" > /dev/null
    pid="$(cat "$RAFTIS_DATA/node$leader/pid")"
    start=$(date +%s%N)
    kill -KILL "$pid"
    acked=""
    until [[ -n "$acked" ]]; do
        for ((i = 1; i <= RAFTIS_NODES; i++)); do
            [[ "$i" == "$leader" ]] && continue
            if [[ "$(raftis_send "$(raftis_client_port "$i")" "SET failover after-$t")" == +OK* ]]; then
                acked="$i"
                break
            fi
        done
    done
    end=$(date +%s%N)
    ms=$(( (end - start) / 1000000 ))
    times+=("$ms")
    echo "try $t: killed leader $leader, member $acked acknowledged a write after $ms ms"
    while kill -0 "$pid" 2> /dev/null; do sleep 0.05; done
    rm -f "$RAFTIS_DATA/node$leader/pid"
    "$RAFTIS_HOME/scripts/start-node.sh" "$leader" > /dev/null
    until [[ "$(raftis_send "$(raftis_client_port "$leader")" PING)" == +PONG* ]]; do sleep 0.1; done
    sleep 2 # let the restarted member catch up and the cluster settle before the next kill
done

sorted=($(printf '%s\n' "${times[@]}" | sort -n))
n=${#sorted[@]}
if (( n % 2 )); then
    median=${sorted[$((n / 2))]}
else
    median=$(( (sorted[n / 2 - 1] + sorted[n / 2]) / 2 ))
fi
echo "kill -9 of the leader to the next acknowledged write over $n tries: median $median ms," \
    "min ${sorted[0]} ms, max ${sorted[$((n - 1))]} ms (all: ${times[*]})"
