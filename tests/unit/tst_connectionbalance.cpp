// connectionTarget: keep a connection unless a sibling holds fewer by more than the slack.
#include "balance/connectionbalance.h"

#include <QtTest>

#include <algorithm>
#include <random>

using hafront::balance::connectionTarget;

class TestConnectionBalance : public QObject {
    Q_OBJECT
private slots:
    void keepsWithinTheSlackHandsOverBeyondIt_data()
    {
        QTest::addColumn<int>("self");
        QTest::addColumn<std::vector<int>>("loads");
        QTest::addColumn<int>("target");
        QTest::newRow("one worker") << 0 << std::vector<int>{5} << 0;
        QTest::newRow("equal") << 0 << std::vector<int>{3, 3} << 0;
        QTest::newRow("one more hands over (4 would end 3/1)") << 1 << std::vector<int>{1, 2} << 0;
        QTest::newRow("one more, small loads, hands over") << 0 << std::vector<int>{4, 3} << 1;
        QTest::newRow("two more goes to the sibling") << 0 << std::vector<int>{5, 3} << 1;
        QTest::newRow("fewer than the sibling keeps it") << 1 << std::vector<int>{9, 2} << 1;
        QTest::newRow("least loaded of three") << 2 << std::vector<int>{6, 4, 9} << 1;
        QTest::newRow("slack grows: 34 vs 32 keeps") << 0 << std::vector<int>{34, 32} << 0;
        QTest::newRow("slack grows: 35 vs 32 hands over") << 0 << std::vector<int>{35, 32} << 1;
        QTest::newRow("slack grows: 35 vs 29 hands over") << 0 << std::vector<int>{35, 29} << 1;
        QTest::newRow("a stopping sibling is skipped") << 0 << std::vector<int>{7, -1, 7} << 0;
        QTest::newRow("a stopping sibling, another takes it") << 0 << std::vector<int>{8, -1, 2} << 2;
    }
    void keepsWithinTheSlackHandsOverBeyondIt()
    {
        QFETCH(int, self);
        QFETCH(std::vector<int>, loads);
        QFETCH(int, target);
        QCOMPARE(connectionTarget(self, loads), target);
    }

    // 64 long-lived connections arriving at workers picked at random (what a
    // hash does) end up within the slack (plus the one just kept) of each
    // other; 4 connections on 2 workers always end 2/2.
    void randomArrivalsEndUpEven()
    {
        std::mt19937 rng(42);
        for (int workers : {2, 3, 4}) {
            std::vector<int> loads(size_t(workers), 0);
            std::uniform_int_distribution<int> pick(0, workers - 1);
            for (int c = 0; c < 64; ++c)
                ++loads[size_t(connectionTarget(pick(rng), loads))];
            const auto [lo, hi] = std::minmax_element(loads.begin(), loads.end());
            QVERIFY2(*hi - *lo <= 1 + *lo / 16,
                     qPrintable(QString("workers %1: %2..%3").arg(workers).arg(*lo).arg(*hi)));
        }
        for (int trial = 0; trial < 100; ++trial) {
            std::vector<int> loads{0, 0};
            std::uniform_int_distribution<int> pick(0, 1);
            for (int c = 0; c < 4; ++c)
                ++loads[size_t(connectionTarget(pick(rng), loads))];
            QCOMPARE(loads, (std::vector<int>{2, 2}));
        }
    }
};

QTEST_GUILESS_MAIN(TestConnectionBalance)
#include "tst_connectionbalance.moc"
