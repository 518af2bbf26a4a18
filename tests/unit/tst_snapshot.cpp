// Runtime overrides: edits are checked against the cluster and refused with a
// reason; the store swaps whole snapshots and tells observers.
#include "config/snapshotstore.h"

#include <google/protobuf/text_format.h>

#include <QtTest>

using namespace hafront;

namespace {
std::shared_ptr<const v1::Cluster> cluster()
{
    auto c = std::make_shared<v1::Cluster>();
    google::protobuf::TextFormat::ParseFromString(R"(
        node { name: "fe1" address: "192.0.2.11" }
        node { name: "fe2" address: "192.0.2.12" }
        vip { name: "www" vrid: 51 interface: "eth0" address: "192.0.2.100/24"
              priority { node: "fe1" value: 150 } priority { node: "fe2" value: 100 } }
        pool { name: "app" backend { name: "app1" address: "192.0.2.21:80" weight: 3 }
                           backend { name: "app2" address: "192.0.2.22:80" } })",
                                                  c.get());
    return c;
}
} // namespace

class TestSnapshot : public QObject {
    Q_OBJECT
private slots:
    void editsAreRefusedWithAReason_data()
    {
        QTest::addColumn<QString>("pool");
        QTest::addColumn<QString>("backend");
        QTest::addColumn<uint>("weight");
        QTest::addColumn<QString>("error");
        QTest::newRow("ok") << "app"
                            << "app1" << 5u << "";
        QTest::newRow("zero is allowed") << "app"
                                         << "app1" << 0u << "";
        QTest::newRow("unknown pool") << "web"
                                      << "app1" << 5u << "unknown pool 'web'";
        QTest::newRow("unknown backend") << "app"
                                         << "b9" << 5u << "backend 'b9' is not in pool 'app'";
        QTest::newRow("too heavy") << "app"
                                   << "app1" << 1001u << "weight 1001 is outside 0-1000";
    }
    void editsAreRefusedWithAReason()
    {
        QFETCH(QString, pool);
        QFETCH(QString, backend);
        QFETCH(uint, weight);
        QFETCH(QString, error);
        v1::RuntimeState state;
        const auto r = config::setWeight(*cluster(), state, pool.toStdString(), backend.toStdString(), weight);
        QCOMPARE(QString::fromStdString(r.error()), error);
        QCOMPARE(r.ok(), error.isEmpty());
        QCOMPARE(state.backend_size(), error.isEmpty() ? 1 : 0);
    }

    void overrideWinsOverConfigAndStoreSwaps()
    {
        auto initial = std::make_shared<config::Snapshot>();
        initial->cluster = cluster();
        initial->node = "fe1";
        config::SnapshotStore store(initial);
        const auto before = store.current();
        int observed = 0;
        store.addObserver([&](const auto &s) { observed = int(s->generation); });
        const auto r = store.updateOverrides(
            [](const v1::Cluster &c, v1::RuntimeState &s) { return config::setWeight(c, s, "app", "app2", 7); });
        QVERIFY(r.ok());
        QCOMPARE(observed, 1);
        QCOMPARE(store.generation(), uint64_t(1));
        QCOMPARE(before->weight("app", *before->backend("app", "app2")), 1u); // old snapshot unchanged
        const auto now = store.current();
        QCOMPARE(now->weight("app", *now->backend("app", "app2")), 7u);
        QCOMPARE(now->weight("app", *now->backend("app", "app1")), 3u);
    }

    void failedEditLeavesTheSnapshot()
    {
        auto initial = std::make_shared<config::Snapshot>();
        initial->cluster = cluster();
        initial->node = "fe1";
        config::SnapshotStore store(initial);
        const auto r = store.updateOverrides([](const v1::Cluster &c, v1::RuntimeState &s) {
            return config::setVipMaintenance(c, "fe3", s, "www", true);
        });
        QVERIFY(!r.ok());
        QCOMPARE(QString::fromStdString(r.error()), QStringLiteral("node 'fe3' does not serve VIP 'www'"));
        QCOMPARE(store.generation(), uint64_t(0));
    }

    void maintenanceAndForceMasterExcludeEachOther()
    {
        v1::RuntimeState s;
        const auto c = cluster();
        QVERIFY(config::setVipForceMaster(*c, "fe1", s, "www").ok());
        QCOMPARE(QString::fromStdString(config::setVipMaintenance(*c, "fe1", s, "www", true).error()),
                 QStringLiteral("VIP 'www' is forced master on 'fe1'; release it first"));
        QVERIFY(config::releaseVip(*c, "fe1", s, "www").ok());
        QCOMPARE(s.vip_size(), 0); // nothing left overridden
        QVERIFY(config::setVipMaintenance(*c, "fe1", s, "www", true).ok());
        QCOMPARE(s.vip(0).maintenance(), true);
    }

    void reloadPrunesOverridesThatNoLongerFit()
    {
        v1::RuntimeState s;
        QVERIFY(config::setWeight(*cluster(), s, "app", "app1", 9).ok());
        v1::Cluster smaller = *cluster();
        smaller.mutable_pool(0)->mutable_backend()->DeleteSubrange(0, 1);
        QCOMPARE(config::pruneOverrides(smaller, s), 1);
        QCOMPARE(s.backend_size(), 0);
    }
};

QTEST_GUILESS_MAIN(TestSnapshot)
#include "tst_snapshot.moc"
