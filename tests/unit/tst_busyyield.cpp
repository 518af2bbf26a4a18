// BusyYield: yield only after a batch, stop after repeated empty polls, try again later.
#include "base/busyyield.h"

#include <QtTest>

using namespace hafront;

class TestBusyYield : public QObject {
    Q_OBJECT
private slots:
    void yieldsOnlyAfterABatch()
    {
        BusyYield y(true);
        QVERIFY(!y.shouldYield(0)); // woke from a timeout
        QVERIFY(!y.shouldYield(1)); // one connection: go straight to the blocking wait
        QVERIFY(!y.shouldYield(BusyYield::kMinBatch - 1));
        QVERIFY(y.shouldYield(BusyYield::kMinBatch));
        QVERIFY(y.shouldYield(200));
    }

    void disabledNeverYields()
    {
        BusyYield y; // off unless asked for
        QVERIFY(!y.shouldYield(100));
        y.setEnabled(true);
        QVERIFY(y.shouldYield(100));
    }

    void emptyPollsInARowPauseItThenItTriesAgain()
    {
        BusyYield y(true);
        for (int i = 0; i < BusyYield::kMissesToPause - 1; ++i) {
            QVERIFY(y.shouldYield(20));
            y.polled(0);
        }
        QVERIFY(!y.paused());
        QVERIFY(y.shouldYield(20));
        y.polled(0); // the 8th empty poll in a row
        QVERIFY(y.paused());
        int skipped = 0;
        while (!y.shouldYield(20)) {
            ++skipped;
            QVERIFY(skipped <= BusyYield::kPauseBatches);
        }
        QCOMPARE(skipped, BusyYield::kPauseBatches);
        QVERIFY(!y.paused());
    }

    void aPollThatFindsEventsResetsTheMisses()
    {
        BusyYield y(true);
        for (int round = 0; round < 10; ++round) {
            for (int i = 0; i < BusyYield::kMissesToPause - 1; ++i)
                y.polled(0);
            y.polled(3);
        }
        QVERIFY(!y.paused());
        QVERIFY(y.shouldYield(20));
    }
};

QTEST_GUILESS_MAIN(TestBusyYield)
#include "tst_busyyield.moc"
