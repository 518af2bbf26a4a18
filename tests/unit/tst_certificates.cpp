// The console's certificate view: the pure check (a renewal that reached one
// node only, under 14 days, expired), the notifications it gives and clears
// (ChangeWatch), and CertificatesTableModel over recorded NodeStatus reports
// (QAbstractItemModelTester, ranged updates, expiry and mismatch marks).
#include "model/certificatecheck.h"
#include "model/certificatestablemodel.h"
#include "model/changewatch.h"
#include "model/clustermodel.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>

#include <google/protobuf/text_format.h>

using namespace hafront;
using namespace hafront::model;

namespace {

constexpr int64_t kNow = 1'796'000'000; // the nodes' wall clock in the reports (2026-11-30)
constexpr int64_t kDay = 86400;
const char *const kOld =
    "AA:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:01";
const char *const kNew =
    "BB:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:02";
const char *const kRsa =
    "CC:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:03";

v1::Cluster twoNodes()
{
    v1::Cluster c;
    google::protobuf::TextFormat::ParseFromString(R"(
      name: "t"
      node { name: "fe1" address: "127.0.0.1" }
      node { name: "fe2" address: "127.0.0.2" }
    )",
                                                  &c);
    return c;
}

// A report shaped as hafront-agent sends it (proxyengine.cpp fillTlsStatus:
// a plain and a TLS listener, fingerprints AB:CD:…, key types "ECDSA P-256").
struct Cert {
    const char *sha256;
    int64_t notAfter;
    const char *keyType = "ECDSA P-256";
};

v1::NodeStatus report(const char *node, std::vector<Cert> certs, uint64_t handshakes = 200, uint64_t resumed = 150)
{
    v1::NodeStatus s;
    s.set_node(node);
    s.set_wall_time_us(kNow * 1'000'000);
    auto *plain = s.add_listeners();
    plain->set_name("web");
    auto *l = s.add_listeners();
    l->set_name("web-tls");
    l->set_bind("192.0.2.100:443");
    auto *t = l->mutable_tls();
    t->set_handshakes_total(handshakes);
    t->set_resumed_total(resumed);
    t->set_shared_ticket_keys(true);
    auto *f = t->add_handshake_failures();
    f->set_name("protocol_version");
    f->set_value(3);
    for (const Cert &c : certs) {
        auto *cs = t->add_certificate();
        cs->add_names("www.shop.test");
        cs->add_names("*.shop.test");
        cs->set_subject("CN=www.shop.test");
        cs->set_issuer("CN=hafront test CA");
        cs->set_not_before(kNow - 60 * kDay);
        cs->set_not_after(c.notAfter);
        cs->set_sha256(c.sha256);
        cs->set_key_type(c.keyType);
        cs->set_cert_file("/etc/hafront/tls/www.pem");
    }
    return s;
}

void connectBoth(ClusterModel &m)
{
    m.setLink("fe1", LinkState::Connected, {}, -1);
    m.setLink("fe2", LinkState::Connected, {}, -1);
}

QStringList kinds(const std::vector<CertificateFinding> &findings)
{
    QStringList out;
    for (const auto &f : findings)
        out << (f.kind == CertificateFinding::Kind::Mismatch      ? QStringLiteral("mismatch")
                : f.kind == CertificateFinding::Kind::ExpiresSoon ? QStringLiteral("soon")
                                                                  : QStringLiteral("expired"));
    return out;
}

} // namespace

class TestCertificates : public QObject {
    Q_OBJECT
private slots:
    void expiryIsWarnedUnderFourteenDays_data();
    void expiryIsWarnedUnderFourteenDays();
    void findings_data();
    void findings();
    void silentNodeIsNotCompared();
    void problemsAreNotifiedOnceEscalateAndClear();
    void rowsPerNodeListenerAndCertificateWithListenerFigures();
    void statusTickIsRangedAndALostNodeTakesOnlyItsRows();
    void expiryAndMismatchMarkTheRows();
    void aCertificateEveryNodeServesIsNotMarked();
};

void TestCertificates::expiryIsWarnedUnderFourteenDays_data()
{
    QTest::addColumn<qlonglong>("secondsLeft");
    QTest::addColumn<qlonglong>("days");
    QTest::addColumn<int>("expiry");
    QTest::newRow("90 days") << qlonglong(90 * kDay) << 90LL << int(Expiry::Valid);
    QTest::newRow("exactly 14 days") << qlonglong(14 * kDay) << 14LL << int(Expiry::Valid);
    QTest::newRow("one second under 14 days") << qlonglong(14 * kDay - 1) << 13LL << int(Expiry::Soon);
    QTest::newRow("last hour") << 3600LL << 0LL << int(Expiry::Soon);
    QTest::newRow("this very second") << 0LL << 0LL << int(Expiry::Soon);
    QTest::newRow("a second ago") << -1LL << -1LL << int(Expiry::Expired);
    QTest::newRow("two days ago") << qlonglong(-2 * kDay) << -2LL << int(Expiry::Expired);
}

