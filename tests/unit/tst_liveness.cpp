// Liveness: a thread silent for longer than the limit is stalled (once, as a
// change), is running again after its next beat, and its role decides
// whether self-tracking fails. Virtual time.
#include "base/liveness.h"

#include <QTest>

using namespace hafront;
using Role = Heartbeat::Role;

class TestLiveness : public QObject {
    Q_OBJECT
private slots:
    void aSilentThreadIsStalledOnceAndRecovers()
    {
        Liveness l;
        Heartbeat &worker = l.add("hf-proxy-0", Role::Serving, 0);
        const int64_t limit = 2'000'000;
        worker.beat(20'000);
        QVERIFY(l.check(1'000'000, limit).empty());
        QVERIFY(l.check(2'020'000, limit).empty()); // exactly at the limit: not yet
        auto c = l.check(2'020'001, limit);
        QCOMPARE(c.size(), size_t(1));
        QVERIFY(c[0].stalled);
        QCOMPARE(QString::fromStdString(c[0].thread), QString("hf-proxy-0"));
        QCOMPARE(c[0].silentMicros, qint64(2'000'001));
        QVERIFY(l.check(5'000'000, limit).empty()); // reported once
        QVERIFY(!l.allLive());
        QVERIFY(!l.servingLive());
        worker.beat(5'100'000);
        c = l.check(5'200'000, limit);
        QCOMPARE(c.size(), size_t(1));
        QVERIFY(!c[0].stalled);
        QVERIFY(l.allLive());
    }

    void onlyServingThreadsFailSelfTracking_data()
    {
        QTest::addColumn<int>("role");
        QTest::addColumn<bool>("servingLive");
        QTest::newRow("a stalled proxy worker") << int(Role::Serving) << false;
        QTest::newRow("a stalled VRRP thread: only the watchdog stops") << int(Role::Control) << true;
    }
    void onlyServingThreadsFailSelfTracking()
    {
        QFETCH(int, role);
        QFETCH(bool, servingLive);
        Liveness l;
        Heartbeat &stuck = l.add("t", Role(role), 0);
        Heartbeat &fine = l.add("other", Role::Serving, 0);
        (void)stuck;
        fine.beat(3'000'000);
        l.check(3'000'000, 1'000'000);
        QCOMPARE(l.servingLive(), servingLive);
        QVERIFY(!l.allLive());
    }

    void gapsBetweenBeatsAreMeasured()
    {
        Liveness l;
        Heartbeat &b = l.add("w", Role::Serving, 0);
        for (int64_t t : {20'000, 40'000, 190'000, 210'000, 450'000})
            b.beat(t);
        QCOMPARE(b.maxGap(), qint64(240'000));
        QCOMPARE(b.longGaps(), quint64(2)); // 150 ms and 240 ms exceed 100 ms
        const auto s = l.states(500'000);
        QCOMPARE(s.size(), size_t(1));
        QCOMPARE(s[0].sinceBeatMicros, qint64(50'000));
        QVERIFY(!s[0].stalled);
    }
};

QTEST_GUILESS_MAIN(TestLiveness)
#include "tst_liveness.moc"
