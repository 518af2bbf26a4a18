// The drill prober on loopback: a new connection per probe, never faster than
// the rate, X-Served-By recorded, failures exactly while the service is down,
// and a downtime that brackets the outage. Checked against the schedule and
// the outage's own timestamps, not against an idle machine's milliseconds.
#include "drill/downtime.h"
#include "drill/prober.h"

#include "base/clock.h"

#include <QtTest>

#include <arpa/inet.h>
#include <atomic>
#include <netinet/in.h>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>

using namespace hafront;
using namespace hafront::drill;

namespace {

// A blocking HTTP responder on 127.0.0.1 (or ::1) that can be closed and reopened on its port.
class TinyServer {
public:
    explicit TinyServer(const char *servedBy, bool v6 = false) : m_servedBy(servedBy), m_v6(v6) { open(0); }
    ~TinyServer() { close(); }
    uint16_t port() const { return m_port; }
    int accepted() const { return m_accepted.load(); }

    void open(uint16_t port)
    {
        m_fd = ::socket(m_v6 ? AF_INET6 : AF_INET, SOCK_STREAM, 0);
        int one = 1;
        ::setsockopt(m_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        sockaddr_in sa{};
        sockaddr_in6 sa6{};
        if (m_v6) {
            sa6.sin6_family = AF_INET6;
            sa6.sin6_port = htons(port);
            sa6.sin6_addr = in6addr_loopback;
            QVERIFY(::bind(m_fd, reinterpret_cast<sockaddr *>(&sa6), sizeof sa6) == 0);
            socklen_t len = sizeof sa6;
            ::getsockname(m_fd, reinterpret_cast<sockaddr *>(&sa6), &len);
            m_port = ntohs(sa6.sin6_port);
        } else {
            sa.sin_family = AF_INET;
            sa.sin_port = htons(port);
            sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
            QVERIFY(::bind(m_fd, reinterpret_cast<sockaddr *>(&sa), sizeof sa) == 0);
            socklen_t len = sizeof sa;
            ::getsockname(m_fd, reinterpret_cast<sockaddr *>(&sa), &len);
            m_port = ntohs(sa.sin_port);
        }
        ::listen(m_fd, 512);
        m_stop = false;
        m_thread = std::thread([this] { serve(); });
    }
    void close()
    {
        if (m_fd < 0)
            return;
        m_stop = true;
        ::shutdown(m_fd, SHUT_RDWR);
        ::close(m_fd);
        m_thread.join();
        m_fd = -1;
    }

private:
    void serve()
    {
        const std::string reply =
            std::string("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nX-Served-By: ") + m_servedBy + "\r\n\r\nok";
        while (!m_stop) {
            const int c = ::accept(m_fd, nullptr, nullptr);
            if (c < 0)
                continue;
            ++m_accepted;
            char buf[2048];
            std::string got;
            while (got.find("\r\n\r\n") == std::string::npos) {
                const ssize_t n = ::recv(c, buf, sizeof buf, 0);
                if (n <= 0)
                    break;
                got.append(buf, size_t(n));
            }
            ::send(c, reply.data(), reply.size(), MSG_NOSIGNAL);
            ::close(c);
        }
    }

    const char *m_servedBy;
    bool m_v6;
    int m_fd = -1;
    uint16_t m_port = 0;
    std::atomic<bool> m_stop{false};
    std::atomic<int> m_accepted{0};
    std::thread m_thread;
};

ProbeTarget target(bool http, uint16_t port, bool v6 = false)
{
    const std::string host = v6 ? "[::1]:" : "127.0.0.1:";
    auto t = ProbeTarget::parse((http ? "http://" : "tcp://") + host + std::to_string(port) + "/healthz");
    return t.value();
}

bool hasIPv6Loopback()
{
    const int fd = ::socket(AF_INET6, SOCK_STREAM, 0);
    sockaddr_in6 sa{};
    sa.sin6_family = AF_INET6;
    sa.sin6_addr = in6addr_loopback;
    const bool ok = fd >= 0 && ::bind(fd, reinterpret_cast<sockaddr *>(&sa), sizeof sa) == 0;
    if (fd >= 0)
        ::close(fd);
    return ok;
}

} // namespace

class TestDrillProber : public QObject {
    Q_OBJECT
private slots:
    void urlsAreParsed_data()
    {
        QTest::addColumn<QString>("url");
        QTest::addColumn<QString>("normalized"); // "" = refused
        QTest::newRow("http with port and path") << "http://192.0.2.100:8080/x?y=1"
                                                 << "http://192.0.2.100:8080/x?y=1";
        QTest::newRow("http default port") << "http://192.0.2.100"
                                           << "http://192.0.2.100:80/";
        QTest::newRow("tcp") << "tcp://192.0.2.100:20880"
                             << "tcp://192.0.2.100:20880";
        QTest::newRow("tcp needs a port") << "tcp://192.0.2.100"
                                          << "";
        QTest::newRow("names are not resolved") << "http://www.example.com/"
                                                << "";
        QTest::newRow("other schemes") << "https://192.0.2.1/"
                                       << "";
        // Found by fuzz_probeurl: the path and port went verbatim into the probe's request.
        QTest::newRow("CRLF in the path would add a header") << "http://192.0.2.1/\r\nX-Injected: 1"
                                                             << "";
        QTest::newRow("a space in the path would split the request line") << "http://192.0.2.1/a b"
                                                                          << "";
        QTest::newRow("trailing junk after the port") << "http://192.0.2.1:80abc/"
                                                      << "";
        QTest::newRow("a second port") << "tcp://192.0.2.1:80:90"
                                       << "";
        QTest::newRow("a port past 65535 that wraps in an int") << "http://192.0.2.1:4294967376/"
                                                                << "";
        QTest::newRow("leading zeros name the same port") << "http://192.0.2.1:0080/"
                                                          << "http://192.0.2.1:80/";
        QTest::newRow("IPv6 in brackets") << "http://[2001:DB8::0:1]:8080/x"
                                          << "http://[2001:db8::1]:8080/x";
        QTest::newRow("IPv6 default port") << "http://[2001:db8::1]"
                                           << "http://[2001:db8::1]:80/";
        QTest::newRow("IPv6 tcp") << "tcp://[::1]:20880"
                                  << "tcp://[::1]:20880";
        QTest::newRow("IPv6 tcp needs a port") << "tcp://[::1]"
                                               << "";
        QTest::newRow("IPv6 without brackets") << "http://2001:db8::1/"
                                               << "";
        QTest::newRow("IPv6 unclosed bracket") << "http://[2001:db8::1/"
                                               << "";
        QTest::newRow("IPv6 junk after the bracket") << "http://[2001:db8::1]x/"
                                                     << "";
        QTest::newRow("IPv6 zone id") << "http://[fe80::1%eth0]/"
                                      << "";
    }
    void urlsAreParsed()
    {
        QFETCH(QString, url);
        QFETCH(QString, normalized);
        const auto t = ProbeTarget::parse(url.toStdString());
        QCOMPARE(t.ok(), !normalized.isEmpty());
        if (t.ok())
            QCOMPARE(QString::fromStdString(t->url()), normalized);
    }

