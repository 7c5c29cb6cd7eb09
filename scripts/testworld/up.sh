#!/usr/bin/env bash
# up.sh [--peers] [--dir STATEDIR] [--rootfs-out DIR]: the whole test world, in order:
#   install.sh [--peers]            Debian packages (and the peers' tools with --peers)
#   binfmt.sh register              qemu emulators for arm64 and arm/v7 with flags F and P
#   registry.sh start --dir STATEDIR  plain registry on 127.0.0.1:5501, TLS + auth on :5502
#   rootfs.sh --out DIR             busybox root file systems for amd64, arm64, arm/v7
# Each step is idempotent, so running up.sh again changes nothing. Environment variables are
# those of the steps (MANIFOLD_TESTWORLD_DIR, MANIFOLD_TEST_REGISTRY_PORT, ...). Afterwards,
# `source STATEDIR/env.sh` gives the registries' addresses, CA and credentials.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
install_args=()
registry_args=()
rootfs_args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --peers) install_args+=(--peers) ;;
    --dir) [ $# -ge 2 ] || { echo "up: --dir needs a directory" >&2; exit 1; }; registry_args+=(--dir "$2"); shift ;;
    --rootfs-out) [ $# -ge 2 ] || { echo "up: --rootfs-out needs a directory" >&2; exit 1; }; rootfs_args+=(--out "$2"); shift ;;
    -h | --help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "${BASH_SOURCE[0]}"; exit 0 ;;
    *) echo "up: unknown argument '$1' (expected --peers, --dir STATEDIR, --rootfs-out DIR)" >&2; exit 1 ;;
  esac
  shift
done
bash "$here/install.sh" "${install_args[@]}"
bash "$here/binfmt.sh" register
bash "$here/registry.sh" start "${registry_args[@]}"
bash "$here/rootfs.sh" "${rootfs_args[@]}"
echo "up: ready; source ${MANIFOLD_TESTWORLD_DIR:-/tmp/manifold-testworld}/env.sh (or the --dir given) for the registries"
