#!/usr/bin/env bash
# Installs what the benchmarks use beyond the Python environment: wrk, a C HTTP load generator, so
# that bench/dispatch.py's load does not eat the two cores it measures. Without it the benchmark
# falls back to a Python load generator and says so in its output.
set -euo pipefail
command -v wrk >/dev/null 2>&1 && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "wrk is not installed; run 'sudo apt-get install wrk' (bench/dispatch.py falls back to httpx)" >&2
  exit 0
fi
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null
