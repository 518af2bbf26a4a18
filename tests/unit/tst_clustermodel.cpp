// ClusterModel merges recorded NodeStatus messages and events into one picture;
// its item-model adapters pass QAbstractItemModelTester and update by range.
#include "model/backendstablemodel.h"
#include "model/changewatch.h"
#include "model/clustermodel.h"
#include "model/eventlogmodel.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>

#include <google/protobuf/text_format.h>

using namespace hafront;
using namespace hafront::model;

namespace {

v1::Cluster twoNodes()
{
    v1::Cluster c;
    google::protobuf::TextFormat::ParseFromString(R"(
      name: "t"
      node { name: "fe1" address: "127.0.0.1" }
      node { name: "fe2" address: "127.0.0.2" }
      vip { name: "www" vrid: 1 interface: "lo" address: "127.0.0.100/8" }
      pool { name: "app" backend { name: "a1" address: "127.0.0.1:9001" } backend { name: "a2" address: "127.0.0.1:9002" } }
    )",
                                                  &c);
    return c;
}

v1::NodeStatus status(const char *node, v1::VrrpState vipState, uint32_t weightA1, double rpsA1, v1::Health a1Health)
{
    v1::NodeStatus s;
    s.set_node(node);
    auto *v = s.add_vips();
    v->set_name("www");
    v->set_state(vipState);
    auto *p = s.add_pools();
    p->set_name("app");
    auto *a1 = p->add_backends();
    a1->set_name("a1");
    a1->set_weight(weightA1);
    a1->set_requests_per_second(rpsA1);
    a1->set_health(a1Health);
    a1->set_latency_p99_ms(rpsA1 / 10);
    auto *a2 = p->add_backends();
    a2->set_name("a2");
    a2->set_weight(1);
    a2->set_health(v1::UP);
    return s;
}

v1::Event agentEvent(const char *node, uint64_t seq, int64_t wallUs)
{
    v1::Event e;
    e.set_node(node);
    e.set_seq(seq);
    e.set_wall_time_us(wallUs);
    e.set_kind(v1::AGENT);
    e.set_message("m");
    return e;
}

} // namespace

class TestClusterModel : public QObject {
    Q_OBJECT
private slots:
    void vipOwnership_data();
    void vipOwnership();
    void backendFiguresAddLoadAndTakeWorstHealth();
    void statusTickIsOneRangedDataChangedNotAReset();
    void eventsAreMergedInTimeOrderWithoutDuplicates();
    void lostNodeNoLongerClaimsTheVip();
    void ownerChangeAndBackendDownOrUpAreNotifiedButFirstReportIsNot();
    void linkTextSaysWhy_data();
    void linkTextSaysWhy();
};

void TestClusterModel::vipOwnership_data()
{
    QTest::addColumn<int>("fe1");
    QTest::addColumn<int>("fe2");
    QTest::addColumn<QStringList>("owners");
    QTest::addColumn<bool>("splitBrain");
    QTest::addColumn<bool>("noOwner");
    QTest::newRow("fe1 master") << int(v1::MASTER) << int(v1::BACKUP) << QStringList{"fe1"} << false << false;
    QTest::newRow("fe2 master") << int(v1::BACKUP) << int(v1::MASTER) << QStringList{"fe2"} << false << false;
    QTest::newRow("both master: split brain")
        << int(v1::MASTER) << int(v1::MASTER) << QStringList{"fe1", "fe2"} << true << false;
    QTest::newRow("none master") << int(v1::BACKUP) << int(v1::FAULT) << QStringList{} << false << true;
}

