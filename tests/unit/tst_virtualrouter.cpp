// The VIP policy around the RFC state machine, with virtual time: the
// announcement repeat schedule, the address-retry backoff, fault and
// force-master priority, the split-brain throttle and the crash drill's silence.
#include "vrrp/virtualrouter.h"

#include <QtTest>

using namespace hafront::vrrp;

namespace {
constexpr uint32_t kSelf = 0xC000020B; // 192.0.2.11
constexpr uint32_t kPeer = 0xC000020C; // 192.0.2.12
constexpr int64_t kMs = 1000;
constexpr uint16_t kIntervalCs = 10; // 100 ms adverts

RouterConfig config()
{
    RouterConfig c;
    c.vrid = 51;
    c.primaryIp = kSelf;
    c.advertIntervalCs = kIntervalCs;
    return c;
}

PriorityInputs inputs(uint8_t priority = 100)
{
    PriorityInputs in;
    in.configured = priority;
    in.tracked = priority;
    return in;
}

using Kind = RouterAction::Kind;

int count(const std::vector<RouterAction> &actions, Kind kind)
{
    return int(std::count_if(actions.begin(), actions.end(), [&](const RouterAction &a) { return a.kind == kind; }));
}

int announced(const std::vector<RouterAction> &actions)
{
    int n = 0;
    for (const auto &a : actions)
        if (a.kind == Kind::Announce)
            n += a.count;
    return n;
}

// Runs the router's own timers from `from` to `to`, returning every action.
std::vector<RouterAction> runUntil(VirtualRouter &vr, int64_t from, int64_t to)
{
    std::vector<RouterAction> all;
    int64_t now = from;
    for (int guard = 0; guard < 100000; ++guard) {
        const int64_t due = vr.nextDeadline();
        if (!due || due > to)
            break;
        now = std::max(now, due);
        vr.timersDue(now);
        for (auto &a : vr.takeActions())
            all.push_back(std::move(a));
    }
    return all;
}

// A router that became master at `t`: started alone, master-down timer run out.
int64_t becomeMaster(VirtualRouter &vr)
{
    vr.start(inputs(), 0);
    vr.takeActions();
    const int64_t t = StateMachine::masterDownMicros(100, kIntervalCs);
    vr.timersDue(t);
    return t;
}
} // namespace

class TestVirtualRouter : public QObject {
    Q_OBJECT
private slots:
    void announcementsAreABurstThenRepeatsOverTwoSeconds()
    {
        VirtualRouter vr(config());
        vr.start(inputs(), 0);
        vr.takeActions();
        const int64_t t = StateMachine::masterDownMicros(100, kIntervalCs);
        vr.timersDue(t);
        auto first = vr.takeActions();
        QCOMPARE(vr.machine().state(), State::Master);
        QCOMPARE(announced(first), kAnnounceBurst);
        // Each repeat at its offset from the takeover, one packet each.
        for (int64_t offset : kAnnounceRepeatsMicros) {
            vr.timersDue(t + offset - 1);
            QCOMPARE(announced(vr.takeActions()), 0);
            vr.timersDue(t + offset);
            QCOMPARE(announced(vr.takeActions()), 1);
        }
        QCOMPARE(announced(runUntil(vr, t + 2'000 * kMs, t + 10'000 * kMs)), 0);
    }

    void announcementsStopWhenTheVipIsGivenAway()
    {
        VirtualRouter vr(config());
        const int64_t t = becomeMaster(vr);
        vr.takeActions();
        vr.timersDue(t + kAnnounceRepeatsMicros[0]);
        QCOMPARE(announced(vr.takeActions()), 1);
        // A better master from t + 100 ms on, advertising every 100 ms.
        int later = 0;
        for (int64_t at = t + 100 * kMs; at <= t + 2'500 * kMs; at += 100 * kMs) {
            vr.advertReceived(kPeer, 200, kIntervalCs, at);
            vr.timersDue(at);
            QCOMPARE(vr.machine().state(), State::Backup);
            later += announced(vr.takeActions());
        }
        QCOMPARE(later, 0);
    }

