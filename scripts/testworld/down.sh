#!/usr/bin/env bash
# down.sh [--dir STATEDIR]: stops the test world's registries (registry.sh stop): no process
# left, ports closed, storage removed. binfmt entries, installed packages and the rootfs cache
# stay; `binfmt.sh restore` puts back binfmt entries that binfmt.sh replaced.
set -euo pipefail
case "${1:-}" in
  -h | --help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "${BASH_SOURCE[0]}"; exit 0 ;;
esac
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
exec bash "$here/registry.sh" stop "$@"
