// The console window with two nodes' reports fed into its ClusterModel: the
// Listeners dock sits in the bottom tabs beside the certificates, lists every
// node's listeners, sorts by the numbers (not their text) and speaks Chinese.
// HAFRONT_SCREENSHOT_DIR=DIR saves the window as DIR/console-listeners.png,
// the panel alone as DIR/listeners.png and the Chinese window as
// DIR/console-listeners-zh_CN.png.
#include "model/clustermodel.h"
#include "model/listenerstablemodel.h"
#include "views/consoleapp.h"
#include "views/listenerspanel.h"
#include "views/mainwindow.h"

#include <QDockWidget>
#include <QHeaderView>
#include <QSettings>
#include <QStandardPaths>
#include <QTableView>
#include <QtTest>

#include <google/protobuf/text_format.h>

using namespace hafront;
using L = model::ListenersTableModel;

namespace {

v1::Cluster shopCluster()
{
    v1::Cluster cluster;
    google::protobuf::TextFormat::ParseFromString(R"(
      name: "shop"
      node { name: "fe1" address: "192.0.2.11" }
      node { name: "fe2" address: "192.0.2.12" }
      listener { name: "web" bind: "192.0.2.100:80" protocol: HTTP }
      listener { name: "web-tls" bind: "192.0.2.100:443" protocol: HTTP tls { } }
      listener { name: "api-h2c" bind: "10.0.0.10:8080" protocol: HTTP http2 { enabled: true } }
      listener { name: "orders-rpc" bind: "10.0.0.10:7000" protocol: TCP pool: "orders-rpc" }
    )",
                                                  &cluster);
    return cluster;
}

void addCounter(google::protobuf::RepeatedPtrField<v1::Counter> *counters, const char *name, uint64_t value)
{
    auto *c = counters->Add();
    c->set_name(name);
    c->set_value(value);
}

// fe1 is the master and carries the traffic; fe2 is the backup whose orders-rpc
// port is taken by another process (not listening).
v1::NodeStatus report(const char *node)
{
    const bool fe1 = std::string(node) == "fe1";
    const uint64_t k = fe1 ? 1 : 0;
    v1::NodeStatus s;
    s.set_node(node);
    s.set_wall_time_us(1'796'000'000LL * 1'000'000);
    auto *vip = s.add_vips();
    vip->set_name("www");
    vip->set_address("192.0.2.100/24");
    vip->set_state(fe1 ? v1::MASTER : v1::BACKUP);
    vip->set_configured_priority(fe1 ? 150 : 100);
    vip->set_effective_priority(fe1 ? 150 : 100);
    auto listener = [&](const char *name, const char *bind, v1::Protocol protocol) {
        auto *l = s.add_listeners();
        l->set_name(name);
        l->set_bind(bind);
        l->set_protocol(protocol);
        l->set_listening(true);
        return l;
    };
    auto *web = listener("web", "192.0.2.100:80", v1::HTTP);
    web->set_active_connections(uint32_t(41 * k));
    web->set_accepted_total(88120 * k + 12);
    web->set_requests_total(402311 * k + 30);
    web->set_requests_per_second(fe1 ? 212.4 : 0.0);
    addCounter(web->mutable_rejected(), "400", 12 * k + 1);
    addCounter(web->mutable_rejected(), "408", 3 * k);
    addCounter(web->mutable_rejected(), "431", 1);
    auto *tls = listener("web-tls", "192.0.2.100:443", v1::HTTP);
    tls->set_active_connections(uint32_t(318 * k));
    tls->set_requests_total(2'841'077 * k + 52);
    tls->set_requests_per_second(fe1 ? 1487.9 : 0.1);
    tls->mutable_tls()->set_handshakes_total(48211 * k + 1873);
    tls->mutable_tls()->set_resumed_total(45102 * k + 1790);
    tls->mutable_tls()->set_shared_ticket_keys(true);
    tls->set_h2_connections_active(uint32_t(204 * k));
    tls->set_h2_streams_active(uint32_t(37 * k));
    tls->set_h2_streams_total(1'920'554 * k + 40);
    tls->set_h2_resets_received_total(611 * k);
    addCounter(tls->mutable_h2_goaway_sent(), "drain", 2);
    addCounter(tls->mutable_h2_goaway_sent(), "idle", 93 * k);
    if (fe1)
        addCounter(tls->mutable_h2_goaway_sent(), "rapid_reset", 1);
    auto *h2c = listener("api-h2c", "10.0.0.10:8080", v1::HTTP);
    h2c->set_active_connections(uint32_t(6 * k));
    h2c->set_requests_total(73002 * k);
    h2c->set_requests_per_second(fe1 ? 38.0 : 0.0);
    h2c->set_h2_connections_active(uint32_t(6 * k));
    h2c->set_h2_streams_active(uint32_t(11 * k));
    h2c->set_h2_streams_total(73002 * k);
    auto *rpc = listener("orders-rpc", "10.0.0.10:7000", v1::TCP);
    rpc->set_listening(fe1);
    rpc->set_active_connections(uint32_t(24 * k));
    rpc->set_accepted_total(5310 * k);
    rpc->set_requests_total(5310 * k);
    rpc->set_requests_per_second(fe1 ? 2.5 : 0.0);
    return s;
}

void feedTwoNodes(views::MainWindow &window)
{
    model::ClusterModel *m = window.clusterModel();
    m->setCluster(shopCluster());
    m->setLink("fe1", model::LinkState::Connected, {}, -1);
    m->setLink("fe2", model::LinkState::Connected, {}, -1);
    m->applyStatus(report("fe1"));
    m->applyStatus(report("fe2"));
    if (auto *dock = window.findChild<QDockWidget *>(QStringLiteral("listenersDock"))) {
        dock->raise();
        window.resizeDocks({dock}, {420}, Qt::Vertical); // every row in the screenshot
        QCoreApplication::processEvents();
    }
}

void save(QWidget *widget, const QString &file)
{
    const QString shots = qEnvironmentVariable("HAFRONT_SCREENSHOT_DIR");
    if (shots.isEmpty())
        return;
    QTest::qWait(400); // the topology and the totals follow the reports at most 4 times a second
    QVERIFY(widget->grab().save(shots + QLatin1Char('/') + file));
}

} // namespace

