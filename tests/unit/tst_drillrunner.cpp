// DrillRunner through the ClusterObserver interface, with no agents: a fake
// two-node cluster answers commands the way agents would (maintenance on the
// master hands the VIP to the backup), pings answer on a clock shifted by a
// known offset, events carry seqs. Only the prober is real, against a TCP
// listener on 127.0.0.1. Also the console's adapter (ModelObserver) reading a
// ClusterModel fed by hand.
#include "base/clock.h"
#include "drill/drillrunner.h"
#include "drill/modelobserver.h"
#include "model/clustermodel.h"
#include "model/clustersession.h"
#include "wire/framing.h"

#include <QLocalServer>
#include <QLocalSocket>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QtTest>

#include <map>
#include <set>

using namespace hafront;
using namespace hafront::drill;

namespace {

v1::Cluster cluster()
{
    v1::Cluster c;
    c.set_name("shop-front");
    for (const char *n : {"fe1", "fe2"})
        c.add_node()->set_name(n);
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

v1::NodeStatus status(const std::string &node, v1::VrrpState state, bool maintenance = false)
{
    v1::NodeStatus s;
    s.set_node(node);
    auto *v = s.add_vips();
    v->set_name("www");
    v->set_state(state);
    v->set_effective_priority(node == "fe1" ? 150 : 100);
    v->set_maintenance(maintenance);
    auto *p = s.add_pools();
    p->set_name("app");
    p->set_backends_up(1);
    return s;
}

v1::Event vipEvent(const std::string &node, uint64_t seq, const std::string &vip, const std::string &text)
{
    v1::Event e;
    e.set_node(node);
    e.set_seq(seq);
    e.set_kind(v1::VIP_STATE);
    e.set_mono_time_us(monoMicros());
    e.set_wall_time_us(wallMicros());
    e.set_message(text);
    (*e.mutable_fields())["vip"] = vip;
    return e;
}

// The cluster as two agents would show it, behind the observer interface.
class FakeCluster : public ClusterObserver {
public:
    std::string master = "fe1";
    bool splitBrain = false;
    std::map<std::string, std::string> unreachable; // node -> the link's reason
    std::string refuseMaintenance;                  // non-empty: the agent's refusal
    std::map<std::string, int64_t> clockOffsetUs;   // the agent's mono clock minus ours
    std::vector<std::pair<std::string, v1::Command>> sent;
    std::map<std::string, std::vector<v1::Event>> events;
    std::vector<std::string> opened;
    int closes = 0;
    bool holdAnswers = false; // keep answers in `held` until the test releases them
    std::vector<std::function<void()>> held;

    void open(const std::vector<std::string> &nodes) override { opened = nodes; }
    void close() override { ++closes; }

    NodeView node(const std::string &name) const override
    {
        NodeView v;
        v.node = name;
        if (const auto it = unreachable.find(name); it != unreachable.end()) {
            v.unreachableReason = it->second;
            return v;
        }
        v.reachable = true;
        v.status = status(name, name == master || splitBrain ? v1::MASTER : v1::BACKUP, m_maintenance.count(name));
        return v;
    }

    uint64_t latestSeq(const std::string &node) const override
    {
        const auto it = events.find(node);
        return it == events.end() || it->second.empty() ? 0 : it->second.back().seq();
    }

    std::vector<v1::Event> eventsSince(const std::string &node, uint64_t seq) const override
    {
        std::vector<v1::Event> out;
        if (const auto it = events.find(node); it != events.end())
            for (const auto &e : it->second)
                if (e.seq() > seq)
                    out.push_back(e);
        return out;
    }

    void send(const std::string &node, const v1::Command &command, int, Done done) override
    {
        sent.emplace_back(node, command);
        CommandAnswer a{true, {}, {}};
        if (unreachable.count(node))
            a = {false, unreachable[node], {}};
        else if (command.has_ping()) {
            a.result.set_ok(true);
            a.result.set_agent_mono_time_us(monoMicros() + clockOffsetUs[node]);
            a.result.set_agent_wall_time_us(wallMicros());
        } else if (command.has_vip_maintenance()) {
            if (!refuseMaintenance.empty())
                a = {false, refuseMaintenance, {}};
            else
                maintenance(node, command.vip_maintenance().on());
        }
        // Answers arrive later, as from a link.
        auto answer = [done = std::move(done), a] { done(a); };
        if (holdAnswers)
            held.push_back(std::move(answer));
        else
            QTimer::singleShot(0, std::move(answer));
    }

    std::vector<std::string> sentKinds() const
    {
        std::vector<std::string> out;
        for (const auto &[node, c] : sent)
            if (c.has_vip_maintenance())
                out.push_back(node + (c.vip_maintenance().on() ? " maintenance on" : " maintenance off"));
        return out;
    }

private:
    // The master in maintenance steps down; the backup takes over; off again, fe1 preempts.
    void maintenance(const std::string &node, bool on)
    {
        const std::string other = node == "fe1" ? "fe2" : "fe1";
        on ? void(m_maintenance.insert(node)) : void(m_maintenance.erase(node));
        const std::string before = master;
        if (on && node == master)
            master = other;
        if (!on && node == "fe1")
            master = "fe1";
        if (master == before)
            return;
        for (const auto &[n, text] : {std::pair{before, "MASTER -> BACKUP"}, std::pair{master, "BACKUP -> MASTER"}}) {
            v1::Event e = vipEvent(n, latestSeq(n) + 1, "www", text);
            e.set_mono_time_us(e.mono_time_us() + clockOffsetUs[n]); // stamped on the agent's clock
            events[n].push_back(e);
        }
    }

    std::set<std::string> m_maintenance;
};

// Accepts and closes: what a TCP probe needs.
class Listener : public QTcpServer {
public:
    Listener()
    {
        connect(this, &QTcpServer::newConnection, this, [this] {
            while (auto *s = nextPendingConnection())
                s->deleteLater();
        });
        listen(QHostAddress::LocalHost);
    }
    std::string url() const { return "tcp://127.0.0.1:" + std::to_string(serverPort()); }
};

// One agent's control socket, as far as Hello and Subscribe go: answers Hello,
// sends a status and one event, records every Subscribe.
class FakeAgent : public QLocalServer {
public:
    std::vector<v1::Subscribe> subscribes;

    explicit FakeAgent(const QString &path)
    {
        listen(path);
        connect(this, &QLocalServer::newConnection, this, [this] {
            while (QLocalSocket *c = nextPendingConnection())
                connect(c, &QLocalSocket::readyRead, c, [this, c] { read(c); });
        });
    }

private:
    void read(QLocalSocket *c)
    {
        const QByteArray bytes = c->readAll();
        m_decoder.append(bytes.constData(), size_t(bytes.size()));
        std::string payload, error;
        while (m_decoder.next(payload, error) == wire::FrameDecoder::Next::Frame) {
            v1::ClientMessage m;
            if (!wire::parsePayload(payload, m))
                return;
            v1::AgentMessage reply;
            if (m.has_hello()) {
                reply.mutable_hello()->set_protocol_version(wire::kProtocolVersion);
                reply.mutable_hello()->set_node("fe1");
                write(c, reply);
            } else if (m.has_subscribe()) {
                subscribes.push_back(m.subscribe());
                *reply.mutable_status() = status("fe1", v1::MASTER);
                write(c, reply);
                v1::AgentMessage event;
                *event.mutable_event() = vipEvent("fe1", 7, "www", "BACKUP -> MASTER");
                write(c, event);
            }
        }
    }
    static void write(QLocalSocket *c, const v1::AgentMessage &m)
    {
        const std::string frame = wire::encodeFrame(m);
        c->write(frame.data(), qint64(frame.size()));
    }

    wire::FrameDecoder m_decoder;
};

DrillRunner::Options options()
{
    DrillRunner::Options o;
    o.cluster = cluster();
    o.vip = "www";
    o.rateHz = 50;
    o.durationMs = 3000;
    o.connectTimeoutMs = 300;
    return o;
}

bool finishes(DrillRunner &runner, QSignalSpy &spy, int ms)
{
    return spy.count() > 0 || spy.wait(ms) || !runner.running();
}

} // namespace

Q_DECLARE_METATYPE(hafront::drill::Outcome)

class TestDrillRunner : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() { qRegisterMetaType<hafront::drill::Outcome>(); }

