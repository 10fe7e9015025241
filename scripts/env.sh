# Shared settings for raftis's scripts; sourced, not run.
# RAFTIS_NODES (default 5), RAFTIS_PORT_OFFSET (default 0, added to every port), RAFTIS_DATA (default ./data),
# RAFTIS_HEAP (default 2g: -Xms and -Xmx, collected by ZGC; it holds the keyspace, and maxmemory defaults to
# 60% of it; unless RAFTIS_JAVA_OPTS has its own -Xmx, -Xms or -Xmn), RAFTIS_DIRECT_MEMORY
# (default 1g: -XX:MaxDirectMemorySize, which holds the clients' buffers; maxmemory-clients defaults to half of it),
# RAFTIS_JAVA_OPTS (extra JVM flags), RAFTIS_FLAGS (extra node flags).

RAFTIS_HOME="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
RAFTIS_JAR="$RAFTIS_HOME/target/raftis.jar"
RAFTIS_NODES="${RAFTIS_NODES:-5}"
RAFTIS_PORT_OFFSET="${RAFTIS_PORT_OFFSET:-0}"
RAFTIS_DATA="${RAFTIS_DATA:-./data}"
mkdir -p "$RAFTIS_DATA"
RAFTIS_DATA="$(cd "$RAFTIS_DATA" && pwd)"

raftis_raft_port() { echo $((8900 + $1 + RAFTIS_PORT_OFFSET)); }
raftis_client_port() { echo $((6379 + 100 * ($1 - 1) + RAFTIS_PORT_OFFSET)); }

raftis_members() {
    local members="" i
    for ((i = 1; i <= RAFTIS_NODES; i++)); do
        members="${members:+$members,}$i=127.0.0.1:$(raftis_raft_port "$i"):$(raftis_client_port "$i")"
    done
    echo "$members"
}

# The cluster's shared secret: every Raft message carries a MAC keyed by it. Created once per data root, 32
# random bytes in hex, readable by its owner only; every member of the cluster is started with the same file.
raftis_secret_file() {
    local file="$RAFTIS_DATA/cluster.secret"
    if [[ ! -f "$file" ]]; then
        (umask 077 && od -An -tx1 -N32 /dev/urandom | tr -d ' \n' > "$file.tmp" && echo >> "$file.tmp" &&
            mv "$file.tmp" "$file")
    fi
    echo "$file"
}

# Build the jar when it is missing or older than the sources.
raftis_build_if_needed() {
    if [[ ! -f "$RAFTIS_JAR" ]] || [[ -n "$(find "$RAFTIS_HOME/src/main" "$RAFTIS_HOME/sbe-schemas" "$RAFTIS_HOME/pom.xml" \
        -newer "$RAFTIS_JAR" -type f -print -quit 2>/dev/null)" ]]; then
        echo "building $RAFTIS_JAR ..."
        (cd "$RAFTIS_HOME" && mvn -q -B -DskipTests package) || { echo "build failed" >&2; return 1; }
    fi
}

# True when pid is alive and is a raftis node (guards against a recycled pid).
raftis_pid_alive() {
    local pid="$1"
    [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null && tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null | grep -q "raftis"
}

# Send one inline command to 127.0.0.1:port and print the reply (no redis-cli needed).
raftis_send() {
    local port="$1"; shift
    timeout 2 bash -c 'exec 3<>/dev/tcp/127.0.0.1/'"$port"' || exit 1
        printf "%s\r\n" "$1" >&3
        IFS= read -r -t 1 line <&3 || exit 1
        printf "%s\n" "$line"
        if [[ "$line" == \$* ]]; then
            len=${line#\$}; len=${len%$'"'"'\r'"'"'}
            (( len > 0 )) && head -c "$len" <&3
            echo
        fi' _ "$*" 2>/dev/null
}

# True when the member with this client port says it leads (no pipe into grep -q: with pipefail, grep's early exit
# would fail the pipeline at random through SIGPIPE).
raftis_is_leader() {
    [[ "$(raftis_send "$1" "INFO raft")" == *"raft_role:leader"* ]]
}
