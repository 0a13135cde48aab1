#!/usr/bin/env bash
# The whole test suite: unit tests (TopologyTestDriver), then the integration tests on a real
# embedded Kafka broker, a real Prometheus and promtool. Installs the Debian tools it needs.
set -euo pipefail
cd "$(dirname "$0")"
if [ -x ci-obs/install.sh ]; then
  bash ci-obs/install.sh
fi
exec mvn -B -ntp verify "$@"
