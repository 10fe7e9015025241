# Shared by the benchmark scripts; sourced after scripts/env.sh. Keeps the redis-server pids it starts in
# redis_pids and its files in redis_dir (the caller creates it and removes it in its EXIT trap).

redis_pids=()

start_redis() { # port, extra redis-server args...
    local port="$1"; shift
    redis-server --port "$port" --bind 127.0.0.1 --save "" --dir "$redis_dir" --daemonize no "$@" \
        > "$redis_dir/redis-$port.log" 2>&1 &
    redis_pids+=($!)
    local deadline=$((SECONDS + 10))
    until [[ "$(raftis_send "$port" PING)" == +PONG* ]]; do
        if (( SECONDS > deadline )); then
            echo "redis-server on port $port did not start:" >&2
            cat "$redis_dir/redis-$port.log" >&2
            exit 1
        fi
        sleep 0.1
    done
}

stop_redis() { # stop the last redis-server started
    local pid="${redis_pids[-1]}"
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    unset 'redis_pids[-1]'
}

stop_all_redis() {
    while (( ${#redis_pids[@]} > 0 )); do
        stop_redis
    done
}

# Print the client port of the leader that two looks a second apart agree on: the first leader of a fresh cluster
# on a busy machine may not last.
stable_leader_port() {
    local previous="" current i deadline=$((SECONDS + 30))
    while (( SECONDS < deadline )); do
        current=""
        for ((i = 1; i <= RAFTIS_NODES; i++)); do
            if raftis_is_leader "$(raftis_client_port "$i")"; then
                current="$(raftis_client_port "$i")"
            fi
        done
        if [[ -n "$current" && "$current" == "$previous" ]]; then
            echo "$current"
            return 0
        fi
        previous="$current"
        sleep 1
    done
    echo "no stable raftis leader after 30s" >&2
    return 1
}
