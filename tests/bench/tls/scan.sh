#!/usr/bin/env bash
# testssl.sh (Debian package) against a hafront TLS listener on loopback with
# an ECDSA and an RSA certificate from a throwaway CA. Prints every finding
# of severity HIGH or CRITICAL and exits 1 if one is about the server (the
# test CA's own findings -- not trusted, short-lived -- are expected and
# listed apart).
# No DNS lookups (--nodns none) and no phoning out (testssl.sh does not by
# default): traffic stays on loopback.
# Usage: tests/bench/tls/scan.sh [--agent PATH]
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../../.." && pwd)
AGENT=${AGENT:-$ROOT/build/agent/hafront-agent}
[ "${1:-}" = --agent ] && AGENT=$2
command -v testssl >/dev/null || { echo "missing testssl (apt install testssl.sh)" >&2; exit 2; }
PORT=$((19000 + ($$ % 300)))   # below the ephemeral ports (32768-60999)
WORK=$(mktemp -d /tmp/hftlsscan.XXXXXX)
PID=
cleanup() { [ -n "$PID" ] && kill "$PID" 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT INT TERM
cd "$WORK"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ca.key -out ca.pem -days 30 \
  -subj "/CN=hafront scan CA" 2>/dev/null
for k in ec rsa; do
  if [ $k = ec ]; then opt=(-newkey ec -pkeyopt ec_paramgen_curve:P-256); else opt=(-newkey rsa:2048); fi
  openssl req "${opt[@]}" -nodes -keyout $k.key -out $k.csr -subj /CN=scan.test 2>/dev/null
  printf 'subjectAltName=DNS:scan.test\n' > $k.ext
  openssl x509 -req -in $k.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 20 -extfile $k.ext -out $k.crt 2>/dev/null
  cat $k.crt ca.pem > $k.pem
done
head -c 48 /dev/urandom > ticket.secret
cat > scan.conf <<CONF
name: "scan"
node { name: "s" address: "127.0.0.1" workers: 1 }
pool { name: "app" backend { name: "b" address: "127.0.0.1:9" } }
listener { name: "tls" bind: "127.0.0.1:$PORT"
  tls { certificate { cert_file: "ec.pem" key_file: "ec.key" } certificate { cert_file: "rsa.pem" key_file: "rsa.key" }
        session_ticket_secret_file: "ticket.secret" hsts { max_age_s: 31536000 } }
  route { path_prefix: "/" respond { status: 200 body: "ok\n" } } }
CONF
"$AGENT" --config scan.conf --node s --state-dir "$WORK" --socket "$WORK/s.sock" > agent.log 2>&1 & PID=$!
for _ in $(seq 1 50); do curl -ksf -o /dev/null "https://127.0.0.1:$PORT/" && break; sleep 0.1; done
testssl --quiet --color 0 --warnings off --nodns none --openssl-timeout 5 --jsonfile "$WORK/scan.json" \
  --ip 127.0.0.1 "https://scan.test:$PORT/" > "$WORK/scan.txt" 2>&1 || true
python3 - "$WORK/scan.json" <<'PY'
import json, sys
findings = json.load(open(sys.argv[1]))
# About the test CA and its certificates, not about the server's TLS.
ca = ("cert_chain_of_trust", "cert_trust", "cert_caIssuers", "cert_crlDistributionPoints", "cert_ocspURL",
      "OCSP_stapling", "cert_revocation", "cert_validityPeriod", "cert_expirationStatus", "cert_notAfter", "cert_mustStapleExtension")
bad, expected = [], []
for f in findings:
    if f.get("severity") in ("HIGH", "CRITICAL"):
        (expected if f["id"].startswith(ca) else bad).append(f)
by = {}
for f in findings:
    by[f.get("severity")] = by.get(f.get("severity"), 0) + 1
print("testssl.sh findings by severity:", ", ".join(f"{k}={v}" for k, v in sorted(by.items())))
for f in expected:
    print(f"  expected (test CA): {f['severity']} {f['id']}: {f['finding']}")
for f in bad:
    print(f"  SERVER: {f['severity']} {f['id']}: {f['finding']}")
for f in findings:
    if f.get("severity") in ("MEDIUM", "LOW", "WARN"):
        print(f"  (for reference) {f['severity']} {f['id']}: {f['finding']}")
print("no HIGH or CRITICAL finding about the server" if not bad else f"{len(bad)} HIGH/CRITICAL finding(s) about the server")
sys.exit(1 if bad else 0)
PY
