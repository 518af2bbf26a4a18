// Pickers: nginx's smooth weighted round robin, weighted least connections,
// consistent hashing that moves only the leaving backend's keys.
#include "balance/picker.h"

#include <QtTest>

using namespace hafront::balance;

class TestBalance : public QObject {
    Q_OBJECT
private slots:
    void smoothWeightedRoundRobinSpreadsPicks_data()
    {
        QTest::addColumn<QList<uint>>("weights");
        QTest::addColumn<QString>("sequence");
        QTest::newRow("nginx's example {5,1,1}") << QList<uint>{5, 1, 1} << "aabacaa";
        QTest::newRow("equal weights rotate") << QList<uint>{1, 1, 1} << "abcabc";
        QTest::newRow("{1,3}") << QList<uint>{1, 3} << "babbbabb";
        QTest::newRow("weight 0 gets nothing") << QList<uint>{2, 0, 1} << "acaaca";
    }
    void smoothWeightedRoundRobinSpreadsPicks()
    {
        QFETCH(QList<uint>, weights);
        QFETCH(QString, sequence);
        std::vector<Choice> choices;
        for (uint w : weights)
            choices.push_back({w, 0, true});
        SmoothWeightedRoundRobin rr;
        QString got;
        for (int i = 0; i < sequence.size(); ++i)
            got += QChar('a' + rr.pick(choices));
        QCOMPARE(got, sequence);
    }

    void sharesFollowWeightChanges()
    {
        std::vector<Choice> choices{{1, 0, true}, {3, 0, true}};
        SmoothWeightedRoundRobin rr;
        int counts[2] = {};
        for (int i = 0; i < 4000; ++i)
            ++counts[rr.pick(choices)];
        QCOMPARE(counts[0], 1000);
        QCOMPARE(counts[1], 3000);
        choices[0].weight = 3; // reweight: shares follow within one cycle
        counts[0] = counts[1] = 0;
        for (int i = 0; i < 6000; ++i)
            ++counts[rr.pick(choices)];
        QVERIFY(std::abs(counts[0] - 3000) <= 2);
    }

    void unusableBackendsAreSkipped()
    {
        std::vector<Choice> choices{{5, 0, false}, {1, 0, true}};
        SmoothWeightedRoundRobin rr;
        for (int i = 0; i < 10; ++i)
            QCOMPARE(rr.pick(choices), 1);
        choices[1].usable = false;
        QCOMPARE(rr.pick(choices), kNone);
    }

    void leastConnectionsPrefersFewestPerWeight()
    {
        LeastConnections lc;
        QCOMPARE(lc.pick({{1, 5, true}, {1, 2, true}, {1, 9, true}}), 1);
        // 6 active at weight 3 (2 per weight unit) beats 3 active at weight 1.
        QCOMPARE(lc.pick({{1, 3, true}, {3, 6, true}}), 1);
        QCOMPARE(lc.pick({{1, 0, false}, {1, 7, true}}), 1);
    }

    void consistentHashMovesOnlyTheLeavingBackendsKeys()
    {
        ConsistentHashRing ring;
        const std::vector<std::string> names{"a", "b", "c", "d", "e"};
        ring.build(names, {1, 1, 1, 1, 1});
        std::vector<Choice> all(5, Choice{1, 0, true});
        std::vector<int> before;
        for (int k = 0; k < 10000; ++k)
            before.push_back(ring.pick(hashKey("user" + std::to_string(k)), all));
        auto without = all;
        without[2].usable = false; // backend c leaves
        int moved = 0;
        for (int k = 0; k < 10000; ++k) {
            const int now = ring.pick(hashKey("user" + std::to_string(k)), without);
            QVERIFY(now != 2);
            if (now != before[size_t(k)]) {
                ++moved;
                QCOMPARE(before[size_t(k)], 2); // only c's keys move
            }
        }
        QVERIFY2(moved <= 10000 / 5 * 1.25, qPrintable(QString::number(moved))); // ≈ 1/N of the keys
        QVERIFY(moved > 0);
    }
};

QTEST_GUILESS_MAIN(TestBalance)
#include "tst_balance.moc"
