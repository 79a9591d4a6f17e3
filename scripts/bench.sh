#!/usr/bin/env bash
# Every performance figure of the README in one command: builds the agent and the benchmarks
# (Maven profile `bench`, never part of `mvn verify`), then runs the JMH suite of the timed call
# with the real agent jar attached, and the whole-process measurements (start-up, peak RSS,
# scrape latency, sampler CPU). Each figure is printed beside a baseline measured in the same run.
#
#   scripts/bench.sh            # the full run, about 10 minutes
#   scripts/bench.sh --quick    # fewer forks and iterations, for a first look
#   scripts/bench.sh --only jmh|process
#   scripts/bench.sh --only startup   # start-up, CPU at start and peak RSS: no agent, Pulse, JMX exporter
#   scripts/bench.sh --only history   # the history's budgets only (heap, recording, aggregates)
set -euo pipefail
cd "$(dirname "$0")/.."

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

# Peak RSS comes from GNU time's "Maximum resident set size" (Debian package time).
if [ ! -x /usr/bin/time ]; then
  echo "installing GNU time (Debian package time)"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends time >/dev/null
fi

if [ "${1:-}" = "--only" ] && [ "${2:-}" = "history" ]; then
  # In-process: History and its API over 1,000 series for an hour, beside same-run baselines.
  mvn -B -q -pl agent test-compile dependency:build-classpath -Dmdep.outputFile=target/test-classpath.txt \
    -Dmdep.includeScope=test
  exec java -Xmx512m -cp "agent/target/test-classes:agent/target/classes:$(cat agent/target/test-classpath.txt)" \
    dev.pulse.agent.history.HistoryBudget
fi
mvn -B -q package -pl agent-it -am -Pbench -DskipTests
exec java -cp agent-it/target/benchmarks.jar dev.pulse.bench.PerfReport --agent agent/target/pulse-agent.jar \
  --jmx-exporter agent-it/target/bench-agents/jmx_prometheus_javaagent.jar "$@"
