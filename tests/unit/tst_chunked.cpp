// ChunkedDecoder: RFC 9112 7.1 accepted as written (extensions ignored,
// trailers read), everything ambiguous refused with a reason, and the same
// result whatever way the bytes are split across reads.
#include "http/chunked.h"

#include <QTest>

using namespace hafront::http;

namespace {

struct Outcome {
    ChunkedDecoder::Status status;
    std::string body;
    std::string rest; // bytes after the body
    std::string error;
    std::string trailers;
};

// Feeds `wire` in pieces of `step` bytes (0: all at once), as reads would.
Outcome decode(const std::string &wire, size_t step = 0)
{
    ChunkedDecoder d;
    Outcome o{ChunkedDecoder::Status::NeedMore, {}, {}, {}, {}};
    size_t at = 0;
    std::string pending;
    while (at < wire.size()) {
        const size_t n = step ? std::min(step, wire.size() - at) : wire.size() - at;
        pending.append(wire, at, n);
        at += n;
        size_t consumed = 0;
        std::vector<std::string_view> pieces;
        o.status = d.feed(pending, consumed, pieces);
        for (auto p : pieces)
            o.body += p;
        pending.erase(0, consumed);
        if (o.status != ChunkedDecoder::Status::NeedMore)
            break;
    }
    o.rest = pending + wire.substr(at);
    o.error = d.error();
    for (const auto &[k, v] : d.trailers())
        o.trailers += k + "=" + v + ";";
    return o;
}

} // namespace

class TestChunked : public QObject {
    Q_OBJECT
private slots:
    void validBodiesDecode_data()
    {
        QTest::addColumn<QByteArray>("wire");
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<QByteArray>("trailers");
        QTest::newRow("two chunks") << QByteArray("5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n") << QByteArray("hello world")
                                    << QByteArray();
        QTest::newRow("upper-case hex") << QByteArray("A\r\n0123456789\r\n0\r\n\r\n") << QByteArray("0123456789")
                                        << QByteArray();
        QTest::newRow("extension without value (RFC 9112 7.1.1: ignored)")
            << QByteArray("5;a\r\nhello\r\n0\r\n\r\n") << QByteArray("hello") << QByteArray();
        QTest::newRow("extensions with token values")
            << QByteArray("5;a=b;c\r\nhello\r\n0;last\r\n\r\n") << QByteArray("hello") << QByteArray();
        QTest::newRow("quoted extension value with an escape")
            << QByteArray("5;name=\"x \\\" y\"\r\nhello\r\n0\r\n\r\n") << QByteArray("hello") << QByteArray();
        QTest::newRow("whitespace around ; and =")
            << QByteArray("5 ; a = b\r\nhello\r\n0\r\n\r\n") << QByteArray("hello") << QByteArray();
        QTest::newRow("leading zeros") << QByteArray("0005\r\nhello\r\n000\r\n\r\n") << QByteArray("hello")
                                       << QByteArray();
        QTest::newRow("trailers") << QByteArray("5\r\nhello\r\n0\r\nX-Sum: 42\r\nX-B:  v \r\n\r\n")
                                  << QByteArray("hello") << QByteArray("X-Sum=42;X-B=v;");
        QTest::newRow("empty body") << QByteArray("0\r\n\r\n") << QByteArray() << QByteArray();
    }
    void validBodiesDecode()
    {
        QFETCH(QByteArray, wire);
        QFETCH(QByteArray, body);
        QFETCH(QByteArray, trailers);
        for (size_t step : {size_t(0), size_t(1), size_t(2), size_t(3), size_t(7)}) {
            const auto o = decode(wire.toStdString() + "GET /next", step);
            QCOMPARE(int(o.status), int(ChunkedDecoder::Status::Done));
            QCOMPARE(QByteArray::fromStdString(o.body), body);
            QCOMPARE(QByteArray::fromStdString(o.trailers), trailers);
            QCOMPARE(QString::fromStdString(o.rest), QString("GET /next")); // the next request is left alone
        }
    }

    void ambiguousFramingIsRefused_data()
    {
        QTest::addColumn<QByteArray>("wire");
        QTest::addColumn<QString>("reason");
        QTest::newRow("bare LF after the size") << QByteArray("5\nhello\r\n0\r\n\r\n") << "bare LF";
        QTest::newRow("bare LF after the data") << QByteArray("5\r\nhello\n0\r\n\r\n") << "not followed by CRLF";
        QTest::newRow("CR without LF") << QByteArray("5\rhello") << "CR without LF";
        QTest::newRow("not hex") << QByteArray("g\r\n") << "not a hex number";
        QTest::newRow("empty size") << QByteArray(";a=b\r\n") << "not a hex number";
        QTest::newRow("negative") << QByteArray("-5\r\nhello\r\n") << "not a hex number";
        QTest::newRow("size overflow") << QByteArray("1000000000000000000\r\n") << "over 2^60";
        QTest::newRow("space inside the size") << QByteArray("5 5\r\n") << "malformed chunk extension";
        QTest::newRow("extension without a name") << QByteArray("5;=b\r\nhello\r\n") << "malformed chunk extension";
        QTest::newRow("unterminated quoted value") << QByteArray("5;a=\"b\r\nhello\r\n") << "malformed chunk extension";
        QTest::newRow("data longer than the size") << QByteArray("3\r\nhello\r\n") << "not followed by CRLF";
        QTest::newRow("trailer without a colon") << QByteArray("0\r\nbad trailer\r\n\r\n") << "malformed trailer";
        QTest::newRow("trailer with an empty name") << QByteArray("0\r\n: x\r\n\r\n") << "malformed trailer";
        QTest::newRow("size line too long") << QByteArray("5;" + QByteArray(5000, 'a') + "\r\n") << "chunk line over";
        QTest::newRow("trailers too long")
            << QByteArray("0\r\n" + QByteArray("X-A: " + QByteArray(100, 'v') + "\r\n").repeated(200) + "\r\n")
            << "trailer section over";
    }
    void ambiguousFramingIsRefused()
    {
        QFETCH(QByteArray, wire);
        QFETCH(QString, reason);
        for (size_t step : {size_t(0), size_t(1), size_t(5)}) {
            const auto o = decode(wire.toStdString(), step);
            QCOMPARE(int(o.status), int(ChunkedDecoder::Status::Error));
            QVERIFY2(QString::fromStdString(o.error).contains(reason), o.error.c_str());
        }
    }

    void anUnfinishedBodyAsksForMore()
    {
        const auto o = decode("5\r\nhel", 0);
        QCOMPARE(int(o.status), int(ChunkedDecoder::Status::NeedMore));
        QCOMPARE(QString::fromStdString(o.body), QString("hel"));
    }
};

QTEST_GUILESS_MAIN(TestChunked)
#include "tst_chunked.moc"
