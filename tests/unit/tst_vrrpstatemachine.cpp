// RFC 5798 section 6 with virtual time: startup, master down, skew, priority
// 0, preempt and its delay, ties, address owner, and the operator overrides.
#include "vrrp/statemachine.h"

#include <QtTest>

using namespace hafront::vrrp;

namespace {
constexpr uint32_t kSelf = 0xC000020B;  // 192.0.2.11
constexpr uint32_t kPeer = 0xC000020C;  // 192.0.2.12
constexpr uint32_t kLower = 0xC000020A; // 192.0.2.10
constexpr int64_t kMs = 1000;

RouterConfig config(uint16_t intervalCs = 100)
{
    RouterConfig c;
    c.vrid = 51;
    c.primaryIp = kSelf;
    c.advertIntervalCs = intervalCs;
    return c;
}

int count(const std::vector<Action> &actions, Action::Kind kind)
{
    return int(std::count_if(actions.begin(), actions.end(), [&](const Action &a) { return a.kind == kind; }));
}
} // namespace

class TestVrrpStateMachine : public QObject {
    Q_OBJECT
private slots:
    void timersFollowTheRfc_data()
    {
        QTest::addColumn<int>("priority");
        QTest::addColumn<int>("intervalCs");
        QTest::addColumn<qint64>("skewMicros");
        QTest::addColumn<qint64>("masterDownMicros");
        // Skew_Time = ((256 - Priority) * Master_Adver_Interval) / 256
        QTest::newRow("100 at 1 s") << 100 << 100 << qint64(609375) << qint64(3609375);
        QTest::newRow("150 at 100 ms") << 150 << 10 << qint64(41406) << qint64(341406);
        QTest::newRow("254 at 1 s") << 254 << 100 << qint64(7812) << qint64(3007812);
    }
    void timersFollowTheRfc()
    {
        QFETCH(int, priority);
        QFETCH(int, intervalCs);
        QFETCH(qint64, skewMicros);
        QFETCH(qint64, masterDownMicros);
        QCOMPARE(StateMachine::skewMicros(uint8_t(priority), uint16_t(intervalCs)), skewMicros);
        QCOMPARE(StateMachine::masterDownMicros(uint8_t(priority), uint16_t(intervalCs)), masterDownMicros);
    }

    void backupBecomesMasterWhenTheMasterDownTimerExpires()
    {
        StateMachine sm(config(10));
        sm.start(100, 0);
        QCOMPARE(sm.state(), State::Backup);
        const int64_t down = StateMachine::masterDownMicros(100, 10);
        QCOMPARE(sm.nextDeadline(), down);
        sm.timersDue(down - 1);
        QCOMPARE(sm.state(), State::Backup);
        sm.takeActions();
        sm.timersDue(down);
        QCOMPARE(sm.state(), State::Master);
        const auto actions = sm.takeActions();
        QCOMPARE(count(actions, Action::Kind::SendAdvert), 1);
        QCOMPARE(count(actions, Action::Kind::AddAddress), 1);
        QCOMPARE(count(actions, Action::Kind::SendGarp), 1);
        QCOMPARE(actions.back().reason, std::string("master down timer expired"));
    }

    void advertsFromABetterMasterKeepTheBackupWaiting()
    {
        StateMachine sm(config(10));
        sm.start(100, 0);
        for (int64_t t = 50 * kMs; t < 2000 * kMs; t += 100 * kMs) {
            sm.advertReceived(kPeer, 150, 10, t);
            sm.timersDue(t);
            QCOMPARE(sm.state(), State::Backup);
        }
        QVERIFY(sm.masterIp() == hafront::config::Address(kPeer));
    }

    void priorityZeroShortensTheWaitToSkewTime()
    {
        StateMachine sm(config(10));
        sm.start(100, 0);
        sm.advertReceived(kPeer, 150, 10, 100 * kMs);
        sm.advertReceived(kPeer, 0, 10, 200 * kMs);
        QCOMPARE(sm.nextDeadline(), 200 * kMs + StateMachine::skewMicros(100, 10));
        sm.timersDue(sm.nextDeadline());
        QCOMPARE(sm.state(), State::Master);
    }