    void addressesOutsideTheLabAreRefused()
    {
        Prober::Options o;
        o.target = ProbeTarget::parse("http://198.51.100.7/").value();
        Prober p(o);
        const auto s = p.start();
        QVERIFY(!s.ok());
        QVERIFY(QString::fromStdString(s.error()).contains("refusing to probe 198.51.100.7"));
        Prober::Options o6;
        o6.target = ProbeTarget::parse("http://[2001:db9::1]/").value(); // outside 2001:db8::/32
        Prober p6(o6);
        const auto s6 = p6.start();
        QVERIFY(!s6.ok());
        QVERIFY(QString::fromStdString(s6.error()).contains("refusing to probe 2001:db9::1"));
        o6.allowed.push_back(o6.target.address); // the VIP's own address is allowed
        o6.maxDurationMs = 1;
        Prober allowed(o6);
        QVERIFY(allowed.start().ok());
    }

    void eachProbeIsANewConnectionAtTheRate_data()
    {
        QTest::addColumn<bool>("http");
        QTest::addColumn<bool>("v6");
        QTest::newRow("http") << true << false;
        QTest::newRow("tcp connect") << false << false;
        QTest::newRow("http over IPv6") << true << true;
        QTest::newRow("tcp connect over IPv6") << false << true;
    }
    void eachProbeIsANewConnectionAtTheRate()
    {
        QFETCH(bool, http);
        QFETCH(bool, v6);
        if (v6 && !hasIPv6Loopback())
            QSKIP("this machine has no IPv6 loopback (::1 cannot be bound)");
        TinyServer server("fe1", v6);
        Prober::Options o;
        o.target = target(http, server.port(), v6);
        o.rateHz = 200;
        Prober p(o);
        const int64_t startedUs = monoMicros();
        QVERIFY(p.start().ok());
        QTest::qWait(500);
        p.stop();
        const int64_t activeUs = monoMicros() - startedUs;
        const auto r = p.results();
        QVERIFY(!r.empty());
        for (const auto &x : r) {
            QVERIFY2(x.ok, x.error.c_str());
            QCOMPARE(QString::fromStdString(x.servedBy), http ? QString("fe1") : QString());
        }
        QCOMPARE(server.accepted(), int(r.size())); // one connection per probe
        // Never ahead of the schedule: probe i leaves no earlier than i steps
        // after the first (a starved prober catches up, but never overtakes).
        const double stepUs = 1e6 / o.rateHz;
        for (size_t i = 0; i < r.size(); ++i)
            QVERIFY2(double(r[i].sendUs - r[0].sendUs) >= double(i) * stepUs - 1,
                     qPrintable(QString("probe %1 at +%2 us").arg(i).arg(r[i].sendUs - r[0].sendUs)));
        // And it keeps the rate: at most one step more than the time it ran
        // allows; at least half of it even on a loaded machine.
        const double steps = double(activeUs) / stepUs;
        QVERIFY2(double(r.size()) <= steps + 1 && double(r.size()) >= steps / 2,
                 qPrintable(QString("%1 probes in %2 steps").arg(r.size()).arg(steps)));
    }

