#!/usr/bin/env bash
# Installs the tools the observability tests run (Debian packages), only those missing:
#   prometheus              -> prometheus, promtool  (rules, config, metrics lint, DashboardQueriesIT)
#   prometheus-alertmanager -> amtool                (alertmanager config and routing)
#   docker-compose          -> docker-compose        (docker-compose config -q; no Docker engine needed)
#   python3                 -> grafana/build_dashboards.py --check
# Idempotent: a second run installs nothing. Called by .ci/run before the tests.
set -euo pipefail

missing=()
command -v prometheus >/dev/null 2>&1 && command -v promtool >/dev/null 2>&1 || missing+=(prometheus)
command -v amtool >/dev/null 2>&1 || missing+=(prometheus-alertmanager)
command -v docker-compose >/dev/null 2>&1 || missing+=(docker-compose)
command -v python3 >/dev/null 2>&1 || missing+=(python3)

if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "ci-obs/install.sh: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

for tool in prometheus promtool amtool docker-compose python3; do
  command -v "$tool" >/dev/null 2>&1 || { echo "ci-obs/install.sh: $tool still missing" >&2; exit 1; }
done
echo "ci-obs/install.sh: $(promtool --version 2>&1 | head -n 1); $(amtool --version 2>&1 | head -n 1); $(docker-compose version --short 2>/dev/null || docker-compose --version)"
