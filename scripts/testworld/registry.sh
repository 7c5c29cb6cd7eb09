#!/usr/bin/env bash
# registry.sh start|stop|status [--dir STATEDIR]: the test world's two registries on loopback.
#
# Both are Debian's docker-registry (distribution 2.8), each with its own filesystem storage in
# the state dir (--dir, else $MANIFOLD_TESTWORLD_DIR, else /tmp/manifold-testworld):
#   plain  HTTP, no auth, 127.0.0.1:$MANIFOLD_TEST_REGISTRY_PORT      (default 5501)
#   tls    HTTPS with a self-signed CA made here, htpasswd (bcrypt) basic auth,
#          127.0.0.1:$MANIFOLD_TEST_TLS_REGISTRY_PORT                (default 5502);
#          user $MANIFOLD_TEST_TLS_USER / $MANIFOLD_TEST_TLS_PASS
#          (default manifold / manifold-test-pass); server cert for IP:127.0.0.1 and DNS:localhost;
#          STATEDIR/certs holds only ca.crt (usable as a --cert-dir), STATEDIR/pki the keys
# Deletes are enabled; no blob-descriptor cache, no redirects, no upload purging.
#
# start: starts what is not running, waits until each answers GET /v2/ (200, or 401 for tls),
#   writes STATEDIR/env.sh (to source) and STATEDIR/env.json with MANIFOLD_TEST_REGISTRY,
#   MANIFOLD_TEST_TLS_REGISTRY, MANIFOLD_TEST_TLS_CA, MANIFOLD_TEST_TLS_USER,
#   MANIFOLD_TEST_TLS_PASS and MANIFOLD_TESTWORLD_DIR. Already running: prints
#   "registry: already running" and changes nothing.
# stop: terminates both (any docker-registry serving this state dir's configs), waits until they
#   have exited and their ports are closed, removes their storage, pid and env files; the CA and
#   certificates stay for the next start.
# status: one line per registry; exit 0 when both run, 3 otherwise.
# Logs: STATEDIR/plain/registry.log, STATEDIR/tls/registry.log.
set -euo pipefail
TW_NAME=registry
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

REGISTRY_BIN=/usr/bin/docker-registry
cmd=""
dir="${MANIFOLD_TESTWORLD_DIR:-$TW_STATE_DIR_DEFAULT}"
while [ $# -gt 0 ]; do
  case "$1" in
    start | stop | status) cmd="$1" ;;
    --dir) [ $# -ge 2 ] || tw_die "--dir needs a directory"; dir="$2"; shift ;;
    --dir=*) dir="${1#--dir=}" ;;
    -h | --help) tw_usage "${BASH_SOURCE[0]}"; exit 0 ;;
    *) tw_die "unknown argument '$1' (expected start, stop or status, and --dir STATEDIR)" ;;
  esac
  shift
done
[ -n "$cmd" ] || tw_die "say start, stop or status"

PLAIN_PORT="${MANIFOLD_TEST_REGISTRY_PORT:-5501}"
TLS_PORT="${MANIFOLD_TEST_TLS_REGISTRY_PORT:-5502}"
TLS_USER="${MANIFOLD_TEST_TLS_USER:-manifold}"
TLS_PASS="${MANIFOLD_TEST_TLS_PASS:-manifold-test-pass}"
for p in "$PLAIN_PORT" "$TLS_PORT"; do
  if ! [[ "$p" =~ ^[0-9]+$ ]] || [ "$p" -lt 1 ] || [ "$p" -gt 65535 ]; then
    tw_die "port '$p' is not a TCP port number"
  fi
done
[ "$PLAIN_PORT" != "$TLS_PORT" ] || tw_die "the plain and TLS registries need two ports, got $PLAIN_PORT twice"
[[ "$TLS_USER" != *:* ]] || tw_die "user name '$TLS_USER' contains ':', which htpasswd files cannot hold"