    void aRefusedAddressFaultsThenRetriesWithBackoff()
    {
        // Alone on the link, every add refused: the adapter's loop, 30 virtual minutes.
        VirtualRouter vr(config());
        vr.start(inputs(), 0);
        const int64_t masterDown = StateMachine::masterDownMicros(100, kIntervalCs);
        std::vector<int64_t> attempts, waits;
        int announcements = 0, removals = 0, retries = 0, zeroAdverts = 0;
        int64_t now = 0;
        for (int guard = 0; guard < 200000 && now < 1'800'000 * kMs; ++guard) {
            while (auto a = vr.nextAction()) {
                if (a->kind == Kind::AddAddress) {
                    attempts.push_back(now);
                    waits.push_back(vr.addressFailed(now));
                    QVERIFY(vr.fault());
                    QCOMPARE(vr.machine().state(), State::Backup); // given up at once
                }
                announcements += a->kind == Kind::Announce ? a->count : 0;
                removals += a->kind == Kind::RemoveAddress;
                retries += a->kind == Kind::AddressRetry;
                zeroAdverts += a->kind == Kind::SendAdvert && a->priority == 0;
            }
            now = vr.nextDeadline();
            vr.timersDue(now);
        }
        QCOMPARE(announcements, 0);                  // never announce an address that is not there
        QCOMPARE(removals, 0);                       // nor remove one
        QCOMPARE(zeroAdverts, int(attempts.size())); // each give-up tells the backups at once
        QVERIFY(attempts.size() >= 8);
        QVERIFY(retries >= int(attempts.size()) - 1);
        // 5 s, doubling, capped at 5 min; the next try after the wait and within
        // one Master_Down_Interval of it.
        QCOMPARE(waits[0], kAddressRetryFirstMicros);
        for (size_t i = 1; i < waits.size(); ++i)
            QCOMPARE(waits[i], std::min(waits[i - 1] * 2, kAddressRetryMaxMicros));
        QCOMPARE(waits.back(), kAddressRetryMaxMicros);
        for (size_t i = 1; i < attempts.size(); ++i) {
            const int64_t gap = attempts[i] - attempts[i - 1];
            QVERIFY2(gap >= waits[i - 1] && gap <= waits[i - 1] + masterDown, qPrintable(QString::number(gap)));
        }
    }

    void aSuccessfulAddResetsTheBackoff()
    {
        VirtualRouter vr(config());
        int64_t now = becomeMaster(vr);
        vr.takeActions();
        QCOMPARE(vr.addressFailed(now), kAddressRetryFirstMicros);
        vr.takeActions();
        now += kAddressRetryFirstMicros;
        vr.timersDue(now);
        now += StateMachine::masterDownMicros(100, kIntervalCs);
        vr.timersDue(now);
        QCOMPARE(vr.machine().state(), State::Master);
        vr.takeActions();
        vr.addressAdded();
        vr.advertReceived(kPeer, 200, kIntervalCs, now); // gives it away
        vr.takeActions();
        now += StateMachine::masterDownMicros(100, kIntervalCs);
        vr.timersDue(now);
        QCOMPARE(vr.machine().state(), State::Master);
        vr.takeActions();
        QCOMPARE(vr.addressFailed(now), kAddressRetryFirstMicros);
    }

    void priorityFollowsFaultMaintenanceAndForceMaster_data()
    {
        QTest::addColumn<int>("configured");
        QTest::addColumn<int>("tracked");
        QTest::addColumn<bool>("trackerFault");
        QTest::addColumn<bool>("maintenance");
        QTest::addColumn<bool>("forceMaster");
        QTest::addColumn<int>("priority");
        QTest::addColumn<bool>("inMaintenance");
        QTest::newRow("plain") << 100 << 100 << false << false << false << 100 << false;
        QTest::newRow("tracker weight") << 100 << 40 << false << false << false << 40 << false;
        QTest::newRow("tracker fault") << 100 << 100 << true << false << false << 100 << true;
        QTest::newRow("maintenance") << 150 << 150 << false << true << false << 150 << true;
        QTest::newRow("force-master") << 100 << 40 << false << false << true << 254 << false;
        QTest::newRow("force-master, owner") << 255 << 255 << false << false << true << 255 << false;
        QTest::newRow("maintenance beats force-master") << 100 << 100 << false << true << true << 100 << true;
        QTest::newRow("fault beats force-master") << 100 << 100 << true << false << true << 100 << true;
    }
    void priorityFollowsFaultMaintenanceAndForceMaster()
    {
        QFETCH(int, configured);
        QFETCH(int, tracked);
        QFETCH(bool, trackerFault);
        QFETCH(bool, maintenance);
        QFETCH(bool, forceMaster);
        QFETCH(int, priority);
        QFETCH(bool, inMaintenance);
        VirtualRouter vr(config());
        PriorityInputs in;
        in.configured = uint8_t(configured);
        in.tracked = uint8_t(tracked);
        in.trackerFault = trackerFault;
        in.maintenance = maintenance;
        in.forceMaster = forceMaster;
        vr.start(inputs(uint8_t(configured)), 0);
        vr.setInputs(in, 10 * kMs);
        QCOMPARE(int(vr.machine().priority()), priority);
        QCOMPARE(vr.machine().maintenance(), inMaintenance);
        QCOMPARE(vr.forced(), forceMaster && !inMaintenance);
        QCOMPARE(vr.fault(), trackerFault);
    }

    void forceMasterTakesOverAtOnceFromABackup()
    {
        VirtualRouter vr(config());
        vr.start(inputs(), 0);
        vr.advertReceived(kPeer, 150, kIntervalCs, 50 * kMs);
        vr.takeActions();
        PriorityInputs in = inputs();
        in.forceMaster = true;
        vr.setInputs(in, 60 * kMs);
        QCOMPARE(vr.machine().state(), State::Master);
        const auto actions = vr.takeActions();
        QCOMPARE(count(actions, Kind::AddAddress), 1);
        QCOMPARE(announced(actions), kAnnounceBurst);
        // Clearing it keeps the VIP (a better master must claim it) but drops the priority.
        vr.setInputs(inputs(), 70 * kMs);
        QCOMPARE(vr.machine().state(), State::Master);
        QCOMPARE(int(vr.machine().priority()), 100);
        QVERIFY(!vr.forced());
    }

