#!/usr/bin/env bash
# A long Jepsen-style run against real member processes: concurrent clients read and write unique values of a few
# keys on every member while a nemesis kills, restarts and pauses members (the leader more often than not) and, with
# nftables as root, partitions them and cuts links one way; the history is checked for linearizability, including a
# final read of every key after the faults heal.
#
#   scripts/jepsen.sh [duration] [members] [seed]      defaults: 600s 5 (random seed, printed); durations in s or ms
#
# The report (verdict, operation count, seed and the faults injected) is printed at the end and kept in
# target/jepsen-<date>.log; the members' logs stay in the test's temporary directory when the check fails.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
duration="${1:-600s}"
members="${2:-5}"
seed_flag=()
[[ -n "${3:-}" ]] && seed_flag=(-Draftis.jepsen.seed="$3")
mkdir -p target
report="target/jepsen-$(date +%Y%m%d-%H%M%S).log"
if ! command -v nft > /dev/null && command -v apt-get > /dev/null && [[ "$(id -u)" == 0 ]]; then
    apt-get install -y -qq nftables < /dev/null > /dev/null || echo "no nftables: the run has no partitions"
fi
mvn -B test -Dtest='JepsenTest#shouldStayLinearizableWhileMembersAreKilledPausedAndPartitioned' \
    -Dsurefire.failIfNoSpecifiedTests=false \
    -Draftis.jepsen.duration="$duration" -Draftis.jepsen.members="$members" "${seed_flag[@]}" 2>&1 | tee "$report" |
    grep -aE "jepsen:|not linearizable|Tests run:|BUILD" || true
echo "full output: $report"
grep -q "jepsen: LINEARIZABLE" "$report"