mkdir -p "$dir"
dir="$(cd "$dir" && pwd)"
CERTS="$dir/certs"
PKI="$dir/pki"

# Serialize concurrent start/stop on one state dir (status only reads). The daemons never
# inherit fd 9: they would hold the lock for their whole life.
if [ "$cmd" != status ]; then
  exec 9>"$dir/.lock"
  flock -w 60 9 || tw_die "another registry.sh start/stop on $dir holds $dir/.lock for over 60 s"
fi

port_of() { if [ "$1" = plain ]; then echo "$PLAIN_PORT"; else echo "$TLS_PORT"; fi; }
cfg_of() { echo "$dir/$1/config.yml"; }

# pids_of NAME -> pids of docker-registry processes serving this state dir's NAME config.
pids_of() {
  local cfg d args
  cfg="$(cfg_of "$1")"
  for d in /proc/[0-9]*; do
    # mapfile is a builtin: no fork per process.
    mapfile -t -d '' args 2>/dev/null <"$d/cmdline" || continue
    [ "${#args[@]}" -eq 3 ] && [ "${args[0]}" = "$REGISTRY_BIN" ] && [ "${args[1]}" = serve ] &&
      [ "${args[2]}" = "$cfg" ] && echo "${d#/proc/}"
  done
  return 0
}

# port_open PORT -> success when something accepts connections on 127.0.0.1:PORT.
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# http_code NAME -> the status of GET /v2/ without credentials (000 when nothing answers).
http_code() {
  local port
  port="$(port_of "$1")"
  if [ "$1" = plain ]; then
    curl -s --noproxy '*' -o /dev/null -w '%{http_code}' --max-time 2 "http://127.0.0.1:$port/v2/" || true
  else
    curl -s --noproxy '*' -o /dev/null -w '%{http_code}' --max-time 2 --cacert "$CERTS/ca.crt" \
      "https://127.0.0.1:$port/v2/" || true
  fi
}

# ensure_certs: CERTS holds only ca.crt (so it can serve as a cert dir for skopeo, podman or
# docker, which take *.key files there for client keys); PKI holds the keys and the server cert.
ensure_certs() {
  if [ -f "$CERTS/ca.crt" ] && [ -f "$PKI/server.crt" ] && [ -f "$PKI/server.key" ] &&
    openssl verify -CAfile "$CERTS/ca.crt" "$PKI/server.crt" >/dev/null 2>&1 &&
    openssl x509 -checkend 86400 -noout -in "$PKI/server.crt" >/dev/null 2>&1 &&
    openssl x509 -checkend 86400 -noout -in "$CERTS/ca.crt" >/dev/null 2>&1; then
    return 0
  fi
  tw_log "making a CA and a server certificate for 127.0.0.1 and localhost in $PKI"
  rm -rf "$CERTS" "$PKI"
  mkdir -p "$CERTS" "$PKI"
  (
    cd "$PKI"
    umask 077
    openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days 3650 -keyout ca.key -out ca.crt \
      -subj "/CN=Manifold test world CA" -addext "basicConstraints=critical,CA:TRUE" \
      -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
    openssl req -newkey rsa:2048 -nodes -sha256 -keyout server.key -out server.csr \
      -subj "/CN=127.0.0.1" 2>/dev/null
    printf '%s\n' "subjectAltName=IP:127.0.0.1,DNS:localhost" "basicConstraints=critical,CA:FALSE" \
      "keyUsage=critical,digitalSignature,keyEncipherment" "extendedKeyUsage=serverAuth" >server.ext
    openssl x509 -req -sha256 -days 825 -in server.csr -CA ca.crt -CAkey ca.key \
      -set_serial "0x$(openssl rand -hex 16)" -extfile server.ext -out server.crt 2>/dev/null
    rm -f server.csr server.ext
    chmod 0644 ca.crt server.crt
  )
  mv "$PKI/ca.crt" "$CERTS/ca.crt"
}

