#!/usr/bin/env python3
"""Writes the binary seeds of tests/fuzz/corpus (VRRP packets, control frames, ClientHellos).

The text seeds (configs, state files, HTTP heads, URLs, addresses) are plain
files written by hand; these are generated so that their checksums and
lengths are right. Run it after changing a seed here; it needs protoc.
    tests/fuzz/make_seeds.py
"""
import pathlib
import struct
import subprocess

HERE = pathlib.Path(__file__).resolve().parent
CORPUS = HERE / "corpus"
PROTO_ROOT = HERE.parent.parent / "common" / "proto"


def write(target, name, data):
    d = CORPUS / target
    d.mkdir(parents=True, exist_ok=True)
    (d / name).write_bytes(data)


# ---- VRRP: IPv4 header + VRRPv3 advert (RFC 5798 5.1) ----
def checksum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def ip(a):
    return struct.unpack("!I", bytes(int(x) for x in a.split(".")))[0]


def advert(vrid, prio, interval_cs, addrs, src="192.0.2.11", dst="224.0.0.18", ttl=255, version=3, kind=1,
           count=None, break_sum=False, reserved=0):
    count = len(addrs) if count is None else count
    body = struct.pack("!BBBBH", version << 4 | kind, vrid, prio, count, reserved << 12 | interval_cs) + b"\0\0"
    body += b"".join(struct.pack("!I", ip(a)) for a in addrs)
    pseudo = struct.pack("!IIBBH", ip(src), ip(dst), 0, 112, len(body))
    s = checksum(pseudo + body) ^ (1 if break_sum else 0)
    body = body[:6] + struct.pack("!H", s) + body[8:]
    header = struct.pack("!BBHHHBBHII", 0x45, 0xC0, 20 + len(body), 1, 0, ttl, 112, 0, ip(src), ip(dst))
    return header + body


# ---- VRRP over IPv6 (RFC 5798 5.1.2): hop limit, source, destination, then the advert ----
# The raw IPv6 socket gives no header; fuzz_vrrppacket6 reads these 33 bytes first.
import ipaddress


def advert6(vrid, prio, interval_cs, addrs, src="fe80::ff:fe00:11", dst="ff02::12", hop=255, version=3, kind=1,
            count=None, break_sum=False):
    count = len(addrs) if count is None else count
    body = struct.pack("!BBBBH", version << 4 | kind, vrid, prio, count, interval_cs) + b"\0\0"
    body += b"".join(ipaddress.IPv6Address(a).packed for a in addrs)
    s6, d6 = ipaddress.IPv6Address(src).packed, ipaddress.IPv6Address(dst).packed
    pseudo = s6 + d6 + struct.pack("!IxxxB", len(body), 112)
    s = checksum(pseudo + body) ^ (1 if break_sum else 0)
    body = body[:6] + struct.pack("!H", s) + body[8:]
    return bytes([hop]) + s6 + d6 + body


write("vrrppacket6", "keepalived-100ms", advert6(61, 150, 10, ["2001:db8::100"]))
write("vrrppacket6", "priority-zero", advert6(61, 0, 10, ["2001:db8::100"]))
write("vrrppacket6", "unicast", advert6(61, 100, 100, ["2001:db8::100"], src="2001:db8::11", dst="2001:db8::12"))
write("vrrppacket6", "three-addresses", advert6(7, 254, 4095, ["2001:db8::100", "2001:db8::101", "2001:db8:1::1"]))
write("vrrppacket6", "hop-254", advert6(61, 100, 100, ["2001:db8::100"], hop=254))
write("vrrppacket6", "bad-checksum", advert6(61, 100, 100, ["2001:db8::100"], break_sum=True))
write("vrrppacket6", "count-over-length", advert6(61, 100, 100, ["2001:db8::100"], count=2))
write("vrrppacket6", "interval-zero", advert6(61, 100, 0, ["2001:db8::100"]))

