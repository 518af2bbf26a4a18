// Http1Session, Exchange and UpstreamConnection together, with in-memory
// transports (tests/fuzz/proxyharness.h): what the client gets and what the
// backend receives, whatever way the client's bytes are split; and that no
// input keeps the session turning.
#include "proxyharness.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace hafront::proxy;
using hafront::proxy::testing::ProxyHarness;

namespace {

const char *kConfig = R"(name: "t"
node { name: "n1" address: "127.0.0.1" }
pool { name: "app" backend { name: "a" address: "127.0.0.1:2" } }
listener { name: "web" bind: "127.0.0.1:1" max_body_bytes: 4096
  route { path_prefix: "/" pool: "app" } }
)";
const std::string kOk = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";

QString shown(const std::string &s)
{
    return QString::fromStdString(s).replace("\r", "\\r").replace("\n", "\\n");
}

int count(const std::string &s, const std::string &what)
{
    int n = 0;
    for (size_t at = s.find(what); at != std::string::npos; at = s.find(what, at + 1))
        ++n;
    return n;
}

} // namespace

class TestHttp1Session : public QObject {
    Q_OBJECT
private slots:
    void exchanges_data()
    {
        QTest::addColumn<QByteArray>("request");
        QTest::addColumn<QStringList>("responses"); // what the backend answers, one per request
        QTest::addColumn<QString>("clientGets");    // '|'-separated substrings, in order
        QTest::addColumn<QString>("backendGets");   // '|'-separated substrings of all the backend received
        QTest::addColumn<bool>("closed");           // the session ended
        QTest::newRow("one GET, kept alive")
            << QByteArray("GET /a HTTP/1.1\r\nHost: www\r\n\r\n") << QStringList{QString::fromStdString(kOk)}
            << "HTTP/1.1 200 OK|Connection: keep-alive|ok"
            << "GET /a HTTP/1.1|X-Forwarded-For: 192.0.2.50" << false;
        QTest::newRow("HTTP/1.0 without Host: the listener's address is the Host upstream")
            << QByteArray("GET /old HTTP/1.0\r\n\r\n") << QStringList{QString::fromStdString(kOk)}
            << "HTTP/1.1 200 OK|Connection: close|ok"
            << "GET /old HTTP/1.1\r\nHost: 127.0.0.1:1\r\nX-Forwarded-For" << true;
        QTest::newRow("two pipelined GETs, answered in order")
            << QByteArray("GET /1 HTTP/1.1\r\nHost: w\r\n\r\nGET /2 HTTP/1.1\r\nHost: w\r\n\r\n")
            << QStringList{QString::fromStdString(kOk), QString::fromStdString(kOk)} << "200 OK|ok|200 OK|ok"
            << "GET /1 |GET /2 " << false;
        QTest::newRow("a declined Upgrade pipelined with a GET: answered, then closed")
            << QByteArray("GET /ws HTTP/1.1\r\nHost: w\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n"
                          "GET /after HTTP/1.1\r\nHost: w\r\n\r\n")
            << QStringList{QString::fromStdString(kOk)} << "200 OK|Connection: close|ok"
            << "GET /ws " << true;
        QTest::newRow("chunked body with extensions, re-chunked upstream")
            << QByteArray("POST /p HTTP/1.1\r\nHost: w\r\nTransfer-Encoding: chunked\r\n\r\n"
                          "5;a=b;c\r\nhello\r\n0\r\nX-T: 1\r\n\r\n")
            << QStringList{QString::fromStdString(kOk)} << "200 OK"
            << "Transfer-Encoding: chunked|\r\n0\r\n\r\n"
            << false;
        QTest::newRow("an underscore field is not forwarded")
            << QByteArray("POST /u HTTP/1.1\r\nHost: w\r\nTransfer_Encoding: chunked\r\nContent-Length: 3\r\n\r\nabc")
            << QStringList{QString::fromStdString(kOk)} << "200 OK"
            << "Content-Length: 3|abc" << false;
        QTest::newRow("an empty field name: 400 and closed, nothing upstream")
            << QByteArray("GET / HTTP/1.1\r\nHost: w\r\n: x\r\n\r\n") << QStringList{QString::fromStdString(kOk)}
            << "HTTP/1.1 400 Bad Request|Connection: close|empty name"
            << "" << true;
        QTest::newRow("body over max_body_bytes in chunks: 413")
            << QByteArray("POST / HTTP/1.1\r\nHost: w\r\nTransfer-Encoding: chunked\r\n\r\n1000\r\n" +
                          QByteArray(4096, 'x') + "\r\n10\r\n" + QByteArray(16, 'y') + "\r\n0\r\n\r\n")
            << QStringList{QString::fromStdString(kOk)} << "413"
            << "" << true;
        QTest::newRow("a 101 makes a tunnel: the bytes after the request go to the backend")
            << QByteArray("GET /ws HTTP/1.1\r\nHost: w\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\nframe-bytes")
            << QStringList{"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: "
                           "Upgrade\r\n\r\nserver-frame"}
            << "101 Switching|Upgrade: websocket|server-frame"
            << "GET /ws |frame-bytes" << false;
        QTest::newRow("a broken status line from the only backend: 502, the client connection stays")
            << QByteArray("GET / HTTP/1.1\r\nHost: w\r\n\r\n") << QStringList{"HTTP/1.1 2x0 bad\r\n\r\n"}
            << "502 Bad Gateway|Connection: keep-alive|all backends of pool app failed"
            << "GET / " << false;
    }
    void exchanges()
    {
        QFETCH(QByteArray, request);
        QFETCH(QStringList, responses);
        QFETCH(QString, clientGets);
        QFETCH(QString, backendGets);
        QFETCH(bool, closed);
        // readAhead: as under TLS with read ahead, only the first read is
        // announced; the rest waits inside the transport (Transport::pending).
        for (const auto &[split, readAhead] :
             {std::pair{size_t(65536), false}, std::pair{size_t(1), false}, std::pair{size_t(7), false},
              std::pair{size_t(1), true}, std::pair{size_t(7), true}}) {
            ProxyHarness h(kConfig);
            QVERIFY(h.ok());
            std::deque<std::string> answers;
            for (const auto &r : responses)
                answers.push_back(r.toStdString());
            h.responses.push_back(answers);
            h.clientReadAhead = readAhead;
            h.connect(request.toStdString(), split, false);
            const int turns = h.run(5000, 50'000);
            QVERIFY2(turns < 5000, "the session kept turning");
            const std::string &got = h.client().written;
            size_t at = 0;
            for (const auto &part : clientGets.split('|', Qt::SkipEmptyParts)) {
                const size_t found = got.find(part.toStdString(), at);
                QVERIFY2(found != std::string::npos,
                         qPrintable(QString("split %1%2: '%3' not in %4")
                                        .arg(split)
                                        .arg(readAhead ? " read ahead" : "", part, shown(got))));
                at = found + size_t(part.size());
            }
            std::string upstream;
            for (auto *t : h.upstreamTransports)
                upstream += t->written;
            for (const auto &part : backendGets.split('|', Qt::SkipEmptyParts))
                QVERIFY2(
                    upstream.find(part.toStdString()) != std::string::npos,
                    qPrintable(QString("split %1: backend lacks '%2' in %3").arg(split).arg(part, shown(upstream))));
            if (backendGets.isEmpty())
                QCOMPARE(QString::fromStdString(upstream), QString());
            QVERIFY(upstream.find("Transfer_Encoding") == std::string::npos);
            QVERIFY2(!h.sessionAlive() == closed, qPrintable(QString("split %1: %2").arg(split).arg(shown(got))));
        }
    }

    // A chunked response's trailer section reaches a client it is chunked to,
    // with the fields RFC 9110 6.5.1 and the hop-by-hop rules keep out dropped;
    // a chunked response without trailers ends as before.
    void responseTrailersReachTheClient_data()
    {
        QTest::addColumn<QString>("lastChunk"); // the backend's, from the last chunk on
        QTest::addColumn<QString>("clientEnd"); // how the client's response ends
        QTest::newRow("trailers forwarded") << "0\r\nX-Checksum: 7\r\nServer-Timing: db;dur=53\r\n\r\n"
                                            << "2\r\nok\r\n0\r\nX-Checksum: 7\r\nServer-Timing: db;dur=53\r\n\r\n";
        QTest::newRow("forbidden fields dropped")
            << "0\r\nContent-Length: 9\r\nX-Checksum: 7\r\nSet-Cookie: a=b\r\nHost: elsewhere\r\nX-Hop: 1\r\n\r\n"
            << "2\r\nok\r\n0\r\nX-Checksum: 7\r\n\r\n";
        QTest::newRow("only forbidden fields: an empty trailer section") << "0\r\nContent-Length: 9\r\n\r\n"
                                                                         << "2\r\nok\r\n0\r\n\r\n";
        QTest::newRow("no trailers: unchanged") << "0\r\n\r\n"
                                                << "2\r\nok\r\n0\r\n\r\n";
    }
    void responseTrailersReachTheClient()
    {
        QFETCH(QString, lastChunk);
        QFETCH(QString, clientEnd);
        ProxyHarness h(kConfig);
        h.responses.push_back({"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nConnection: X-Hop\r\n"
                               "Trailer: X-Checksum\r\n\r\n2\r\nok\r\n" +
                                   lastChunk.toStdString(),
                               kOk});
        h.connect("GET /t HTTP/1.1\r\nHost: w\r\n\r\nGET /next HTTP/1.1\r\nHost: w\r\n\r\n", 65536, false);
        QVERIFY(h.run(5000, 50'000) < 5000);
        const std::string &got = h.client().written;
        const std::string end = clientEnd.toStdString();
        const size_t at = got.find("\r\n\r\n2\r\nok\r\n");
        QVERIFY2(at != std::string::npos, qPrintable(shown(got)));
        // Trailer announces the trailer fields: end-to-end, forwarded (RFC 9110 6.6.2).
        QVERIFY2(got.substr(0, at).find("\r\nTrailer: X-Checksum\r\n") != std::string::npos, qPrintable(shown(got)));
        const size_t next = got.find("HTTP/1.1 200 OK", at); // the pipelined second response follows at once
        QVERIFY2(next != std::string::npos, qPrintable(shown(got)));
        QCOMPARE(shown(got.substr(at + 4, next - at - 4)), shown(end));
        QVERIFY(got.compare(got.size() - 2, 2, "ok") == 0);
        QCOMPARE(h.upstreamsOpened, 1); // the backend connection served both
    }

    void pipelinedRequestsReuseOneBackendConnection()
    {
        ProxyHarness h(kConfig);
        h.responses = {{kOk, kOk, kOk}};
        std::string three;
        for (int i = 0; i < 3; ++i)
            three += "GET /" + std::to_string(i) + " HTTP/1.1\r\nHost: w\r\n\r\n";
        h.connect(three, 5, false);
        h.run(5000, 50'000);
        QCOMPARE(count(h.client().written, "200 OK"), 3);
        QCOMPARE(h.upstreamsOpened, 1);
    }

    // Found by fuzz_http1session: a client that ended its side of a tunnel
    // stayed asked for EPOLLRDHUP, which level-triggered epoll reports on every
    // turn, so the worker spun until the backend ended the tunnel too.
    void tunnelEndedByTheClientComesToRest()
    {
        ProxyHarness h(kConfig);
        h.responses = {
            {"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\nserver-frame"}};
        h.connect("GET /ws HTTP/1.1\r\nHost: w\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\nframe", 65536, true);
        const int turns = h.run(5000, 50'000);
        QVERIFY2(turns < 5000, "the session kept turning after the client ended the tunnel");
        QVERIFY(h.client().written.find("server-frame") != std::string::npos);
        QCOMPARE(h.upstreamTransports.size(), size_t(1));
        QVERIFY(h.upstreamTransports[0]->written.find("frame") != std::string::npos);
        QVERIFY2(h.upstreamTransports[0]->shutDown, "the client's end was passed on to the backend");
    }

    // Found by tests/soak: a 502 for a POST whose backend was killed mid-request
    // was logged with "backend":"", so nobody could tell which backend failed.
    // Each failure is counted once, under its one class (a broken answer was
    // counted as protocol and connect, a connection that ended as connect).
    void failedBackendIsNamedInTheAccessLog_data()
    {
        QTest::addColumn<QByteArray>("request");
        QTest::addColumn<QStringList>("responses"); // one upstream connection; empty: refused
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("error"); // the one backend error class counted
        QTest::newRow("a broken answer: 502 names it") << QByteArray("GET / HTTP/1.1\r\nHost: w\r\n\r\n")
                                                       << QStringList{"HTTP/1.1 2x0 bad\r\n\r\n"} << 502 << "protocol";
        QTest::newRow("a POST whose backend closes before answering: 502 names it")
            << QByteArray("POST /p HTTP/1.1\r\nHost: w\r\nContent-Length: 3\r\n\r\nabc") << QStringList{""} << 502
            << "reset";
        QTest::newRow("the only backend refuses: 502 names the last one tried")
            << QByteArray("GET / HTTP/1.1\r\nHost: w\r\n\r\n") << QStringList{} << 502 << "connect";
    }
    void failedBackendIsNamedInTheAccessLog()
    {
        QFETCH(QByteArray, request);
        QFETCH(QStringList, responses);
        QFETCH(int, status);
        QFETCH(QString, error);
        QTemporaryDir dir;
        const std::string log = dir.filePath("access.log").toStdString();
        ProxyHarness h(std::string(kConfig) +
                       "listener { name: \"logged\" bind: \"127.0.0.1:3\" route { path_prefix: "
                       "\"/\" pool: \"app\" } access_log { path: \"" +
                       log + "\" format: JSON } }\n");
        QVERIFY(h.ok());
        h.backendsCloseAfterAnswers = true;
        if (!responses.isEmpty()) {
            std::deque<std::string> answers;
            for (const auto &r : responses)
                if (!r.isEmpty())
                    answers.push_back(r.toStdString());
            h.responses.push_back(answers);
        }
        h.connect(request.toStdString(), 65536, false, 1);
        h.run(5000, 50'000);
        h.flushAccessLogs();
        QFile file(QString::fromStdString(log));
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QByteArray line = file.readAll();
        QVERIFY2(line.contains("\"status\":" + QByteArray::number(status)), line.constData());
        QVERIFY2(line.contains("\"backend\":\"a\""), line.constData());
        const auto &backend = *h.view()->pools[0]->backends[0].rt;
        for (size_t kind = 0; kind < hafront::stats::kBackendErrorKinds; ++kind)
            QCOMPARE(backend.errors[kind].load(), uint64_t(error == hafront::stats::kBackendErrorNames[kind] ? 1 : 0));
    }
};

QTEST_GUILESS_MAIN(TestHttp1Session)
#include "tst_http1session.moc"
