#!/usr/bin/env bash
# rootfs.sh [--out DIR]: busybox root file system tarballs for the test world's base image.
#
# Writes busybox-linux-amd64.tar, busybox-linux-arm64.tar and busybox-linux-arm-v7.tar to DIR
# (default $MANIFOLD_TESTWORLD_CACHE/rootfs, i.e. /var/cache/manifold-testworld/rootfs, which
# outlives the registries' state). Each comes from Debian's busybox-static .deb of that
# architecture (cached in $MANIFOLD_TESTWORLD_CACHE/debs; downloaded when missing) and holds:
#   /bin/busybox and a symlink bin/<applet> -> busybox for every applet (sh among them), the
#   applet list read from that architecture's own busybox (run through qemu-<arch>-static);
#   /etc/passwd and /etc/group (root, nobody), /etc/os-release; /root (0700), /tmp and /var/tmp
#   (1777), empty /dev /proc /sys /home; busybox's copyright file.
# Each busybox is checked before packing: `busybox uname -m` prints x86_64, aarch64, armv7l.
# The tarballs are deterministic (sorted names, mtime 0, owner 0:0, PAX without atime/ctime):
# the same inputs give the same bytes. A stamp beside each records its inputs (the .deb's and
# these scripts' sha256) and its own sha256; when all match, the tarball is kept as it is and
# the run prints "rootfs: nothing to do".
set -euo pipefail
TW_NAME=rootfs
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

out="$TW_CACHE_DIR/rootfs"
while [ $# -gt 0 ]; do
  case "$1" in
    --out) [ $# -ge 2 ] || tw_die "--out needs a directory"; out="$2"; shift ;;
    --out=*) out="${1#--out=}" ;;
    -h | --help) tw_usage "${BASH_SOURCE[0]}"; exit 0 ;;
    *) tw_die "unknown argument '$1' (expected --out DIR)" ;;
  esac
  shift
done
mkdir -p "$out"
out="$(cd "$out" && pwd)"
export LC_ALL=C
umask 022

scripts_sha="$(cat "${BASH_SOURCE[0]}" "$TW_SCRIPT_DIR/lib.sh" | sha256sum | cut -d' ' -f1)"
work="$(mktemp -d "${TMPDIR:-/tmp}/manifold-rootfs.XXXXXX")"
trap 'rm -rf "$work"' EXIT
changed=0

# run_busybox DEBARCH BUSYBOX ARGS...: runs a busybox binary of that architecture, through its
# qemu-user-static emulator unless the architecture is the host's.
run_busybox() {
  local arch="$1" bin="$2" qemu
  shift 2
  if [ "$arch" = "$(tw_host_debarch)" ]; then
    "$bin" "$@"
  else
    qemu="qemu-$(tw_qemu_name "$arch")-static"
    command -v "$qemu" >/dev/null || tw_die "$qemu is missing; run scripts/testworld/install.sh"
    "$qemu" "$bin" "$@"
  fi
}

# lay_out ROOT DEBARCH DEB: the root file system, from the unpacked .deb.
lay_out() {
  local root="$1" arch="$2" deb="$3" x="$work/x-$2" applet version upstream
  dpkg-deb -x "$deb" "$x"
  mkdir -p "$root"/{bin,dev,etc,home,proc,root,sys,tmp,var/tmp,usr/share/doc/busybox-static}
  install -m 0755 "$x/bin/busybox" "$root/bin/busybox"
  install -m 0644 "$x/usr/share/doc/busybox-static/copyright" "$root/usr/share/doc/busybox-static/copyright"
  for applet in $(run_busybox "$arch" "$root/bin/busybox" --list); do
    [ "$applet" = busybox ] || ln -s busybox "$root/bin/$applet"
  done
  [ -L "$root/bin/sh" ] || tw_die "busybox:$arch has no sh applet"
  printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' >"$root/etc/passwd"
  printf 'root:x:0:\nnobody:x:65534:\n' >"$root/etc/group"
  version="$(dpkg-deb -f "$deb" Version)"
  upstream="${version#*:}"
  upstream="${upstream%%-*}"
  cat >"$root/etc/os-release" <<OSR
NAME="BusyBox"
ID=busybox
VERSION_ID="$upstream"
PRETTY_NAME="BusyBox $upstream (Debian busybox-static $version, $arch; Manifold test world)"
OSR
  chmod 0644 "$root"/etc/*
  find "$root" -type d -exec chmod 0755 {} +
  chmod 0700 "$root/root"
  chmod 1777 "$root/tmp" "$root/var/tmp"
}

# pack ROOT TAR: a deterministic tarball of ROOT.
pack() {
  local root="$1" tarball="$2"
  local -a top
  # Top-level names sorted too (--sort=name orders what is inside each directory).
  mapfile -t top < <(find "$root" -mindepth 1 -maxdepth 1 -printf '%f\n' | sort)
  tar -C "$root" --create --file "$tarball" --sort=name --mtime=@0 --owner=0 --group=0 \
    --numeric-owner --format=posix --no-acls --no-xattrs --no-selinux \
    --pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime \
    "${top[@]}"
}

build_one() {
  local arch="$1" plat deb name tarball stamp want got root machine
  plat="$(tw_platform "$arch")"
  name="busybox-linux-$plat.tar"
  tarball="$out/$name"
  stamp="$out/.$name.stamp"
  deb="$(tw_fetch_busybox_deb "$arch")"
  want="deb $(sha256sum "$deb" | cut -d' ' -f1)
scripts $scripts_sha"
  if [ -f "$tarball" ] && [ -f "$stamp" ] && [ "$(head -n 2 "$stamp")" = "$want" ] &&
    [ "$(sed -n 's/^tar //p' "$stamp")" = "$(sha256sum "$tarball" | cut -d' ' -f1)" ]; then
    tw_log "$name is up to date"
    return 0
  fi
  root="$work/root-$arch"
  lay_out "$root" "$arch" "$deb"
  machine="$(run_busybox "$arch" "$root/bin/busybox" uname -m)"
  [ "$machine" = "$(tw_uname_m "$arch")" ] ||
    tw_die "busybox:$arch says uname -m = '$machine', expected '$(tw_uname_m "$arch")'"
  pack "$root" "$tarball.tmp"
  mv -f "$tarball.tmp" "$tarball"
  got="$(sha256sum "$tarball" | cut -d' ' -f1)"
  printf '%s\ntar %s\n' "$want" "$got" >"$stamp"
  tw_log "wrote $tarball ($(stat -c %s "$tarball") bytes, sha256:$got, uname -m: $machine)"
  changed=1
}

for a in "${TW_DEB_ARCHES[@]}"; do build_one "$a"; done
if [ "$changed" = 0 ]; then tw_log "nothing to do"; else tw_log "done"; fi