    void splitBrainIsReportedAtMostOncePerTenSeconds()
    {
        VirtualRouter vr(config());
        vr.start(inputs(200), 0);
        int64_t now = StateMachine::masterDownMicros(200, kIntervalCs);
        vr.timersDue(now);
        vr.takeActions();
        int events = 0;
        // A lower master heard every 100 ms for 25 s: events at 0, 10 s, 20 s.
        for (int i = 0; i < 250; ++i) {
            now += 100 * kMs;
            vr.advertReceived(kPeer, 100, kIntervalCs, now);
            events += count(vr.takeActions(), Kind::SplitBrain);
            QCOMPARE(vr.machine().state(), State::Master);
        }
        QCOMPARE(events, 3);
    }

    void crashDrillIsSilentThenStartsAfresh()
    {
        VirtualRouter vr(config());
        int64_t now = becomeMaster(vr);
        vr.takeActions();
        vr.simulateCrash(3'000 * kMs, now);
        QVERIFY(vr.silent());
        auto gone = vr.takeActions();
        QCOMPARE(count(gone, Kind::RemoveAddress), 1);
        QCOMPARE(count(gone, Kind::SendAdvert), 0); // as after kill -9: no priority-0 advert
        QCOMPARE(vr.nextDeadline(), now + 3'000 * kMs);
        // Silent: no adverts, no announcements, adverts and input changes ignored.
        vr.advertReceived(kPeer, 100, kIntervalCs, now + 10 * kMs);
        PriorityInputs in = inputs(100);
        in.tracked = 80;
        vr.setInputs(in, now + 20 * kMs);
        vr.timersDue(now + 2'999 * kMs);
        QVERIFY(vr.takeActions().empty());
        QCOMPARE(int(vr.machine().priority()), 100);
        // Back: a fresh start as backup with the inputs given meanwhile.
        vr.timersDue(now + 3'000 * kMs);
        QVERIFY(!vr.silent());
        QCOMPARE(vr.machine().state(), State::Backup);
        QCOMPARE(int(vr.machine().priority()), 80);
    }

    void ownAdvertsAreIgnored()
    {
        VirtualRouter vr(config());
        const int64_t now = becomeMaster(vr);
        vr.takeActions();
        vr.advertReceived(kSelf, 100, kIntervalCs, now + 10 * kMs);
        QVERIFY(vr.takeActions().empty());
        QCOMPARE(vr.machine().state(), State::Master);
    }

    void aPriorityOnlyReloadKeepsTheRouter()
    {
        hafront::v1::Vip vip;
        vip.set_name("www");
        vip.set_vrid(51);
        vip.set_address("192.0.2.100/24");
        auto *p = vip.add_priority();
        p->set_node("fe1");
        p->set_value(150);
        const std::string before = routerDefinition(vip, "192.0.2.11", false);
        p->set_value(90);
        QCOMPARE(routerDefinition(vip, "192.0.2.11", false), before);
        QVERIFY(routerDefinition(vip, "192.0.2.11", true) != before);  // became the address owner
        QVERIFY(routerDefinition(vip, "192.0.2.13", false) != before); // node address moved
        vip.set_advert_interval_ms(1000);
        QVERIFY(routerDefinition(vip, "192.0.2.11", false) != before);
    }

    void theSuccessorHearsItsPredecessorsPriorityZero()
    {
        hafront::v1::Cluster cluster;
        for (auto [name, address] : {std::pair("fe1", "192.0.2.11"), {"fe2", "192.0.2.12"}, {"fe3", "192.0.2.13"}}) {
            auto *n = cluster.add_node();
            n->set_name(name);
            n->set_address(address);
        }
        auto *vip = cluster.add_vip();
        vip->set_name("www");
        vip->set_vrid(51);
        for (auto [node, value] : {std::pair("fe1", 150), {"fe2", 100}, {"fe3", 100}}) {
            auto *p = vip->add_priority();
            p->set_node(node);
            p->set_value(uint32_t(value));
        }
        // fe1 leaving: fe3 wins the tie on the higher address; fe3 or fe2 leaving: fe1.
        using Senders = std::set<hafront::config::Address>;
        QVERIFY(handoverSenders(cluster, *vip, "fe3") == (Senders{0xC000020Bu}));
        QVERIFY(handoverSenders(cluster, *vip, "fe1") == (Senders{0xC000020Cu, 0xC000020Du}));
        QVERIFY(handoverSenders(cluster, *vip, "fe2").empty());
    }
};

QTEST_APPLESS_MAIN(TestVirtualRouter)
#include "tst_virtualrouter.moc"