write("vrrppacket", "master-1s", advert(51, 100, 100, ["192.0.2.100"]))
write("vrrppacket", "master-100ms", advert(51, 150, 10, ["192.0.2.100"]))
write("vrrppacket", "priority-zero", advert(51, 0, 10, ["192.0.2.100"]))
write("vrrppacket", "three-addresses", advert(7, 254, 4095, ["192.0.2.100", "192.0.2.101", "198.51.100.1"]))
write("vrrppacket", "unicast", advert(9, 200, 50, ["192.0.2.100"], dst="192.0.2.12"))
write("vrrppacket", "ttl-254", advert(51, 100, 100, ["192.0.2.100"], ttl=254))
write("vrrppacket", "vrrpv2", advert(51, 100, 1, ["192.0.2.100"], version=2))
write("vrrppacket", "bad-checksum", advert(51, 100, 100, ["192.0.2.100"], break_sum=True))
write("vrrppacket", "count-over-length", advert(51, 100, 100, ["192.0.2.100"], count=2))
write("vrrppacket", "interval-zero", advert(51, 100, 0, ["192.0.2.100"]))
write("vrrppacket", "reserved-bits", advert(51, 100, 100, ["192.0.2.100"], reserved=0xF))
write("vrrppacket", "ip-options", (lambda p: bytes([0x46]) + p[1:20] + b"\x01\x01\x01\x00" + p[20:])(
    advert(51, 100, 100, ["192.0.2.100"])))


# ---- control frames: 4-byte big-endian length + one message ----
def encode(message_type, text):
    out = subprocess.run(["protoc", "-I", str(PROTO_ROOT), "--encode=hafront.v1." + message_type,
                          "hafront/v1/control.proto"], input=text.encode(), capture_output=True, check=True)
    return out.stdout


def frame(payload):
    return struct.pack("!I", len(payload)) + payload


# First byte of a controlframe input: bit 0 = direction (0 to the agent,
# 1 to the console), the other bits = size of the pieces the stream is fed in.
TO_AGENT, TO_CONSOLE = 0x00, 0x01
hello = encode("ClientMessage", 'hello { protocol_version: 1 operator: "ops" client: "hafrontctl 0.1" }')
subscribe = encode("ClientMessage", "subscribe { period_ms: 250 events: true events_since_seq: 12 }")
commands = [
    'command { id: 1 set_weight { pool: "app" backend: "app2" weight: 0 } }',
    'command { id: 2 set_backend_state { pool: "app" backend: "app1" state: DRAIN } }',
    'command { id: 3 vip_maintenance { vip: "www" on: true } }',
    'command { id: 4 vip_force_master { vip: "www" } }',
    "command { id: 5 event_history { last: 50 } }",
    "command { id: 6 ping {} }",
    "command { id: 7 get_status {} }",
]
write("controlframe", "hello-subscribe", bytes([TO_AGENT]) + frame(hello) + frame(subscribe))
write("controlframe", "hello-split-by-3", bytes([TO_AGENT | 3 << 1]) + frame(hello) + frame(subscribe))
write("controlframe", "commands", bytes([TO_AGENT]) + frame(hello) +
      b"".join(frame(encode("ClientMessage", c)) for c in commands))
write("controlframe", "empty-message", bytes([TO_AGENT]) + frame(b""))
write("controlframe", "over-4mib", bytes([TO_AGENT]) + struct.pack("!I", (4 << 20) + 1) + b"x" * 16)
write("controlframe", "truncated", bytes([TO_AGENT]) + frame(hello)[:-3])
write("controlframe", "not-protobuf", bytes([TO_AGENT]) + frame(b"\xff\xff\xff\xff\x0f"))

agent_hello = encode("AgentMessage", 'hello { protocol_version: 1 node: "fe1" cluster: "shop-front" peer_user: "ops" }')
status = encode("AgentMessage", """status {
  node: "fe1"
  vips { name: "www" vrid: 51 state: MASTER configured_priority: 150 effective_priority: 150
         dropped { name: "bad_ttl" value: 2 } }
  pools { name: "app" backends { name: "app1" address: "192.0.2.21:8080" weight: 1 health: UP
                                 last_check: "200 in 1.2 ms" latency { upper_bound_ms: 1 count: 4 total: 4 } } }
}""")
event = encode("AgentMessage", 'event { seq: 9 kind: VIP_STATE subject: "www" message: "BACKUP -> MASTER" '
                              'fields { key: "from" value: "BACKUP" } fields { key: "to" value: "MASTER" } }')
result = encode("AgentMessage", 'result { id: 1 ok: false error: "refused: backend \'b9\' is not in pool \'app\'" }')
error = encode("AgentMessage", 'error { message: "protocol version mismatch" }')
write("controlframe", "agent-stream", bytes([TO_CONSOLE]) + frame(agent_hello) + frame(status) + frame(event))
write("controlframe", "agent-stream-bytewise", bytes([TO_CONSOLE | 1 << 1]) + frame(agent_hello) + frame(status))
write("controlframe", "agent-result-error", bytes([TO_CONSOLE]) + frame(result) + frame(error))