    void prechecksReadTheObserver_data()
    {
        QTest::addColumn<QString>("unreachable");
        QTest::addColumn<bool>("splitBrain");
        QTest::addColumn<int>("outcome");
        QTest::addColumn<QString>("failure");
        QTest::newRow("healthy pair") << "" << false << int(Outcome::Done) << "";
        QTest::newRow("backup unreachable")
            << "fe2" << false << int(Outcome::Unreachable) << "node fe2 is unreachable: connection refused";
        QTest::newRow("split brain") << "" << true << int(Outcome::Refused)
                                     << "split brain: VIP www is master on fe1 and fe2";
    }
    void prechecksReadTheObserver()
    {
        QFETCH(QString, unreachable);
        QFETCH(bool, splitBrain);
        QFETCH(int, outcome);
        QFETCH(QString, failure);
        FakeCluster fake;
        fake.splitBrain = splitBrain;
        if (!unreachable.isEmpty())
            fake.unreachable[unreachable.toStdString()] = "connection refused";
        DrillRunner runner(options(), fake);
        QSignalSpy done(&runner, &DrillRunner::finished);
        runner.start(true);
        QVERIFY(finishes(runner, done, 5000));
        QCOMPARE(done.count(), 1);
        QCOMPARE(int(done[0][0].value<Outcome>()), outcome);
        QCOMPARE(runner.failure(), failure);
        QCOMPARE(fake.opened, (std::vector<std::string>{"fe1", "fe2"}));
        QCOMPARE(fake.closes, 1);
        QVERIFY(fake.sent.empty()); // a pre-check commands nothing
        QCOMPARE(runner.prechecks().master, splitBrain ? std::string() : std::string("fe1"));
    }

