#!/usr/bin/env bash
# The quick start, on a fresh machine: set everything up, make the busybox base image from
# Debian's packages with Manifold itself (no registry needed), build the product brief's hello
# example for linux/amd64, linux/arm64 and linux/arm/v7 into the local image store, and run it
# on each platform. State goes to MANIFOLD_HOME (default: a fresh temporary directory).
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh
export MANIFOLD_HOME="${MANIFOLD_HOME:-$(mktemp -d /tmp/manifold-quickstart.XXXXXX)}"
manifold() { node bin/manifold.js "$@"; }
platforms=linux/amd64,linux/arm64,linux/arm/v7

echo
echo "== MANIFOLD_HOME=$MANIFOLD_HOME"
echo "== the base image: busybox from Debian's busybox-static, one root file system per platform"
base_ctx="$(mktemp -d /tmp/manifold-base.XXXXXX)"
trap 'rm -rf "$base_ctx" "$hello_ctx"' EXIT
cp /var/cache/manifold-testworld/rootfs/busybox-linux-*.tar "$base_ctx/"
manifold build --progress plain --platform "$platforms" -t busybox -t alpine -f scripts/testworld/base/Dockerfile "$base_ctx"

echo
echo "== the hello example"
hello_ctx="$(mktemp -d /tmp/manifold-hello.XXXXXX)"
cat >"$hello_ctx/Dockerfile" <<'DOCKERFILE'
FROM --platform=$TARGETPLATFORM alpine
RUN uname -a > /os.txt
CMD cat /os.txt
DOCKERFILE
cat "$hello_ctx/Dockerfile"
manifold build --progress plain --platform linux/arm,linux/arm64,linux/amd64 -t hello "$hello_ctx"

echo
echo "== manifold images"
manifold images
for platform in linux/amd64 linux/arm64 linux/arm/v7; do
  echo
  echo "== manifold run --platform $platform hello"
  manifold run --platform "$platform" hello
done