    void designatedSuccessorTakesOverAtOnceOnPriorityZero()
    {
        auto c = config(100);
        c.successorOf = {kPeer};
        StateMachine sm(c);
        sm.start(100, 0);
        sm.advertReceived(kPeer, 150, 100, 100 * kMs);
        sm.takeActions();
        sm.advertReceived(kPeer, 0, 100, 200 * kMs);
        QCOMPARE(sm.state(), State::Master); // no Skew_Time wait
        const auto actions = sm.takeActions();
        QCOMPARE(count(actions, Action::Kind::AddAddress), 1);
        QCOMPARE(count(actions, Action::Kind::SendGarp), 1);
        // A stranger's priority 0 still waits Skew_Time.
        StateMachine other(config(100));
        other.start(100, 0);
        other.advertReceived(kLower, 0, 100, 100 * kMs);
        QCOMPARE(other.state(), State::Backup);
    }

    // IPv6 multicast: the senders are link-local addresses the config cannot
    // name; a node that succeeds every other takes over from the master's priority 0.
    void successorOfEveryoneTakesOverFromTheMastersPriorityZero()
    {
        const hafront::config::Address self(
            hafront::config::IPv6{0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x12});
        const hafront::config::Address master(
            hafront::config::IPv6{0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x11});
        const hafront::config::Address other(
            hafront::config::IPv6{0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x13});
        RouterConfig c = config(100);
        c.primaryIp = self;
        c.successorOfEveryone = true;
        StateMachine sm(c);
        sm.start(100, 0);
        sm.advertReceived(master, 150, 100, 100 * kMs);
        sm.advertReceived(other, 0, 100, 150 * kMs); // not the master: Skew_Time
        QCOMPARE(sm.state(), State::Backup);
        sm.advertReceived(master, 150, 100, 200 * kMs);
        sm.advertReceived(master, 0, 100, 300 * kMs);
        QCOMPARE(sm.state(), State::Master);
        QVERIFY(sm.takeActions().back().reason.find("fe80::11") != std::string::npos);
    }

    // RFC 5798 6.4.3: equal priorities, the higher primary address wins, IPv6 compared as a 128-bit number.
    void ipv6TiesGoToTheHigherAddress()
    {
        const hafront::config::Address low(
            hafront::config::IPv6{0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0x01, 0, 0, 0, 0, 0, 0xff});
        const hafront::config::Address high(
            hafront::config::IPv6{0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0x02, 0, 0, 0, 0, 0, 0x01});
        RouterConfig c = config(10);
        c.primaryIp = low;
        StateMachine sm(c);
        sm.start(100, 0);
        sm.timersDue(sm.nextDeadline());
        QCOMPARE(sm.state(), State::Master);
        sm.advertReceived(high, 100, 10, sm.nextDeadline());
        QCOMPARE(sm.state(), State::Backup); // fe80::2:0:0:1 > fe80::1:0:0:ff
        QVERIFY(sm.masterIp() == high);
    }

    void preemptionTakesOverFromALowerMaster_data()
    {
        QTest::addColumn<bool>("preempt");
        QTest::addColumn<qint64>("delayMs");
        QTest::addColumn<bool>("becomesMaster");
        QTest::newRow("preempt on") << true << qint64(0) << true;
        QTest::newRow("preempt off") << false << qint64(0) << false;
        QTest::newRow("preempt delay longer than the test") << true << qint64(60000) << false;
    }
    void preemptionTakesOverFromALowerMaster()
    {
        QFETCH(bool, preempt);
        QFETCH(qint64, delayMs);
        QFETCH(bool, becomesMaster);
        auto c = config(10);
        c.preempt = preempt;
        c.preemptDelayMicros = delayMs * kMs;
        StateMachine sm(c);
        sm.start(200, 0);
        for (int64_t t = 10 * kMs; t < 3000 * kMs; t += 100 * kMs) {
            sm.advertReceived(kPeer, 100, 10, t);
            sm.timersDue(t);
        }
        QCOMPARE(sm.state() == State::Master, becomesMaster);
    }

