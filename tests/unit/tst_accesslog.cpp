// Access log lines: nginx's combined format and JSON, with hostile values escaped.
#include "proxy/accesslog.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace hafront::proxy;

class TestAccessLog : public QObject {
    Q_OBJECT
private slots:
    void init()
    {
        qputenv("TZ", "UTC");
        tzset();
    }

    void combinedLineLooksLikeNginx()
    {
        AccessRecord r;
        r.client = "192.0.2.50";
        r.method = "GET";
        r.target = "/a?b=1";
        r.version = "HTTP/1.1";
        r.status = 200;
        r.bytes = 612;
        r.userAgent = "curl/7.88";
        r.backend = "app1";
        r.durationMicros = 1600;
        r.wallMicros = 1'795'608'890'000'000; // 2026-11-25 12:14:50 UTC
        QCOMPARE(QString::fromStdString(AccessLogFile::formatLine(r, AccessLogFile::Format::Combined)),
                 QString("192.0.2.50 - - [25/Nov/2026:12:14:50 +0000] \"GET /a?b=1 HTTP/1.1\" 200 612 \"-\" "
                         "\"curl/7.88\" rt=0.002 upstream=app1\n"));
    }

    void quotesAndControlsAreEscaped()
    {
        AccessRecord r;
        r.method = "GET";
        r.target = "/x";
        r.version = "HTTP/1.1";
        r.userAgent = "evil\"\n\x01";
        const std::string combined = AccessLogFile::formatLine(r, AccessLogFile::Format::Combined);
        QVERIFY(combined.find("evil\\\"\\x0A\\x01") != std::string::npos);
        QCOMPARE(std::count(combined.begin(), combined.end(), '\n'), 1); // one record, one line
        const std::string json = AccessLogFile::formatLine(r, AccessLogFile::Format::Json);
        QJsonParseError error;
        const auto doc = QJsonDocument::fromJson(QByteArray::fromStdString(json), &error);
        QCOMPARE(error.error, QJsonParseError::NoError);
        QCOMPARE(doc.object().value("user_agent").toString(), QString("evil\"\n\x01"));
    }
};

QTEST_GUILESS_MAIN(TestAccessLog)
#include "tst_accesslog.moc"
