#!/usr/bin/env bash
# install.sh [--peers]: installs what the test world needs from Debian's packages.
#
# Base: qemu-user-static (emulators), runc, docker-registry (distribution 2.8), skopeo, umoci,
# apache2-utils (htpasswd -B for bcrypt), openssl, curl, iproute2, busybox-static; adds the dpkg
# architectures arm64 and armhf and caches busybox-static .debs for amd64, arm64 and armhf in
# $MANIFOLD_TESTWORLD_CACHE/debs (busybox-static of several architectures cannot be installed
# side by side: they all ship /bin/busybox; rootfs.sh unpacks the cached .debs).
# --peers: also buildah and podman, the docker client (Debian 12 ships it only inside docker.io,
# with the daemon; installed only when no `docker` is on PATH, its services kept off), and
# /etc/containers/registries.conf.d/50-manifold-testworld.conf marking the loopback test
# registries insecure.
#
# Services: Debian's docker-registry package starts a registry on port 5000 when init allows it.
# This script installs behind a policy-rc.d that forbids service starts, stops any such registry
# and disables its autostart. Nothing in the test world uses port 5000.
#
# Idempotent: dpkg-query decides what is missing; a second run does no apt work and prints
# "install: nothing to do".
set -euo pipefail
TW_NAME=install
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

peers=0
while [ $# -gt 0 ]; do
  case "$1" in
    --peers) peers=1 ;;
    -h | --help) tw_usage "${BASH_SOURCE[0]}"; exit 0 ;;
    *) tw_die "unknown argument '$1' (expected --peers)" ;;
  esac
  shift
done

tw_require_root "installs Debian packages"
export DEBIAN_FRONTEND=noninteractive

BASE_PKGS=(qemu-user-static runc docker-registry skopeo umoci apache2-utils openssl curl iproute2 busybox-static attr bzip2 xz-utils zstd mount)
PEER_PKGS=(buildah podman)
FOREIGN_ARCHES=(arm64 armhf)
REGISTRIES_CONF=/etc/containers/registries.conf.d/50-manifold-testworld.conf
changed=0

# --- what is missing -------------------------------------------------------------------------
wanted=("${BASE_PKGS[@]}")
if [ "$peers" = 1 ]; then
  wanted+=("${PEER_PKGS[@]}")
  # Debian 12 has no client-only docker package: docker.io carries both dockerd and the CLI.
  command -v docker >/dev/null 2>&1 || wanted+=(docker.io)
fi
missing=()
for p in "${wanted[@]}"; do tw_pkg_installed "$p" || missing+=("$p"); done

host_arch="$(tw_host_debarch)"
known_arches=" $host_arch $(dpkg --print-foreign-architectures | tr '\n' ' ') "
missing_arches=()
for a in "${FOREIGN_ARCHES[@]}"; do
  [[ "$known_arches" == *" $a "* ]] || missing_arches+=("$a")
done

missing_debs=()
for a in "${TW_DEB_ARCHES[@]}"; do [ -n "$(tw_deb_path "$a")" ] || missing_debs+=("$a"); done

# --- apt work, only when something is missing ------------------------------------------------
mkdir -p "$TW_CACHE_DIR"
need_update=0
for a in "${missing_arches[@]}"; do
  tw_log "adding dpkg architecture $a"
  dpkg --add-architecture "$a"
  need_update=1
  changed=1
done
for p in "${missing[@]}"; do
  cand="$(apt-cache policy "$p" 2>/dev/null | sed -n 's/^ *Candidate: *//p')"
  { [ -z "$cand" ] || [ "$cand" = "(none)" ]; } && need_update=1
done
for a in "${missing_debs[@]}"; do
  apt-cache show "busybox-static:$a" >/dev/null 2>&1 || need_update=1
done

# apt_update: retries (a mirror mid-sync fails an index now and then); a partial failure is a
# warning: later steps say precisely what is still missing.
apt_update() {
  local try
  for try in 1 2 3; do
    tw_log "apt-get update"
    apt-get update -q >"$TW_CACHE_DIR/apt-update.log" 2>&1 && return 0
    sleep $((try * 5))
  done
  grep -E '^(E|W):' "$TW_CACHE_DIR/apt-update.log" >&2 || true
  tw_warn "apt-get update failed 3 times; going on with the lists it has"
}
[ "$need_update" = 1 ] && apt_update

# Forbid service starts while packages are configured, unless the machine already has a policy.
policy=/usr/sbin/policy-rc.d
own_policy=0
cleanup() { [ "$own_policy" = 1 ] && rm -f "$policy"; return 0; }
trap cleanup EXIT

