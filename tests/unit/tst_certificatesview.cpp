// The console window with two nodes' reports fed into its ClusterModel: the
// Certificates dock lists both nodes' certificates, a renewal that reached fe1
// only raises a notification and the problem line above the table, and fe2's
// renewal clears both. HAFRONT_SCREENSHOT_DIR=DIR saves the window as
// DIR/console-certificates.png while the problem is shown (and, in Chinese,
// console-certificates-zh_CN.png).
#include "model/certificatestablemodel.h"
#include "model/clustermodel.h"
#include "views/certificatespanel.h"
#include "views/consoleapp.h"
#include "views/mainwindow.h"
#include "views/notifier.h"

#include <QDockWidget>
#include <QLabel>
#include <QTableView>
#include <QtTest>

#include <google/protobuf/text_format.h>

using namespace hafront;

namespace {

constexpr int64_t kNow = 1'796'000'000;
constexpr int64_t kDay = 86400;

struct Cert {
    const char *name;
    const char *sha256;
    int64_t notAfter;
    const char *keyType;
    const char *issuer;
};

const Cert kWwwOld{"www.shop.test",
                   "4E:02:95:4E:A5:A6:7A:75:0B:11:C2:9D:31:70:AA:5E:61:02:93:DE:7C:45:18:B0:0C:9A:13:77:E1:02:4B:90",
                   kNow + 9 * kDay, "ECDSA P-256", "CN=R11,O=Let's Encrypt,C=US"};
const Cert kWwwNew{"www.shop.test",
                   "D1:7C:08:5A:33:E4:90:12:6B:AF:27:C1:5D:88:04:9E:3F:61:B2:0A:77:C3:19:E5:42:80:1D:6E:93:B4:07:AC",
                   kNow + 89 * kDay, "ECDSA P-256", "CN=R11,O=Let's Encrypt,C=US"};
const Cert kWwwRsa{"www.shop.test",
                   "7A:3B:C2:19:05:DE:61:4F:A0:92:17:E8:3C:55:B1:0D:6E:F4:28:93:C7:01:5A:BE:44:D2:86:19:0F:E3:72:5C",
                   kNow + 89 * kDay, "RSA 2048", "CN=R10,O=Let's Encrypt,C=US"};
const Cert kApi{"api.shop.test",
                "02:5F:91:CC:3E:70:B8:14:D6:29:AF:63:08:E1:5B:C7:94:3A:0E:D8:71:26:BF:45:93:0C:E7:58:1A:64:D2:8F",
                kNow - 2 * kDay, "ECDSA P-384", "CN=shop internal CA"};

v1::NodeStatus report(const char *node, std::vector<Cert> web, std::vector<Cert> api, uint64_t handshakes,
                      uint64_t resumed)
{
    v1::NodeStatus s;
    s.set_node(node);
    s.set_wall_time_us(kNow * 1'000'000);
    auto *vip = s.add_vips();
    vip->set_name("www");
    vip->set_address("192.0.2.100/24");
    const bool fe1 = std::string(node) == "fe1";
    vip->set_state(fe1 ? v1::MASTER : v1::BACKUP);
    vip->set_configured_priority(fe1 ? 150 : 100);
    vip->set_effective_priority(fe1 ? 150 : 100);
    auto add = [&](const char *name, const char *bind, const std::vector<Cert> &certs) {
        auto *l = s.add_listeners();
        l->set_name(name);
        l->set_bind(bind);
        l->set_listening(true);
        auto *t = l->mutable_tls();
        t->set_handshakes_total(handshakes);
        t->set_resumed_total(resumed);
        t->set_shared_ticket_keys(true);
        auto *f = t->add_handshake_failures();
        f->set_name("protocol_version");
        f->set_value(handshakes / 200);
        f = t->add_handshake_failures();
        f->set_name("timeout");
        f->set_value(handshakes / 900);
        for (const Cert &c : certs) {
            auto *cs = t->add_certificate();
            cs->add_names(c.name);
            cs->set_subject(std::string("CN=") + c.name);
            cs->set_issuer(c.issuer);
            cs->set_not_before(c.notAfter - 90 * kDay);
            cs->set_not_after(c.notAfter);
            cs->set_sha256(c.sha256);
            cs->set_key_type(c.keyType);
            cs->set_cert_file(std::string("/etc/hafront/tls/") + c.name + ".pem");
        }
    };
    add("web-tls", "192.0.2.100:443", web);
    add("api-tls", "192.0.2.101:443", api);
    return s;
}

v1::Cluster shopCluster()
{
    v1::Cluster cluster;
    google::protobuf::TextFormat::ParseFromString(
        R"(name: "shop" node { name: "fe1" address: "192.0.2.11" } node { name: "fe2" address: "192.0.2.12" })",
        &cluster);
    return cluster;
}

// fe1 got the renewed ECDSA certificate, fe2 still serves the old one (9 days
// left); api's certificate expired two days ago on both.
void feedRenewalOnFe1(views::MainWindow &window)
{
    model::ClusterModel *m = window.clusterModel();
    m->setCluster(shopCluster());
    m->setLink("fe1", model::LinkState::Connected, {}, -1);
    m->setLink("fe2", model::LinkState::Connected, {}, -1);
    if (auto *dock = window.findChild<QDockWidget *>(QStringLiteral("certificatesDock"))) {
        dock->raise();
        window.resizeDocks({dock}, {400}, Qt::Vertical);
    }
    m->applyStatus(report("fe1", {kWwwNew, kWwwRsa}, {kApi}, 48211, 45102));
    m->applyStatus(report("fe2", {kWwwOld, kWwwRsa}, {kApi}, 1873, 1790));
}

} // namespace

