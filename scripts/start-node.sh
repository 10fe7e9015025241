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

# the heap is the script's unless RAFTIS_JAVA_OPTS sizes it, and so is the collector unless it names one. The script's
# heap is touched at start (AlwaysPreTouch): memory the process never used costs a page fault per 4 KiB on first use,
# and the first copy of a 200 MB value into fresh heap took 0.5 to 0.8 s here, in one pass, on every member at once,
# where a touched heap took 0.1 to 0.3 s. The price: the heap is resident from the start, and a member takes a few
# seconds longer to start.
heap_args=(-Xms"${RAFTIS_HEAP:-2g}" -Xmx"${RAFTIS_HEAP:-2g}" -XX:+AlwaysPreTouch)
if [[ " ${RAFTIS_JAVA_OPTS:-} " =~ \ -Xm[sxn] ]]; then
    heap_args=()
fi
gc_args=(-XX:+UseZGC)
if [[ " ${RAFTIS_JAVA_OPTS:-} " =~ \ -XX:\+Use[A-Za-z0-9]*GC ]]; then
    gc_args=()
fi
# ZGC collects beside the duty cycle: its pauses stay under a millisecond, where a young collection that copies the
# keys a burst of writes created paused G1 for 0.6 to 1.2 s here, past the election timeout, and it has no card
# refinement threads, which cost G1 about 10 CPU-us per SET. The JVM samples its performance counters (jstat's)
# once a second instead of every 50 ms: an idle member otherwise wakes 20 times a second for it.
# shellcheck disable=SC2086
nohup java --add-exports java.base/jdk.internal.misc=ALL-UNNAMED -Djava.net.preferIPv4Stack=true \
    -XX:PerfDataSamplingInterval=1000 ${heap_args[@]+"${heap_args[@]}"} ${gc_args[@]+"${gc_args[@]}"} \
    -XX:MaxDirectMemorySize="${RAFTIS_DIRECT_MEMORY:-1g}" ${RAFTIS_JAVA_OPTS:-} \
    -jar "$RAFTIS_JAR" \
    --member-id="$id" \
    --members="$(raftis_members)" \
    --data-dir="$dir" \
    ${secret_args[@]+"${secret_args[@]}"} ${RAFTIS_FLAGS:-} "$@" \
    >> "$dir/log" 2>&1 < /dev/null &
echo $! > "$dir/pid"
echo "member $id: pid $!, clients on 127.0.0.1:$(raftis_client_port "$id"), raft on udp 127.0.0.1:$(raftis_raft_port "$id"), log $dir/log"
