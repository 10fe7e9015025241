#!/usr/bin/env bash
# JMH microbenchmarks of the hot pieces, on demand (never in CI): the RESP parser, the log's append, and the Raft
# messages' SBE codec with their MAC. Arguments go to JMH, e.g. a pattern to run some of them:
#
#   benchmarks/jmh.sh                       # all of them
#   benchmarks/jmh.sh RespParser -f 1 -wi 2 -i 3
#
# The benchmarks live in benchmarks/jmh and are compiled with the tests under the jmh profile of pom.xml.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
mvn -B -q -Pjmh -DskipTests test-compile dependency:build-classpath \
    -Dmdep.outputFile=target/jmh.classpath -Dmdep.includeScope=test
exec java --add-exports java.base/jdk.internal.misc=ALL-UNNAMED \
    -cp "target/test-classes:target/classes:$(cat target/jmh.classpath)" org.openjdk.jmh.Main "$@"
