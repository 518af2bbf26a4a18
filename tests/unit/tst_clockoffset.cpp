// Clock-offset estimation from Ping round trips and the timeline that puts
// agents' events and probe results on the runner's time axis.
#include "drill/clockoffset.h"
#include "drill/timeline.h"

#include <QtTest>

using namespace hafront::drill;

class TestClockOffset : public QObject {
    Q_OBJECT
private slots:
    void offsetComesFromTheSmallestRoundTrip_data()
    {
        QTest::addColumn<QList<qint64>>("rows"); // send, recv, agentMono per sample
        QTest::addColumn<qint64>("offset");
        QTest::addColumn<qint64>("rtt");
        // Agent clock 1 000 000 us ahead; replies delayed asymmetrically except the fastest one.
        QTest::newRow("one symmetric sample") << QList<qint64>{1000, 1200, 1001100} << qint64(1000000) << qint64(200);
        QTest::newRow("slow samples are ignored")
            << QList<qint64>{1000, 9000, 1001200, 20000, 20100, 1020050, 30000, 35000, 1034000} << qint64(1000000)
            << qint64(100);
        QTest::newRow("agent behind") << QList<qint64>{5000000, 5000400, 3000200} << qint64(-2000000) << qint64(400);
        QTest::newRow("a reply before its send is ignored")
            << QList<qint64>{1000, 900, 0, 2000, 2300, 2150} << qint64(0) << qint64(300);
    }
    void offsetComesFromTheSmallestRoundTrip()
    {
        QFETCH(QList<qint64>, rows);
        QFETCH(qint64, offset);
        QFETCH(qint64, rtt);
        std::vector<PingSample> samples;
        for (int i = 0; i + 2 < rows.size(); i += 3)
            samples.push_back({rows[i], rows[i + 1], 0, rows[i + 2], rows[i + 2]});
        const auto o = estimateClockOffset(samples);
        QVERIFY(o.has_value());
        QCOMPARE(o->monoOffsetUs, offset);
        QCOMPARE(o->rttUs, rtt);
    }

    void noValidSampleGivesNoOffset()
    {
        QVERIFY(!estimateClockOffset({}).has_value());
        QVERIFY(!estimateClockOffset({{2000, 1000, 0, 0, 0}}).has_value());
    }

    void wallOffsetUsesTheSameSample()
    {
        const auto o = estimateClockOffset({{1000, 1400, 1700000000000000, 501200, 1700000000500200}});
        QVERIFY(o.has_value());
        QCOMPARE(o->wallOffsetUs, qint64(500000));
        QCOMPARE(o->monoOffsetUs, qint64(500000));
    }

    void agentEventsLandOnTheRunnerAxis()
    {
        // fe2's clock is 3 s ahead: its MASTER event at agent 3 120 000 is runner 120 000.
        std::map<std::string, ClockOffset> offsets{{"fe2", ClockOffset{3000000, 0, 100, 5}}};
        std::vector<AgentEvent> events{{"fe2", 3120000, 0, "vip_state", "BACKUP -> MASTER"},
                                       {"fe1", 101000, 0, "vip_state", "MASTER -> BACKUP"}};
        std::vector<RunnerAction> actions{{100000, "maintenance on fe1"}};
        std::vector<ProbeResult> probes{
            {95000, 500, true, "fe1", ""}, {105000, 500, false, "", "timeout"}, {125000, 500, true, "fe2", ""}};
        const auto t = alignTimeline(0, actions, events, offsets, probes);
        QStringList got;
        for (const auto &e : t)
            got << QString("%1 %2 %3")
                       .arg(e.atMs)
                       .arg(QString::fromStdString(e.source), QString::fromStdString(e.kind));
        QCOMPARE(got,
                 (QStringList{"95 probe probe_up", "100 runner action", "101 fe1 vip_state", "105 probe probe_down",
                              "120 fe2 vip_state", "125 probe probe_up", "125 probe served_by"}));
    }
};

QTEST_GUILESS_MAIN(TestClockOffset)
#include "tst_clockoffset.moc"
