# shellcheck shell=bash disable=SC2034
# Shared helpers for the test-world scripts (sourced, never run).
#
# Paths every script agrees on:
#   MANIFOLD_TESTWORLD_DIR    per-run state (registries, certs, env files); default /tmp/manifold-testworld
#   MANIFOLD_TESTWORLD_CACHE  what survives runs (downloaded .debs, rootfs tarballs);
#                             default /var/cache/manifold-testworld
#   MANIFOLD_TESTWORLD_STATE  machine state the scripts must remember (saved binfmt entries);
#                             default /var/lib/manifold-testworld

TW_SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
TW_STATE_DIR_DEFAULT=/tmp/manifold-testworld
TW_CACHE_DIR="${MANIFOLD_TESTWORLD_CACHE:-/var/cache/manifold-testworld}"
TW_MACHINE_STATE_DIR="${MANIFOLD_TESTWORLD_STATE:-/var/lib/manifold-testworld}"

# The Debian architectures we make root file systems for, and their names elsewhere.
TW_DEB_ARCHES=(amd64 arm64 armhf)

# tw_platform DEBARCH -> OCI platform path part used in file names (amd64, arm64, arm-v7).
tw_platform() {
  case "$1" in
    amd64) echo amd64 ;;
    arm64) echo arm64 ;;
    armhf) echo arm-v7 ;;
    *) tw_die "unknown Debian architecture '$1'" ;;
  esac
}

# tw_qemu_name DEBARCH -> qemu's name for the architecture (x86_64, aarch64, arm).
tw_qemu_name() {
  case "$1" in
    amd64) echo x86_64 ;;
    arm64) echo aarch64 ;;
    armhf) echo arm ;;
    *) tw_die "unknown Debian architecture '$1'" ;;
  esac
}

# tw_uname_m DEBARCH -> what `uname -m` prints for that architecture (under qemu for foreign ones).
tw_uname_m() {
  case "$1" in
    amd64) echo x86_64 ;;
    arm64) echo aarch64 ;;
    armhf) echo armv7l ;;
    *) tw_die "unknown Debian architecture '$1'" ;;
  esac
}

# tw_usage FILE: prints a script's header comment (its documentation).
tw_usage() { awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$1"; }

tw_log() { printf '%s: %s\n' "${TW_NAME:-testworld}" "$*"; }
tw_warn() { printf '%s: warning: %s\n' "${TW_NAME:-testworld}" "$*" >&2; }
tw_die() {
  printf '%s: error: %s\n' "${TW_NAME:-testworld}" "$*" >&2
  exit 1
}

tw_require_root() {
  [ "$(id -u)" -eq 0 ] || tw_die "must run as root (it $1); run it with sudo"
}

# tw_host_debarch -> the host's Debian architecture (amd64, arm64, armhf, ...).
tw_host_debarch() { dpkg --print-architecture; }

# tw_pkg_installed PKG[:ARCH] -> success when dpkg has the package fully installed.
tw_pkg_installed() {
  local status
  status="$(dpkg-query -W -f='${db:Status-Abbrev}' "$1" 2>/dev/null || true)"
  [ "${status:0:2}" = "ii" ]
}

# tw_deb_path DEBARCH -> the cached busybox-static .deb for that architecture (may not exist yet).
tw_deb_dir() { echo "$TW_CACHE_DIR/debs"; }
tw_deb_path() {
  local dir
  dir="$(tw_deb_dir)"
  [ -d "$dir" ] || return 0
  # apt names the file busybox-static_<version with : escaped as %3a>_<arch>.deb; take the newest.
  find "$dir" -maxdepth 1 -name "busybox-static_*_$1.deb" 2>/dev/null | LC_ALL=C sort | tail -n 1
}

# tw_fetch_busybox_deb DEBARCH -> downloads busybox-static:DEBARCH into the cache unless present;
# prints the .deb's path. Needs the architecture known to dpkg and apt's lists updated.
tw_fetch_busybox_deb() {
  local arch="$1" dir deb
  deb="$(tw_deb_path "$arch")"
  if [ -n "$deb" ]; then
    echo "$deb"
    return 0
  fi
  dir="$(tw_deb_dir)"
  mkdir -p "$dir"
  (cd "$dir" && apt-get download -qq -o APT::Sandbox::User=root "busybox-static:$arch" >&2) ||
    tw_die "could not download busybox-static:$arch; run scripts/testworld/install.sh first (it adds the architecture and updates apt's lists)"
  deb="$(tw_deb_path "$arch")"
  [ -n "$deb" ] || tw_die "apt-get download busybox-static:$arch left no .deb in $dir"
  echo "$deb"
}
