#!/usr/bin/env bash
# Build raftis if needed, start RAFTIS_NODES (default 5) members in the background and return once every one
# accepts connections and a leader is elected.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"

raftis_build_if_needed
for ((i = 1; i <= RAFTIS_NODES; i++)); do
    "$RAFTIS_HOME/scripts/start-node.sh" "$i" "$@"
done

deadline=$((SECONDS + 60))
for ((i = 1; i <= RAFTIS_NODES; i++)); do
    port=$(raftis_client_port "$i")
    until [[ "$(raftis_send "$port" PING)" == +PONG* ]]; do
        if ! raftis_pid_alive "$(cat "$RAFTIS_DATA/node$i/pid" 2>/dev/null)"; then
            echo "member $i exited; the end of its log:" >&2
            tail -20 "$RAFTIS_DATA/node$i/log" >&2
            exit 1
        fi
        if (( SECONDS > deadline )); then
            echo "member $i does not answer on port $port after 60s; see $RAFTIS_DATA/node$i/log" >&2
            exit 1
        fi
        sleep 0.2
    done
done

leader=""
until [[ -n "$leader" ]]; do
    for ((i = 1; i <= RAFTIS_NODES; i++)); do
        if raftis_is_leader "$(raftis_client_port "$i")"; then
            leader="$i"
        fi
    done
    if [[ -z "$leader" ]]; then
        if (( SECONDS > deadline )); then
            echo "no leader elected after 60s; see $RAFTIS_DATA/node*/log" >&2
            exit 1
        fi
        sleep 0.2
    fi
done

echo "raftis cluster of $RAFTIS_NODES members is up; data in $RAFTIS_DATA"
for ((i = 1; i <= RAFTIS_NODES; i++)); do
    role=follower
    [[ "$i" == "$leader" ]] && role=leader
    echo "  member $i: redis-cli -p $(raftis_client_port "$i")   ($role)"
done