ensure_htpasswd() {
  local f="$dir/tls/htpasswd"
  if [ -f "$f" ] && htpasswd -vb "$f" "$TLS_USER" "$TLS_PASS" >/dev/null 2>&1; then return 0; fi
  htpasswd -Bbn "$TLS_USER" "$TLS_PASS" | sed '/^$/d' >"$f.tmp"
  mv -f "$f.tmp" "$f"
}

# write_config NAME: the registry's config.yml (rewritten at every start).
write_config() {
  local name="$1" cfg secret tls="" auth=""
  cfg="$(cfg_of "$name")"
  mkdir -p "$dir/$name/data"
  [ -f "$dir/$name/secret" ] || openssl rand -hex 32 >"$dir/$name/secret"
  secret="$(cat "$dir/$name/secret")"
  if [ "$name" = tls ]; then
    tls="
  tls:
    certificate: $PKI/server.crt
    key: $PKI/server.key"
    auth="
auth:
  htpasswd:
    realm: manifold-test-registry
    path: $dir/tls/htpasswd"
  fi
  cat >"$cfg.tmp" <<YML
# Written by manifold scripts/testworld/registry.sh; rewritten at every start.
version: 0.1
log:
  level: info
  fields:
    service: manifold-test-registry-$name
storage:
  filesystem:
    rootdirectory: $dir/$name/data
  delete:
    enabled: true
  redirect:
    disable: true
  maintenance:
    uploadpurging:
      enabled: false
http:
  addr: 127.0.0.1:$(port_of "$name")
  secret: $secret
  headers:
    X-Content-Type-Options: [nosniff]$tls
health:
  storagedriver:
    enabled: false$auth
YML
  mv -f "$cfg.tmp" "$cfg"
}

start_one() {
  local name="$1" port pids cfg pid code
  port="$(port_of "$name")"
  pids="$(pids_of "$name")"
  if [ -n "$pids" ]; then
    echo "$pids" | head -n 1 >"$dir/$name/registry.pid"
    return 1
  fi
  port_open "$port" && tw_die "127.0.0.1:$port is already in use by another program; pick another port with $([ "$name" = plain ] && echo MANIFOLD_TEST_REGISTRY_PORT || echo MANIFOLD_TEST_TLS_REGISTRY_PORT)"
  write_config "$name"
  cfg="$(cfg_of "$name")"
  # The daemon gets no inherited descriptor but its log (the lock on fd 9 would block the next
  # start; a caller's pipe would keep the caller waiting for EOF), its own session, and a clean
  # environment (distribution reads REGISTRY_* variables as config overrides).
  (
    for fd in "/proc/$BASHPID/fd"/*; do
      fd="${fd##*/}"
      [ "$fd" -gt 2 ] && eval "exec $fd>&-"
    done 2>/dev/null
    exec env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME="$dir/$name" \
      setsid "$REGISTRY_BIN" serve "$cfg"
  ) >>"$dir/$name/registry.log" 2>&1 </dev/null &
  pid=$!
  echo "$pid" >"$dir/$name/registry.pid"
  for _ in $(seq 1 100); do
    code="$(http_code "$name")"
    case "$code" in 200 | 401) break ;; esac
    if ! kill -0 "$pid" 2>/dev/null; then
      tail -n 20 "$dir/$name/registry.log" >&2
      tw_die "the $name registry exited at start (log: $dir/$name/registry.log)"
    fi
    sleep 0.1
  done
  case "$code" in
    200 | 401) ;;
    *) tw_die "the $name registry did not answer GET /v2/ within 10 s (last status '$code'; log: $dir/$name/registry.log)" ;;
  esac
  tw_log "started $name registry on 127.0.0.1:$port (pid $pid, GET /v2/ -> $code)"
  return 0
}

json_str() { local s="${1//\\/\\\\}"; s="${s//\"/\\\"}"; printf '"%s"' "$s"; }

