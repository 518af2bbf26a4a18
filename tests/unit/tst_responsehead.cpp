// HTTP/1 response heads, strictly: what is Ready, what needs more bytes, and
// every malformed head refused with its reason; and the health check verdict
// built on it.
#include "health/httpcheck.h"
#include "http/responsehead.h"

#include <QtTest>

using namespace hafront;
using http::ResponseHead;

Q_DECLARE_METATYPE(ResponseHead::Parse)

namespace {
QByteArray crlf(const char *text)
{
    return QByteArray(text).replace("|", "\r\n"); // '|' stands for CRLF in the rows
}
} // namespace

class TestResponseHead : public QObject {
    Q_OBJECT
private slots:
    void headsAreJudged_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<ResponseHead::Parse>("parse");
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("why"); // Bad: a part of the reason
        using P = ResponseHead::Parse;

        QTest::newRow("minimal") << crlf("HTTP/1.1 200 OK||") << P::Ready << 200 << "";
        QTest::newRow("HTTP/1.0") << crlf("HTTP/1.0 404 Not Found||") << P::Ready << 404 << "";
        QTest::newRow("empty reason") << crlf("HTTP/1.1 204 ||") << P::Ready << 204 << "";
        QTest::newRow("no SP before an empty reason") << crlf("HTTP/1.1 204||") << P::Ready << 204 << "";
        QTest::newRow("headers and a body after the head")
            << crlf("HTTP/1.1 503 Busy|Content-Length: 2|Retry-After:\t1 ||ok") << P::Ready << 503 << "";
        QTest::newRow("obs-text in the reason")
            << QByteArray("HTTP/1.1 200 \xc3\xa9t\xc3\xa9\r\n\r\n") << P::Ready << 200 << "";

        QTest::newRow("nothing yet") << QByteArray() << P::NeedMore << 0 << "";
        QTest::newRow("half a version") << QByteArray("HTTP/1") << P::NeedMore << 0 << "";
        QTest::newRow("status line only") << crlf("HTTP/1.1 200 OK|") << P::NeedMore << 0 << "";
        QTest::newRow("a header, no blank line") << crlf("HTTP/1.1 200 OK|A: b|") << P::NeedMore << 0 << "";
        QTest::newRow("CR awaiting its LF") << QByteArray("HTTP/1.1 200 OK\r\n\r") << P::NeedMore << 0 << "";

