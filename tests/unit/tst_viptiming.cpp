// VipTiming: per node, Skew_Time and Master_Down_Interval exactly as RFC 5798
// 6.1 gives them, and the planned-handover successor by its tie rules.
#include "config/configloader.h"
#include "vrrp/viptiming.h"

#include <QTest>

using namespace hafront;

namespace {

v1::Cluster cluster(const std::string &vipBody)
{
    const std::string text = R"(name: "t"
node { name: "fe1" address: "192.0.2.11" }
node { name: "fe2" address: "192.0.2.12" }
node { name: "fe3" address: "192.0.2.13" }
vip { name: "www" vrid: 51 interface: "eth0" address: "192.0.2.100/24" )" +
                             vipBody + " }\n";
    auto loaded = config::loadClusterText(text, "t.conf", "/");
    if (!loaded.ok())
        qFatal("%s", loaded.errors.front().format().c_str());
    return loaded.cluster;
}

} // namespace

class TestVipTiming : public QObject {
    Q_OBJECT
private slots:
    void timersFollowTheRfc_data()
    {
        QTest::addColumn<uint>("advertMs");
        QTest::addColumn<uint>("priority");
        QTest::addColumn<qint64>("skewMicros");
        QTest::addColumn<qint64>("masterDownMicros");
        // Skew_Time = ((256 - Priority) * Master_Adver_Interval) / 256;
        // Master_Down_Interval = 3 * Master_Adver_Interval + Skew_Time.
        QTest::newRow("100 ms, priority 100") << 100u << 100u << qint64(60'937) << qint64(360'937);
        QTest::newRow("100 ms, priority 150") << 100u << 150u << qint64(41'406) << qint64(341'406);
        QTest::newRow("1 s, priority 254") << 1000u << 254u << qint64(7'812) << qint64(3'007'812);
        QTest::newRow("1 s, priority 1") << 1000u << 1u << qint64(996'093) << qint64(3'996'093);
        QTest::newRow("default advert (1 s), priority 100") << 0u << 100u << qint64(609'375) << qint64(3'609'375);
    }
    void timersFollowTheRfc()
    {
        QFETCH(uint, advertMs);
        QFETCH(uint, priority);
        QFETCH(qint64, skewMicros);
        QFETCH(qint64, masterDownMicros);
        const std::string advert = advertMs ? "advert_interval_ms: " + std::to_string(advertMs) : "";
        const auto c = cluster(advert + " priority { node: \"fe1\" value: " + std::to_string(priority) +
                               " } priority { node: \"fe2\" value: 50 }");
        const auto t = vrrp::vipTiming(c, c.vip(0));
        QCOMPARE(t.advertMicros, qint64(advertMs ? advertMs : 1000) * 1000);
        const auto *fe1 = t.find("fe1");
        QVERIFY(fe1);
        QCOMPARE(fe1->skewMicros, skewMicros);
        QCOMPARE(fe1->masterDownMicros, masterDownMicros);
    }

    void successorIsTheBestRemainingNode_data()
    {
        QTest::addColumn<QString>("priorities"); // "fe1=150 fe2=100 ..."
        QTest::addColumn<QString>("successors"); // "fe1>fe2 fe2>fe1 ..."
        QTest::newRow("two nodes") << "fe1=150 fe2=100"
                                   << "fe1>fe2 fe2>fe1";
        QTest::newRow("three nodes: the second best follows the best") << "fe1=150 fe2=100 fe3=120"
                                                                       << "fe1>fe3 fe2>fe1 fe3>fe1";
        QTest::newRow("equal priorities: the higher address wins") << "fe1=100 fe2=100 fe3=100"
                                                                   << "fe1>fe3 fe2>fe3 fe3>fe2";
        QTest::newRow("one node: nobody") << "fe1=100"
                                          << "fe1>";
    }
    void successorIsTheBestRemainingNode()
    {
        QFETCH(QString, priorities);
        QFETCH(QString, successors);
        std::string body;
        for (const auto &p : priorities.split(' ')) {
            const auto kv = p.split('=');
            body += "priority { node: \"" + kv[0].toStdString() + "\" value: " + kv[1].toStdString() + " } ";
        }
        const auto c = cluster(body);
        const auto t = vrrp::vipTiming(c, c.vip(0));
        for (const auto &s : successors.split(' ')) {
            const auto pair = s.split('>');
            const auto *n = t.find(pair[0].toStdString());
            QVERIFY(n);
            QCOMPARE(QString::fromStdString(n->successor), pair[1]);
        }
    }
};

QTEST_GUILESS_MAIN(TestVipTiming)
#include "tst_viptiming.moc"
