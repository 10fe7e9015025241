#!/usr/bin/env bash
# Mutation testing (PIT) of the Raft core (io.raftis.raft) and the log (io.raftis.log), with their unit tests, the
# scripted runs and the seeded simulation as the suite. PIT changes one thing at a time in the compiled classes (a
# condition negated, a boundary moved, a call removed, a return value replaced) and runs the tests that cover it: a
# mutant that no test notices is a rule the tests do not pin.
#
#   scripts/mutation.sh [seeds]       seeds of the simulation per run of SimulationTest (default 100)
#
# The tests that prove the checkers catch injected bugs (tag checker-proof) test the checkers, not the core: left out.
#
# Reports: target/pit-reports/index.html (per line), mutations.xml and mutations.csv (one line a mutant, with its
# status). Takes about half an hour on two cores; MUTATION_THREADS sets PIT's worker count (default 2).
# MUTATION_CLASSES and MUTATION_TESTS (comma-separated globs) narrow a run while working on one class, for example
#   MUTATION_CLASSES=io.raftis.raft.RaftNode MUTATION_TESTS=io.raftis.raft.RaftNodeRulesTest scripts/mutation.sh
# MUTATION_TIMEOUT_MS (default 60000) is the grace PIT adds to a mutant's run before it counts as an endless loop;
# a narrow run of unit tests can use a few seconds.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

seeds="${1:-100}"
[[ "$seeds" =~ ^[0-9]+$ ]] || { echo "usage: $0 [seeds]" >&2; exit 2; }
mvn -B -q test-compile
mvn -B org.pitest:pitest-maven:mutationCoverage -Dmutation.sim.seeds="$seeds" \
    -Dmutation.threads="${MUTATION_THREADS:-2}" \
    -Dmutation.timeout.ms="${MUTATION_TIMEOUT_MS:-60000}" \
    ${MUTATION_CLASSES:+-Dmutation.classes="$MUTATION_CLASSES"} ${MUTATION_TESTS:+-Dmutation.tests="$MUTATION_TESTS"}
report=target/pit-reports/mutations.csv
if [[ -f "$report" ]]; then
    awk -F, '{ total++; status[$6]++ } END {
        killed = status["KILLED"] + status["TIMED_OUT"] + status["MEMORY_ERROR"] + status["RUN_ERROR"];
        printf "mutants: %d, killed: %d, survived: %d, no coverage: %d, score %.1f%%\n",
            total, killed, status["SURVIVED"], status["NO_COVERAGE"], 100 * killed / total }' "$report"
    grep -E ',(SURVIVED|NO_COVERAGE),' "$report" | awk -F, '{ printf "  %-10s %s.%s line %s: %s\n", $6, $2, $4, $5, $3 }' |
        sed 's/io\.raftis\.//' || true
fi
