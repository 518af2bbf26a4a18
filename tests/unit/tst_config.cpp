// Cluster config loading: every invalid config is reported at the field that
// is wrong, as LINE:COL: message, and every error is reported.
#include "config/configloader.h"
#include "config/defaults.h"

#include <google/protobuf/text_format.h>
#include <google/protobuf/util/json_util.h>
#include <google/protobuf/util/message_differencer.h>

#include <QTemporaryDir>

#include "tlstesting.h"

#include <fstream>
#include <QtTest>

using hafront::config::loadClusterFile;
using hafront::config::loadClusterText;

namespace {

// A valid cluster; rows replace one line (or append one) to break it.
const QStringList kBase = {
    R"(name: "t")",
    R"(node { name: "fe1" address: "192.0.2.11" })",
    R"(node { name: "fe2" address: "192.0.2.12" })",
    R"(vip { name: "www" vrid: 51 interface: "eth0" address: "192.0.2.100/24" advert_interval_ms: 100)",
    R"(  priority { node: "fe1" value: 150 })",
    R"(  priority { node: "fe2" value: 100 } })",
    R"(pool { name: "app" protocol: HTTP)",
    R"(  backend { name: "a1" address: "192.0.2.21:8080" weight: 2 })",
    R"(  backend { name: "a2" address: "192.0.2.22:8080" })",
    R"(  health { http { path: "/healthz" } rise: 2 fall: 3 } })",
    R"(pool { name: "rpc" protocol: TCP backend { name: "r1" address: "192.0.2.31:20880" } health { tcp {} } })",
    R"(listener { name: "web" bind: "192.0.2.100:80")",
    R"(  route { path_prefix: "/static/" static_root: "STATIC" })",
    R"(  route { path_prefix: "/" pool: "app" } })",
    R"(listener { name: "rpc" bind: "192.0.2.100:20880" protocol: TCP pool: "rpc" })",
};

} // namespace