        QTest::newRow("not HTTP") << QByteArray("SSH-2.0-OpenSSH") << P::Bad << 0 << "malformed status line";
        QTest::newRow("HTTP/2.0") << crlf("HTTP/2.0 200 OK||") << P::Bad << 0 << "only HTTP/1.x";
        QTest::newRow("HTTP/1.2") << crlf("HTTP/1.2 200 OK||") << P::Bad << 0 << "HTTP/1.0 and HTTP/1.1";
        QTest::newRow("leading blank line") << crlf("|HTTP/1.1 200 OK||") << P::Bad << 0 << "malformed status line";
        QTest::newRow("lower-case version") << crlf("http/1.1 200 OK||") << P::Bad << 0 << "malformed status line";
        QTest::newRow("two spaces") << crlf("HTTP/1.1  200 OK||") << P::Bad << 0 << "three digits";
        QTest::newRow("two-digit status") << crlf("HTTP/1.1 20 OK||") << P::Bad << 0 << "";
        QTest::newRow("four-digit status") << crlf("HTTP/1.1 2000 OK||") << P::Bad << 0 << "three digits";
        QTest::newRow("status with a sign") << crlf("HTTP/1.1 +20 OK||") << P::Bad << 0 << "three digits";
        QTest::newRow("status 099") << crlf("HTTP/1.1 099 Old||") << P::Bad << 0 << "outside 100-599";
        QTest::newRow("status 600") << crlf("HTTP/1.1 600 New||") << P::Bad << 0 << "outside 100-599";
        QTest::newRow("bare LF after the status") << QByteArray("HTTP/1.1 200 OK\n\r\n") << P::Bad << 0 << "bare";
        QTest::newRow("bare LF ends the head") << QByteArray("HTTP/1.1 200 OK\r\nA: b\n\n") << P::Bad << 0 << "bare";
        QTest::newRow("bare CR in a value")
            << QByteArray("HTTP/1.1 200 OK\r\nA: b\rc\r\n\r\n") << P::Bad << 0 << "bare";
        QTest::newRow("NUL in the reason")
            << QByteArray("HTTP/1.1 200 O\0K\r\n\r\n", 21) << P::Bad << 0 << "control character";
        QTest::newRow("obs-fold") << crlf("HTTP/1.1 200 OK|A: b| c||") << P::Bad << 0 << "folding";
        QTest::newRow("obs-fold before the blank line is known")
            << crlf("HTTP/1.1 200 OK|A: b|\tc|") << P::Bad << 0 << "folding";
        QTest::newRow("empty field name") << crlf("HTTP/1.1 200 OK|: x||") << P::Bad << 0 << "empty name";
        QTest::newRow("a bare colon") << crlf("HTTP/1.1 200 OK|:||") << P::Bad << 0 << "empty name";
        QTest::newRow("space before the colon")
            << crlf("HTTP/1.1 200 OK|A : b||") << P::Bad << 0 << "malformed header name";
        QTest::newRow("no colon") << crlf("HTTP/1.1 200 OK|Content-Length 2||") << P::Bad << 0 << "without a colon";
        QTest::newRow("DEL in a value") << crlf("HTTP/1.1 200 OK|A: b\x7f||") << P::Bad << 0 << "control character";
    }
    void headsAreJudged()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(ResponseHead::Parse, parse);
        QFETCH(int, status);
        QFETCH(QString, why);
        const auto head = ResponseHead::parseHead(std::string_view(bytes.constData(), size_t(bytes.size())));
        QCOMPARE(head.parse, parse);
        QVERIFY2(head.why.find(why.toStdString()) != std::string::npos, head.why.c_str());
        if (parse == ResponseHead::Parse::Ready)
            QCOMPARE(head.status, status);
        if (parse == ResponseHead::Parse::Bad)
            QVERIFY(!head.why.empty());
    }

    void readyHeadCarriesItsFieldsAndLength()
    {
        const QByteArray bytes =
            crlf("HTTP/1.1 301 Moved Permanently|Location:  /new \t|X-Empty:|location: /second||body");
        const auto head = ResponseHead::parseHead(std::string_view(bytes.constData(), size_t(bytes.size())));
        QCOMPARE(head.parse, ResponseHead::Parse::Ready);
        QCOMPARE(head.minorVersion, 1);
        QCOMPARE(head.reason, std::string("Moved Permanently"));
        QCOMPARE(head.headers.size(), size_t(3));
        QCOMPARE(head.headers[0].first, std::string("Location"));
        QCOMPARE(*head.find("location"), std::string("/new")); // the first one, OWS trimmed
        QCOMPARE(*head.find("x-empty"), std::string());
        QVERIFY(head.find("content-length") == nullptr);
        QCOMPARE(head.headLength, size_t(bytes.size() - 4));
    }

    void sizeIsBounded_data()
    {
        QTest::addColumn<int>("padding"); // bytes of one header value
        QTest::addColumn<ResponseHead::Parse>("parse");
        // "HTTP/1.1 200 OK\r\n" (17) + "A: " (3) + padding + "\r\n\r\n" (4) against a 100-byte limit.
        QTest::newRow("exactly the limit") << 76 << ResponseHead::Parse::Ready;
        QTest::newRow("one byte over") << 77 << ResponseHead::Parse::Bad;
        QTest::newRow("far over") << 1000 << ResponseHead::Parse::Bad;
    }
    void sizeIsBounded()
    {
        QFETCH(int, padding);
        QFETCH(ResponseHead::Parse, parse);
        const std::string full = "HTTP/1.1 200 OK\r\nA: " + std::string(size_t(padding), 'x') + "\r\n\r\n";
        QCOMPARE(ResponseHead::parseHead(full, 100).parse, parse);
        // Without the blank line: waiting is bounded by the same limit.
        const std::string open = full.substr(0, full.size() - 4);
        QCOMPARE(ResponseHead::parseHead(open, 100).parse,
                 open.size() >= 100 ? ResponseHead::Parse::Bad : ResponseHead::Parse::NeedMore);
    }

    void everyPrefixOfAGoodHeadNeedsMore()
    {
        const std::string good = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 0\r\n\r\n";
        for (size_t n = 0; n < good.size(); ++n)
            QVERIFY2(ResponseHead::parseHead(std::string_view(good).substr(0, n)).parse ==
                         ResponseHead::Parse::NeedMore,
                     qPrintable(QString::number(n)));
        QCOMPARE(ResponseHead::parseHead(good).parse, ResponseHead::Parse::Ready);
    }

    void healthCheckVerdicts_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<bool>("ended");
        QTest::addColumn<bool>("done");
        QTest::addColumn<bool>("ok");
        QTest::addColumn<QString>("what");
        QTest::newRow("expected status") << crlf("HTTP/1.1 200 OK|Content-Length: 0||") << false << true << true
                                         << "200";
        QTest::newRow("other status") << crlf("HTTP/1.1 503 Busy||") << false << true << false << "503 (expected 200)";
        QTest::newRow("status line alone waits") << crlf("HTTP/1.1 200 OK|") << false << false << false << "";
        QTest::newRow("closed inside the head")
            << crlf("HTTP/1.1 200 OK|") << true << true << false << "connection closed inside the response head";
        QTest::newRow("closed without a byte") << QByteArray() << true << true << false << "no HTTP status line";
        // atoi read "HTTP/1.1 2000" as 2000 and "HTTP/1.1 200x" as 200.
        QTest::newRow("four digits are not 200") << crlf("HTTP/1.1 2000 OK||") << false << true << false
                                                 << "bad response head: status code is not three digits";
        QTest::newRow("garbage before a full head")
            << QByteArray("ICY 200 OK") << false << true << false << "bad response head: malformed status line";
        QTest::newRow("interim 103 then 200")
            << crlf("HTTP/1.1 103 Early Hints|Link: </a>||HTTP/1.1 200 OK||") << false << true << true << "200";
        QTest::newRow("interim 100 then waiting")
            << crlf("HTTP/1.1 100 Continue||HTTP/1.1 2") << false << false << false << "";
        QTest::newRow("101 is final") << crlf("HTTP/1.1 101 Switching Protocols||") << false << true << false
                                      << "101 (expected 200)";
    }
    void healthCheckVerdicts()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(bool, ended);
        QFETCH(bool, done);
        QFETCH(bool, ok);
        QFETCH(QString, what);
        const auto v = health::judgeHttpCheck(std::string_view(bytes.constData(), size_t(bytes.size())), ended, 200);
        QCOMPARE(v.done, done);
        QCOMPARE(v.ok, ok);
        QCOMPARE(QString::fromStdString(v.what), what);
    }

    void interimAnswersShareTheHeadBound()
    {
        std::string many;
        while (many.size() <= ResponseHead::kMaxHeadBytes)
            many += "HTTP/1.1 100 Continue\r\n\r\n";
        const auto v = health::judgeHttpCheck(many, false, 200);
        QVERIFY(v.done);
        QVERIFY(!v.ok);
        QVERIFY2(v.what.find("over") != std::string::npos, v.what.c_str());
    }
};

QTEST_GUILESS_MAIN(TestResponseHead)
#include "tst_responsehead.moc"
