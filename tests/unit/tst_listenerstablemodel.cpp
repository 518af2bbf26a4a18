// The console's listeners table over recorded NodeStatus reports: one row per
// connected node and listener, what each column says for a plain HTTP, a
// TLS + HTTP/2 and a TCP listener, the h2 hint (config or figures), a listener
// that does not accept, ranged updates per report, rows by range when a node's
// listener set changes or the node is lost; QAbstractItemModelTester throughout.
#include "model/clustermodel.h"
#include "model/listenerstablemodel.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QTest>

#include <google/protobuf/text_format.h>

using namespace hafront;
using namespace hafront::model;
using L = ListenersTableModel;

namespace {

// The console's config: web-tls offers h2 by ALPN (empty alpn: the agent's
// default "h2", "http/1.1"); web is plain HTTP/1.1; rpc is TCP.
v1::Cluster twoNodes()
{
    v1::Cluster c;
    google::protobuf::TextFormat::ParseFromString(R"(
      name: "t"
      node { name: "fe1" address: "127.0.0.1" }
      node { name: "fe2" address: "127.0.0.2" }
      listener { name: "web" bind: "192.0.2.100:80" protocol: HTTP }
      listener { name: "web-tls" bind: "192.0.2.100:443" protocol: HTTP tls { } }
      listener { name: "rpc" bind: "192.0.2.100:6000" protocol: TCP pool: "rpc" }
    )",
                                                  &c);
    return c;
}

void addCounter(google::protobuf::RepeatedPtrField<v1::Counter> *counters, const char *name, uint64_t value)
{
    auto *c = counters->Add();
    c->set_name(name);
    c->set_value(value);
}

// A report shaped as hafront-agent sends it (proxyengine.cpp: zero counters are
// left out; rpc has not bound its port). `tick` moves the figures.
v1::NodeStatus report(const char *node, int tick = 0, int listeners = 3)
{
    v1::NodeStatus s;
    s.set_node(node);
    s.set_wall_time_us(1'796'000'000LL * 1'000'000);
    auto *web = s.add_listeners();
    web->set_name("web");
    web->set_bind("192.0.2.100:80");
    web->set_protocol(v1::HTTP);
    web->set_listening(true);
    web->set_accepted_total(5000);
    web->set_handed_over_total(40);
    web->set_active_connections(12);
    web->set_requests_total(10234 + tick);
    web->set_requests_per_second(48.26);
    addCounter(web->mutable_rejected(), "400", 3);
    addCounter(web->mutable_rejected(), "431", 1);
    if (listeners < 2)
        return s;
    auto *tls = s.add_listeners();
    tls->set_name("web-tls");
    tls->set_bind("192.0.2.100:443");
    tls->set_protocol(v1::HTTP);
    tls->set_listening(true);
    tls->set_active_connections(30);
    tls->set_requests_total(99000);
    tls->set_requests_per_second(310.0);
    tls->mutable_tls()->set_handshakes_total(200);
    tls->mutable_tls()->set_resumed_total(150);
    tls->set_h2_connections_active(4 + tick);
    tls->set_h2_streams_active(7);
    tls->set_h2_streams_total(1500);
    tls->set_h2_resets_received_total(9);
    addCounter(tls->mutable_h2_goaway_sent(), "drain", 2);
    addCounter(tls->mutable_h2_goaway_sent(), "rapid_reset", 1);
    for (int extra = 2; extra < listeners; ++extra) {
        auto *rpc = s.add_listeners();
        rpc->set_name(extra == 2 ? "rpc" : "rpc-" + std::to_string(extra));
        rpc->set_bind("192.0.2.100:" + std::to_string(6000 + extra - 2));
        rpc->set_protocol(v1::TCP);
        rpc->set_listening(false);
        rpc->set_requests_total(17);
    }
    return s;
}

void connectBoth(ClusterModel &m)
{
    m.setLink("fe1", LinkState::Connected, {}, -1);
    m.setLink("fe2", LinkState::Connected, {}, -1);
    m.applyStatus(report("fe1"));
    m.applyStatus(report("fe2"));
}

QString cell(const QAbstractItemModel &table, int row, int column, int role = Qt::DisplayRole)
{
    return table.index(row, column).data(role).toString();
}

} // namespace

