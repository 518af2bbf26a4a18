// RateMeter on recorded counter readings with virtual time.
#include "stats/ratemeter.h"

#include <QtTest>

using hafront::stats::RateMeter;

class TestRateMeter : public QObject {
    Q_OBJECT
private slots:
    void rateOverAtLeastAWindow_data()
    {
        QTest::addColumn<QList<qint64>>("atMs");
        QTest::addColumn<QList<qint64>>("counts");
        QTest::addColumn<QList<double>>("rates");
        // Nothing until a second has passed; then the delta over the time it took.
        QTest::newRow("steady 100/s") << QList<qint64>{0, 500, 1000, 2000} << QList<qint64>{0, 50, 100, 200}
                                      << QList<double>{0, 0, 100, 100};
        QTest::newRow("late reading") << QList<qint64>{0, 1500} << QList<qint64>{10, 40} << QList<double>{0, 20};
        QTest::newRow("kept between windows")
            << QList<qint64>{0, 1000, 1200} << QList<qint64>{0, 30, 1000} << QList<double>{0, 30, 30};
        QTest::newRow("idle is zero") << QList<qint64>{0, 1000, 2000} << QList<qint64>{5, 5, 5}
                                      << QList<double>{0, 0, 0};
        QTest::newRow("counter started over")
            << QList<qint64>{0, 1000, 1500, 2500} << QList<qint64>{0, 100, 3, 53} << QList<double>{0, 100, 0, 50};
    }
    void rateOverAtLeastAWindow()
    {
        QFETCH(QList<qint64>, atMs);
        QFETCH(QList<qint64>, counts);
        QFETCH(QList<double>, rates);
        RateMeter meter;
        for (int i = 0; i < atMs.size(); ++i) {
            QCOMPARE(meter.update(uint64_t(counts[i]), atMs[i] * 1000), rates[i]);
            QCOMPARE(meter.perSecond(), rates[i]);
        }
    }
};

QTEST_GUILESS_MAIN(TestRateMeter)
#include "tst_ratemeter.moc"
