#!/usr/bin/env bash
# Stop every member started by start-node.sh / start-cluster.sh, by the pids in $RAFTIS_DATA/node*/pid.
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
# stop every member even when whoever reads our output goes away (e.g. | head): ignore SIGPIPE
trap '' PIPE

stopped=0
for pidfile in "$RAFTIS_DATA"/node*/pid; do
    [[ -f "$pidfile" ]] || continue
    pid="$(cat "$pidfile")"
    member="$(basename "$(dirname "$pidfile")")"
    if raftis_pid_alive "$pid"; then
        kill -TERM "$pid"
        for _ in $(seq 1 100); do
            raftis_pid_alive "$pid" || break
            sleep 0.1
        done
        if raftis_pid_alive "$pid"; then
            echo "$member (pid $pid) did not stop in 10s: killing it" >&2
            kill -KILL "$pid"
        fi
        echo "stopped $member (pid $pid)"
        stopped=$((stopped + 1))
    fi
    rm -f "$pidfile"
done
echo "stopped $stopped member(s)"
