#!/usr/bin/env bash
# One-time set-up on a fresh machine (Debian 12, Node 20, root): npm dependencies, the compiled
# library and CLI, and the test world (Debian packages, binfmt_misc emulators, busybox rootfs
# tarballs). Every step is idempotent: a second run does no work.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: npm ci"
  npm ci --no-audit --no-fund
fi
echo "setup: compiling"
npm run --silent build
bash scripts/testworld/install.sh
bash scripts/testworld/binfmt.sh register
bash scripts/testworld/rootfs.sh
