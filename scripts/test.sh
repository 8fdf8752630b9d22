#!/usr/bin/env bash
# Install everything the tests need (into .venv) and run the whole suite in parallel.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  # promtool/prometheus for the deploy tests, ripgrep for grep parity (those tests skip with a message
  # without them); gcc builds the shell zygote's bash builtin (its tests fail without it)
  if ! command -v promtool >/dev/null || ! command -v rg >/dev/null || ! command -v cc >/dev/null; then
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq prometheus ripgrep gcc libc6-dev \
      >/dev/null) || echo "warning: apt-get could not install prometheus/ripgrep/gcc"
  fi
fi
python3 -m venv .venv
.venv/bin/python -m pip install -q --disable-pip-version-check -e '.[test]'
set +e
.venv/bin/python -m pytest -n auto "$@"
rc=$?
set -e
if [ "$rc" = 5 ]; then
  echo "error: pytest collected no tests" >&2
  exit 1
fi
exit "$rc"