class TestListenersTableModel : public QObject {
    Q_OBJECT
private slots:
    void rowsPerConnectedNodeAndListener();
    void columnsSayWhatTheListenerReports_data();
    void columnsSayWhatTheListenerReports();
    void protocolHintsTlsAndH2FromConfigOrFigures_data();
    void protocolHintsTlsAndH2FromConfigOrFigures();
    void aListenerThatDoesNotAcceptIsMarked();
    void sortRoleIsNumericWithAbsentFiguresLast_data();
    void sortRoleIsNumericWithAbsentFiguresLast();
    void statusTickIsRangedToTheNodesRows();
    void listenerSetChangeMovesOnlyThatNodesRows_data();
    void listenerSetChangeMovesOnlyThatNodesRows();
    void lostNodeTakesOnlyItsRowsAndReturnsWithThem();
};

void TestListenersTableModel::rowsPerConnectedNodeAndListener()
{
    ClusterModel m;
    m.setCluster(twoNodes());
    L table(&m);
    QAbstractItemModelTester tester(&table, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QCOMPARE(table.rowCount(), 0);
    m.applyStatus(report("fe1")); // a report before the link says connected does not count
    QCOMPARE(table.rowCount(), 0);
    connectBoth(m);
    QCOMPARE(table.rowCount(), 6);
    QCOMPARE(table.columnCount(), int(L::ColumnCount));
    const QStringList expected{"fe1 web", "fe1 web-tls", "fe1 rpc", "fe2 web", "fe2 web-tls", "fe2 rpc"};
    for (int row = 0; row < 6; ++row)
        QCOMPARE(cell(table, row, L::Node) + ' ' + cell(table, row, L::Listener), expected[row]);
}

void TestListenersTableModel::columnsSayWhatTheListenerReports_data()
{
    QTest::addColumn<int>("row"); // fe1: 0 web (HTTP), 1 web-tls (TLS + h2), 2 rpc (TCP)
    QTest::addColumn<int>("column");
    QTest::addColumn<QString>("text");
    struct Cell {
        const char *name;
        int row;
        int column;
        const char *text;
    };
    const Cell cells[] = {
        {"http bind", 0, L::Bind, "192.0.2.100:80"},
        {"http protocol", 0, L::Protocol, "HTTP"},
        {"http state", 0, L::State, "listening"},
        {"http connections", 0, L::Connections, "12"},
        {"http req/s", 0, L::RequestsPerSecond, "48.3"},
        {"http requests", 0, L::Requests, "10234"},
        {"http resumed: not TLS", 0, L::Resumed, "—"},
        {"http h2 conns: no h2", 0, L::H2Connections, "—"},
        {"http h2 streams: no h2", 0, L::H2Streams, "—"},
        {"http goaway: no h2", 0, L::GoawaySent, "—"},
        {"http resets: no h2", 0, L::ResetsReceived, "—"},
        {"http rejected by status", 0, L::Rejected, "400 3, 431 1"},
        {"tls protocol", 1, L::Protocol, "HTTP · TLS · h2"},
        {"tls connections", 1, L::Connections, "30"},
        {"tls req/s", 1, L::RequestsPerSecond, "310.0"},
        {"tls resumed share", 1, L::Resumed, "75.0 %"},
        {"tls h2 conns", 1, L::H2Connections, "4"},
        {"tls h2 streams", 1, L::H2Streams, "7"},
        {"tls goaway by reason", 1, L::GoawaySent, "drain 2, rapid_reset 1"},
        {"tls resets received", 1, L::ResetsReceived, "9"},
        {"tls rejected: none", 1, L::Rejected, "—"},
        {"tcp bind", 2, L::Bind, "192.0.2.100:6000"},
        {"tcp protocol", 2, L::Protocol, "TCP"},
        {"tcp state", 2, L::State, "not listening"},
        {"tcp connections", 2, L::Connections, "0"},
        {"tcp requests", 2, L::Requests, "17"},
        {"tcp resumed", 2, L::Resumed, "—"},
        {"tcp h2 conns", 2, L::H2Connections, "—"},
        {"tcp goaway", 2, L::GoawaySent, "—"},
        {"tcp rejected", 2, L::Rejected, "—"},
    };
    for (const Cell &c : cells)
        QTest::newRow(c.name) << c.row << c.column << QString::fromUtf8(c.text);
}

void TestListenersTableModel::columnsSayWhatTheListenerReports()
{
    QFETCH(int, row);
    QFETCH(int, column);
    ClusterModel m;
    m.setCluster(twoNodes());
    L table(&m);
    QAbstractItemModelTester tester(&table, QAbstractItemModelTester::FailureReportingMode::QtTest);
    connectBoth(m);
    QTEST(cell(table, row, column), "text");
}

void TestListenersTableModel::protocolHintsTlsAndH2FromConfigOrFigures_data()
{
    QTest::addColumn<QString>("config"); // the console's listener "web" (text format)
    QTest::addColumn<bool>("tls");       // the report has TLS figures
    QTest::addColumn<int>("h2Streams");  // h2_streams_total in the report
    QTest::addColumn<QString>("text");
    QTest::newRow("plain HTTP/1.1") << "protocol: HTTP" << false << 0 << "HTTP";
    QTest::newRow("h2c by prior knowledge") << "protocol: HTTP http2 { enabled: true }" << false << 0 << "HTTP · h2";
    QTest::newRow("TLS, default ALPN offers h2") << "protocol: HTTP tls { }" << true << 0 << "HTTP · TLS · h2";
    QTest::newRow("TLS, ALPN h2 listed") << R"(protocol: HTTP tls { alpn: "http/1.1" alpn: "h2" })" << true << 0
                                         << "HTTP · TLS · h2";
    QTest::newRow("TLS, ALPN http/1.1 only")
        << R"(protocol: HTTP tls { alpn: "http/1.1" })" << true << 0 << "HTTP · TLS";
    QTest::newRow("config does not know it, figures say h2") << "protocol: HTTP" << true << 5 << "HTTP · TLS · h2";
    QTest::newRow("TCP") << R"(protocol: TCP pool: "rpc")" << false << 0 << "TCP";
}

void TestListenersTableModel::protocolHintsTlsAndH2FromConfigOrFigures()
{
    QFETCH(QString, config);
    QFETCH(bool, tls);
    QFETCH(int, h2Streams);
    v1::Cluster c = twoNodes();
    c.clear_listener();
    QVERIFY(google::protobuf::TextFormat::ParseFromString("name: \"web\" " + config.toStdString(), c.add_listener()));
    ClusterModel m;
    m.setCluster(c);
    L table(&m);
    QAbstractItemModelTester tester(&table, QAbstractItemModelTester::FailureReportingMode::QtTest);
    m.setLink("fe1", LinkState::Connected, {}, -1);
    v1::NodeStatus s = report("fe1", 0, 1);
    v1::ListenerStatus *web = s.mutable_listeners(0);
    web->set_protocol(c.listener(0).protocol());
    if (tls)
        web->mutable_tls()->set_handshakes_total(1);
    web->set_h2_streams_total(uint64_t(h2Streams));
    m.applyStatus(s);
    QTEST(cell(table, 0, L::Protocol), "text");
}

void TestListenersTableModel::aListenerThatDoesNotAcceptIsMarked()
{
    ClusterModel m;
    m.setCluster(twoNodes());
    L table(&m);
    QAbstractItemModelTester tester(&table, QAbstractItemModelTester::FailureReportingMode::QtTest);
    connectBoth(m);
    QVERIFY(table.index(0, L::State).data(L::ListeningRole).toBool());
    for (int column = 0; column < L::ColumnCount; ++column) // the whole row, so the view can colour it
        QVERIFY(!table.index(2, column).data(L::ListeningRole).toBool());
    const QString tip = cell(table, 2, L::State, Qt::ToolTipRole);
    QVERIFY2(tip.contains(QStringLiteral("192.0.2.100:6000")) && tip.contains(QStringLiteral("refused")),
             qPrintable(tip));
    QCOMPARE(cell(table, 0, L::Connections, Qt::ToolTipRole),
             QStringLiteral("5000 accepted in total, 40 of them handed over to another worker"));
    QCOMPARE(cell(table, 1, L::H2Streams, Qt::ToolTipRole), QStringLiteral("1500 HTTP/2 streams in total"));
}

void TestListenersTableModel::sortRoleIsNumericWithAbsentFiguresLast_data()
{
    QTest::addColumn<int>("column");
    QTest::addColumn<Qt::SortOrder>("order");
    QTest::addColumn<QStringList>("listeners"); // fe1's, as the sorted view lists them
    QTest::newRow("requests, most first")
        << int(L::Requests) << Qt::DescendingOrder << QStringList{"web-tls", "web", "rpc"};
    QTest::newRow("req/s, fewest first") << int(L::RequestsPerSecond) << Qt::AscendingOrder
                                         << QStringList{"rpc", "web", "web-tls"};
    QTest::newRow("resumed: none below any share")
        << int(L::Resumed) << Qt::DescendingOrder << QStringList{"web-tls", "web", "rpc"};
    QTest::newRow("not listening first") << int(L::State) << Qt::AscendingOrder << QStringList{"rpc", "web", "web-tls"};
    QTest::newRow("h2 streams: none below 0")
        << int(L::H2Streams) << Qt::AscendingOrder << QStringList{"web", "rpc", "web-tls"};
    QTest::newRow("rejected: by the sum")
        << int(L::Rejected) << Qt::DescendingOrder << QStringList{"web", "web-tls", "rpc"};
}

void TestListenersTableModel::sortRoleIsNumericWithAbsentFiguresLast()
{
    QFETCH(int, column);
    QFETCH(Qt::SortOrder, order);
    ClusterModel m;
    m.setCluster(twoNodes());
    m.setLink("fe1", LinkState::Connected, {}, -1);
    m.applyStatus(report("fe1"));
    L table(&m);
    QAbstractItemModelTester tester(&table, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QSortFilterProxyModel proxy;
    proxy.setSourceModel(&table);
    proxy.setSortRole(L::SortRole);
    proxy.sort(column, order);
    QStringList listed;
    for (int row = 0; row < proxy.rowCount(); ++row)
        listed << cell(proxy, row, L::Listener);
    QTEST(listed, "listeners");
}

void TestListenersTableModel::statusTickIsRangedToTheNodesRows()
{
    ClusterModel m;
    m.setCluster(twoNodes());
    connectBoth(m);
    L table(&m);
    QAbstractItemModelTester tester(&table, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QSignalSpy reset(&table, &QAbstractItemModel::modelReset);
    QSignalSpy changed(&table, &QAbstractItemModel::dataChanged);
    QSignalSpy inserted(&table, &QAbstractItemModel::rowsInserted);
    QSignalSpy removed(&table, &QAbstractItemModel::rowsRemoved);
    for (int tick = 1; tick <= 3; ++tick)
        m.applyStatus(report("fe2", tick));
    QCOMPARE(reset.count(), 0);
    QCOMPARE(inserted.count(), 0);
    QCOMPARE(removed.count(), 0);
    QCOMPARE(changed.count(), 3);
    QCOMPARE(changed.last().at(0).toModelIndex(), table.index(3, 0)); // fe2's block only
    QCOMPARE(changed.last().at(1).toModelIndex(), table.index(5, L::ColumnCount - 1));
    QCOMPARE(cell(table, 3, L::Requests), QStringLiteral("10237"));
    QCOMPARE(cell(table, 4, L::H2Connections), QStringLiteral("7"));
    QCOMPARE(cell(table, 1, L::H2Connections), QStringLiteral("4")); // fe1 as it was
}

void TestListenersTableModel::listenerSetChangeMovesOnlyThatNodesRows_data()
{
    QTest::addColumn<int>("listeners"); // fe2 reports this many
    QTest::addColumn<int>("removedLast");
    QTest::addColumn<int>("insertedLast"); // -1: nothing inserted
    QTest::addColumn<QStringList>("fe2");
    QTest::newRow("rpc removed from fe2") << 2 << 5 << 4 << QStringList{"web", "web-tls"};
    QTest::newRow("a listener added on fe2") << 4 << 5 << 6 << QStringList{"web", "web-tls", "rpc", "rpc-3"};
    QTest::newRow("fe2 has a single listener") << 1 << 5 << 3 << QStringList{"web"};
}

void TestListenersTableModel::listenerSetChangeMovesOnlyThatNodesRows()
{
    QFETCH(int, listeners);
    ClusterModel m;
    m.setCluster(twoNodes());
    connectBoth(m);
    L table(&m);
    QAbstractItemModelTester tester(&table, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QSignalSpy reset(&table, &QAbstractItemModel::modelReset);
    QSignalSpy inserted(&table, &QAbstractItemModel::rowsInserted);
    QSignalSpy removed(&table, &QAbstractItemModel::rowsRemoved);
    m.applyStatus(report("fe2", 0, listeners));
    QCOMPARE(reset.count(), 0);
    QCOMPARE(removed.count(), 1);
    QCOMPARE(removed.last().at(1).toInt(), 3); // fe2's block starts after fe1's three rows
    QTEST(removed.last().at(2).toInt(), "removedLast");
    QCOMPARE(inserted.count(), 1);
    QCOMPARE(inserted.last().at(1).toInt(), 3);
    QTEST(inserted.last().at(2).toInt(), "insertedLast");
    QStringList fe2;
    for (int row = 3; row < table.rowCount(); ++row) {
        QCOMPARE(cell(table, row, L::Node), QStringLiteral("fe2"));
        fe2 << cell(table, row, L::Listener);
    }
    QTEST(fe2, "fe2");
    QCOMPARE(cell(table, 2, L::Listener), QStringLiteral("rpc")); // fe1 keeps its rows
}

void TestListenersTableModel::lostNodeTakesOnlyItsRowsAndReturnsWithThem()
{
    ClusterModel m;
    m.setCluster(twoNodes());
    connectBoth(m);
    L table(&m);
    QAbstractItemModelTester tester(&table, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QSignalSpy reset(&table, &QAbstractItemModel::modelReset);
    QSignalSpy removed(&table, &QAbstractItemModel::rowsRemoved);
    QSignalSpy inserted(&table, &QAbstractItemModel::rowsInserted);
    m.setLink("fe1", LinkState::Reconnecting, QStringLiteral("connection refused"), 2);
    QCOMPARE(removed.count(), 1);
    QCOMPARE(removed.last().at(1).toInt(), 0);
    QCOMPARE(removed.last().at(2).toInt(), 2);
    QCOMPARE(table.rowCount(), 3);
    QCOMPARE(cell(table, 0, L::Node), QStringLiteral("fe2"));
    m.setLink("fe1", LinkState::Connected, {}, -1); // its last report comes back with it
    QCOMPARE(inserted.count(), 1);
    QCOMPARE(table.rowCount(), 6);
    QCOMPARE(cell(table, 0, L::Node), QStringLiteral("fe1"));
    QCOMPARE(reset.count(), 0);
}

QTEST_GUILESS_MAIN(TestListenersTableModel)
#include "tst_listenerstablemodel.moc"
