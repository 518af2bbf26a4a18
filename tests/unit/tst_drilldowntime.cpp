// Drill downtime on recorded probe timelines, the VRRP prediction and the
// pre-checks that refuse a drill.
#include "drill/downtime.h"
#include "drill/drillrunner.h"
#include "drill/precheck.h"

#include <QtTest>

#include <cmath>

using namespace hafront;
using namespace hafront::drill;

namespace {

// A recorded timeline as text: one char per probe every `stepUs`, '.' = ok,
// 'x' = failed, starting at t = 0.
std::vector<ProbeResult> timeline(const QString &pattern, int64_t stepUs)
{
    std::vector<ProbeResult> out;
    for (int i = 0; i < pattern.size(); ++i)
        out.push_back({i * stepUs, 800, pattern[i] == '.', "", pattern[i] == '.' ? "" : "timeout"});
    return out;
}

v1::NodeStatus node(const std::string &name, v1::VrrpState state, uint32_t prio, bool maint = false,
                    uint32_t backendsUp = 1)
{
    v1::NodeStatus s;
    s.set_node(name);
    auto *v = s.add_vips();
    v->set_name("www");
    v->set_state(state);
    v->set_effective_priority(prio);
    v->set_maintenance(maint);
    auto *p = s.add_pools();
    p->set_name("app");
    p->set_backends_up(backendsUp);
    return s;
}

v1::Cluster cluster()
{
    v1::Cluster c;
    auto *v = c.add_vip();
    v->set_name("www");
    v->set_address("192.0.2.100/24");
    auto *p = c.add_pool();
    p->set_name("app");
    auto *unused = c.add_pool();
    unused->set_name("batch");
    auto *l = c.add_listener();
    l->set_bind("192.0.2.100:80");
    l->add_route()->set_pool("app");
    return c;
}

// The same on IPv6: a VIP "2001:db8::100/64" and its listener "[2001:db8::100]:80",
// beside an IPv4 listener with another pool.
v1::Cluster cluster6()
{
    v1::Cluster c = cluster();
    auto *v = c.add_vip();
    v->set_name("www6");
    v->set_address("2001:db8::100/64");
    auto *p = c.add_pool();
    p->set_name("app6");
    auto *l = c.add_listener();
    l->set_bind("[2001:db8::100]:80");
    l->add_route()->set_pool("app6");
    return c;
}

} // namespace

class TestDrillDowntime : public QObject {
    Q_OBJECT
private slots:
    void downtimeIsTheLongestGapBetweenSuccesses_data()
    {
        QTest::addColumn<QString>("pattern"); // 5 ms per probe (200/s); the move at probe 10
        QTest::addColumn<double>("downtimeMs");
        QTest::addColumn<int>("total");
        QTest::addColumn<int>("failed");
        QTest::addColumn<bool>("recovered");
        QTest::newRow("no failure: one probe interval") << "..........(.........." << 5.0 << 10 << 0 << true;
        QTest::newRow("one failed probe") << "..........(x........." << 10.0 << 10 << 1 << true;
        QTest::newRow("three failed probes") << "..........(..xxx....." << 20.0 << 10 << 3 << true;
        QTest::newRow("longest of two outages") << "..........(x..xxxx..." << 25.0 << 10 << 5 << true;
        QTest::newRow("outage starting before the move counts from the last success")
            << "........xx(xx........" << 25.0 << 10 << 2 << true;
        QTest::newRow("never recovers: runs to the phase end") << "..........(...xxxxxxx" << 40.0 << 10 << 7 << false;
        QTest::newRow("nothing ever succeeded") << "xxxxxxxxxx(xxxxxxxxxx" << 50.0 << 10 << 10 << false;
    }
    void downtimeIsTheLongestGapBetweenSuccesses()
    {
        QFETCH(QString, pattern);
        QFETCH(double, downtimeMs);
        QFETCH(int, total);
        QFETCH(int, failed);
        QFETCH(bool, recovered);
        const int move = int(pattern.indexOf('('));
        QString probes = pattern;
        probes.remove('(');
        const auto results = timeline(probes, 5000);
        const auto s = computePhase(results, move * 5000, probes.size() * 5000);
        QCOMPARE(s.downtimeMs, downtimeMs);
        QCOMPARE(s.probesTotal, total);
        QCOMPARE(s.probesFailed, failed);
        QCOMPARE(s.recovered, recovered);
    }

    void phasesSplitAtTheMoves()
    {
        //                 baseline | failover           | failback
        const auto results = timeline("....."
                                      "..xxx......."
                                      "....x......",
                                      10000);
        const auto over = computePhase(results, 50000, 170000);
        const auto back = computePhase(results, 170000, 280000);
        QCOMPARE(over.downtimeMs, 40.0);
        QCOMPARE(over.lastOkBeforeUs, 60000);
        QCOMPARE(over.firstOkAfterUs, 100000);
        QCOMPARE(back.downtimeMs, 20.0);
        QCOMPARE(over.probesTotal + back.probesTotal, 23);
    }

