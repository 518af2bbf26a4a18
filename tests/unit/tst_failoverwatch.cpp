// FailoverWatch measures a handover from the agents' recorded VIP_STATE events
// (old master leaving, new one entering MASTER), and falls back to the
// console's clock when an agent's event is missing.
#include "model/failoverwatch.h"

#include <QTest>

using namespace hafront;
using namespace hafront::model;

namespace {

v1::Event vipState(const char *node, int64_t wallUs, const char *from, const char *to, const char *vip = "www")
{
    static uint64_t seq = 0;
    v1::Event e;
    e.set_seq(++seq);
    e.set_node(node);
    e.set_wall_time_us(wallUs);
    e.set_kind(v1::VIP_STATE);
    e.set_subject(std::string("vip ") + vip);
    (*e.mutable_fields())["vip"] = vip;
    (*e.mutable_fields())["from"] = from;
    (*e.mutable_fields())["to"] = to;
    return e;
}

constexpr int64_t T = 1'700'000'000'000'000; // an agent's wall clock, µs

} // namespace

class TestFailoverWatch : public QObject {
    Q_OBJECT
private slots:
    void handoverIsMeasuredFromTheAgentsEvents_data();
    void handoverIsMeasuredFromTheAgentsEvents();
    void ownerChangeReportsTheAgentsTimeOnce();
    void missingOldMasterEventFallsBackToConsoleClockAfterGrace();
    void actionThatMovesNothingIsForgotten();
    void textSaysWhoMovedWhereAndHowLong();
};

void TestFailoverWatch::handoverIsMeasuredFromTheAgentsEvents_data()
{
    QTest::addColumn<std::vector<v1::Event>>("events");
    QTest::addColumn<qint64>("micros"); // -1: cannot be measured
    // Maintenance on fe1: fe1 yields first (priority-0 advert), fe2 takes over.
    QTest::newRow("old leaves, new enters") << std::vector<v1::Event>{vipState("fe1", T, "MASTER", "BACKUP"),
                                                                      vipState("fe2", T + 38'000, "BACKUP", "MASTER")}
                                            << qint64(38'000);
    // Force-master on fe2: fe2 claims first, fe1 hears it and yields.
    QTest::newRow("new enters, old yields") << std::vector<v1::Event>{vipState("fe2", T, "BACKUP", "MASTER"),
                                                                      vipState("fe1", T + 4'000, "MASTER", "BACKUP")}
                                            << qint64(4'000);
    QTest::newRow("other VIP's events ignored")
        << std::vector<v1::Event>{vipState("fe1", T, "MASTER", "BACKUP", "api"),
                                  vipState("fe2", T + 38'000, "BACKUP", "MASTER")}
        << qint64(-1);
    QTest::newRow("newest of repeated transitions")
        << std::vector<v1::Event>{vipState("fe1", T, "MASTER", "BACKUP"),
                                  vipState("fe1", T + 1'000, "BACKUP", "MASTER"),
                                  vipState("fe1", T + 500'000, "MASTER", "BACKUP"),
                                  vipState("fe2", T + 512'000, "BACKUP", "MASTER")}
        << qint64(12'000);
    QTest::newRow("old master silent") << std::vector<v1::Event>{vipState("fe2", T, "BACKUP", "MASTER")} << qint64(-1);
}

void TestFailoverWatch::handoverIsMeasuredFromTheAgentsEvents()
{
    QFETCH(std::vector<v1::Event>, events);
    QFETCH(qint64, micros);
    const auto measured = handoverMicros(events, "www", "fe1", "fe2");
    QCOMPARE(measured.has_value(), micros >= 0);
    if (measured)
        QCOMPARE(qint64(*measured), micros);
}

void TestFailoverWatch::ownerChangeReportsTheAgentsTimeOnce()
{
    FailoverWatch w;
    const int64_t now = 5'000'000; // the console's clock, unrelated to the agents'
    w.begin("www", {"fe1"}, now);
    w.observeEvent(vipState("fe1", T, "MASTER", "BACKUP"));
    w.observeOwners("www", {}, now + 10'000); // between the two: nobody yet
    QVERIFY(w.poll(now + 10'000).empty());
    w.observeEvent(vipState("fe2", T + 38'000, "BACKUP", "MASTER"));
    w.observeOwners("www", {"fe2"}, now + 250'000);
    const auto done = w.poll(now + 250'000);
    QCOMPARE(done.size(), size_t(1));
    QCOMPARE(done[0].from, QStringLiteral("fe1"));
    QCOMPARE(done[0].to, QStringLiteral("fe2"));
    QCOMPARE(done[0].micros, int64_t(38'000));
    QVERIFY(done[0].measuredByAgents);
    QVERIFY(w.poll(now + 300'000).empty());
    QVERIFY(!w.pending());
}

void TestFailoverWatch::missingOldMasterEventFallsBackToConsoleClockAfterGrace()
{
    FailoverWatch w;
    w.begin("www", {"fe1"}, 1'000'000);
    w.observeEvent(vipState("fe2", T, "BACKUP", "MASTER"));
    w.observeOwners("www", {"fe2"}, 1'400'000);
    QVERIFY(w.poll(1'500'000).empty()); // fe1's event may still be on its way
    const auto done = w.poll(1'400'000 + FailoverWatch::kGraceMicros);
    QCOMPARE(done.size(), size_t(1));
    QCOMPARE(done[0].micros, int64_t(400'000));
    QVERIFY(!done[0].measuredByAgents);
}

void TestFailoverWatch::actionThatMovesNothingIsForgotten()
{
    FailoverWatch w;
    w.begin("www", {"fe1"}, 0);
    w.observeOwners("www", {"fe1"}, 100'000); // release on the owner: it stays
    QVERIFY(w.poll(100'000).empty());
    QVERIFY(w.pending());
    QVERIFY(w.poll(FailoverWatch::kGiveUpMicros).empty());
    QVERIFY(!w.pending());
}

void TestFailoverWatch::textSaysWhoMovedWhereAndHowLong()
{
    QCOMPARE((Handover{"www", "fe1", "fe2", 38'000, true}.text()), QStringLiteral("www moved fe1 → fe2 in 38 ms"));
    QCOMPARE((Handover{"www", "fe1", "fe2", 2'500, true}.text()), QStringLiteral("www moved fe1 → fe2 in 2.5 ms"));
    QCOMPARE((Handover{"www", "", "fe2", 400'000, false}.text()),
             QStringLiteral("www moved no owner → fe2 in 400 ms (console clock)"));
}

QTEST_GUILESS_MAIN(TestFailoverWatch)
#include "tst_failoverwatch.moc"
