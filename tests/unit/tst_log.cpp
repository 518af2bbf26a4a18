// Log lines as fields: key=value text with values quoted when needed, and one
// JSON object per line for log shippers; an event's fields come first.
#include "base/log.h"
#include "events/eventlog.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QtTest>

using namespace hafront;

namespace {

const log::Fields kVipState = {
    {"seq", "7"}, {"vip", "www"}, {"from", "BACKUP"}, {"to", "MASTER"}, {"reason", "master down timer expired"}};

} // namespace

class TestLog : public QObject {
    Q_OBJECT
private slots:
    void textIsKeyValueQuotedWhenNeeded_data()
    {
        QTest::addColumn<QString>("value");
        QTest::addColumn<QString>("written");
        QTest::newRow("plain") << "MASTER"
                               << "MASTER";
        QTest::newRow("space") << "master down"
                               << "\"master down\"";
        QTest::newRow("empty") << ""
                               << "\"\"";
        QTest::newRow("equals") << "a=b"
                                << "\"a=b\"";
        QTest::newRow("quote and backslash") << "say \"hi\" \\"
                                             << "\"say \\\"hi\\\" \\\\\"";
        QTest::newRow("newline cannot split the line") << "a\nb"
                                                       << "\"a b\"";
        QTest::newRow("UTF-8 stays") << QString::fromUtf8("节点") << QString::fromUtf8("节点");
    }
    void textIsKeyValueQuotedWhenNeeded()
    {
        QFETCH(QString, value);
        QFETCH(QString, written);
        QCOMPARE(QString::fromStdString(log::quote(value.toStdString())), written);
    }

    void textLineHasEveryField()
    {
        const std::string line =
            log::formatLine(log::Format::Text, "2026-12-02T14:00:00.000Z", log::Level::Info, "vip_state", kVipState);
        QCOMPARE(QString::fromStdString(line),
                 QString("2026-12-02T14:00:00.000Z info vip_state seq=7 vip=www from=BACKUP to=MASTER "
                         "reason=\"master down timer expired\"\n"));
    }

    void jsonLineIsOneObjectWithEveryField()
    {
        log::Fields fields = kVipState;
        fields.emplace_back("msg", "a \"quoted\"\tword\x01");
        const std::string line =
            log::formatLine(log::Format::Json, "2026-12-02T14:00:00.000Z", log::Level::Warning, "vip_state", fields);
        QVERIFY(line.back() == '\n');
        QCOMPARE(std::count(line.begin(), line.end(), '\n'), 1L);
        QJsonParseError error;
        const auto doc = QJsonDocument::fromJson(QByteArray::fromStdString(line), &error);
        QCOMPARE(error.error, QJsonParseError::NoError);
        const QJsonObject o = doc.object();
        QCOMPARE(o["ts"].toString(), QString("2026-12-02T14:00:00.000Z"));
        QCOMPARE(o["level"].toString(), QString("warning"));
        QCOMPARE(o["category"].toString(), QString("vip_state"));
        QCOMPARE(o["vip"].toString(), QString("www"));
        QCOMPARE(o["from"].toString(), QString("BACKUP"));
        QCOMPARE(o["to"].toString(), QString("MASTER"));
        QCOMPARE(o["reason"].toString(), QString("master down timer expired"));
        QCOMPARE(o["msg"].toString(), QString("a \"quoted\"\tword\x01"));
    }

    void formatNames()
    {
        log::Format f = log::Format::Text;
        QVERIFY(log::parseFormat("json", &f));
        QCOMPARE(f, log::Format::Json);
        QVERIFY(log::parseFormat("text", &f));
        QCOMPARE(f, log::Format::Text);
        QVERIFY(!log::parseFormat("JSON ", &f));
    }
};

QTEST_GUILESS_MAIN(TestLog)
#include "tst_log.moc"
