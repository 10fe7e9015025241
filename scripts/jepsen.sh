#!/usr/bin/env bash
# A long Jepsen-style run against real member processes: concurrent clients read and write unique values of a few
# keys on every member while a nemesis kills, restarts and pauses members (the leader more often than not) and, with
# nftables as root, partitions them and cuts links one way; the history is checked for linearizability, including a
# final read of every key after the faults heal, which must succeed, and every key must have a minimum of
# acknowledged writes and reads.
#
#   scripts/jepsen.sh [duration] [members] [seed]      defaults: 600s 5 and a random seed; durations in s or ms
#
# The seed is printed first, then the nemesis's schedule drawn from it (which fault, aimed at whom, when and for how
# long); the same seed, duration and members, with nftables usable or not as before, replay the same schedule. The
# report (verdict, operation count, seed and the faults as injected) is printed at the end and kept in
# target/jepsen-<date>.log; the members' logs stay in the test's temporary directory when the check fails. The exit
# status is 0 only when the run passed.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
duration="${1:-600s}"
members="${2:-5}"
seed_flag=()
[[ -n "${3:-}" ]] && seed_flag=(-Draftis.jepsen.seed="$3")
mkdir -p target
report="target/jepsen-$(date +%Y%m%d-%H%M%S).log"
if ! command -v nft > /dev/null && command -v apt-get > /dev/null && [[ "$(id -u)" == 0 ]]; then
    export DEBIAN_FRONTEND=noninteractive
    { apt-get update -qq && apt-get install -y -qq nftables; } < /dev/null > /dev/null || true
fi
command -v nft > /dev/null ||
    echo "jepsen.sh: no nft, so this run has NO NETWORK PARTITIONS (apt-get install nftables, and run as root)" >&2

set +e
mvn -B test -Dtest='JepsenTest#shouldStayLinearizableWhileMembersAreKilledPausedAndPartitioned' \
    -Dsurefire.failIfNoSpecifiedTests=false \
    -Draftis.jepsen.duration="$duration" -Draftis.jepsen.members="$members" "${seed_flag[@]}" < /dev/null 2>&1 |
    tee "$report" | grep -aE "jepsen:|^!!!|Tests run:|BUILD"
status="${PIPESTATUS[0]}"
set -e
echo "full output: $report"
[[ "$status" == 0 ]] && grep -q "jepsen: LINEARIZABLE" "$report"