    void unsortedProbesGiveTheSameAnswer()
    {
        auto results = timeline("....xxx....", 5000);
        std::reverse(results.begin(), results.end());
        QCOMPARE(computePhase(results, 0, 55000).downtimeMs, 20.0);
    }

    void predictionFollowsTheRfcTimers_data()
    {
        QTest::addColumn<int>("mode");
        QTest::addColumn<uint>("advertMs");
        QTest::addColumn<uint>("priority");
        QTest::addColumn<double>("rate");
        QTest::addColumn<double>("expectedMs");
        QTest::newRow("graceful: one probe interval") << 0 << 100u << 100u << 200.0 << 5.0;
        QTest::newRow("crash, advert 100 ms, backup 100") << 1 << 100u << 100u << 200.0 << 300.0 + 156.0 * 100 / 256;
        QTest::newRow("crash, advert 1 s, backup 254") << 1 << 1000u << 254u << 200.0 << 3000.0 + 2.0 * 1000 / 256;
        QTest::newRow("crash, advert 1 s, backup 1") << 1 << 1000u << 1u << 10.0 << 3000.0 + 255.0 * 1000 / 256;
    }
    void predictionFollowsTheRfcTimers()
    {
        QFETCH(int, mode);
        QFETCH(uint, advertMs);
        QFETCH(uint, priority);
        QFETCH(double, rate);
        QFETCH(double, expectedMs);
        // The RFC timers are kept in whole microseconds (vrrp::StateMachine).
        const double got = predictedMs(mode ? Mode::Crash : Mode::Graceful, advertMs, priority, rate);
        QVERIFY2(std::abs(got - expectedMs) <= 0.001, qPrintable(QString("%1 vs %2").arg(got).arg(expectedMs)));
    }

    void precheckRefusesWithAReason_data()
    {
        QTest::addColumn<QString>("scenario");
        QTest::addColumn<QString>("reason"); // "" = allowed
        QTest::newRow("healthy pair") << "ok"
                                      << "";
        QTest::newRow("node unreachable") << "unreachable"
                                          << "node fe2 is unreachable: no agent socket";
        QTest::newRow("split brain") << "split"
                                     << "split brain: VIP www is master on fe1 and fe2";
        QTest::newRow("no master") << "nomaster"
                                   << "VIP www has no master";
        QTest::newRow("already in maintenance") << "maint"
                                                << "VIP www is already in maintenance on fe2";
        QTest::newRow("backup has priority 0 (fault)") << "fault"
                                                       << "no healthy backup is eligible for VIP www";
        QTest::newRow("backup pools down") << "pools"
                                           << "pool app on fe2 has no healthy backend";
    }
    void precheckRefusesWithAReason()
    {
        QFETCH(QString, scenario);
        QFETCH(QString, reason);
        NodeView fe1{"fe1", true, "", node("fe1", v1::MASTER, 150)};
        NodeView fe2{"fe2", true, "", node("fe2", v1::BACKUP, 100)};
        if (scenario == "unreachable")
            fe2 = NodeView{"fe2", false, "no agent socket", std::nullopt};
        if (scenario == "split")
            fe2.status = node("fe2", v1::MASTER, 100);
        if (scenario == "nomaster")
            fe1.status = node("fe1", v1::BACKUP, 150);
        if (scenario == "maint")
            fe2.status = node("fe2", v1::BACKUP, 100, true);
        if (scenario == "fault")
            fe2.status = node("fe2", v1::FAULT, 0);
        if (scenario == "pools")
            fe2.status = node("fe2", v1::BACKUP, 100, false, 0);
        const auto r = precheck(cluster(), "www", {fe1, fe2});
        QCOMPARE(QString::fromStdString(r.firstFailure()), reason);
        QCOMPARE(r.ok(), reason.isEmpty());
        if (r.ok()) {
            QCOMPARE(r.master, std::string("fe1"));
            QCOMPARE(r.successor, std::string("fe2"));
        }
    }

    void onlyPoolsBehindTheVipAreChecked()
    {
        QCOMPARE(poolsBehindVip(cluster(), "www"), std::vector<std::string>{"app"});
        QCOMPARE(poolsBehindVip(cluster6(), "www6"), std::vector<std::string>{"app6"});
        QCOMPARE(poolsBehindVip(cluster6(), "www"), std::vector<std::string>{"app"});
    }

    void theDefaultProbeIsTheVipsListener()
    {
        QCOMPARE(DrillRunner::defaultProbeUrl(cluster(), "www").value(), std::string("http://192.0.2.100:80/"));
        QCOMPARE(DrillRunner::defaultProbeUrl(cluster6(), "www6").value(), std::string("http://[2001:db8::100]:80/"));
        const auto none = DrillRunner::defaultProbeUrl(cluster6(), "nope");
        QVERIFY(!none.ok());
    }
};

QTEST_GUILESS_MAIN(TestDrillDowntime)
#include "tst_drilldowntime.moc"
