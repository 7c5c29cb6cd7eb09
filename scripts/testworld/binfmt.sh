#!/usr/bin/env bash
# binfmt.sh [status|register|restore]: qemu emulators in binfmt_misc for the test world.
#
# register (default): mounts binfmt_misc at /proc/sys/fs/binfmt_misc when it is not mounted and
#   registers Debian's qemu-user-static definitions (/usr/lib/binfmt.d/qemu-aarch64.conf,
#   qemu-arm.conf, and qemu-x86_64.conf on non-x86 hosts), never the host's native architecture.
#   Debian's definitions carry the flags O, P and F: F opens the interpreter at registration, so
#   emulation works inside containers; P preserves argv[0], which busybox needs to run applets
#   under emulation. An entry for the same binary format (same name, or same magic and mask)
#   that is enabled with both F and P is kept as it is; one without them is saved under
#   $MANIFOLD_TESTWORLD_STATE/binfmt (default /var/lib/manifold-testworld/binfmt) and replaced.
#   A second run changes nothing and prints "binfmt: nothing to do".
# status: what binfmt_misc holds (name, state, flags, interpreter) and what is saved.
# restore: removes the entries register added and puts the saved ones back.
set -euo pipefail
TW_NAME=binfmt
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

BINFMT=/proc/sys/fs/binfmt_misc
CONF_DIR=/usr/lib/binfmt.d
STATE="$TW_MACHINE_STATE_DIR/binfmt"
REGISTERED="$STATE/registered" # names this script registered, one a line
SAVED="$STATE/saved"           # <name>.entry: register lines of the entries it replaced
changed=0

# native_qemu -> qemu's name for the host architecture.
native_qemu() {
  case "$(uname -m)" in
    x86_64) echo x86_64 ;;
    aarch64 | arm64) echo aarch64 ;;
    armv6l | armv7l | armv8l) echo arm ;;
    *) uname -m ;;
  esac
}

is_mounted() { [ -f "$BINFMT/register" ]; }

ensure_mounted() {
  if ! is_mounted; then
    tw_log "mounting binfmt_misc at $BINFMT"
    mount -t binfmt_misc binfmt_misc "$BINFMT" ||
      tw_die "cannot mount binfmt_misc at $BINFMT (does the kernel have CONFIG_BINFMT_MISC?)"
    changed=1
  fi
  if [ "$(cat "$BINFMT/status")" != enabled ]; then
    tw_log "enabling binfmt_misc (it was globally disabled)"
    echo 1 >"$BINFMT/status"
    changed=1
  fi
}

# entries -> names of the registered entries.
entries() {
  local f
  for f in "$BINFMT"/*; do
    case "${f##*/}" in register | status) continue ;; esac
    [ -f "$f" ] && echo "${f##*/}"
  done
  return 0
}

# field NAME KEY -> a field of an entry file ("interpreter", "flags:", "magic", "mask", ...).
field() { sed -n "s/^$2 //p" "$BINFMT/$1" | head -n 1; }
entry_state() { head -n 1 "$BINFMT/$1"; }
has_fp() { local fl; fl="$(field "$1" flags:)"; [[ "$fl" == *F* && "$fl" == *P* ]]; }

# hex_escape HEX -> \xNN\xNN... as the register file takes it.
# shellcheck disable=SC2001 # a back-reference: no parameter expansion does it
hex_escape() { sed 's/../\\x&/g' <<<"$1"; }

# entry_line NAME -> the register line that recreates an existing entry.
entry_line() {
  local n="$1" ext
  ext="$(field "$n" extension)"
  if [ -n "$ext" ]; then
    printf ':%s:E::%s::%s:%s' "$n" "${ext#.}" "$(field "$n" interpreter)" "$(field "$n" flags:)"
  else
    printf ':%s:M:%s:%s:%s:%s:%s' "$n" "$(field "$n" offset)" "$(hex_escape "$(field "$n" magic)")" \
      "$(hex_escape "$(field "$n" mask)")" "$(field "$n" interpreter)" "$(field "$n" flags:)"
  fi
}

# conf_field CONFLINE INDEX -> a ':'-separated field of a binfmt.d line (1 = name).
conf_field() { cut -d: -f"$(($2 + 1))" <<<"$1"; }
# conf_hex ESCAPED -> lowercase hex without \x, as /proc prints magic and mask.
conf_hex() { local h="${1//\\x/}"; echo "${h,,}"; }

