#!/usr/bin/env bash
# Runs every test: set-up first (scripts/setup.sh), then the loopback registries, then all test
# files through node's test runner, then the registries are stopped again. Exit status = tests'.
# Arguments, if any, are test files to run instead of all of them.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh
export MANIFOLD_TESTWORLD_DIR="${MANIFOLD_TESTWORLD_DIR:-/tmp/manifold-testworld}"
bash scripts/testworld/registry.sh start
trap 'bash scripts/testworld/registry.sh stop' EXIT

if [ "$#" -gt 0 ]; then
  files=("$@")
else
  mapfile -t files < <(find test -name '*.test.ts' -not -path '*/node_modules/*' | LC_ALL=C sort)
fi
echo "test: ${#files[@]} test files"
set +e
node --import tsx --test --test-reporter=spec --test-reporter-destination=stdout "${files[@]}"
status=$?
set -e
exit "$status"