void TestCertificates::expiryIsWarnedUnderFourteenDays()
{
    QFETCH(qlonglong, secondsLeft);
    v1::CertificateStatus c;
    c.set_not_after(kNow + secondsLeft);
    QTEST(qlonglong(daysLeft(c, kNow)), "days");
    QTEST(int(expiry(c, kNow)), "expiry");
}

void TestCertificates::findings_data()
{
    QTest::addColumn<QList<int>>(
        "fe1"); // certificates: 0 old (60 d), 1 renewed (400 d), 2 RSA (60 d), 3 soon (9 d), 4 expired
    QTest::addColumn<QList<int>>("fe2");
    QTest::addColumn<QStringList>("kinds");
    QTest::newRow("same certificate everywhere") << QList<int>{0} << QList<int>{0} << QStringList{};
    QTest::newRow("renewal reached fe1 only") << QList<int>{1} << QList<int>{0} << QStringList{"mismatch", "mismatch"};
    QTest::newRow("ECDSA and RSA side by side on both") << QList<int>{0, 2} << QList<int>{2, 0} << QStringList{};
    QTest::newRow("RSA missing on fe2") << QList<int>{0, 2} << QList<int>{0} << QStringList{"mismatch", "mismatch"};
    QTest::newRow("9 days left on both: one finding") << QList<int>{3} << QList<int>{3} << QStringList{"soon"};
    QTest::newRow("expired on both") << QList<int>{4} << QList<int>{4} << QStringList{"expired"};
    QTest::newRow("fe2 still serves the expired one")
        << QList<int>{1} << QList<int>{4} << QStringList{"mismatch", "mismatch", "expired"};
}

void TestCertificates::findings()
{
    QFETCH(QList<int>, fe1);
    QFETCH(QList<int>, fe2);
    const Cert pool[] = {{kOld, kNow + 60 * kDay},
                         {kNew, kNow + 400 * kDay},
                         {kRsa, kNow + 60 * kDay, "RSA 2048"},
                         {kNew, kNow + 9 * kDay},
                         {kOld, kNow - kDay}};
    auto pick = [&](const QList<int> &which) {
        std::vector<Cert> out;
        for (int i : which)
            out.push_back(pool[i]);
        return out;
    };
    ClusterModel m;
    m.setCluster(twoNodes());
    connectBoth(m);
    m.applyStatus(report("fe1", pick(fe1)));
    m.applyStatus(report("fe2", pick(fe2)));
    const auto found = certificateFindings(m.nodes());
    QTEST(kinds(found), "kinds"); // one mismatch per name: www.shop.test and *.shop.test
    for (const auto &f : found) {
        QCOMPARE(f.listener, QStringLiteral("web-tls"));
        if (f.kind == CertificateFinding::Kind::Mismatch) {
            QCOMPARE(f.nodes, (QStringList{"fe1", "fe2"}));
            QVERIFY2(f.text.contains(QStringLiteral("fe1: ")) && f.text.contains(QStringLiteral("fe2: ")),
                     qPrintable(f.text));
        }
    }
}

void TestCertificates::silentNodeIsNotCompared()
{
    ClusterModel m;
    m.setCluster(twoNodes());
    connectBoth(m);
    m.applyStatus(report("fe1", {{kNew, kNow + 400 * kDay}}));
    m.applyStatus(report("fe2", {{kOld, kNow + 60 * kDay}}));
    QCOMPARE(mismatchedNames(certificateFindings(m.nodes())).size(), 2);
    m.setLink("fe2", LinkState::Reconnecting, QStringLiteral("connection refused"), 2);
    QVERIFY(certificateFindings(m.nodes()).empty());
}

