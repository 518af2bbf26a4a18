// checkRequestHead: which parsed heads go upstream and which get a status,
// one row per rule (RFC 9112, and the classes a conformance suite found:
// empty field names, empty or invalid Host, HTTP/0.9 and HTTP/2.0 lines).
#include "http/requestcheck.h"

#include <QTest>

#include <llhttp.h>

using namespace hafront::http;

class TestRequestCheck : public QObject {
    Q_OBJECT
private slots:
    void headsAreForwardedOrRefused_data()
    {
        QTest::addColumn<int>("method");
        QTest::addColumn<QString>("url");
        QTest::addColumn<int>("major");
        QTest::addColumn<int>("minor");
        QTest::addColumn<QString>("headers"); // "Name: value" lines joined by '|'
        QTest::addColumn<bool>("chunked");
        QTest::addColumn<qint64>("contentLength"); // -1: none
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("expect"); // reason part, or the forwarded target
        const int GET = HTTP_GET, POST = HTTP_POST;
        QTest::newRow("plain GET") << GET << "/a?b" << 1 << 1 << "Host: www" << false << -1ll << 0 << "/a?b";
        QTest::newRow("HTTP/1.0 without Host") << GET << "/" << 1 << 0 << "" << false << -1ll << 0 << "/";
        QTest::newRow("host with port") << GET << "/" << 1 << 1 << "Host: www.example:8080" << false << -1ll << 0
                                        << "/";
        QTest::newRow("IPv6 literal host")
            << GET << "/" << 1 << 1 << "Host: [2001:db8::1]:80" << false << -1ll << 0 << "/";
        QTest::newRow("absolute-form, same host")
            << GET << "http://www/x?y" << 1 << 1 << "Host: www" << false << -1ll << 0 << "/x?y";
        QTest::newRow("absolute-form without a path")
            << GET << "http://www" << 1 << 1 << "Host: www" << false << -1ll << 0 << "/";
        QTest::newRow("absolute-form, query only")
            << GET << "http://www?q" << 1 << 1 << "Host: www" << false << -1ll << 0 << "/?q";
        QTest::newRow("OPTIONS *") << int(HTTP_OPTIONS) << "*" << 1 << 1 << "Host: www" << false << -1ll << 0 << "*";
        QTest::newRow("chunked POST") << POST << "/" << 1 << 1 << "Host: w|Transfer-Encoding: chunked" << true << -1ll
                                      << 0 << "/";
        QTest::newRow("HTTP/0.9 line") << GET << "/" << 0 << 9 << "" << false << -1ll << 400 << "HTTP/0.9";
        QTest::newRow("HTTP/2.0 line (nginx: 505)")
            << GET << "/" << 2 << 0 << "Host: w" << false << -1ll << 505 << "version";
        QTest::newRow("empty field name")
            << GET << "/" << 1 << 1 << "Host: w|: x" << false << -1ll << 400 << "empty name";
        QTest::newRow("HTTP/1.1 without Host") << GET << "/" << 1 << 1 << "" << false << -1ll << 400 << "without Host";
        QTest::newRow("two Hosts") << GET << "/" << 1 << 1 << "Host: a|Host: b" << false << -1ll << 400
                                   << "more than one Host";
        QTest::newRow("empty Host") << GET << "/" << 1 << 1 << "Host: " << false << -1ll << 400 << "invalid Host";
        QTest::newRow("Host with a slash and a backslash")
            << GET << "/" << 1 << 1 << "Host: a/b\\c" << false << -1ll << 400 << "invalid Host";
        QTest::newRow("Host with userinfo")
            << GET << "/" << 1 << 1 << "Host: u@h" << false << -1ll << 400 << "invalid Host";
        QTest::newRow("Host with a space")
            << GET << "/" << 1 << 1 << "Host: a b" << false << -1ll << 400 << "invalid Host";
        QTest::newRow("Host with a bad port")
            << GET << "/" << 1 << 1 << "Host: a:8x" << false << -1ll << 400 << "invalid Host";
        QTest::newRow("unterminated IP literal")
            << GET << "/" << 1 << 1 << "Host: [::1" << false << -1ll << 400 << "invalid Host";
        QTest::newRow("absolute-form, other host")
            << GET << "http://evil/" << 1 << 1 << "Host: www" << false << -1ll << 400 << "different Host";
        QTest::newRow("TE not ending in chunked") << POST << "/" << 1 << 1 << "Host: w|Transfer-Encoding: gzip" << false
                                                  << -1ll << 400 << "Transfer-Encoding";
        QTest::newRow("TE in HTTP/1.0") << POST << "/" << 1 << 0 << "Transfer-Encoding: chunked" << true << -1ll << 400
                                        << "HTTP/1.0";
        QTest::newRow("CR in a value") << GET << "/" << 1 << 1 << "Host: w|X: a\rb" << false << -1ll << 400
                                       << "control character";
        QTest::newRow("NUL in a value") << GET << "/" << 1 << 1 << QString("Host: w|X: a") + QChar(0) + "b" << false
                                        << -1ll << 400 << "control character";
        QTest::newRow("relative target") << GET << "a/b" << 1 << 1 << "Host: w" << false << -1ll << 400
                                         << "neither origin-form";
        QTest::newRow("CONNECT") << int(HTTP_CONNECT) << "www:443" << 1 << 1 << "Host: www:443" << false << -1ll << 405
                                 << "CONNECT";
        QTest::newRow("body over the limit")
            << POST << "/" << 1 << 1 << "Host: w|Content-Length: 2000" << false << 2000ll << 413 << "max_body_bytes";
    }
    void headsAreForwardedOrRefused()
    {
        QFETCH(int, method);
        QFETCH(QString, url);
        QFETCH(int, major);
        QFETCH(int, minor);
        QFETCH(QString, headers);
        QFETCH(bool, chunked);
        QFETCH(qint64, contentLength);
        QFETCH(int, status);
        QFETCH(QString, expect);
        ParsedHead head;
        head.url = url.toStdString();
        for (const auto &line : headers.split('|', Qt::SkipEmptyParts)) {
            const auto colon = line.indexOf(':');
            auto &f = head.headers.emplace_back();
            f.first = line.left(colon).toStdString();
            f.second = line.mid(colon + 1).trimmed().toStdString();
            if (line.contains(QChar(0)))
                f.second = std::string("a\0b", 3);
        }
        RequestFacts facts;
        facts.head = &head;
        facts.methodCode = method;
        facts.versionMajor = major;
        facts.versionMinor = minor;
        facts.chunked = chunked;
        facts.hasContentLength = contentLength >= 0;
        facts.contentLength = uint64_t(std::max<qint64>(0, contentLength));
        RequestLimits limits;
        limits.maxBodyBytes = 1000;
        const auto v = checkRequestHead(facts, limits);
        QCOMPARE(v.status, status);
        if (status)
            QVERIFY2(QString::fromStdString(std::string(v.reason)).contains(expect), std::string(v.reason).c_str());
        else
            QCOMPARE(QString::fromStdString(std::string(v.forwardTarget())), expect);
    }

    void underscoreNamesAreTold()
    {
        QVERIFY(hasUnderscore("Transfer_Encoding"));
        QVERIFY(!hasUnderscore("Transfer-Encoding"));
    }
};

QTEST_GUILESS_MAIN(TestRequestCheck)
#include "tst_requestcheck.moc"
