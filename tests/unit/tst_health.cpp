// Health counters with injected time: rise/fall, passive failure window, slow start.
#include "health/healthcounter.h"
#include "stats/histogram.h"

#include <QtTest>

using namespace hafront;
using namespace std::chrono_literals;

class TestHealth : public QObject {
    Q_OBJECT
private slots:
    void riseAndFallNeedConsecutiveResults_data()
    {
        QTest::addColumn<QString>("results"); // s = success, f = failure
        QTest::addColumn<QString>("states");  // after each: ? unknown, U up, D down
        QTest::newRow("rise 2") << "ss"
                                << "?U";
        QTest::newRow("fall 3 after up") << "ssfff"
                                         << "?UUUD";
        QTest::newRow("a success resets the failures") << "ssffsff"
                                                       << "?UUUUUU";
        QTest::newRow("down then rise again") << "fffss"
                                              << "??DDU";
    }
    void riseAndFallNeedConsecutiveResults()
    {
        QFETCH(QString, results);
        QFETCH(QString, states);
        health::RiseFall rf(2, 3);
        QString got;
        for (QChar c : results) {
            rf.record(c == 's');
            got += rf.state() == health::RiseFall::State::Up     ? 'U'
                   : rf.state() == health::RiseFall::State::Down ? 'D'
                                                                 : '?';
        }
        QCOMPARE(got, states);
    }

    void passiveFailuresInAWindowMarkDownForAWhile()
    {
        health::PassiveWindow w(3, 10s, 5s);
        const auto t0 = health::Clock::time_point{} + 100s;
        QVERIFY(!w.recordFailure(t0));
        QVERIFY(!w.recordFailure(t0 + 11s)); // the first fell out of the window
        QVERIFY(!w.recordFailure(t0 + 12s));
        QVERIFY(w.recordFailure(t0 + 13s)); // three within 10 s
        QVERIFY(w.down(t0 + 17s));
        QVERIFY(!w.down(t0 + 18s));
    }

    void slowStartRampsTheWeight()
    {
        QCOMPARE(health::slowStartWeight(10, 0ms, 10s), 1u);
        QCOMPARE(health::slowStartWeight(10, 5s, 10s), 5u);
        QCOMPARE(health::slowStartWeight(10, 10s, 10s), 10u);
        QCOMPARE(health::slowStartWeight(10, 1s, 0s), 10u);
        QCOMPARE(health::slowStartWeight(0, 1s, 10s), 0u);
    }

    void histogramQuantilesAreWithinOneBucket()
    {
        stats::LatencyHistogram h;
        for (uint64_t us = 1; us <= 10000; ++us)
            h.record(us); // uniform 1 µs .. 10 ms
        QCOMPARE(h.total(), uint64_t(10000));
        const double p50 = h.quantileMicros(0.5), p99 = h.quantileMicros(0.99);
        // Log-linear with 8 sub-buckets: at most 12.5% above the true value.
        QVERIFY2(p50 >= 5000 && p50 <= 5000 * 1.125, qPrintable(QString::number(p50)));
        QVERIFY2(p99 >= 9900 && p99 <= 9900 * 1.125, qPrintable(QString::number(p99)));
        QCOMPARE(stats::LatencyHistogram().quantileMicros(0.99), 0.0);
    }

    void histogramBucketsAreMonotonic()
    {
        int last = -1;
        for (uint64_t us : {0ull, 1ull, 7ull, 8ull, 9ull, 15ull, 16ull, 1000ull, 1000000ull, 3600000000ull}) {
            const int b = stats::LatencyHistogram::bucketOf(us);
            QVERIFY(b >= last);
            QVERIFY(stats::LatencyHistogram::upperBoundMicros(b) > us);
            last = b;
        }
    }
};

QTEST_GUILESS_MAIN(TestHealth)
#include "tst_health.moc"
