// The drill's steps as a pure plan: recorded observations of two nodes, virtual
// time, the commands the plan gives. No agents, no links, no clock.
#include "drill/drillplan.h"

#include "vrrp/statemachine.h"

#include <QtTest>

using namespace hafront;
using namespace hafront::drill;

namespace {

constexpr int64_t kMs = 1000;

v1::Cluster cluster()
{
    v1::Cluster c;
    auto *v = c.add_vip();
    v->set_name("www");
    v->set_address("192.0.2.100/24");
    v->set_advert_interval_ms(100);
    for (auto [node, prio] : {std::pair{"fe1", 150}, std::pair{"fe2", 100}}) {
        auto *p = v->add_priority();
        p->set_node(node);
        p->set_value(uint32_t(prio));
    }
    c.add_pool()->set_name("app");
    auto *l = c.add_listener();
    l->set_bind("192.0.2.100:80");
    l->add_route()->set_pool("app");
    return c;
}

NodeView node(const std::string &name, v1::VrrpState state, uint32_t priority)
{
    NodeView n;
    n.node = name;
    n.reachable = true;
    v1::NodeStatus s;
    s.set_node(name);
    auto *v = s.add_vips();
    v->set_name("www");
    v->set_state(state);
    v->set_effective_priority(priority);
    auto *p = s.add_pools();
    p->set_name("app");
    p->set_backends_up(1);
    n.status = s;
    return n;
}

// The cluster as the adapter would see it: who is master, probes so far.
struct World {
    std::string master = "fe1";
    bool clocksMeasured = false;
    int probesOk = 0;
    std::vector<Observation::Reply> replies;

    Observation observe()
    {
        Observation o;
        o.nodes = {node("fe1", master == "fe1" ? v1::MASTER : v1::BACKUP, 150),
                   node("fe2", master == "fe2" ? v1::MASTER : v1::BACKUP, 100)};
        o.clocksMeasured = clocksMeasured;
        o.probesOk = probesOk;
        o.replies = std::exchange(replies, {});
        return o;
    }
};

std::vector<PlanCommand> only(const std::vector<PlanCommand> &commands, PlanCommand::Kind kind)
{
    std::vector<PlanCommand> out;
    for (const auto &c : commands)
        if (c.kind == kind)
            out.push_back(c);
    return out;
}

const PlanCommand *finishOf(const std::vector<PlanCommand> &commands)
{
    for (const auto &c : commands)
        if (c.kind == PlanCommand::Kind::Finish)
            return &c;
    return nullptr;
}

// Steps the plan every 10 ms of virtual time until `until` says stop or `limitUs` passes.
struct Run {
    DrillPlan plan;
    World world;
    int64_t now = 0;
    std::vector<PlanCommand> log;

    explicit Run(PlanOptions o) : plan(std::move(o)) { take(plan.start(now)); }

    void take(std::vector<PlanCommand> commands)
    {
        for (const auto &c : commands)
            if (c.kind == PlanCommand::Kind::Send)
                world.replies.push_back({c.id, true, {}}); // the agents accept by default
        log.insert(log.end(), commands.begin(), commands.end());
    }
    std::vector<PlanCommand> stepFor(int64_t durationUs)
    {
        std::vector<PlanCommand> seen;
        for (const int64_t end = now + durationUs; now < end && plan.running();) {
            now += 10 * kMs;
            auto c = plan.step(world.observe(), now);
            seen.insert(seen.end(), c.begin(), c.end());
            take(c);
        }
        return seen;
    }
    // Connects, pings and probes a baseline: returns the move.
    std::vector<PlanCommand> toTheMove()
    {
        stepFor(10 * kMs);
        world.clocksMeasured = true;
        world.probesOk = 50;
        return stepFor(DrillPlan::kBaselineMs * kMs + 20 * kMs);
    }
};

PlanOptions options(Mode mode = Mode::Graceful)
{
    PlanOptions o;
    o.cluster = cluster();
    o.vip = "www";
    o.mode = mode;
    o.durationMs = 6000;
    return o;
}

} // namespace