    void masterYieldsToHigherPriorityOrEqualPriorityWithHigherAddress_data()
    {
        QTest::addColumn<int>("peerPriority");
        QTest::addColumn<uint>("peerIp");
        QTest::addColumn<bool>("yields");
        QTest::newRow("higher priority") << 200 << uint(kLower) << true;
        QTest::newRow("equal, higher address") << 150 << uint(kPeer) << true;
        QTest::newRow("equal, lower address") << 150 << uint(kLower) << false;
        QTest::newRow("lower priority") << 100 << uint(kPeer) << false;
    }
    void masterYieldsToHigherPriorityOrEqualPriorityWithHigherAddress()
    {
        QFETCH(int, peerPriority);
        QFETCH(uint, peerIp);
        QFETCH(bool, yields);
        StateMachine sm(config(10));
        sm.start(150, 0);
        sm.timersDue(sm.nextDeadline());
        QCOMPARE(sm.state(), State::Master);
        sm.takeActions();
        sm.advertReceived(peerIp, uint8_t(peerPriority), 10, 500 * kMs);
        QCOMPARE(sm.state() == State::Backup, yields);
        const auto actions = sm.takeActions();
        QCOMPARE(count(actions, Action::Kind::SplitBrain), 1); // two masters were seen, either way
        QCOMPARE(count(actions, Action::Kind::RemoveAddress), yields ? 1 : 0);
    }

    void addressOwnerStartsAsMaster()
    {
        auto c = config(100);
        c.addressOwner = true;
        StateMachine sm(c);
        sm.start(255, 0);
        QCOMPARE(sm.state(), State::Master);
    }

    void masterAnswersPriorityZeroAtOnce()
    {
        StateMachine sm(config(100));
        sm.start(150, 0);
        sm.timersDue(sm.nextDeadline());
        sm.takeActions();
        sm.advertReceived(kPeer, 0, 100, 5000 * kMs);
        const auto actions = sm.takeActions();
        QCOMPARE(count(actions, Action::Kind::SendAdvert), 1);
        QCOMPARE(sm.state(), State::Master);
    }

    void maintenanceGivesTheVipAwayAndNeverTakesIt()
    {
        StateMachine sm(config(10));
        sm.start(150, 0);
        sm.timersDue(sm.nextDeadline());
        sm.takeActions();
        sm.setMaintenance(true, 1000 * kMs);
        QCOMPARE(sm.state(), State::Backup);
        auto actions = sm.takeActions();
        QCOMPARE(actions.front().kind, Action::Kind::SendAdvert);
        QCOMPARE(int(actions.front().priority), 0);
        QCOMPARE(count(actions, Action::Kind::RemoveAddress), 1);
        for (int64_t t = 1000 * kMs; t < 10000 * kMs; t += 100 * kMs)
            sm.timersDue(t); // nobody else answers, still no takeover
        QCOMPARE(sm.state(), State::Backup);
        sm.setMaintenance(false, 10000 * kMs);
        sm.timersDue(sm.nextDeadline());
        QCOMPARE(sm.state(), State::Master);
    }

    void forceMasterClaimsNow()
    {
        StateMachine sm(config(100));
        sm.start(100, 0);
        sm.advertReceived(kPeer, 150, 100, 100 * kMs);
        sm.forceMaster(254, 200 * kMs);
        QCOMPARE(sm.state(), State::Master);
        QCOMPARE(int(sm.priority()), 254);
        sm.takeActions();
        sm.advertReceived(kPeer, 150, 100, 300 * kMs); // the old master is lower now
        QCOMPARE(sm.state(), State::Master);
    }

    void shutdownSendsPriorityZeroAndRemovesTheVip()
    {
        StateMachine sm(config(10));
        sm.start(150, 0);
        sm.timersDue(sm.nextDeadline());
        sm.takeActions();
        sm.shutdown(2000 * kMs);
        const auto actions = sm.takeActions();
        QCOMPARE(int(actions.front().priority), 0);
        QCOMPARE(count(actions, Action::Kind::RemoveAddress), 1);
        QCOMPARE(sm.state(), State::Initialize);
    }

    void silentCrashDrillRemovesTheVipWithoutAdvert()
    {
        StateMachine sm(config(10));
        sm.start(150, 0);
        sm.timersDue(sm.nextDeadline());
        sm.takeActions();
        sm.goSilent(2000 * kMs);
        const auto actions = sm.takeActions();
        QCOMPARE(count(actions, Action::Kind::SendAdvert), 0);
        QCOMPARE(count(actions, Action::Kind::RemoveAddress), 1);
    }
};

QTEST_GUILESS_MAIN(TestVrrpStateMachine)
#include "tst_vrrpstatemachine.moc"
