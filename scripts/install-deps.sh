#!/usr/bin/env bash
# Brings a fresh Debian 12 machine (root, no display) to a state where hafront
# builds, its tests run and its benchmarks can compare against the peers.
# Idempotent: quiet and quick when everything is already installed.
set -euo pipefail

build_packages=(
  build-essential cmake ninja-build pkg-config git
  qt6-base-dev qt6-base-dev-tools qt6-charts-dev libqt6opengl6-dev
  qt6-tools-dev qt6-tools-dev-tools qt6-l10n-tools qt6-svg-dev libqt6svg6
  libgl-dev libvulkan-dev
  protobuf-compiler libprotobuf-dev
  libssh-dev libmnl-dev libsystemd-dev
  node-llhttp
  libssl-dev libnghttp2-dev
)
# What the tests and the demo drive: namespaces, real peers, sshd, capture,
# promtool (from prometheus) to check the agent's /metrics.
test_packages=(
  iproute2 procps psmisc curl ca-certificates python3
  nginx-light haproxy keepalived wrk
  openssh-server openssh-client tcpdump
  fonts-dejavu-core fonts-wqy-microhei
  systemd dpkg-dev file
  prometheus
  # tests/fuzz: clang 14 and its libFuzzer runtime (libclang_rt.fuzzer-x86_64.a),
  # which clang only recommends and --no-install-recommends would leave out.
  clang libclang-rt-14-dev
  # scripts/format.sh --check (command 2 fails on a file .clang-format would change)
  clang-format
  # TLS and HTTP/2 peers: testssl.sh against a TLS listener, h2load/nghttp,
  # python3-h2 for raw HTTP/2 frames.
  testssl.sh nghttp2-client python3-h2
)
want=("${build_packages[@]}")
[[ "${1:-}" == "--build-only" ]] || want+=("${test_packages[@]}")

missing=()
for p in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
((${#missing[@]})) || exit 0

if [[ $EUID -ne 0 ]]; then
  echo "install-deps: missing packages: ${missing[*]}; run as root" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
echo "install-deps: installing ${#missing[@]} packages: ${missing[*]}"
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
# Debian starts the peers' services on install; the benchmarks start their own.
for svc in nginx haproxy keepalived ssh prometheus; do
  if command -v systemctl >/dev/null && systemctl is-active --quiet "$svc" 2>/dev/null; then
    systemctl stop "$svc" || true
    systemctl disable "$svc" >/dev/null 2>&1 || true
  fi
done
echo "install-deps: done"
