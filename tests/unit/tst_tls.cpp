// The pure parts of TLS termination: which certificate a name gets (SNI,
// RFC 6125 wildcards), the session-ticket keys every node derives alike from
// the shared secret and rotates with injected time, and redirect targets.
#include "http/redirect.h"
#include "tls/certificateinfo.h"
#include "tls/sni.h"
#include "tls/ticketkeys.h"

#include <QTemporaryDir>
#include <QTest>

#include <fstream>

using namespace hafront;

class TestTls : public QObject {
    Q_OBJECT
private slots:
    void namesCover_data()
    {
        QTest::addColumn<QString>("pattern");
        QTest::addColumn<QString>("host");
        QTest::addColumn<bool>("covers");
        QTest::newRow("exact") << "www.example.com"
                               << "www.example.com" << true;
        QTest::newRow("case-insensitive") << "WWW.Example.com"
                                          << "www.EXAMPLE.com" << true;
        QTest::newRow("trailing dot") << "www.example.com"
                                      << "www.example.com." << true;
        QTest::newRow("other name") << "www.example.com"
                                    << "api.example.com" << false;
        QTest::newRow("wildcard one label") << "*.example.com"
                                            << "api.example.com" << true;
        QTest::newRow("wildcard not the apex") << "*.example.com"
                                               << "example.com" << false;
        QTest::newRow("wildcard not two labels") << "*.example.com"
                                                 << "a.b.example.com" << false;
        QTest::newRow("no wildcard over a TLD") << "*.com"
                                                << "example.com" << false;
        QTest::newRow("empty label") << "*.example.com"
                                     << ".example.com" << false;
        QTest::newRow("empty host") << "www.example.com"
                                    << "" << false;
    }
    void namesCover()
    {
        QFETCH(QString, pattern);
        QFETCH(QString, host);
        QFETCH(bool, covers);
        QCOMPARE(tls::nameCovers(pattern.toStdString(), host.toStdString()), covers);
    }

    void sniPicksExactBeforeWildcardAndDefaultsToTheFirst()
    {
        const std::vector<std::vector<std::string>> groups{
            {"www.example.com", "example.com"}, {"*.example.com"}, {"api.example.com"}, {"shop.test"}};
        QCOMPARE(tls::pickCertificate(groups, "api.example.com"), size_t(2)); // exact beats the earlier wildcard
        QCOMPARE(tls::pickCertificate(groups, "img.example.com"), size_t(1));
        QCOMPARE(tls::pickCertificate(groups, "SHOP.test"), size_t(3));
        QCOMPARE(tls::pickCertificate(groups, ""), size_t(0));            // no SNI
        QCOMPARE(tls::pickCertificate(groups, "unknown.org"), size_t(0)); // no match
        QVERIFY(tls::anyCovers(groups, "x.example.com"));
        QVERIFY(!tls::anyCovers(groups, "x.shop.test"));
    }

    void everyNodeDerivesTheSameKeysFromTheSecret()
    {
        const std::string secret(48, 's');
        const auto a = tls::deriveTicketKey(secret, 100);
        const auto b = tls::deriveTicketKey(secret, 100);
        QVERIFY(a.name == b.name && a.aes == b.aes && a.hmac == b.hmac);
        const auto next = tls::deriveTicketKey(secret, 101);
        QVERIFY(a.name != next.name && a.aes != next.aes && a.hmac != next.hmac);
        const auto other = tls::deriveTicketKey(std::string(48, 't'), 100);
        QVERIFY(a.name != other.name && a.aes != other.aes);
        QVERIFY(a.aes != a.hmac); // the three parts are different bytes of the output
    }

    void periodsFollowTheRotation()
    {
        QCOMPARE(tls::ticketPeriod(0, 43200), int64_t(0));
        QCOMPARE(tls::ticketPeriod(43199, 43200), int64_t(0));
        QCOMPARE(tls::ticketPeriod(43200, 43200), int64_t(1));
        QCOMPARE(tls::ticketPeriod(-1, 43200), int64_t(-1));
        QCOMPARE(tls::ticketPeriod(100, 0), int64_t(0)); // 0: the 12 h default
    }