class TestDrillPlan : public QObject {
    Q_OBJECT
private slots:
    void gracefulDrillHandsOverAndFailsBack_data()
    {
        QTest::addColumn<QString>("successor");
        QTest::addColumn<QString>("moveNode");
        QTest::addColumn<QString>("moveCase");
        QTest::addColumn<QString>("backNode");
        QTest::addColumn<QString>("backCase");
        QTest::newRow("maintenance on the master") << ""
                                                   << "fe1"
                                                   << "vip_maintenance"
                                                   << "fe1"
                                                   << "vip_maintenance";
        QTest::newRow("force-master on the successor") << "fe2"
                                                       << "fe2"
                                                       << "vip_force_master"
                                                       << "fe2"
                                                       << "vip_release";
    }
    void gracefulDrillHandsOverAndFailsBack()
    {
        QFETCH(QString, successor);
        QFETCH(QString, moveNode);
        QFETCH(QString, moveCase);
        QFETCH(QString, backNode);
        QFETCH(QString, backCase);
        auto o = options();
        o.successor = successor.toStdString();
        Run run(o);
        QCOMPARE(run.plan.nodes(), (std::vector<std::string>{"fe1", "fe2"}));
        const auto move = only(run.toTheMove(), PlanCommand::Kind::Send);
        QCOMPARE(move.size(), size_t(1));
        QCOMPARE(QString::fromStdString(move[0].node), moveNode);
        const auto *field = move[0].command.GetDescriptor()->FindFieldByName(moveCase.toStdString());
        QVERIFY(move[0].command.GetReflection()->HasField(move[0].command, field));
        if (moveCase == "vip_maintenance")
            QVERIFY(move[0].command.vip_maintenance().on());
        QCOMPARE(run.plan.current(), DrillPlan::Step::WaitNewMaster);
        const int64_t moveAt = run.plan.failoverStartUs();

        run.world.master = "fe2";
        run.stepFor(20 * kMs);
        QCOMPARE(run.plan.newMaster(), std::string("fe2"));
        QCOMPARE(run.plan.current(), DrillPlan::Step::Hold);
        // Hold: half of the probing after the baseline, then the failback.
        QCOMPARE(run.plan.holdMs(), int64_t((6000 - DrillPlan::kBaselineMs) / 2));
        const auto back = only(run.stepFor(run.plan.holdMs() * kMs), PlanCommand::Kind::Send);
        QCOMPARE(back.size(), size_t(1));
        QCOMPARE(QString::fromStdString(back[0].node), backNode);
        field = back[0].command.GetDescriptor()->FindFieldByName(backCase.toStdString());
        QVERIFY(back[0].command.GetReflection()->HasField(back[0].command, field));
        if (backCase == "vip_maintenance")
            QVERIFY(!back[0].command.vip_maintenance().on());
        QCOMPARE(run.plan.failbackStartUs(), moveAt + run.plan.holdMs() * kMs); // steps are 10 ms apart

        run.world.master = "fe1";
        const auto end = run.stepFor(10000 * kMs);
        const auto *finish = finishOf(end);
        QVERIFY(finish);
        QCOMPARE(finish->outcome, Outcome::Done);
        QVERIFY(finish->text.isEmpty());
        QCOMPARE(run.plan.finalMaster(), std::string("fe1"));
        // It ends once the probing lasted the drill's duration.
        QVERIFY(run.now - run.plan.zeroUs() >= 6000 * kMs);
        QVERIFY(run.now - run.plan.zeroUs() < 6000 * kMs + 600 * kMs);
    }

    void crashDrillWaitsForTheCrashToEnd()
    {
        Run run(options(Mode::Crash));
        const auto move = only(run.toTheMove(), PlanCommand::Kind::Send);
        QCOMPARE(move.size(), size_t(1));
        QVERIFY(move[0].command.has_vip_simulate_crash());
        QCOMPARE(int64_t(move[0].command.vip_simulate_crash().duration_ms()), run.plan.holdMs());
        const int64_t crashEnds = run.plan.failoverStartUs() + run.plan.holdMs() * kMs;
        run.world.master = "fe2";
        run.stepFor(50 * kMs);
        QCOMPARE(run.plan.current(), DrillPlan::Step::Hold);
        // The crashed node is back as master early: the failback still waits for the crash to end.
        run.world.master = "fe1";
        run.stepFor(crashEnds - run.now - 20 * kMs);
        QCOMPARE(run.plan.current(), DrillPlan::Step::Hold);
        run.stepFor(40 * kMs);
        QCOMPARE(run.plan.current(), DrillPlan::Step::Tail);
        QCOMPARE(run.plan.failbackStartUs(), crashEnds);
    }

    void noNewMasterWithinTwiceMasterDownIntervalAborts()
    {
        Run run(options());
        run.toTheMove();
        // RFC 5798 6.1 for the backup (priority 100, advert 100 ms): 3 x 100 + (256 - 100) x 100 / 256 ms.
        const int64_t mdiUs = vrrp::StateMachine::masterDownMicros(100, 10);
        QCOMPARE(mdiUs, int64_t(300000 + 156 * 100000 / 256));
        QCOMPARE(run.plan.moveTimeoutMs(), int(2 * mdiUs / 1000.0) + 3000);
        const int64_t moveAt = run.now;
        const auto seen = run.stepFor((run.plan.moveTimeoutMs() + 50) * kMs);
        const auto sends = only(seen, PlanCommand::Kind::Send);
        QCOMPARE(sends.size(), size_t(1)); // restore: maintenance off on the old master
        QVERIFY(!sends[0].command.vip_maintenance().on());
        QCOMPARE(run.plan.current(), DrillPlan::Step::Restoring);
        QVERIFY(run.now - moveAt > run.plan.moveTimeoutMs() * kMs);
        // fe1 never stopped being master: restored after 300 ms.
        const auto end = run.stepFor(1000 * kMs); // finishOf points into it
        const auto *finish = finishOf(end);
        QVERIFY(finish);
        QCOMPARE(finish->outcome, Outcome::Refused);
        QVERIFY(finish->text.contains("no backup became master"));
    }