void TestClusterModel::vipOwnership()
{
    QFETCH(int, fe1);
    QFETCH(int, fe2);
    ClusterModel m;
    m.setCluster(twoNodes());
    m.setLink("fe1", LinkState::Connected, {}, -1);
    m.setLink("fe2", LinkState::Connected, {}, -1);
    m.applyStatus(status("fe1", v1::VrrpState(fe1), 1, 0, v1::UP));
    m.applyStatus(status("fe2", v1::VrrpState(fe2), 1, 0, v1::UP));
    const VipView *v = m.vip("www");
    QVERIFY(v);
    QTEST(v->owners, "owners");
    QTEST(v->splitBrain(), "splitBrain");
    QTEST(v->noOwner(), "noOwner");
}

void TestClusterModel::backendFiguresAddLoadAndTakeWorstHealth()
{
    ClusterModel m;
    m.setCluster(twoNodes());
    m.applyStatus(status("fe1", v1::MASTER, 5, 100, v1::UP));
    m.applyStatus(status("fe2", v1::BACKUP, 5, 40, v1::DOWN));
    const BackendView &a1 = m.backends()[size_t(m.backendRow("app", "a1"))];
    QCOMPARE(a1.requestsPerSecond(), 140.0);
    QCOMPARE(a1.health(), v1::DOWN);
    QCOMPARE(a1.weight(), 5u);
    QCOMPARE(a1.p99Ms(), 10.0);
    QCOMPARE(m.totals().backendsUp, 1);
}