write_env() {
  local k first=1
  local -a keys=(MANIFOLD_TESTWORLD_DIR MANIFOLD_TEST_REGISTRY MANIFOLD_TEST_TLS_REGISTRY
    MANIFOLD_TEST_TLS_CA MANIFOLD_TEST_TLS_USER MANIFOLD_TEST_TLS_PASS)
  local -A vals=(
    [MANIFOLD_TESTWORLD_DIR]="$dir"
    [MANIFOLD_TEST_REGISTRY]="127.0.0.1:$PLAIN_PORT"
    [MANIFOLD_TEST_TLS_REGISTRY]="127.0.0.1:$TLS_PORT"
    [MANIFOLD_TEST_TLS_CA]="$CERTS/ca.crt"
    [MANIFOLD_TEST_TLS_USER]="$TLS_USER"
    [MANIFOLD_TEST_TLS_PASS]="$TLS_PASS"
  )
  {
    echo "# Test registries started by scripts/testworld/registry.sh; source this file."
    for k in "${keys[@]}"; do printf 'export %s=%q\n' "$k" "${vals[$k]}"; done
  } >"$dir/env.sh.tmp"
  {
    printf '{'
    for k in "${keys[@]}"; do
      [ "$first" = 1 ] || printf ','
      first=0
      printf '\n  "%s": %s' "$k" "$(json_str "${vals[$k]}")"
    done
    printf '\n}\n'
  } >"$dir/env.json.tmp"
  mv -f "$dir/env.sh.tmp" "$dir/env.sh"
  mv -f "$dir/env.json.tmp" "$dir/env.json"
}

cmd_start() {
  [ -x "$REGISTRY_BIN" ] || tw_die "$REGISTRY_BIN is missing; run scripts/testworld/install.sh"
  local started=0
  ensure_certs
  mkdir -p "$dir/plain" "$dir/tls"
  ensure_htpasswd
  start_one plain && started=1
  start_one tls && started=1
  write_env
  if [ "$started" = 0 ]; then
    tw_log "already running (plain pid $(pids_of plain | head -n 1), tls pid $(pids_of tls | head -n 1))"
  fi
  tw_log "env: $dir/env.sh"
}

cmd_stop() {
  local name port _
  local -a all
  # The processes are found by their command line, so a lost pid file loses none.
  mapfile -t all < <(pids_of plain; pids_of tls)
  if [ "${#all[@]}" -gt 0 ]; then
    kill -TERM "${all[@]}" 2>/dev/null || true
    for _ in $(seq 1 100); do
      [ -z "$(pids_of plain)$(pids_of tls)" ] && break
      sleep 0.1
    done
    mapfile -t all < <(pids_of plain; pids_of tls)
    if [ "${#all[@]}" -gt 0 ]; then
      tw_warn "killing registries that ignored SIGTERM: ${all[*]}"
      kill -KILL "${all[@]}" 2>/dev/null || true
      sleep 0.2
    fi
    tw_log "stopped"
  else
    tw_log "not running"
  fi
  for name in plain tls; do
    port="$(port_of "$name")"
    for _ in $(seq 1 50); do port_open "$port" || break; sleep 0.1; done
    rm -rf "${dir:?}/$name/data" "$dir/$name/registry.pid"
  done
  rm -f "$dir/env.sh" "$dir/env.json"
}

cmd_status() {
  local name pid ok=0 scheme
  for name in plain tls; do
    pid="$(pids_of "$name" | head -n 1)"
    scheme=http
    [ "$name" = tls ] && scheme=https
    if [ -n "$pid" ]; then
      printf '%-5s running  pid %-7s %s://127.0.0.1:%s  GET /v2/ -> %s\n' "$name" "$pid" "$scheme" \
        "$(port_of "$name")" "$(http_code "$name")"
    else
      printf '%-5s stopped  %s://127.0.0.1:%s\n' "$name" "$scheme" "$(port_of "$name")"
      ok=3
    fi
  done
  return "$ok"
}

case "$cmd" in
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
esac