void TestCertificates::problemsAreNotifiedOnceEscalateAndClear()
{
    ClusterModel m;
    m.setCluster(twoNodes());
    connectBoth(m);
    ChangeWatch watch;
    m.applyStatus(report("fe1", {{kOld, kNow + 9 * kDay}}));
    m.applyStatus(report("fe2", {{kOld, kNow + 9 * kDay}}));
    auto changes = watch.certificatesChanged(certificateFindings(m.nodes()));
    QCOMPARE(changes.size(), size_t(1)); // at the first report: a problem is news, not a baseline
    QCOMPARE(changes[0].kind, Change::Kind::CertificateProblem);
    QCOMPARE(changes[0].title, QStringLiteral("Certificate for www.shop.test, *.shop.test expires in 9 day(s)"));
    QVERIFY(watch.certificatesChanged(certificateFindings(m.nodes())).empty()); // the next tick repeats nothing

    // Renewed on fe1 only: the old one still expires (on fe2) and the nodes disagree.
    m.applyStatus(report("fe1", {{kNew, kNow + 400 * kDay}}));
    changes = watch.certificatesChanged(certificateFindings(m.nodes()));
    QCOMPARE(changes.size(), size_t(2));
    QCOMPARE(changes[0].title, QStringLiteral("Nodes serve different certificates for www.shop.test"));
    QCOMPARE(changes[1].title, QStringLiteral("Nodes serve different certificates for *.shop.test"));

    // fe2 is left to expire: the expiry escalates, the mismatch stays quiet.
    auto late = report("fe2", {{kOld, kNow + 9 * kDay}});
    late.set_wall_time_us((kNow + 10 * kDay) * 1'000'000);
    m.applyStatus(late);
    changes = watch.certificatesChanged(certificateFindings(m.nodes()));
    QCOMPARE(changes.size(), size_t(1));
    QCOMPARE(changes[0].title, QStringLiteral("Certificate for www.shop.test, *.shop.test has expired"));

    // fe2 gets the renewal: everything clears, each with its own message.
    m.applyStatus(report("fe2", {{kNew, kNow + 400 * kDay}}));
    changes = watch.certificatesChanged(certificateFindings(m.nodes()));
    QCOMPARE(changes.size(), size_t(3));
    for (const Change &c : changes)
        QCOMPARE(c.kind, Change::Kind::CertificateResolved);
    QCOMPARE(changes[0].title, QStringLiteral("Certificates for www.shop.test agree again"));
    QCOMPARE(changes[1].title, QStringLiteral("Certificates for *.shop.test agree again"));
    QCOMPARE(changes[2].title, QStringLiteral("Certificate warning for www.shop.test, *.shop.test cleared"));
    QVERIFY(watch.certificatesChanged(certificateFindings(m.nodes())).empty());
}