class TestConfig : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_dir;

    QString staticRoot() const { return m_dir.path() + "/www"; }

    QStringList build(int line, const QString &text) const
    {
        QStringList lines = kBase;
        if (line > lines.size())
            lines.append(text);
        else if (line > 0)
            lines[line - 1] = text;
        for (auto &l : lines)
            l.replace("STATIC", staticRoot());
        return lines;
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        QVERIFY(QDir().mkpath(staticRoot()));
        const std::string tlsDir = (m_dir.path() + "/tls").toStdString();
        QVERIFY(QDir().mkpath(m_dir.path() + "/tls"));
        tlstesting::Authority ca(tlsDir);
        ca.issue("www", {"www.example.test"});
        ca.issue("api", {"api.example.test"});
        ca.issue("old", {"www.example.test"}, tlstesting::Key::Ecdsa, -100, -10);
        std::ofstream(tlsDir + "/short") << "short";
    }

    void baseConfigIsValid()
    {
        const auto r = loadClusterText(build(0, {}).join('\n').toStdString(), "base.conf", "");
        QVERIFY2(r.ok(), r.ok() ? "" : r.errors[0].format().c_str());
        QCOMPARE(QString::fromStdString(hafront::config::summarize(r.cluster)),
                 QStringLiteral("2 nodes, 1 VIP, 2 pools, 3 backends, 2 listeners"));
    }

    // TLS: each file problem at the field that names the file; an expired
    // certificate is a warning (the listener still starts); a route host no
    // certificate covers is an error. CERT/KEY/... are files made here.
    void tlsProblemsAreReportedAtTheField_data()
    {
        QTest::addColumn<QString>("tls");
        QTest::addColumn<QString>("route");
        QTest::addColumn<QStringList>("errors"); // "ANCHOR|MESSAGE" on the tls line (or ROUTE| on the route line)
        QTest::addColumn<QStringList>("warnings");
        const QString route = R"(  route { path_prefix: "/" pool: "app" } })";
        QTest::newRow("valid") << R"(  tls { certificate { cert_file: "www.pem" key_file: "www.key" } })" << route
                               << QStringList{} << QStringList{};
        QTest::newRow("missing certificate file")
            << R"(  tls { certificate { cert_file: "nope.pem" key_file: "www.key" } })" << route
            << QStringList{"cert_file:|cannot read certificate DIR/nope.pem: No such file or directory"}
            << QStringList{};
        QTest::newRow("key of another certificate")
            << R"(  tls { certificate { cert_file: "www.pem" key_file: "api.key" } })" << route
            << QStringList{"key_file:|key DIR/api.key does not belong to certificate DIR/www.pem"} << QStringList{};
        QTest::newRow("expired certificate is a warning")
            << R"(  tls { certificate { cert_file: "old.pem" key_file: "old.key" } })" << route << QStringList{}
            << QStringList{"cert_file:|warning: certificate 'old.pem' expired 10 days ago"};
        QTest::newRow("route host no certificate covers")
            << R"(  tls { certificate { cert_file: "www.pem" key_file: "www.key" } })"
            << R"(  route { host: "shop.test" path_prefix: "/" pool: "app" } })"
            << QStringList{"ROUTE|host:|no certificate of listener 'web' covers 'shop.test'"} << QStringList{};
        QTest::newRow("unknown ALPN")
            << R"(  tls { certificate { cert_file: "www.pem" key_file: "www.key" } alpn: "spdy/3" })" << route
            << QStringList{"alpn:|ALPN 'spdy/3' is not one of \"h2\", \"http/1.1\""} << QStringList{};
        QTest::newRow("short ticket secret")
            << R"(  tls { certificate { cert_file: "www.pem" key_file: "www.key" } session_ticket_secret_file: "short" })"
            << route
            << QStringList{"session_ticket_secret_file:|session ticket secret DIR/short holds 5 bytes; at least 32 are "
                           "needed (e.g. head -c 48 /dev/urandom | base64)"}
            << QStringList{};
        QTest::newRow("no certificate") << R"(  tls { min_version: TLS1_3 })" << route
                                        << QStringList{"tls|tls needs at least one certificate { cert_file key_file }"}
                                        << QStringList{};
    }
    void tlsProblemsAreReportedAtTheField()
    {
        QFETCH(QString, tls);
        QFETCH(QString, route);
        QFETCH(QStringList, errors);
        QFETCH(QStringList, warnings);
        const QString dir = m_dir.path() + "/tls";
        QStringList lines = kBase;
        lines[11] = R"(listener { name: "web" bind: "192.0.2.100:443")";
        lines[12] = tls;
        lines[13] = route;
        for (auto &l : lines)
            l.replace("STATIC", staticRoot());
        const auto r =
            loadClusterText(lines.join('\n').toStdString(), dir.toStdString() + "/tls.conf", dir.toStdString());
        auto expect = [&](const QStringList &rows) {
            QStringList want;
            for (QString row : rows) {
                row.replace("DIR", dir);
                int line = 13;
                if (row.startsWith("ROUTE|")) {
                    row = row.mid(6);
                    line = 14;
                }
                const auto parts = row.split('|');
                const int col = lines.value(line - 1).indexOf(parts[0]) + 1;
                want << QStringLiteral("%1/tls.conf:%2:%3: %4").arg(dir).arg(line).arg(col).arg(parts.mid(1).join('|'));
            }
            return want;
        };
        QStringList gotErrors, gotWarnings;
        for (const auto &e : r.errors)
            gotErrors << QString::fromStdString(e.format());
        for (const auto &w : r.warnings)
            gotWarnings << QString::fromStdString(w.format());
        QCOMPARE(gotErrors, expect(errors));
        QCOMPARE(gotWarnings, expect(warnings));
        if (errors.isEmpty()) // paths are resolved against the config's folder for the agent
            QVERIFY(
                QString::fromStdString(r.cluster.listener(0).tls().certificate(0).cert_file()).startsWith(dir + "/"));
    }

    // A pool's tls { } (TLS to its backends): each file problem at the field
    // that names it, a TCP pool refused, verify: false a warning. The text
    // format carries the message as parsed; files resolve like listeners'.
    void poolTlsProblemsAreReportedAtTheField_data()
    {
        QTest::addColumn<int>("line"); // 10: pool "app" (HTTP), 11: pool "rpc" (TCP)
        QTest::addColumn<QString>("text");
        QTest::addColumn<QStringList>("errors"); // "ANCHOR|MESSAGE" on that line
        QTest::addColumn<QStringList>("warnings");
        const QString app = R"(  health { http { path: "/healthz" } rise: 2 fall: 3 } %1 })";
        QTest::newRow("valid") << 10 << app.arg(R"(tls { ca_file: "ca.pem" server_name: "app.test" })") << QStringList{}
                               << QStringList{};
        QTest::newRow("system store, client certificate")
            << 10 << app.arg(R"(tls { server_name: "app.test" cert_file: "www.pem" key_file: "www.key" })")
            << QStringList{} << QStringList{};
        QTest::newRow("missing CA file") << 10 << app.arg(R"(tls { ca_file: "nope.pem" })")
                                         << QStringList{"ca_file:|cannot read CA file DIR/nope.pem: No such file or "
                                                        "directory"}
                                         << QStringList{};
        QTest::newRow("CA file without a certificate")
            << 10 << app.arg(R"(tls { ca_file: "short" })")
            << QStringList{"ca_file:|CA file DIR/short holds no PEM certificate"} << QStringList{};
        QTest::newRow("client certificate without its key")
            << 10 << app.arg(R"(tls { ca_file: "ca.pem" cert_file: "www.pem" })")
            << QStringList{"cert_file:|a client certificate needs both cert_file and key_file"} << QStringList{};
        QTest::newRow("client key without its certificate")
            << 10 << app.arg(R"(tls { key_file: "www.key" })")
            << QStringList{"key_file:|a client certificate needs both cert_file and key_file"} << QStringList{};
        QTest::newRow("client key of another certificate")
            << 10 << app.arg(R"(tls { cert_file: "www.pem" key_file: "api.key" })")
            << QStringList{"key_file:|key DIR/api.key does not belong to certificate DIR/www.pem"} << QStringList{};
        QTest::newRow("verify off is a warning")
            << 10 << app.arg(R"(tls { ca_file: "ca.pem" verify: false })") << QStringList{}
            << QStringList{"verify:|warning: verify: false: any certificate is accepted from the backends of pool "
                           "'app'"};
        QTest::newRow("TCP pool")
            << 11
            << R"(pool { name: "rpc" protocol: TCP backend { name: "r1" address: "192.0.2.31:20880" } health { tcp {} } tls { } })"
            << QStringList{"tls|TLS to backends is for HTTP pools (a TCP pool passes the client's bytes through)"}
            << QStringList{};
    }
    void poolTlsProblemsAreReportedAtTheField()
    {
        QFETCH(int, line);
        QFETCH(QString, text);
        QFETCH(QStringList, errors);
        QFETCH(QStringList, warnings);
        const QString dir = m_dir.path() + "/tls";
        const QStringList lines = build(line, text);
        const auto r =
            loadClusterText(lines.join('\n').toStdString(), dir.toStdString() + "/pool.conf", dir.toStdString());
        auto expect = [&](const QStringList &rows) {
            QStringList want;
            for (QString row : rows) {
                row.replace("DIR", dir);
                const auto parts = row.split('|');
                const int col = lines.value(line - 1).indexOf(parts[0]) + 1;
                want
                    << QStringLiteral("%1/pool.conf:%2:%3: %4").arg(dir).arg(line).arg(col).arg(parts.mid(1).join('|'));
            }
            return want;
        };
        QStringList gotErrors, gotWarnings;
        for (const auto &e : r.errors)
            gotErrors << QString::fromStdString(e.format());
        for (const auto &w : r.warnings)
            gotWarnings << QString::fromStdString(w.format());
        QCOMPARE(gotErrors, expect(errors));
        QCOMPARE(gotWarnings, expect(warnings));
        if (QTest::currentDataTag() == QByteArray("valid")) {
            const auto &tls = r.cluster.pool(0).tls();
            QCOMPARE(QString::fromStdString(tls.ca_file()), dir + "/ca.pem"); // resolved against the config's folder
            QCOMPARE(tls.server_name(), std::string("app.test"));
            QVERIFY(hafront::config::verifyOf(tls)); // default on
        }
    }

    // Issue 19's binding forms: an IPv6 VIP beside the IPv4 one on the same
    // vrid (a separate virtual router), IPv6 backends and binds, unicast peers.
    void dualStackConfigIsValid()
    {
        QStringList lines = build(0, {});
        lines[1] = R"(node { name: "fe1" address: "192.0.2.11" address6: "2001:db8::11" })";
        lines[2] = R"(node { name: "fe2" address: "192.0.2.12" address6: "2001:db8::12" })";
        lines
            << R"(vip { name: "www6" vrid: 51 interface: "eth0" address: "2001:db8::100/64" advert_interval_ms: 100)"
            << R"(  priority { node: "fe1" value: 150 } priority { node: "fe2" value: 100 } })"
            << R"(vip { name: "api6" vrid: 52 interface: "eth0" address: "2001:db8::101/64")"
            << R"(  priority { node: "fe1" value: 150 } priority { node: "fe2" value: 100 } unicast_peer: "2001:db8::12" })"
            << R"(pool { name: "app6" backend { name: "b6" address: "[2001:db8::21]:8080" } health { tcp {} } })"
            << R"(listener { name: "web6" bind: "[2001:db8::100]:80" route { path_prefix: "/" pool: "app6" } })"
            << R"(listener { name: "any6" bind: "[::]:8443" route { path_prefix: "/" pool: "app" } })";
        const auto r = loadClusterText(lines.join('\n').toStdString(), "dual.conf", "");
        QVERIFY2(r.ok(), r.ok() ? "" : r.errors[0].format().c_str());
        QCOMPARE(QString::fromStdString(hafront::config::summarize(r.cluster)),
                 QStringLiteral("2 nodes, 3 VIPs, 3 pools, 4 backends, 4 listeners"));
    }

    void invalidConfigIsReportedAtTheField_data()
    {
        QTest::addColumn<int>("line");
        QTest::addColumn<QString>("text");
        // Each expected error: "LINE|ANCHOR|MESSAGE"; the column is where ANCHOR
        // starts on LINE of the broken config.
        QTest::addColumn<QStringList>("expected");

        QTest::newRow("duplicate node, and the priority that named it is now unknown")
            << 3 << R"(node { name: "fe1" address: "192.0.2.12" })"
            << QStringList{"3|name:|duplicate node name 'fe1'", "6|node:|unknown node 'fe2'"};
        QTest::newRow("duplicate vip")
            << 16
            << R"(vip { name: "www" vrid: 52 interface: "eth0" address: "192.0.2.101/24" priority { node: "fe1" value: 10 } priority { node: "fe2" value: 20 } })"
            << QStringList{"16|name:|duplicate VIP name 'www'"};
        QTest::newRow("duplicate pool")
            << 11
            << R"(pool { name: "app" protocol: TCP backend { name: "r1" address: "192.0.2.31:20880" } health { tcp {} } })"
            << QStringList{"11|name:|duplicate pool name 'app'", "15|pool:|unknown pool 'rpc'"};
        QTest::newRow("duplicate backend in a pool") << 9 << R"(  backend { name: "a1" address: "192.0.2.22:8080" })"
                                                     << QStringList{"9|name:|duplicate backend name 'a1'"};
        QTest::newRow("duplicate listener")
            << 15 << R"(listener { name: "web" bind: "192.0.2.100:20880" protocol: TCP pool: "rpc" })"
            << QStringList{"15|name:|duplicate listener name 'web'"};
        QTest::newRow("unknown node in priority")
            << 6 << R"(  priority { node: "fe3" value: 100 } })" << QStringList{"6|node:|unknown node 'fe3'"};
        QTest::newRow("unknown pool in route")
            << 14 << R"(  route { path_prefix: "/" pool: "ap" } })" << QStringList{"14|pool:|unknown pool 'ap'"};
        QTest::newRow("unknown pool on TCP listener")
            << 15 << R"(listener { name: "rpc" bind: "192.0.2.100:20880" protocol: TCP pool: "rpcx" })"
            << QStringList{"15|pool:|unknown pool 'rpcx'"};
        QTest::newRow("http2 frame size outside the RFC's range")
            << 14 << R"(  http2 { enabled: true max_frame_bytes: 1000 } route { path_prefix: "/" pool: "app" } })"
            << QStringList{"14|max_frame_bytes:|max_frame_bytes outside 16384..16777215"};
        QTest::newRow("http2 connection buffer below one read")
            << 14
            << R"(  http2 { enabled: true max_connection_buffer_bytes: 4096 } route { path_prefix: "/" pool: "app" } })"
            << QStringList{"14|max_connection_buffer_bytes:|max_connection_buffer_bytes below 65536"};
        QTest::newRow("http2 on a TCP listener")
            << 15
            << R"(listener { name: "rpc" bind: "192.0.2.100:20880" protocol: TCP pool: "rpc" http2 { enabled: true } })"
            << QStringList{"15|http2 {|http2 on TCP listener 'rpc'"};
        QTest::newRow("node address octet above 255")
            << 2 << R"(node { name: "fe1" address: "192.0.2.300" })"
            << QStringList{"2|address:|cannot parse address '192.0.2.300' (expected A.B.C.D)"};
        QTest::newRow("backend address without port")
            << 9 << R"(  backend { name: "a2" address: "192.0.2.22" })"
            << QStringList{"9|address:|cannot parse address '192.0.2.22' (expected A.B.C.D:PORT or [IPV6]:PORT)"};
        QTest::newRow("backend port above 65535")
            << 9 << R"(  backend { name: "a2" address: "192.0.2.22:70000" })"
            << QStringList{"9|address:|cannot parse address '192.0.2.22:70000' (expected A.B.C.D:PORT or [IPV6]:PORT)"};
        QTest::newRow("stall timeout below the VRRP thread's idle sleep")
            << 1 << R"(name: "t" settings { stall_timeout_ms: 500 })"
            << QStringList{"1|stall_timeout_ms:|stall_timeout_ms 500 is below 1500 (the VRRP thread sleeps up to a "
                           "second when idle)"};
        QTest::newRow("vip prefix length above 32")
            << 4 << R"(vip { name: "www" vrid: 51 interface: "eth0" address: "192.0.2.100/33" advert_interval_ms: 100)"
            << QStringList{"4|address:|prefix length '33' in '192.0.2.100/33' is outside 0-32 (IPv4)"};
        QTest::newRow("listener port is a name")
            << 15 << R"(listener { name: "rpc" bind: "192.0.2.100:rpc" protocol: TCP pool: "rpc" })"
            << QStringList{"15|bind:|cannot parse address '192.0.2.100:rpc' (expected A.B.C.D:PORT or [IPV6]:PORT)"};
        // IPv6 (issue 19): the same FILE:LINE:COL at the field, the reason named.
        QTest::newRow("IPv6 VIP prefix length above 128")
            << 4
            << R"(vip { name: "www" vrid: 51 interface: "eth0" address: "2001:db8::100/129" advert_interval_ms: 100)"
            << QStringList{"4|address:|prefix length '129' in '2001:db8::100/129' is outside 0-128 (IPv6)"};
        QTest::newRow("IPv6 VIP with a zone id")
            << 4
            << R"(vip { name: "www" vrid: 51 interface: "eth0" address: "2001:db8::100%eth0/64" advert_interval_ms: 100)"
            << QStringList{"4|address:|address '2001:db8::100%eth0' has a zone id (%eth0); the interface is named by "
                           "the VIP's interface field"};
        QTest::newRow("link-local VIP")
            << 4 << R"(vip { name: "www" vrid: 51 interface: "eth0" address: "fe80::100/64" advert_interval_ms: 100)"
            << QStringList{"4|address:|VIP address 'fe80::100/64' is link-local (fe80::/10); IPv6 VRRP sends from the "
                           "link-local address, the VIP must be global or unique local"};
        QTest::newRow("IPv6 backend without brackets")
            << 9 << R"(  backend { name: "a2" address: "2001:db8::22:8080" })"
            << QStringList{
                   "9|address:|address '2001:db8::22:8080' needs brackets around the IPv6 address: [ADDRESS]:PORT"};
        QTest::newRow("IPv6 backend with a zone id")
            << 9 << R"(  backend { name: "a2" address: "[fe80::22%eth0]:8080" })"
            << QStringList{"9|address:|address '[fe80::22%eth0]:8080' has a zone id (%eth0); link-local addresses are "
                           "not supported here"};
        QTest::newRow("IPv6 bind without a closing bracket")
            // Not a raw string: moc counts the brackets inside raw strings and loses the class.
            << 15 << "listener { name: \"rpc\" bind: \"[2001:db8::100:20880\" protocol: TCP pool: \"rpc\" }"
            << QStringList{"15|bind:|cannot parse address '[2001:db8::100:20880' (expected [IPV6]:PORT)"};
        QTest::newRow("IPv6 unicast peer for an IPv4 VIP")
            << 6 << R"(  priority { node: "fe2" value: 100 } unicast_peer: "2001:db8::12" })"
            << QStringList{"6|unicast_peer:|unicast_peer '2001:db8::12' is IPv6 but VIP 'www' is IPv4"};
        QTest::newRow("node address6 is IPv4")
            << 2 << R"(node { name: "fe1" address: "192.0.2.11" address6: "192.0.2.11" })"
            << QStringList{"2|address6:|address6 '192.0.2.11' is not an IPv6 address"};
        QTest::newRow("IPv6 unicast needs every node's address6")
            << 16
            << R"(vip { name: "www6" vrid: 51 interface: "eth0" address: "2001:db8::100/64" priority { node: "fe1" value: 150 } priority { node: "fe2" value: 100 } unicast_peer: "2001:db8::12" })"
            << QStringList{
                   "16|node:|node 'fe1' has no address6, needed as the source of IPv6 unicast VRRP for VIP 'www6'",
                   "16|node: \"fe2|node 'fe2' has no address6, needed as the source of IPv6 unicast VRRP for VIP "
                   "'www6'"};
        QTest::newRow("vrid 0")
            << 4 << R"(vip { name: "www" vrid: 0 interface: "eth0" address: "192.0.2.100/24" advert_interval_ms: 100)"
            << QStringList{"4|vrid:|vrid 0 is outside 1-255"};
        QTest::newRow("vrid 256")
            << 4 << R"(vip { name: "www" vrid: 256 interface: "eth0" address: "192.0.2.100/24" advert_interval_ms: 100)"
            << QStringList{"4|vrid:|vrid 256 is outside 1-255"};
        QTest::newRow("priority 0") << 5 << R"(  priority { node: "fe1" value: 0 })"
                                    << QStringList{
                                           "5|value:|priority 0 is outside 1-254 (255 only for the address owner)"};
        QTest::newRow("priority 255 but not the address owner")
            << 5 << R"(  priority { node: "fe1" value: 255 })"
            << QStringList{"5|value:|priority 255 is outside 1-254 (255 only for the address owner)"};
        QTest::newRow("advert interval not a multiple of 10 ms")
            << 4 << R"(vip { name: "www" vrid: 51 interface: "eth0" address: "192.0.2.100/24" advert_interval_ms: 105)"
            << QStringList{"4|advert_interval_ms:|advert_interval_ms 105 must be a multiple of 10 within 10-40950"};
        QTest::newRow("advert interval above 40.95 s")
            << 4
            << R"(vip { name: "www" vrid: 51 interface: "eth0" address: "192.0.2.100/24" advert_interval_ms: 41000)"
            << QStringList{"4|advert_interval_ms:|advert_interval_ms 41000 must be a multiple of 10 within 10-40950"};
        QTest::newRow("two VIPs with one vrid on one interface")
            << 16
            << R"(vip { name: "api" vrid: 51 interface: "eth0" address: "192.0.2.101/24" priority { node: "fe1" value: 10 } priority { node: "fe2" value: 20 } })"
            << QStringList{"16|vrid:|vrid 51 is used twice on interface 'eth0' for IPv4 (also by VIP 'www')"};
        QTest::newRow("backend weight above 1000")
            << 8 << R"(  backend { name: "a1" address: "192.0.2.21:8080" weight: 1001 })"
            << QStringList{"8|weight:|weight 1001 is above the maximum of 1000"};
        QTest::newRow("pool with only backup backends")
            << 11
            << R"(pool { name: "rpc" protocol: TCP backend { name: "r1" address: "192.0.2.31:20880" backup: true } health { tcp {} } })"
            << QStringList{"11|pool|pool 'rpc' has no non-backup backend"};
        QTest::newRow("route prefix without leading slash")
            << 14 << R"(  route { path_prefix: "api" pool: "app" } })"
            << QStringList{"14|path_prefix:|route prefix 'api' must start with '/'"};
        QTest::newRow("static root that does not exist")
            << 13 << R"(  route { path_prefix: "/static/" static_root: "/nonexistent/hafront-test" })"
            << QStringList{"13|static_root:|static root '/nonexistent/hafront-test' does not exist"};
        QTest::newRow("HTTP route on a TCP listener")
            << 15
            << R"(listener { name: "rpc" bind: "192.0.2.100:20880" protocol: TCP pool: "rpc" route { path_prefix: "/" pool: "app" } })"
            << QStringList{"15|route|HTTP route on TCP listener 'rpc'"};
        QTest::newRow("TCP listener on an HTTP pool")
            << 15 << R"(listener { name: "rpc" bind: "192.0.2.100:20880" protocol: TCP pool: "app" })"
            << QStringList{"15|pool:|TCP listener uses HTTP pool 'app'"};
        QTest::newRow("HTTP route to a TCP pool") << 14 << R"(  route { path_prefix: "/" pool: "rpc" } })"
                                                  << QStringList{"14|pool:|HTTP route to TCP pool 'rpc'"};
        QTest::newRow("health rise 0") << 10 << R"(  health { http { path: "/healthz" } rise: 0 fall: 3 } })"
                                       << QStringList{"10|rise:|health rise must be at least 1"};
        QTest::newRow("health fall 0") << 10 << R"(  health { http { path: "/healthz" } rise: 2 fall: 0 } })"
                                       << QStringList{"10|fall:|health fall must be at least 1"};
        QTest::newRow("two listeners on one address")
            << 15 << R"(listener { name: "rpc" bind: "192.0.2.100:80" protocol: TCP pool: "rpc" })"
            << QStringList{"15|bind:|listener 'web' already binds 192.0.2.100:80"};
        QTest::newRow("route with both a pool and a static root")
            << 14 << R"(  route { path_prefix: "/" pool: "app" static_root: "STATIC" } })"
            << QStringList{"14|route|route needs exactly one of static_root, pool, respond or redirect"};
        QTest::newRow("respond with a status outside 200-599")
            << 14 << R"(  route { path_prefix: "/" respond { status: 700 } } })"
            << QStringList{"14|status:|respond status 700 is outside 200-599"};
        QTest::newRow("replace_prefix without a pool")
            << 13 << R"(  route { path_prefix: "/static/" static_root: "STATIC" replace_prefix: "/" })"
            << QStringList{"13|replace_prefix:|replace_prefix needs a pool and must start with '/'"};
        QTest::newRow("track script without command")
            << 6 << R"(  priority { node: "fe2" value: 100 } track_script { name: "disk" } })"
            << QStringList{"6|track_script|track_script 'disk' has no command"};
        QTest::newRow("health check path without leading slash")
            << 10 << R"(  health { http { path: "healthz" } rise: 2 fall: 3 } })"
            << QStringList{"10|path:|health check path must start with '/'"};
        QTest::newRow("unknown field (syntax)")
            << 4 << R"(vip { name: "www" vird: 51 interface: "eth0" address: "192.0.2.100/24" advert_interval_ms: 100)"
            << QStringList{"4|vird|Message type \"hafront.v1.Vip\" has no field named \"vird\"."};
        QTest::newRow("unknown enum value (syntax)")
            << 7 << R"(pool { name: "app" protocol: HTTP balance: RANDOM)"
            << QStringList{"7|RANDOM|Unknown enumeration value of \"RANDOM\" for field \"balance\"."};
        QTest::newRow("several errors are all reported")
            << 8 << R"(  backend { name: "a2" address: "nowhere" weight: 5000 })"
            << QStringList{"8|address:|cannot parse address 'nowhere' (expected A.B.C.D:PORT or [IPV6]:PORT)",
                           "8|weight:|weight 5000 is above the maximum of 1000", "9|name:|duplicate backend name 'a2'"};
    }

    void invalidConfigIsReportedAtTheField()
    {
        QFETCH(int, line);
        QFETCH(QString, text);
        QFETCH(QStringList, expected);
        const QStringList lines = build(line, text);
        const auto result = loadClusterText(lines.join('\n').toStdString(), "bad.conf", "");
        QStringList got;
        for (const auto &e : result.errors)
            got << QString::fromStdString(e.format());
        QStringList want;
        for (const auto &row : expected) {
            const auto parts = row.split('|');
            const int l = parts[0].toInt();
            const int col = lines.value(l - 1).indexOf(parts[1]) + 1;
            QVERIFY2(col > 0, qPrintable("anchor not on line: " + row));
            want << QStringLiteral("bad.conf:%1:%2: %3").arg(l).arg(col).arg(parts.mid(2).join('|'));
        }
        QCOMPARE(got, want);
    }

    // Found by fuzz_configtext: proto3 strings that are not UTF-8 loaded fine,
    // then every status frame naming them failed to parse in the console.
    void textThatIsNotUtf8IsRefusedAtTheField_data()
    {
        QTest::addColumn<QByteArray>("name"); // backend a2's name, raw bytes
        QTest::addColumn<bool>("accepted");
        QTest::newRow("UTF-8 e-acute") << QByteArray("caf\xc3\xa9") << true;
        QTest::newRow("UTF-8 four bytes") << QByteArray("\xf0\x9f\x90\x98") << true;
        QTest::newRow("Latin-1 e-acute") << QByteArray("caf\xe9") << false;
        QTest::newRow("overlong slash") << QByteArray("a\xc0\xaf"
                                                      "b")
                                        << false;
        QTest::newRow("surrogate half") << QByteArray("\xed\xa0\x80") << false;
        QTest::newRow("above U+10FFFF") << QByteArray("\xf4\x90\x80\x80") << false;
        QTest::newRow("cut sequence at the end") << QByteArray("ab\xe2\x82") << false;
    }
    void textThatIsNotUtf8IsRefusedAtTheField()
    {
        QFETCH(QByteArray, name);
        QFETCH(bool, accepted);
        QStringList lines = build(0, {});
        const QString marker = QStringLiteral("NAME-HERE");
        lines[7] = QStringLiteral(R"(  backend { name: "%1" address: "192.0.2.22:8080" })").arg(marker);
        std::string text = lines.join('\n').toStdString();
        text.replace(text.find(marker.toStdString()), size_t(marker.size()), name.toStdString());
        const auto r = loadClusterText(text, "u.conf", "");
        QCOMPARE(r.ok(), accepted);
        if (!accepted) {
            QCOMPARE(r.errors.size(), size_t(1));
            QCOMPARE(QString::fromStdString(r.errors[0].format()),
                     QStringLiteral("u.conf:8:13: name is not valid UTF-8 (save the file as UTF-8)"));
        }
    }

    void suspiciousButLegalConfigWarns()
    {
        auto lines = build(6, R"(  priority { node: "fe2" value: 150 } })");
        const auto r = loadClusterText(lines.join('\n').toStdString(), "w.conf", "");
        QVERIFY(r.ok());
        QCOMPARE(r.warnings.size(), size_t(1));
        QCOMPARE(QString::fromStdString(r.warnings[0].format()),
                 QStringLiteral("w.conf:4:1: warning: all nodes of VIP 'www' have the same priority; the higher "
                                "address wins ties"));
    }

    void jsonErrorsHavePositions()
    {
        const std::string json =
            "{\n  \"name\": \"t\",\n  \"node\": [\n    {\"name\": \"fe1\", \"adress\": \"x\"}\n  ]\n}\n";
        const auto r = loadClusterText(json, "c.json", "");
        QCOMPARE(r.errors.size(), size_t(1));
        QCOMPARE(QString::fromStdString(r.errors[0].format()),
                 QStringLiteral("c.json:4:21: message type \"hafront.v1.Node\" has no field named \"adress\""));
    }

    // Found by fuzz_configjson: the key scanner kept "\u0061" as "u0061" and
    // called a key protobuf accepts an unknown field.
    void jsonKeysAreComparedAfterTheirEscapes_data()
    {
        QTest::addColumn<QString>("key");   // the JSON key as written, of node[0].name
        QTest::addColumn<QString>("error"); // "" = loads
        QTest::newRow("plain") << "name"
                               << "";
        QTest::newRow("\\u escape") << "n\\u0061me"
                                    << "";
        QTest::newRow("upper-case hex") << "\\u006E\\u0061me"
                                        << "";
        QTest::newRow("escaped solidus is still not a field")
            << "na\\/me"
            << "c.json:1:12: message type \"hafront.v1.Node\" has no field named \"na/me\"";
        QTest::newRow("bad hex") << "n\\u00zzme"
                                 << "c.json:1:18: bad \\u escape";
    }
    void jsonKeysAreComparedAfterTheirEscapes()
    {
        QFETCH(QString, key);
        QFETCH(QString, error);
        const std::string json = "{\"node\": [{\"" + key.toStdString() + "\": \"fe1\", \"address\": \"192.0.2.1\"}]}";
        const auto r = loadClusterText(json, "c.json", "");
        QCOMPARE(r.errors.empty() ? QString() : QString::fromStdString(r.errors[0].format()), error);
        if (error.isEmpty())
            QCOMPARE(r.cluster.node(0).name(), std::string("fe1"));
    }

    void jsonSemanticErrorsPointAtTheKey()
    {
        const std::string json =
            "{\"node\": [{\"name\": \"fe1\", \"address\": \"192.0.2.1\"}],\n"
            " \"vip\": [{\"name\": \"v\", \"vrid\": 300, \"interface\": \"eth0\",\n"
            "   \"address\": \"192.0.2.100/24\", \"priority\": [{\"node\": \"fe1\", \"value\": 10}]}]}";
        const auto r = loadClusterText(json, "c.json", "");
        QCOMPARE(r.errors.size(), size_t(1));
        QCOMPARE(QString::fromStdString(r.errors[0].format()),
                 QStringLiteral("c.json:2:24: vrid 300 is outside 1-255"));
    }

    void yieldIsOffAndBalanceIsOnUnlessSet()
    {
        const auto base = loadClusterText(build(0, {}).join('\n').toStdString(), "base.conf", "");
        QVERIFY(base.ok());
        QVERIFY(!hafront::config::yieldWhenBusy(base.cluster));
        QVERIFY(hafront::config::balanceConnections(base.cluster));
        const auto noBalance = loadClusterText(
            build(99, "settings { balance_connections: false }").join('\n').toStdString(), "nb.conf", "");
        QVERIFY(noBalance.ok());
        QVERIFY(!hafront::config::balanceConnections(noBalance.cluster));
        const auto off =
            loadClusterText(build(99, "settings { yield_when_busy: false }").join('\n').toStdString(), "off.conf", "");
        QVERIFY(off.ok());
        QVERIFY(!hafront::config::yieldWhenBusy(off.cluster));
        const auto explicitOn =
            loadClusterText(build(99, "settings { yield_when_busy: true }").join('\n').toStdString(), "on.conf", "");
        QVERIFY(explicitOn.ok());
        QVERIFY(hafront::config::yieldWhenBusy(explicitOn.cluster));
    }

    void missingFileSaysWhy()
    {
        const auto r = loadClusterFile("/nonexistent/cluster.conf");
        QCOMPARE(r.errors.size(), size_t(1));
        QCOMPARE(QString::fromStdString(r.errors[0].format()),
                 QStringLiteral("/nonexistent/cluster.conf:1:1: cannot open: No such file or directory"));
    }

    void examplesValidateAndRoundTrip_data()
    {
        QTest::addColumn<QString>("file");
        QTest::newRow("design") << "shop-front.conf";
        QTest::newRow("minimal") << "minimal.conf";
    }

    void examplesValidateAndRoundTrip()
    {
        QFETCH(QString, file);
        const auto path = QStringLiteral(HAFRONT_SOURCE_DIR "/resources/examples/") + file;
        const auto r = loadClusterFile(path.toStdString());
        QVERIFY2(r.ok(), r.ok() ? "" : r.errors[0].format().c_str());

        // Text format printed and read back is the same cluster.
        std::string text;
        QVERIFY(google::protobuf::TextFormat::PrintToString(r.cluster, &text));
        const auto again = loadClusterText(text, "printed.conf", "");
        QVERIFY2(again.ok(), again.ok() ? "" : again.errors[0].format().c_str());
        QVERIFY(google::protobuf::util::MessageDifferencer::Equals(r.cluster, again.cluster));

        // JSON in the protobuf mapping loads the same cluster as text format.
        std::string json;
        google::protobuf::util::JsonPrintOptions options;
        options.add_whitespace = true;
        QVERIFY(google::protobuf::util::MessageToJsonString(r.cluster, &json, options).ok());
        const auto fromJson = loadClusterText(json, "cluster.json", "");
        QVERIFY2(fromJson.ok(), fromJson.ok() ? "" : fromJson.errors[0].format().c_str());
        QVERIFY(google::protobuf::util::MessageDifferencer::Equals(r.cluster, fromJson.cluster));
    }
};

QTEST_GUILESS_MAIN(TestConfig)
#include "tst_config.moc"