    // New tickets use the current period's key; one period later that key is
    // still accepted (renew: a fresh ticket is issued), two periods later not.
    void ringRotatesAndAcceptsThePreviousPeriod()
    {
        const uint32_t rotation = 3600;
        tls::TicketKeyRing ring(std::string(32, 'k'), rotation);
        const int64_t t0 = 1'800'000'000;
        const tls::TicketKey issued = ring.encryptionKey(t0);
        tls::TicketKey key;
        bool renew = true;
        QVERIFY(ring.decryptionKey(issued.name.data(), t0 + 10, key, renew));
        QVERIFY(!renew);
        QVERIFY(key.aes == issued.aes);
        QVERIFY(ring.decryptionKey(issued.name.data(), t0 + rotation, key, renew));
        QVERIFY(renew);
        QVERIFY(ring.encryptionKey(t0 + rotation).name != issued.name);
        QVERIFY(!ring.decryptionKey(issued.name.data(), t0 + 2 * rotation + rotation, key, renew));
        // A second ring with the same secret (the peer node) accepts the ticket too.
        tls::TicketKeyRing peer(std::string(32, 'k'), rotation);
        QVERIFY(peer.decryptionKey(issued.name.data(), t0 + 5, key, renew));
        QVERIFY(key.hmac == issued.hmac);
    }

    void ticketSecretNeedsEnoughBytes()
    {
        QTemporaryDir dir;
        const std::string shortFile = dir.filePath("short").toStdString();
        std::ofstream(shortFile) << "too short";
        auto r = tls::loadTicketSecret(shortFile);
        QVERIFY(!r);
        QVERIFY2(r.error().find("at least 32") != std::string::npos, r.error().c_str());
        QVERIFY(!tls::loadTicketSecret(dir.filePath("missing").toStdString()));
        const std::string good = dir.filePath("good").toStdString();
        std::ofstream(good) << std::string(40, 'x');
        QVERIFY(tls::loadTicketSecret(good));
    }

    void redirectTargets_data()
    {
        QTest::addColumn<QString>("scheme");
        QTest::addColumn<QString>("host");
        QTest::addColumn<uint>("port");
        QTest::addColumn<QString>("path");
        QTest::addColumn<QString>("requestHost");
        QTest::addColumn<QString>("target");
        QTest::addColumn<QString>("location");
        QTest::newRow("to https, same host and target") << ""
                                                        << "" << 0u << ""
                                                        << "www.example.com"
                                                        << "/a/b?x=1"
                                                        << "https://www.example.com/a/b?x=1";
        QTest::newRow("request port dropped") << ""
                                              << "" << 0u << ""
                                              << "www.example.com:80"
                                              << "/"
                                              << "https://www.example.com/";
        QTest::newRow("default port left out") << "https"
                                               << "" << 443u << ""
                                               << "h"
                                               << "/p"
                                               << "https://h/p";
        QTest::newRow("other port kept") << "https"
                                         << "" << 8443u << ""
                                         << "h:8080"
                                         << "/p"
                                         << "https://h:8443/p";
        QTest::newRow("fixed host and path") << "http"
                                             << "new.example" << 0u << "/moved"
                                             << "old"
                                             << "/x?y"
                                             << "http://new.example/moved";
        QTest::newRow("IPv6 host") << ""
                                   << "" << 0u << ""
                                   << "[2001:db8::1]:80"
                                   << "/"
                                   << "https://[2001:db8::1]/";
    }
    void redirectTargets()
    {
        QFETCH(QString, scheme);
        QFETCH(QString, host);
        QFETCH(uint, port);
        QFETCH(QString, path);
        QFETCH(QString, requestHost);
        QFETCH(QString, target);
        QFETCH(QString, location);
        v1::Redirect r;
        r.set_scheme(scheme.toStdString());
        r.set_host(host.toStdString());
        r.set_port(port);
        r.set_path(path.toStdString());
        QCOMPARE(QString::fromStdString(http::redirectLocation(r, requestHost.toStdString(), target.toStdString())),
                 location);
        QCOMPARE(http::redirectStatus(r), 301);
        r.set_status(308);
        QCOMPARE(http::redirectStatus(r), 308);
    }
};

QTEST_GUILESS_MAIN(TestTls)
#include "tst_tls.moc"
