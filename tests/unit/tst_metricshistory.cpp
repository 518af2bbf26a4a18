// MetricsHistory keeps five minutes of one-a-second samples per backend and
// node in bounded rings, and adds nodes up for the charts.
#include "model/clustermodel.h"
#include "model/metricshistory.h"

#include <QTest>

using namespace hafront;
using namespace hafront::model;

class TestMetricsHistory : public QObject {
    Q_OBJECT
private slots:
    void ringKeepsTheNewestCapacitySamplesOldestFirst_data();
    void ringKeepsTheNewestCapacitySamplesOldestFirst();
    void samplesInTheSameSecondReplaceEachOther();
    void lateSampleIsDropped();
    void allNodesAddRequestsAndTakeWorstP99();
    void clusterModelRecordsEveryStatusTick();
};

void TestMetricsHistory::ringKeepsTheNewestCapacitySamplesOldestFirst_data()
{
    QTest::addColumn<int>("capacity");
    QTest::addColumn<int>("pushed");
    QTest::addColumn<int>("size");
    QTest::addColumn<int>("oldestSecond");
    QTest::newRow("not full") << 300 << 10 << 10 << 1;
    QTest::newRow("exactly full") << 300 << 300 << 300 << 1;
    QTest::newRow("wrapped once") << 300 << 301 << 300 << 2;
    QTest::newRow("wrapped many times") << 300 << 1000 << 300 << 701;
    QTest::newRow("capacity one") << 1 << 5 << 1 << 5;
}

void TestMetricsHistory::ringKeepsTheNewestCapacitySamplesOldestFirst()
{
    QFETCH(int, capacity);
    QFETCH(int, pushed);
    SampleRing ring{size_t(capacity)};
    for (int s = 1; s <= pushed; ++s)
        ring.add({s, float(s), 0});
    QTEST(int(ring.size()), "size");
    QTEST(int(ring.at(0).second), "oldestSecond");
    QCOMPARE(int(ring.newest().second), pushed);
    for (size_t i = 1; i < ring.size(); ++i)
        QCOMPARE(ring.at(i).second, ring.at(i - 1).second + 1);
}

void TestMetricsHistory::samplesInTheSameSecondReplaceEachOther()
{
    SampleRing ring;
    for (float rps : {1.f, 2.f, 3.f, 4.f}) // 4 Hz status
        ring.add({100, rps, rps / 2});
    QCOMPARE(ring.size(), size_t(1));
    QCOMPARE(ring.newest().requestsPerSecond, 4.f);
    QCOMPARE(ring.newest().p99Ms, 2.f);
}

void TestMetricsHistory::lateSampleIsDropped()
{
    SampleRing ring;
    ring.add({100, 1, 0});
    ring.add({101, 2, 0});
    ring.add({99, 9, 0});
    QCOMPARE(ring.size(), size_t(2));
    QCOMPARE(ring.at(0).second, 100);
}

void TestMetricsHistory::allNodesAddRequestsAndTakeWorstP99()
{
    MetricsHistory h;
    h.reset(1, 2);
    h.record(0, 0, {10, 100, 5});
    h.record(0, 1, {10, 40, 9});
    h.record(0, 0, {11, 50, 3});
    const auto all = h.series(0, -1);
    QCOMPARE(all.size(), size_t(2));
    QCOMPARE(all[0].requestsPerSecond, 140.f);
    QCOMPARE(all[0].p99Ms, 9.f);
    QCOMPARE(all[1].requestsPerSecond, 50.f);
    QCOMPARE(h.series(0, 1).size(), size_t(1));
    QCOMPARE(h.newestSecond(), 11);
    QVERIFY(h.series(5, -1).empty());
}

void TestMetricsHistory::clusterModelRecordsEveryStatusTick()
{
    v1::Cluster c;
    auto *n = c.add_node();
    n->set_name("fe1");
    auto *p = c.add_pool();
    p->set_name("app");
    p->add_backend()->set_name("a1");
    ClusterModel m;
    m.setCluster(c);
    for (int tick = 0; tick < 400 * 4; ++tick) { // 400 s at 4 Hz
        v1::NodeStatus s;
        s.set_node("fe1");
        s.set_wall_time_us(int64_t(1'700'000'000) * 1'000'000 + int64_t(tick) * 250'000);
        auto *b = s.add_pools();
        b->set_name("app");
        auto *a1 = b->add_backends();
        a1->set_name("a1");
        a1->set_requests_per_second(tick);
        m.applyStatus(s);
    }
    const SampleRing *ring = m.history().ring(0, 0);
    QVERIFY(ring);
    QCOMPARE(ring->size(), MetricsHistory::kSeconds);
    QCOMPARE(ring->newest().requestsPerSecond, float(400 * 4 - 1));
    QCOMPARE(m.history().newestSecond() - ring->at(0).second, int64_t(MetricsHistory::kSeconds - 1));
}

QTEST_GUILESS_MAIN(TestMetricsHistory)
#include "tst_metricshistory.moc"