if [ "${#missing[@]}" -gt 0 ]; then
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\n# temporary, from manifold scripts/testworld/install.sh\nexit 101\n' >"$policy"
    chmod 0755 "$policy"
    own_policy=1
  fi
  tw_log "apt-get install ${missing[*]}"
  install_cmd=(apt-get install -y -q --no-install-recommends "${missing[@]}")
  if ! "${install_cmd[@]}" >"$TW_CACHE_DIR/apt.log" 2>&1; then
    # Stale lists give 404s; one update and one retry.
    if [ "$need_update" = 0 ]; then
      apt_update
      "${install_cmd[@]}" >"$TW_CACHE_DIR/apt.log" 2>&1 ||
        { tail -n 20 "$TW_CACHE_DIR/apt.log" >&2; tw_die "apt-get install failed (log: $TW_CACHE_DIR/apt.log)"; }
    else
      tail -n 20 "$TW_CACHE_DIR/apt.log" >&2
      tw_die "apt-get install failed (log: $TW_CACHE_DIR/apt.log)"
    fi
  fi
  cleanup
  own_policy=0
  changed=1
fi

for a in "${missing_debs[@]}"; do
  tw_log "caching busybox-static:$a in $(tw_deb_dir)"
  tw_fetch_busybox_deb "$a" >/dev/null
  changed=1
done

# --- services that must not run --------------------------------------------------------------
# pids_running PROGRAM PATTERN -> pids of processes whose argv[0] is PROGRAM (or ends in
# /PROGRAM's base name) and whose command line contains PATTERN.
pids_running() {
  local d args
  for d in /proc/[0-9]*; do
    mapfile -t -d '' args 2>/dev/null <"$d/cmdline" || continue
    [ "${#args[@]}" -gt 0 ] || continue
    [ "${args[0]}" = "$1" ] || [ "${args[0]##*/}" = "${1##*/}" ] || continue
    [[ " ${args[*]} " == *"$2"* ]] && echo "${d#/proc/}"
  done
  return 0
}

# keep_off SERVICE EXE PATTERN: stops a running packaged service and disables its autostart.
keep_off() {
  local svc="$1" pids
  pids="$(pids_running "$2" "$3")"
  if [ -n "$pids" ]; then
    tw_log "stopping the packaged $svc service (pids ${pids//$'\n'/ })"
    if [ -d /run/systemd/system ]; then systemctl stop "$svc" >/dev/null 2>&1 || true; fi
    [ -x "/etc/init.d/$svc" ] && { "/etc/init.d/$svc" stop >/dev/null 2>&1 || true; }
    # shellcheck disable=SC2086
    kill $pids 2>/dev/null || true
    changed=1
  fi
  if [ -d /run/systemd/system ]; then
    if [ "$(systemctl is-enabled "$svc" 2>/dev/null || true)" = enabled ]; then
      tw_log "disabling autostart of $svc (systemd)"
      systemctl disable "$svc" >/dev/null 2>&1 || true
      changed=1
    fi
  elif compgen -G "/etc/rc[2345].d/S[0-9][0-9]$svc" >/dev/null && command -v update-rc.d >/dev/null; then
    tw_log "disabling autostart of $svc (sysv)"
    update-rc.d "$svc" disable >/dev/null 2>&1 || true
    changed=1
  fi
}
keep_off docker-registry /usr/bin/docker-registry /etc/docker/registry/config.yml
if [[ " ${missing[*]} " == *" docker.io "* ]]; then
  keep_off docker /usr/sbin/dockerd dockerd
  keep_off containerd /usr/bin/containerd containerd
fi

# --- peers: loopback registries are plain HTTP or self-signed ---------------------------------
if [ "$peers" = 1 ]; then
  want="$(
    echo '# Written by manifold scripts/testworld/install.sh --peers: the test registries on loopback'
    echo '# (plain HTTP, or TLS with a self-signed CA) for buildah, podman and skopeo.'
    for host in 127.0.0.1 localhost; do
      for port in 5501 5502 5511 5512 ${MANIFOLD_TEST_REGISTRY_PORT:-} ${MANIFOLD_TEST_TLS_REGISTRY_PORT:-}; do
        printf '\n[[registry]]\nlocation = "%s:%s"\ninsecure = true\n' "$host" "$port"
      done
    done
  )"
  if [ ! -f "$REGISTRIES_CONF" ] || [ "$(cat "$REGISTRIES_CONF")" != "$want" ]; then
    tw_log "writing $REGISTRIES_CONF"
    mkdir -p "$(dirname "$REGISTRIES_CONF")"
    printf '%s\n' "$want" >"$REGISTRIES_CONF"
    changed=1
  fi
fi

if [ "$changed" = 0 ]; then
  tw_log "nothing to do"
else
  tw_log "done"
fi