# save_and_remove NAME: keeps the first saved copy of an entry, then unregisters it.
save_and_remove() {
  local n="$1"
  mkdir -p "$SAVED"
  if [ ! -f "$SAVED/$n.entry" ]; then
    { entry_line "$n"; echo; entry_state "$n"; } >"$SAVED/$n.entry"
  fi
  tw_log "replacing $n ($(entry_state "$n"), flags '$(field "$n" flags:)'; saved in $SAVED/$n.entry)"
  echo -1 >"$BINFMT/$n"
  changed=1
}

register_one() {
  local q="$1" conf line name magic mask e satisfied=0
  conf="$CONF_DIR/qemu-$q.conf"
  [ -f "$conf" ] || tw_die "$conf is missing; run scripts/testworld/install.sh (qemu-user-static)"
  line="$(grep -v '^[[:space:]]*#' "$conf" | grep -m1 '^:')"
  name="$(conf_field "$line" 1)"
  magic="$(conf_hex "$(conf_field "$line" 4)")"
  mask="$(conf_hex "$(conf_field "$line" 5)")"
  for e in $(entries); do
    if [ "$e" != "$name" ]; then
      if [ "$(field "$e" magic)" != "$magic" ] || [ "$(field "$e" mask)" != "$mask" ]; then continue; fi
    fi
    if [ "$(entry_state "$e")" = enabled ] && has_fp "$e"; then
      satisfied=1
    elif [ "$e" = "$name" ] || [ "$(entry_state "$e")" = enabled ]; then
      save_and_remove "$e"
    fi
  done
  [ "$satisfied" = 1 ] && return 0
  tw_log "registering $name from $conf"
  printf '%s' "$line" >"$BINFMT/register" || tw_die "the kernel refused $conf's line: $line"
  mkdir -p "$STATE"
  grep -qxF "$name" "$REGISTERED" 2>/dev/null || echo "$name" >>"$REGISTERED"
  has_fp "$name" || tw_die "$name registered without the F and P flags: $(field "$name" flags:)"
  changed=1
}

cmd_register() {
  tw_require_root "writes to binfmt_misc"
  ensure_mounted
  local native q
  native="$(native_qemu)"
  for q in x86_64 aarch64 arm; do
    [ "$q" = "$native" ] && continue
    # qemu-user-static ships no definition for the host's own architecture family.
    [ "$q" = x86_64 ] && [ ! -f "$CONF_DIR/qemu-$q.conf" ] && continue
    register_one "$q"
  done
  if [ "$changed" = 0 ]; then tw_log "nothing to do"; else tw_log "done"; fi
}

cmd_status() {
  if ! is_mounted; then
    echo "binfmt_misc: not mounted at $BINFMT"
    return 0
  fi
  echo "binfmt_misc: $(cat "$BINFMT/status"), mounted at $BINFMT"
  local e
  for e in $(entries); do
    printf '%-20s %-8s flags=%-5s %s\n' "$e" "$(entry_state "$e")" "$(field "$e" flags:)" "$(field "$e" interpreter)"
  done
  if [ -s "$REGISTERED" ]; then echo "registered by binfmt.sh: $(tr '\n' ' ' <"$REGISTERED")"; fi
  if compgen -G "$SAVED/*.entry" >/dev/null; then
    for e in "$SAVED"/*.entry; do echo "saved: $(head -n 1 "$e") ($(sed -n 2p "$e"))"; done
  fi
}

cmd_restore() {
  tw_require_root "writes to binfmt_misc"
  local n f line
  if is_mounted && [ -f "$REGISTERED" ]; then
    while read -r n; do
      if [ -z "$n" ] || [ ! -f "$BINFMT/$n" ]; then continue; fi
      tw_log "removing $n"
      echo -1 >"$BINFMT/$n"
      changed=1
    done <"$REGISTERED"
  fi
  rm -f "$REGISTERED"
  if compgen -G "$SAVED/*.entry" >/dev/null; then
    ensure_mounted
    for f in "$SAVED"/*.entry; do
      n="$(basename "$f" .entry)"
      line="$(head -n 1 "$f")"
      [ -f "$BINFMT/$n" ] && echo -1 >"$BINFMT/$n"
      tw_log "restoring $n"
      printf '%s' "$line" >"$BINFMT/register"
      [ "$(sed -n 2p "$f")" = disabled ] && echo 0 >"$BINFMT/$n"
      rm -f "$f"
      changed=1
    done
  fi
  if [ "$changed" = 0 ]; then tw_log "nothing to restore"; else tw_log "restored"; fi
}

case "${1:-register}" in
  register) cmd_register ;;
  status) cmd_status ;;
  restore) cmd_restore ;;
  -h | --help) tw_usage "${BASH_SOURCE[0]}" ;;
  *) tw_die "unknown command '$1' (expected status, register or restore)" ;;
esac