    void gracefulDrillMovesTheVipAndBackThroughTheObserver()
    {
        Listener listener;
        QVERIFY(listener.isListening());
        FakeCluster fake;
        fake.clockOffsetUs = {{"fe1", 0}, {"fe2", 5'000'000}};
        fake.events["fe1"].push_back(vipEvent("fe1", 41, "www", "before the drill")); // not this drill's
        fake.events["fe2"].push_back(vipEvent("fe2", 7, "api", "another VIP"));
        auto o = options();
        o.probeUrl = listener.url();
        DrillRunner runner(o, fake);
        QSignalSpy done(&runner, &DrillRunner::finished);
        runner.start();
        QVERIFY(finishes(runner, done, 15000));
        QCOMPARE(done.count(), 1);
        QCOMPARE(runner.failure(), QString());
        QCOMPARE(done[0][0].value<Outcome>(), Outcome::Done);
        const DrillReport &r = runner.report();
        QVERIFY(r.completed);
        QCOMPARE(r.oldMaster, std::string("fe1"));
        QCOMPARE(r.newMaster, std::string("fe2"));
        QCOMPARE(r.finalMaster, std::string("fe1"));
        QCOMPARE(fake.sentKinds(), (std::vector<std::string>{"fe1 maintenance on", "fe1 maintenance off"}));
        QCOMPARE(fake.closes, 1);
        // Five pings a node; fe2's clock is 5 s ahead.
        QCOMPARE(std::count_if(fake.sent.begin(), fake.sent.end(), [](const auto &s) { return s.second.has_ping(); }),
                 10);
        QVERIFY(std::abs(r.offsets.at("fe2").monoOffsetUs - 5'000'000) < 20'000);
        QVERIFY(std::abs(r.offsets.at("fe1").monoOffsetUs) < 20'000);
        QCOMPARE(r.phases.size(), size_t(2));
        QVERIFY(r.probesTotal > 50);
        // The timeline holds this drill's VIP events only, fe2's moved onto our clock.
        QStringList agentLines;
        for (const auto &t : r.timeline)
            if (t.source == "fe1" || t.source == "fe2") {
                agentLines << QString::fromStdString(t.source + ": " + t.text);
                QVERIFY2(t.atMs > 0 && t.atMs < 10000, qPrintable(QString::number(t.atMs)));
            }
        QCOMPARE(agentLines.size(), 4);
        QVERIFY(!agentLines.join('\n').contains("before the drill"));
        QVERIFY(!agentLines.join('\n').contains("another VIP"));
    }

    void refusedMoveAbortsAndRestores()
    {
        Listener listener;
        FakeCluster fake;
        fake.refuseMaintenance = "refused: VIP www is pinned";
        auto o = options();
        o.probeUrl = listener.url();
        DrillRunner runner(o, fake);
        QSignalSpy done(&runner, &DrillRunner::finished);
        runner.start();
        QVERIFY(finishes(runner, done, 15000));
        QCOMPARE(done.count(), 1);
        QVERIFY(!runner.report().completed);
        QVERIFY2(runner.failure().contains("refused: VIP www is pinned"), qPrintable(runner.failure()));
        QCOMPARE(fake.master, std::string("fe1"));
        QCOMPARE(fake.closes, 1);
    }

    // The console's links outlive a drill: an answer may come for a runner already gone.
    void answerAfterTheRunnerIsGoneIsDropped()
    {
        FakeCluster fake;
        fake.holdAnswers = true;
        {
            DrillRunner runner(options(), fake);
            runner.start();
            QTRY_VERIFY(!fake.held.empty()); // the first clock-offset ping
            QVERIFY(fake.sent.back().second.has_ping());
        }
        QCOMPARE(fake.closes, 1); // the runner's destructor let go of the nodes
        for (auto &answer : std::exchange(fake.held, {}))
            answer();
        QTest::qWait(20);
        QCOMPARE(fake.sent.size(), size_t(1)); // no one sent the next ping
    }

    // The console's adapter: what ClusterModel shows is what the drill reads.
    void modelObserverReadsTheConsoleModel_data()
    {
        QTest::addColumn<int>("link");
        QTest::addColumn<QString>("reason");
        QTest::addColumn<bool>("withStatus");
        QTest::addColumn<bool>("reachable");
        QTest::addColumn<QString>("unreachableReason");
        QTest::newRow("connected with status") << int(model::LinkState::Connected) << "" << true << true << "";
        QTest::newRow("connected over SSH, no status yet")
            << int(model::LinkState::Connected) << "SSH (exec)" << false << false << "";
        QTest::newRow("reconnecting keeps the link's reason")
            << int(model::LinkState::Reconnecting) << "connection refused" << true << false << "connection refused";
        QTest::newRow("connecting says so")
            << int(model::LinkState::Connecting) << "" << false << false << "connecting";
    }
    void modelObserverReadsTheConsoleModel()
    {
        QFETCH(int, link);
        QFETCH(QString, reason);
        QFETCH(bool, withStatus);
        QFETCH(bool, reachable);
        QFETCH(QString, unreachableReason);
        model::ClusterModel clusterModel;
        model::ClusterSession session(&clusterModel); // never started: no links
        clusterModel.setCluster(cluster());
        clusterModel.setLink("fe1", model::LinkState(link), reason, -1);
        if (withStatus)
            clusterModel.applyStatus(status("fe1", v1::MASTER));
        ModelObserver observer(session);
        const NodeView v = observer.node("fe1");
        QCOMPARE(v.reachable, reachable);
        QCOMPARE(QString::fromStdString(v.unreachableReason), unreachableReason);
        QCOMPARE(v.status.has_value(), withStatus);
        QVERIFY(!observer.node("fe9").reachable);
    }

    void modelObserverEventsAndSendsComeFromTheSession()
    {
        model::ClusterModel clusterModel;
        model::ClusterSession session(&clusterModel);
        clusterModel.setCluster(cluster());
        ModelObserver observer(session);
        QCOMPARE(observer.latestSeq("fe1"), uint64_t(0));
        for (uint64_t seq : {3, 1, 2})
            clusterModel.applyEvent(vipEvent("fe1", seq, "www", "e" + std::to_string(seq)));
        clusterModel.applyEvent(vipEvent("fe2", 9, "www", "fe2's"));
        QCOMPARE(observer.latestSeq("fe1"), uint64_t(3));
        const auto since = observer.eventsSince("fe1", 1);
        QCOMPARE(since.size(), size_t(2));
        QCOMPARE(since[0].seq(), uint64_t(2));
        QCOMPARE(since[1].seq(), uint64_t(3));
        // The session has no link to fe1 (not started): the answer says so, now.
        std::optional<CommandAnswer> answer;
        v1::Command ping;
        ping.mutable_ping();
        observer.send("fe1", ping, 100, [&](const CommandAnswer &a) { answer = a; });
        QVERIFY(answer);
        QVERIFY(!answer->ok);
        QCOMPARE(answer->error, std::string("not a node of this cluster"));
        observer.open({"fe1", "fe2"}); // no links: nothing to re-subscribe, no crash
        observer.close();
    }

    // While a drill runs its nodes report every 50 ms, over the console's own
    // link: a second Subscribe that replays nothing already received.
    void modelObserverAsksTheSessionForFastStatus()
    {
        QTemporaryDir dir;
        const QString socket = dir.filePath("fe1.sock");
        FakeAgent agent(socket);
        QVERIFY(agent.isListening());
        v1::Cluster c = cluster();
        c.mutable_node(0)->set_control_socket(socket.toStdString());
        c.mutable_node(1)->set_control_socket(dir.filePath("fe2.sock").toStdString()); // no agent there
        model::ClusterModel clusterModel;
        model::ClusterSession session(&clusterModel);
        session.start(c);
        ModelObserver observer(session);
        QTRY_VERIFY(observer.node("fe1").reachable);
        QTRY_COMPARE(observer.latestSeq("fe1"), uint64_t(7));
        QCOMPARE(agent.subscribes.size(), size_t(1));
        QCOMPARE(agent.subscribes[0].period_ms(), 0u); // the cluster's period

        observer.open({"fe1", "fe2"});
        QTRY_COMPARE(agent.subscribes.size(), size_t(2));
        QCOMPARE(agent.subscribes[1].period_ms(), ModelObserver::kDrillStatusPeriodMs);
        QCOMPARE(agent.subscribes[1].events_since_seq(), uint64_t(7));
        QVERIFY(agent.subscribes[1].events());
        observer.close();
        QTRY_COMPARE(agent.subscribes.size(), size_t(3));
        QCOMPARE(agent.subscribes[2].period_ms(), 0u);
        QVERIFY(!observer.node("fe2").reachable);
        session.stop();
    }
};

QTEST_MAIN(TestDrillRunner)
#include "tst_drillrunner.moc"