    void failuresAreExactlyTheOutage()
    {
        TinyServer server("fe1");
        const uint16_t port = server.port();
        Prober::Options o;
        o.target = target(true, port);
        o.rateHz = 200;
        Prober p(o);
        QVERIFY(p.start().ok());
        QTest::qWait(300);
        const int64_t closeStartUs = monoMicros();
        server.close();
        const int64_t closeEndUs = monoMicros();
        QTest::qWait(200);
        const int64_t openStartUs = monoMicros();
        server.open(port);
        const int64_t openEndUs = monoMicros();
        QTest::qWait(300);
        p.stop();
        const auto r = p.results();
        int failedInOutage = 0;
        for (const auto &x : r) {
            const QString at = QString("probe at %1 us: %2").arg(x.sendUs).arg(QString::fromStdString(x.error));
            if (x.sendUs + x.latencyUs < closeStartUs || x.sendUs >= openEndUs)
                QVERIFY2(x.ok, qPrintable(at)); // answered while the server was up
            if (x.sendUs >= closeEndUs && x.sendUs + x.latencyUs < openStartUs) {
                QVERIFY2(!x.ok, qPrintable(at)); // sent and answered while it was down
                ++failedInOutage;
            }
        }
        QVERIFY(failedInOutage > 0);
        const auto s = computePhase(r, r.front().sendUs, r.back().sendUs + 1);
        QVERIFY(s.recovered);
        // The downtime is the gap between the successes that bracket the outage.
        QVERIFY2(s.lastOkBeforeUs <= closeEndUs && s.firstOkAfterUs >= openStartUs,
                 qPrintable(QString("gap %1..%2, outage %3..%4")
                                .arg(s.lastOkBeforeUs)
                                .arg(s.firstOkAfterUs)
                                .arg(closeEndUs)
                                .arg(openStartUs)));
        QCOMPARE(s.downtimeMs, double(s.firstOkAfterUs - s.lastOkBeforeUs) / 1000.0);
    }
};

QTEST_GUILESS_MAIN(TestDrillProber)
#include "tst_drillprober.moc"