void TestCertificates::rowsPerNodeListenerAndCertificateWithListenerFigures()
{
    ClusterModel m;
    m.setCluster(twoNodes());
    CertificatesTableModel table(&m);
    QAbstractItemModelTester tester(&table, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QCOMPARE(table.rowCount(), 0);
    connectBoth(m);
    m.applyStatus(report("fe1", {{kOld, kNow + 60 * kDay}, {kRsa, kNow + 60 * kDay, "RSA 2048"}}, 200, 150));
    m.applyStatus(report("fe2", {{kOld, kNow + 60 * kDay}}, 0, 0));
    QCOMPARE(table.rowCount(), 3); // the plain listener has none
    using C = CertificatesTableModel;
    auto cell = [&](int row, int column) { return table.index(row, column).data().toString(); };
    QCOMPARE(cell(0, C::Node), QStringLiteral("fe1"));
    QCOMPARE(cell(0, C::Listener), QStringLiteral("web-tls"));
    QCOMPARE(cell(0, C::Names), QStringLiteral("www.shop.test, *.shop.test"));
    QCOMPARE(cell(1, C::KeyType), QStringLiteral("RSA 2048"));
    QCOMPARE(cell(0, C::Issuer), QStringLiteral("CN=hafront test CA"));
    QCOMPARE(cell(0, C::NotAfter), QStringLiteral("2027-01-29 00:53 UTC"));
    QCOMPARE(cell(0, C::DaysLeft), QStringLiteral("60 day(s)"));
    QCOMPARE(cell(0, C::Fingerprint), QStringLiteral("AA:11:22:33:44:55:66:77…"));
    QCOMPARE(table.index(0, C::Fingerprint).data(C::FullFingerprintRole).toString(), QString::fromLatin1(kOld));
    QCOMPARE(cell(0, C::Handshakes), QStringLiteral("200"));
    QCOMPARE(cell(0, C::Resumed), QStringLiteral("75.0 %"));
    QCOMPARE(cell(0, C::Failures), QStringLiteral("protocol_version 3"));
    QCOMPARE(cell(2, C::Node), QStringLiteral("fe2"));
    QCOMPARE(cell(2, C::Resumed), QStringLiteral("—"));
    QCOMPARE(table.headerData(C::DaysLeft, Qt::Horizontal).toString(), QStringLiteral("Left"));
}

void TestCertificates::statusTickIsRangedAndALostNodeTakesOnlyItsRows()
{
    ClusterModel m;
    m.setCluster(twoNodes());
    connectBoth(m);
    CertificatesTableModel table(&m);
    QAbstractItemModelTester tester(&table, QAbstractItemModelTester::FailureReportingMode::QtTest);
    m.applyStatus(report("fe1", {{kOld, kNow + 60 * kDay}}));
    m.applyStatus(report("fe2", {{kOld, kNow + 60 * kDay}, {kRsa, kNow + 60 * kDay}}));
    QSignalSpy reset(&table, &QAbstractItemModel::modelReset);
    QSignalSpy changed(&table, &QAbstractItemModel::dataChanged);
    QSignalSpy removed(&table, &QAbstractItemModel::rowsRemoved);
    for (int tick = 0; tick < 3; ++tick)
        m.applyStatus(report("fe2", {{kOld, kNow + 60 * kDay}, {kRsa, kNow + 60 * kDay}}, 300 + tick, 10));
    QCOMPARE(reset.count(), 0);
    QCOMPARE(changed.count(), 3);
    QCOMPARE(changed.last().at(0).toModelIndex().row(), 1); // fe2's block only
    QCOMPARE(changed.last().at(1).toModelIndex().row(), 2);
    QCOMPARE(table.index(1, CertificatesTableModel::Handshakes).data().toString(), QStringLiteral("302"));

    m.setLink("fe1", LinkState::Reconnecting, QStringLiteral("connection refused"), 2);
    QCOMPARE(removed.count(), 1);
    QCOMPARE(table.rowCount(), 2);
    QCOMPARE(table.index(0, CertificatesTableModel::Node).data().toString(), QStringLiteral("fe2"));
    m.setLink("fe1", LinkState::Connected, {}, -1); // its last report comes back with it
    QCOMPARE(table.rowCount(), 3);
    QCOMPARE(reset.count(), 0);
}

void TestCertificates::expiryAndMismatchMarkTheRows()
{
    ClusterModel m;
    m.setCluster(twoNodes());
    connectBoth(m);
    CertificatesTableModel table(&m);
    QAbstractItemModelTester tester(&table, QAbstractItemModelTester::FailureReportingMode::QtTest);
    m.applyStatus(report("fe1", {{kNew, kNow + 400 * kDay}}));
    m.applyStatus(report("fe2", {{kOld, kNow + 9 * kDay}, {kRsa, kNow - kDay, "RSA 2048"}}));
    using C = CertificatesTableModel;
    QCOMPARE(table.index(0, C::Names).data(C::ExpiryRole).toInt(), int(Expiry::Valid));
    QCOMPARE(table.index(1, C::Names).data(C::ExpiryRole).toInt(), int(Expiry::Soon));
    QCOMPARE(table.index(1, C::DaysLeft).data().toString(), QStringLiteral("9 day(s)"));
    QCOMPARE(table.index(2, C::Names).data(C::ExpiryRole).toInt(), int(Expiry::Expired));
    QCOMPARE(table.index(2, C::DaysLeft).data().toString(), QStringLiteral("expired"));
    for (int row = 0; row < 3; ++row)
        QVERIFY2(table.index(row, C::Fingerprint).data(C::MismatchRole).toBool(), qPrintable(QString::number(row)));

    QSignalSpy changed(&table, &QAbstractItemModel::dataChanged);
    m.applyStatus(report("fe2", {{kNew, kNow + 400 * kDay}})); // fe2 renewed: fe1's row loses its mark too
    QCOMPARE(table.rowCount(), 2);
    QCOMPARE(changed.count(), 1);
    QCOMPARE(changed.last().at(0).toModelIndex().row(), 0);
    QVERIFY(!table.index(0, C::Fingerprint).data(C::MismatchRole).toBool());
}

void TestCertificates::aCertificateEveryNodeServesIsNotMarked()
{
    ClusterModel m;
    m.setCluster(twoNodes());
    connectBoth(m);
    CertificatesTableModel table(&m);
    QAbstractItemModelTester tester(&table, QAbstractItemModelTester::FailureReportingMode::QtTest);
    // The ECDSA certificate was renewed on fe1 only; the RSA one is the same on both.
    m.applyStatus(report("fe1", {{kNew, kNow + 400 * kDay}, {kRsa, kNow + 60 * kDay, "RSA 2048"}}));
    m.applyStatus(report("fe2", {{kOld, kNow + 60 * kDay}, {kRsa, kNow + 60 * kDay, "RSA 2048"}}));
    const auto found = certificateFindings(m.nodes());
    QCOMPARE(mismatchedFingerprints(found),
             (QStringList{QStringLiteral("web-tls\n") + kNew, QStringLiteral("web-tls\n") + kOld}));
    using C = CertificatesTableModel;
    const bool marked[] = {true, false, true, false}; // fe1 ECDSA, fe1 RSA, fe2 ECDSA, fe2 RSA
    for (int row = 0; row < 4; ++row)
        QCOMPARE(table.index(row, C::Fingerprint).data(C::MismatchRole).toBool(), marked[row]);
}

QTEST_GUILESS_MAIN(TestCertificates)
#include "tst_certificates.moc"
