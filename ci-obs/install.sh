#!/usr/bin/env bash
# Installs the tools the observability tests run (Debian packages), only those missing:
#   prometheus              -> prometheus, promtool  (rules, config, metrics lint, DashboardQueriesIT)
#   prometheus-alertmanager -> amtool                (alertmanager config and routing)
#   docker-compose          -> docker-compose        (docker-compose config -q; no Docker engine needed)
#   python3                 -> grafana/build_dashboards.py --check
#   nodejs, npm             -> Confluent's serde library for ConfluentInteropIT: @confluentinc/schemaregistry
#                              from the npm registry, pinned by src/test/js/confluent-interop/package-lock.json
# Idempotent: a second run installs nothing. Called by .ci/run before the tests.
set -euo pipefail

missing=()
command -v prometheus >/dev/null 2>&1 && command -v promtool >/dev/null 2>&1 || missing+=(prometheus)
command -v amtool >/dev/null 2>&1 || missing+=(prometheus-alertmanager)
command -v docker-compose >/dev/null 2>&1 || missing+=(docker-compose)
command -v python3 >/dev/null 2>&1 || missing+=(python3)
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)

if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "ci-obs/install.sh: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# Confluent's serde library, exactly the version package-lock.json pins; npm ci only when it is not there yet
interop="$(cd "$(dirname "$0")/.." && pwd)/src/test/js/confluent-interop"
want=$(node -p "require('$interop/package-lock.json').packages['node_modules/@confluentinc/schemaregistry'].version")
have=$(node -p "try { require('$interop/node_modules/@confluentinc/schemaregistry/package.json').version } catch (e) { '' }")
if [ "$want" != "$have" ]; then
  echo "ci-obs/install.sh: installing @confluentinc/schemaregistry $want (npm ci in src/test/js/confluent-interop)"
  (cd "$interop" && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error >/dev/null)
fi

for tool in prometheus promtool amtool docker-compose python3 node npm; do
  command -v "$tool" >/dev/null 2>&1 || { echo "ci-obs/install.sh: $tool still missing" >&2; exit 1; }
done
echo "ci-obs/install.sh: $(promtool --version 2>&1 | head -n 1); $(amtool --version 2>&1 | head -n 1); $(docker-compose version --short 2>/dev/null || docker-compose --version); node $(node --version), @confluentinc/schemaregistry $want"