class TestCertificatesView : public QObject {
    Q_OBJECT
private slots:
    void renewalOnOneNodeIsShownNotifiedAndCleared()
    {
        views::MainWindow window;
        window.resize(1400, 900);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QVERIFY(window.findChild<QDockWidget *>(QStringLiteral("certificatesDock")));
        feedRenewalOnFe1(window);
        model::ClusterModel *m = window.clusterModel();
        views::CertificatesPanel *panel = window.certificatesPanel();
        QCOMPARE(panel->table()->model()->rowCount(), 6);
        QLabel *problems = panel->problems();
        QVERIFY(views::waitFor([problems] { return problems->isVisible(); }, 2000));
        QVERIFY2(problems->text().contains(QStringLiteral("Nodes serve different certificates for www.shop.test")),
                 qPrintable(problems->text()));
        QVERIFY2(problems->text().contains(QStringLiteral("Certificate for api.shop.test has expired")),
                 qPrintable(problems->text()));
        // Notified in the order listed: the mismatch, the expired api certificate, fe2's old one with 9 days left.
        QVERIFY2(window.notifier()->lastNotification().startsWith(
                     QStringLiteral("Certificate for www.shop.test expires in 9 day(s): Listener web-tls")),
                 qPrintable(window.notifier()->lastNotification()));
        if (const QString shots = qEnvironmentVariable("HAFRONT_SCREENSHOT_DIR"); !shots.isEmpty())
            QVERIFY(window.grab().save(shots + "/console-certificates.png"));

        // fe2 gets the renewal and api gets a new certificate: the problems clear.
        Cert apiNew = kApi;
        apiNew.notAfter = kNow + 300 * kDay;
        apiNew.sha256 =
            "9F:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:10:21:32:43:54:65:76:87:98:A9:BA:CB:DC:ED:FE";
        m->applyStatus(report("fe1", {kWwwNew, kWwwRsa}, {apiNew}, 48300, 45180));
        m->applyStatus(report("fe2", {kWwwNew, kWwwRsa}, {apiNew}, 1900, 1815));
        QVERIFY(views::waitFor([problems] { return !problems->isVisible(); }, 2000));
        // Cleared in the order they were raised: the mismatch first, the expiries after it.
        QVERIFY2(window.notifier()->lastNotification().startsWith(
                     QStringLiteral("Certificate warning for www.shop.test cleared")),
                 qPrintable(window.notifier()->lastNotification()));
    }

    void chineseWindowSaysTheSame()
    {
        views::installTranslations(QStringLiteral("zh_CN"));
        views::MainWindow window;
        window.resize(1400, 900);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        feedRenewalOnFe1(window);
        QLabel *problems = window.certificatesPanel()->problems();
        QVERIFY(views::waitFor([problems] { return problems->isVisible(); }, 2000));
        QVERIFY2(problems->text().contains(QStringLiteral("各节点为 www.shop.test 提供的证书不一致")),
                 qPrintable(problems->text()));
        QVERIFY2(problems->text().contains(QStringLiteral("www.shop.test 的证书将在 9 天后过期")),
                 qPrintable(problems->text()));
        const QAbstractItemModel *table = window.certificatesPanel()->table()->model();
        QCOMPARE(table->headerData(model::CertificatesTableModel::DaysLeft, Qt::Horizontal).toString(),
                 QStringLiteral("剩余"));
        if (const QString shots = qEnvironmentVariable("HAFRONT_SCREENSHOT_DIR"); !shots.isEmpty())
            QVERIFY(window.grab().save(shots + "/console-certificates-zh_CN.png"));
    }
};

QTEST_MAIN(TestCertificatesView)
#include "tst_certificatesview.moc"