    void refusedMoveAbortsAndRestores()
    {
        auto o = options();
        o.successor = "fe2";
        Run run(o);
        run.stepFor(10 * kMs);
        run.world.clocksMeasured = true;
        run.world.probesOk = 1;
        std::vector<PlanCommand> move;
        while (move.empty() && run.now < 2000 * kMs) {
            run.now += 10 * kMs;
            move = only(run.plan.step(run.world.observe(), run.now), PlanCommand::Kind::Send);
        }
        QCOMPARE(move.size(), size_t(1));
        run.world.replies.push_back({move[0].id, false, "refused: not allowed"});
        const auto seen = run.stepFor(10 * kMs);
        const auto restore = only(seen, PlanCommand::Kind::Send);
        QCOMPARE(restore.size(), size_t(1));
        QVERIFY(restore[0].command.has_vip_release());
        QCOMPARE(restore[0].node, std::string("fe2"));
        const auto end = run.stepFor(1000 * kMs); // finishOf points into it
        const auto *finish = finishOf(end);
        QVERIFY(finish);
        QCOMPARE(finish->text, QString("the move was refused: refused: not allowed"));
        const auto &actions = run.plan.actions();
        QVERIFY(std::any_of(actions.begin(), actions.end(), [](const RunnerAction &a) {
            return a.text == "force-master refused by fe2: refused: not allowed";
        }));
    }

    void refusesBeforeTheMove_data()
    {
        QTest::addColumn<QString>("vip");
        QTest::addColumn<bool>("fe2Reachable");
        QTest::addColumn<int>("probesOk");
        QTest::addColumn<int>("outcome");
        QTest::addColumn<QString>("reason");
        QTest::newRow("unknown VIP") << "api" << true << 1 << int(Outcome::Refused)
                                     << "VIP 'api' is not in the cluster config";
        QTest::newRow("unreachable node")
            << "www" << false << 1 << int(Outcome::Unreachable) << "node fe2 is unreachable: connection refused";
        QTest::newRow("no probe answered") << "www" << true << 0 << int(Outcome::Refused)
                                           << "the probe URL gave no successful answer before the move (timeout)";
    }
    void refusesBeforeTheMove()
    {
        QFETCH(QString, vip);
        QFETCH(bool, fe2Reachable);
        QFETCH(int, probesOk);
        QFETCH(int, outcome);
        QFETCH(QString, reason);
        auto o = options();
        o.vip = vip.toStdString();
        DrillPlan plan(o);
        std::vector<PlanCommand> all = plan.start(0);
        World world;
        for (int64_t now = 10 * kMs; plan.running() && now < 10000 * kMs; now += 10 * kMs) {
            world.clocksMeasured = true;
            world.probesOk = probesOk;
            auto obs = world.observe();
            obs.lastProbeError = "timeout";
            if (!fe2Reachable) {
                obs.nodes[1].reachable = false;
                obs.nodes[1].status.reset();
                obs.nodes[1].unreachableReason = "connection refused";
            }
            auto c = plan.step(obs, now);
            all.insert(all.end(), c.begin(), c.end());
        }
        const auto *finish = finishOf(all);
        QVERIFY(finish);
        QCOMPARE(int(finish->outcome), outcome);
        QCOMPARE(finish->text, reason);
        QVERIFY(only(all, PlanCommand::Kind::Send).empty()); // nothing was moved
    }

    void connectTimeoutRunsThePrechecksWithWhatIsThere()
    {
        auto o = options();
        o.connectTimeoutMs = 3000;
        DrillPlan plan(o);
        plan.start(0);
        World world;
        auto obs = world.observe();
        obs.nodes[1].reachable = false;
        obs.nodes[1].status.reset();
        QVERIFY(plan.step(obs, 2990 * kMs).empty());
        const auto c = plan.step(obs, 3000 * kMs);
        QVERIFY(finishOf(c));
        QCOMPARE(finishOf(c)->text, QString("node fe2 is unreachable: no status within the connect timeout"));
    }

    void precheckOnlyStopsAfterThePrechecks()
    {
        auto o = options();
        o.precheckOnly = true;
        DrillPlan plan(o);
        plan.start(0);
        World world;
        const auto c = plan.step(world.observe(), 10 * kMs);
        QCOMPARE(only(c, PlanCommand::Kind::Prechecked).size(), size_t(1));
        QVERIFY(finishOf(c));
        QCOMPARE(finishOf(c)->outcome, Outcome::Done);
        QCOMPARE(plan.prechecks().successor, std::string("fe2"));
    }
};

QTEST_GUILESS_MAIN(TestDrillPlan)
#include "tst_drillplan.moc"