void TestClusterModel::statusTickIsOneRangedDataChangedNotAReset()
{
    ClusterModel m;
    m.setCluster(twoNodes());
    BackendsTableModel table(&m);
    QAbstractItemModelTester tester(&table, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QCOMPARE(table.rowCount(), 2);
    QSignalSpy reset(&table, &QAbstractItemModel::modelReset);
    QSignalSpy changed(&table, &QAbstractItemModel::dataChanged);
    for (int tick = 0; tick < 4; ++tick)
        m.applyStatus(status("fe1", v1::MASTER, uint32_t(tick), tick * 10.0, v1::UP));
    QCOMPARE(reset.count(), 0);
    QCOMPARE(changed.count(), 4);
    QCOMPARE(changed.last().at(0).toModelIndex().row(), 0);
    QCOMPARE(changed.last().at(1).toModelIndex().row(), 1);
    QCOMPARE(table.index(0, BackendsTableModel::Weight).data().toUInt(), 3u);

    // A backend the config did not name (the agent runs a newer file) is inserted, not reset.
    auto s = status("fe1", v1::MASTER, 1, 0, v1::UP);
    s.mutable_pools(0)->add_backends()->set_name("a3");
    m.applyStatus(s);
    QCOMPARE(reset.count(), 0);
    QCOMPARE(table.rowCount(), 3);
}

void TestClusterModel::eventsAreMergedInTimeOrderWithoutDuplicates()
{
    ClusterModel m;
    m.setCluster(twoNodes());
    EventLogModel log(&m);
    QAbstractItemModelTester tester(&log, QAbstractItemModelTester::FailureReportingMode::QtTest);
    m.applyEvent(agentEvent("fe1", 1, 1000));
    m.applyEvent(agentEvent("fe2", 1, 3000));
    m.applyEvent(agentEvent("fe1", 2, 2000));
    m.applyEvent(agentEvent("fe1", 2, 2000)); // replayed after a reconnect
    QCOMPARE(log.rowCount(), 3);
    QCOMPARE(m.events()[0].wall_time_us(), 1000);
    QCOMPARE(m.events()[1].wall_time_us(), 2000);
    QCOMPARE(m.events()[2].wall_time_us(), 3000);
    QCOMPARE(log.index(2, EventLogModel::Node).data().toString(), QStringLiteral("fe2"));
}

void TestClusterModel::lostNodeNoLongerClaimsTheVip()
{
    ClusterModel m;
    m.setCluster(twoNodes());
    BackendsTableModel table(&m);
    QAbstractItemModelTester tester(&table, QAbstractItemModelTester::FailureReportingMode::QtTest);
    m.setLink("fe1", LinkState::Connected, {}, -1);
    m.setLink("fe2", LinkState::Connected, {}, -1);
    m.applyStatus(status("fe1", v1::MASTER, 1, 10, v1::UP));
    m.applyStatus(status("fe2", v1::BACKUP, 1, 10, v1::UP));
    m.setLink("fe1", LinkState::Reconnecting, "connection refused", 2);
    QCOMPARE(m.vip("www")->owners, QStringList{});
    QVERIFY(m.vip("www")->noOwner());
    QCOMPARE(m.backends()[0].requestsPerSecond(), 10.0);
    QCOMPARE(m.totals().nodesConnected, 1);
}

void TestClusterModel::ownerChangeAndBackendDownOrUpAreNotifiedButFirstReportIsNot()
{
    ClusterModel m;
    m.setCluster(twoNodes());
    ChangeWatch watch;
    std::vector<Change> changes;
    connect(&m, &ClusterModel::vipsChanged, &m, [&] {
        for (auto &c : watch.vipsChanged(m.vips()))
            changes.push_back(c);
    });
    connect(&m, &ClusterModel::backendsChanged, &m, [&](int first, int last) {
        for (auto &c : watch.backendsChanged(m.backends(), first, last))
            changes.push_back(c);
    });
    m.setLink("fe1", LinkState::Connected, {}, -1);
    m.setLink("fe2", LinkState::Connected, {}, -1);
    m.applyStatus(status("fe1", v1::MASTER, 1, 0, v1::UP));
    m.applyStatus(status("fe2", v1::BACKUP, 1, 0, v1::UP));
    m.applyStatus(status("fe1", v1::MASTER, 1, 0, v1::UP));
    QCOMPARE(changes.size(), size_t(0)); // baseline only

    m.applyStatus(status("fe1", v1::BACKUP, 1, 0, v1::DOWN));
    m.applyStatus(status("fe2", v1::MASTER, 1, 0, v1::UP));
    QCOMPARE(changes.size(), size_t(3)); // a1 down, no owner, fe2 owner
    QCOMPARE(changes[0].kind, Change::Kind::BackendDown);
    QCOMPARE(changes[0].title, QStringLiteral("Backend app/a1 down"));
    QCOMPARE(changes[1].kind, Change::Kind::VipOwner);
    QCOMPARE(changes[1].text, QStringLiteral("VIP www (127.0.0.100/8): fe1 → no owner"));
    QCOMPARE(changes[2].text, QStringLiteral("VIP www (127.0.0.100/8): no owner → fe2"));
    m.applyStatus(status("fe1", v1::BACKUP, 1, 0, v1::UP));
    QCOMPARE(changes.size(), size_t(4));
    QCOMPARE(changes[3].kind, Change::Kind::BackendUp);
}

void TestClusterModel::linkTextSaysWhy_data()
{
    QTest::addColumn<int>("state");
    QTest::addColumn<int>("retry");
    QTest::addColumn<QString>("reason");
    QTest::addColumn<QString>("text");
    QTest::newRow("connected") << int(LinkState::Connected) << -1 << ""
                               << "connected";
    QTest::newRow("connected over SSH") << int(LinkState::Connected) << -1 << "SSH (streamlocal)"
                                        << "connected over SSH (streamlocal)";
    QTest::newRow("reconnecting") << int(LinkState::Reconnecting) << 3 << "refused"
                                  << "reconnecting in 3 s: refused";
    QTest::newRow("unreachable") << int(LinkState::Unreachable) << -1 << "refused"
                                 << "unreachable: refused";
}

void TestClusterModel::linkTextSaysWhy()
{
    QFETCH(int, state);
    QFETCH(int, retry);
    QFETCH(QString, reason);
    NodeView n;
    n.link = LinkState(state);
    n.reason = reason;
    n.secondsUntilRetry = retry;
    QTEST(linkText(n), "text");
}

QTEST_GUILESS_MAIN(TestClusterModel)
#include "tst_clustermodel.moc"
