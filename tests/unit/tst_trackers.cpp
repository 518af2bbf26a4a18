// Trackers: the verdicts that move a VIP's priority, with real child processes
// for scripts and files in a temporary folder. Time is passed in, not read.
#include "vip/trackers.h"

#include <QTemporaryDir>
#include <QTest>

#include <fstream>
#include <thread>

using namespace hafront;

namespace {

// Runs a script tracker until its child finished, advancing virtual time by 10 ms.
bool runOnce(vip::ScriptTracker &t, int64_t &now)
{
    bool changed = t.poll(now); // starts the child
    for (int i = 0; i < 2500; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
        now += 10'000;
        changed = t.poll(now) || changed;
        if (t.nextDueMicros() - now > 100'000)
            break; // the child finished: next run is an interval away
    }
    return changed;
}

// Virtual time runs faster than the child does, so the timeout is generous
// except where a test is about the timeout.
v1::TrackScript script(const std::string &command, uint32_t rise, uint32_t fall, int weight, uint32_t timeoutMs = 60000)
{
    v1::TrackScript s;
    s.set_name("check");
    s.set_command(command);
    s.set_interval_ms(1000);
    s.set_timeout_ms(timeoutMs);
    s.set_rise(rise);
    s.set_fall(fall);
    s.set_weight(weight);
    return s;
}

} // namespace

class TestTrackers : public QObject {
    Q_OBJECT
private slots:
    void failingScriptNeedsFallResultsToLowerPriority()
    {
        QTemporaryDir dir;
        const std::string flag = dir.filePath("fail").toStdString();
        vip::ScriptTracker t(script("test ! -e " + flag, 2, 2, -60));
        int64_t now = 1'000'000;
        runOnce(t, now);
        QVERIFY(t.ok());
        std::ofstream(flag) << "x";
        now += 1'000'000;
        QVERIFY(!runOnce(t, now)); // one failure: fall is 2
        QVERIFY(t.ok());
        now += 1'000'000;
        QVERIFY(runOnce(t, now)); // second failure: verdict changes
        QVERIFY(!t.ok());
        QCOMPARE(t.delta(), -60);
        QVERIFY(!t.fault());
        std::remove(flag.c_str());
        now += 1'000'000;
        QVERIFY(!runOnce(t, now)); // one success: rise is 2
        now += 1'000'000;
        QVERIFY(runOnce(t, now));
        QVERIFY(t.ok());
        QCOMPARE(t.delta(), 0);
    }

    void scriptThatHangsIsKilledAtTheTimeoutAndCountsAsFailure()
    {
        vip::ScriptTracker t(script("sleep 30", 1, 1, 0, 500));
        int64_t now = 1'000'000;
        t.poll(now);
        now += 600'000; // past the 500 ms timeout
        QVERIFY(t.poll(now));
        QVERIFY(!t.ok());
        QVERIFY(t.fault()); // weight 0: failing means fault
        v1::TrackerStatus s;
        t.fill(s);
        QVERIFY(QString::fromStdString(s.last_result()).contains("timed out"));
    }

    void positiveWeightAppliesWhileOk()
    {
        vip::ScriptTracker t(script("true", 1, 1, 25));
        int64_t now = 1'000'000;
        runOnce(t, now);
        QCOMPARE(t.delta(), 25);
    }

    void selfTrackerFollowsTheProxy()
    {
        bool serving = true;
        vip::SelfTracker t(-100, [&] { return serving; });
        QVERIFY(!t.poll(0));
        QCOMPARE(t.delta(), 0);
        serving = false;
        QVERIFY(!t.poll(100'000)); // not due yet: polled every 500 ms
        QVERIFY(t.poll(600'000));
        QCOMPARE(t.delta(), -100);
    }

    void fileIntegerTimesWeightIsTheDelta_data()
    {
        QTest::addColumn<QByteArray>("content");
        QTest::addColumn<int>("weight");
        QTest::addColumn<int>("delta");
        QTest::newRow("negative") << QByteArray("-30\n") << 1 << -30;
        QTest::newRow("scaled") << QByteArray("4") << 5 << 20;
        QTest::newRow("empty counts 0") << QByteArray("") << 1 << 0;
        QTest::newRow("garbage counts 0") << QByteArray("abc") << 1 << 0;
    }
    void fileIntegerTimesWeightIsTheDelta()
    {
        QFETCH(QByteArray, content);
        QFETCH(int, weight);
        QFETCH(int, delta);
        QTemporaryDir dir;
        const std::string path = dir.filePath("prio").toStdString();
        std::ofstream(path) << content.toStdString();
        v1::TrackFile c;
        c.set_path(path);
        c.set_weight(weight);
        vip::FileTracker t(c);
        t.poll(0);
        QCOMPARE(t.delta(), delta);
    }

    void interfaceTrackerReadsOperstate()
    {
        v1::TrackInterface c;
        c.set_interface("lo");
        vip::InterfaceTracker lo(c);
        lo.poll(0);
        QVERIFY(lo.ok()); // loopback reports "unknown": counts as up
        c.set_interface("no-such-if0");
        vip::InterfaceTracker missing(c);
        missing.poll(0);
        QVERIFY(!missing.ok());
    }

    void processTrackerFindsPidFile()
    {
        QTemporaryDir dir;
        const std::string path = dir.filePath("pid").toStdString();
        std::ofstream(path) << getpid();
        v1::TrackProcess c;
        c.set_pid_file(path);
        vip::ProcessTracker t(c);
        t.poll(0);
        QVERIFY(t.ok());
        std::ofstream(path, std::ios::trunc) << "999999999";
        t.poll(1'000'000);
        QVERIFY(!t.ok());
    }

    void effectivePriorityIsClampedAndOwnerStays255()
    {
        std::vector<std::unique_ptr<vip::Tracker>> trackers;
        trackers.push_back(std::make_unique<vip::SelfTracker>(-100, [] { return false; }));
        trackers.back()->poll(0);
        QCOMPARE(int(vip::effectivePriority(150, trackers)), 50);
        QCOMPARE(int(vip::effectivePriority(90, trackers)), 1);
        QCOMPARE(int(vip::effectivePriority(255, trackers)), 255);
        QVERIFY(!vip::anyFault(trackers));
    }
};

QTEST_GUILESS_MAIN(TestTrackers)
#include "tst_trackers.moc"