class TestListenersView : public QObject {
    Q_OBJECT
private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true); // a console's saved window layout would move the docks
        QSettings().clear();
    }

    void listenersDockIsTabbedWithTheOthersAndListsEveryListener()
    {
        views::MainWindow window;
        window.resize(1400, 900);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        auto *dock = window.findChild<QDockWidget *>(QStringLiteral("listenersDock"));
        QVERIFY(dock);
        QCOMPARE(dock->windowTitle(), QStringLiteral("Listeners"));
        QCOMPARE(window.dockWidgetArea(dock), Qt::BottomDockWidgetArea);
        QStringList tabbed;
        for (QDockWidget *d : window.tabifiedDockWidgets(dock))
            tabbed << d->objectName();
        tabbed.sort();
        QCOMPARE(tabbed, (QStringList{"backendsDock", "certificatesDock", "chartsDock", "eventsDock"}));

        feedTwoNodes(window);
        QTableView *table = window.listenersPanel()->table();
        QCOMPARE(table->model()->rowCount(), 8);
        QCOMPARE(table->model()->index(1, L::Protocol).data().toString(), QStringLiteral("HTTP · TLS · h2"));
        QCOMPARE(table->model()->index(2, L::Protocol).data().toString(), QStringLiteral("HTTP · h2"));
        save(&window, QStringLiteral("console-listeners.png"));
        save(window.listenersPanel(), QStringLiteral("listeners.png"));

        // A click on the header sorts by the number: 318 connections above 41, not "41" above "318".
        table->horizontalHeader()->setSortIndicator(L::Connections, Qt::DescendingOrder);
        QCOMPARE(table->model()->index(0, L::Connections).data().toString(), QStringLiteral("318"));
        QCOMPARE(table->model()->index(1, L::Connections).data().toString(), QStringLiteral("41"));
    }

    void chineseWindowSaysTheSame()
    {
        views::installTranslations(QStringLiteral("zh_CN"));
        views::MainWindow window;
        window.resize(1400, 900);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        feedTwoNodes(window);
        QCOMPARE(window.findChild<QDockWidget *>(QStringLiteral("listenersDock"))->windowTitle(),
                 QStringLiteral("监听器"));
        const QAbstractItemModel *table = window.listenersPanel()->table()->model();
        QCOMPARE(table->headerData(L::State, Qt::Horizontal).toString(), QStringLiteral("状态"));
        QCOMPARE(table->index(7, L::State).data().toString(), QStringLiteral("未监听"));
        save(&window, QStringLiteral("console-listeners-zh_CN.png"));
    }
};

QTEST_MAIN(TestListenersView)
#include "tst_listenersview.moc"