# ---- ClientHellos (fuzz_clienthello): what Python's OpenSSL client sends first ----
# Input: 2 bytes big-endian = length of the first flight (0: one flight), then
# the client's bytes. The handshakes are new each run (random, key shares), so
# rerunning changes these seeds' bytes, not what they cover.
import hashlib
import hmac
import ssl

# fuzz_clienthello's ticket secret and rotation (2^32-1 s: the period is 0 until 2106).
TICKET_SECRET = b"hafront fuzz_clienthello session ticket secret!!"
TICKET_PERIOD = 0


def ticket_key(secret, period):
    """tls::deriveTicketKey: HKDF-SHA256 -> name(16) aes(32) hmac(32)."""
    prk = hmac.new(b"hafront ticket key v1", secret, hashlib.sha256).digest()
    info = struct.pack("!q", period) + b"hafront session tickets"
    out, block, i = b"", b"", 1
    while len(out) < 80:
        block = hmac.new(prk, block + info + bytes([i]), hashlib.sha256).digest()
        out += block
        i += 1
    return out[:16], out[16:48], out[48:80]


def client_hello(server_name, alpn, max_version=None, ciphers=None):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    if alpn:
        ctx.set_alpn_protocols(alpn)
    if max_version:
        ctx.maximum_version = max_version
    if ciphers:
        ctx.set_ciphers(ciphers)
    incoming, outgoing = ssl.MemoryBIO(), ssl.MemoryBIO()
    tls = ctx.wrap_bio(incoming, outgoing, server_hostname=server_name)
    try:
        tls.do_handshake()
    except ssl.SSLWantReadError:
        pass
    return outgoing.read()


def replace_extension(record, ext_type, data):
    """The ClientHello in `record` with extension `ext_type`'s body replaced (lengths fixed)."""
    p = 5 + 4 + 2 + 32                                  # record, handshake header, version, random
    p += 1 + record[p]                                  # session id
    p += 2 + int.from_bytes(record[p:p + 2], "big")     # cipher suites
    p += 1 + record[p]                                  # compression methods
    start, end = p + 2, p + 2 + int.from_bytes(record[p:p + 2], "big")
    exts, q = b"", start
    while q < end:
        t, n = struct.unpack("!HH", record[q:q + 4])
        body = data if t == ext_type else record[q + 4:q + 4 + n]
        exts += struct.pack("!HH", t, len(body)) + body
        q += 4 + n
    hello = record[9:p] + struct.pack("!H", len(exts)) + exts
    handshake = bytes([1]) + len(hello).to_bytes(3, "big") + hello
    return record[:3] + struct.pack("!H", len(handshake)) + handshake


def one_flight(data):
    return struct.pack("!H", 0) + data


tls12 = ssl.TLSVersion.TLSv1_2
write("clienthello", "tls13-a-h2-http11", one_flight(client_hello("a.example", ["h2", "http/1.1"])))
write("clienthello", "tls13-wildcard-http11", one_flight(client_hello("www.b.example", ["http/1.1"])))
write("clienthello", "tls13-no-sni-no-alpn", one_flight(client_hello(None, None)))
write("clienthello", "tls13-alpn-unknown", one_flight(client_hello("x.b.example", ["spdy/3"])))
write("clienthello", "tls12-a-h2", one_flight(client_hello("a.example", ["h2"], tls12)))
write("clienthello", "tls12-rsa-only", one_flight(client_hello("a.example", ["http/1.1"], tls12,
                                                               "ECDHE-RSA-AES128-GCM-SHA256")))
# A ticket under the current key: name, IV, a body that does not decrypt, a
# valid HMAC; the server falls back to a full handshake.
name, _, mac_key = ticket_key(TICKET_SECRET, TICKET_PERIOD)
sealed = name + bytes(range(16)) + bytes(range(64))
ticket = sealed + hmac.new(mac_key, sealed, hashlib.sha256).digest()
write("clienthello", "tls12-ticket", one_flight(replace_extension(client_hello("a.example", ["h2"], tls12), 35,
                                                                  ticket)))
# No key share at first: the server asks again (HelloRetryRequest), the second
# ClientHello carries the X25519 share.
second = client_hello("a.example", ["h2", "http/1.1"])
first = replace_extension(second, 51, b"\0\0")
write("clienthello", "tls13-hello-retry", struct.pack("!H", len(first)) + first + second)
