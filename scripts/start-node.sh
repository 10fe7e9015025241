#!/usr/bin/env bash
# Start raftis member N (1-based) in the background: data, pid and log in $RAFTIS_DATA/nodeN/.
# Extra arguments are passed to the node, e.g. --fsync=never or --read-consistency=lease.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"

id="${1:?usage: start-node.sh N [--flag=value ...]}"
shift
if ! [[ "$id" =~ ^[0-9]+$ ]] || (( id < 1 || id > RAFTIS_NODES )); then
    echo "member id must be 1..$RAFTIS_NODES: $id" >&2
    exit 1
fi
raftis_build_if_needed

dir="$RAFTIS_DATA/node$id"
mkdir -p "$dir"
if [[ -f "$dir/pid" ]] && raftis_pid_alive "$(cat "$dir/pid")"; then
    echo "member $id already runs as pid $(cat "$dir/pid")" >&2
    exit 1
fi

# the cluster's secret, unless the caller names one
secret_args=("--cluster-secret-file=$(raftis_secret_file)")
if [[ " ${RAFTIS_FLAGS:-} $* " == *" --cluster-secret-file"* ]]; then
    secret_args=()
fi

# the heap is the script's unless RAFTIS_JAVA_OPTS sizes it
heap_args=(-Xms"${RAFTIS_HEAP:-2g}" -Xmx"${RAFTIS_HEAP:-2g}" -Xmn"$(raftis_young_size)")
if [[ " ${RAFTIS_JAVA_OPTS:-} " =~ \ -Xm[sxn] ]]; then
    heap_args=()
fi
# the JVM samples its performance counters (jstat's) once a second instead of every 50 ms: an idle member
# otherwise wakes 20 times a second for it. The whole heap from the start, a quarter of it young: a million
# writes run without a collection (pages are touched only as they are used).
# shellcheck disable=SC2086
nohup java --add-exports java.base/jdk.internal.misc=ALL-UNNAMED -Djava.net.preferIPv4Stack=true \
    -XX:PerfDataSamplingInterval=1000 ${heap_args[@]+"${heap_args[@]}"} \
    -XX:MaxDirectMemorySize="${RAFTIS_DIRECT_MEMORY:-1g}" ${RAFTIS_JAVA_OPTS:-} \
    -jar "$RAFTIS_JAR" \
    --member-id="$id" \
    --members="$(raftis_members)" \
    --data-dir="$dir" \
    ${secret_args[@]+"${secret_args[@]}"} ${RAFTIS_FLAGS:-} "$@" \
    >> "$dir/log" 2>&1 < /dev/null &
echo $! > "$dir/pid"
echo "member $id: pid $!, clients on 127.0.0.1:$(raftis_client_port "$id"), raft on udp 127.0.0.1:$(raftis_raft_port "$id"), log $dir/log"
