#!/usr/bin/env bash
# The quick start: set everything up on a fresh machine, then show Manifold at work.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh
echo
echo "== npx manifold version"
npx --no-install manifold version
echo
echo "== npx manifold --help"
npx --no-install manifold --help
