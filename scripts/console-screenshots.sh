#!/bin/bash
# Renders the console's documentation screenshots: two agents sharing a VIP on
# loopback inside a private network namespace (needs root; nothing touches the
# host's network), python backends, hafront-console --screenshot in English and
# Chinese. Usage: scripts/console-screenshots.sh BUILD_DIR [OUT_DIR]
set -euo pipefail
BUILD=$(realpath "${1:?build dir}")
SRC=$(cd "$(dirname "$0")/.." && pwd)
OUT=$(realpath -m "${2:-$SRC/docs/screenshots}")
[ "$(id -u)" = 0 ] || { echo "console-screenshots: needs root for a private network namespace" >&2; exit 1; }
mkdir -p "$OUT"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
cat > "$TMP/demo.conf" <<CONF
name: "shop-front-demo"
node { name: "fe1" address: "127.0.0.1" control_socket: "$TMP/fe1.sock" }
node { name: "fe2" address: "127.0.0.2" control_socket: "$TMP/fe2.sock" }
vip { name: "www" vrid: 51 interface: "lo" address: "127.0.0.100/8" advert_interval_ms: 100
  priority { node: "fe1" value: 150 } priority { node: "fe2" value: 100 }
  unicast_peer: "127.0.0.1" unicast_peer: "127.0.0.2" }
pool { name: "app" balance: ROUND_ROBIN
  backend { name: "app1" address: "127.0.0.1:23101" weight: 3 }
  backend { name: "app2" address: "127.0.0.1:23102" weight: 1 }
  backend { name: "app3" address: "127.0.0.1:23109" weight: 1 }
  health { http { path: "/" } interval_ms: 300 timeout_ms: 300 rise: 1 fall: 1 } }
pool { name: "orders-rpc" protocol: TCP balance: LEAST_CONN
  backend { name: "rpc1" address: "127.0.0.1:23201" }
  health { tcp {} interval_ms: 300 rise: 1 fall: 1 } }
CONF
export BUILD SRC OUT TMP
unshare -n bash -c '
  set -e
  ip link set lo up
  ip addr add 127.0.0.2/8 dev lo
  pids=()
  trap "kill \${pids[*]} 2>/dev/null; wait" EXIT
  python3 "$SRC/tests/integration/testbackends.py" http app1 23101 & pids+=($!)
  python3 "$SRC/tests/integration/testbackends.py" http app2 23102 & pids+=($!)
  python3 "$SRC/tests/integration/testbackends.py" echo 23201 & pids+=($!)
  for n in fe1 fe2; do
    mkdir -p "$TMP/$n"
    "$BUILD/agent/hafront-agent" --config "$TMP/demo.conf" --node $n --state-dir "$TMP/$n" \
      --socket "$TMP/$n.sock" > "$TMP/$n.log" 2>&1 & pids+=($!)
  done
  sleep 2.5
  export QT_QPA_PLATFORM=offscreen
  "$BUILD/console/views/hafront-console" --cluster "$TMP/demo.conf" --lang en --screenshot "$OUT/console-main.png"
  "$BUILD/console/views/hafront-console" --cluster "$TMP/demo.conf" --lang zh_CN --screenshot "$OUT/console-main-zh_CN.png"
'
echo "screenshots in $OUT"
