// hafront-console end to end, offscreen, against a real hafront-agent started
// here on loopback with python backends: the config's backends appear, a
// dragged weight bar changes the agent's weight and undo restores it, a
// killed agent shows as reconnecting/unreachable and comes back.
#include "link/agentlink.h"
#include "model/backendstablemodel.h"
#include "model/clustermodel.h"
#include "model/clustersession.h"
#include "views/backendspanel.h"
#include "views/consoleapp.h"
#include "views/mainwindow.h"
#include "views/sharebar.h"
#include "views/sharepanel.h"
#include "views/topologyview.h"
#include "views/weightdelegate.h"

#include <QAbstractItemModelTester>
#include <QDir>
#include <QLabel>
#include <QProcess>
#include <QStatusBar>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QUndoStack>

#include <csignal>
#include <memory>
#include <unistd.h>

using namespace hafront;
using model::BackendsTableModel;

class TestConsoleGui : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void cleanupTestCase();
    void backendsOfTheConfigAppear();
    void draggingTheWeightBarChangesTheAgentsWeightAndUndoRestoresIt();
    void plusKeyRaisesTheWeightByOne();
    void draggingTheShareBoundaryMovesWeightBetweenNeighboursAsOneUndoStep();
    void killedAgentShowsAsLostAndComesBack();

private:
    void startAgent();
    std::optional<uint32_t> agentWeight(const QString &pool, const QString &backend);
    int tableRow(const QString &backend) const;
    void saveShot(QWidget *w, const QString &name);

    QTemporaryDir m_dir;
    QString m_socket;
    QString m_config;
    int m_base = 0;
    std::vector<std::unique_ptr<QProcess>> m_backends;
    std::unique_ptr<QProcess> m_agent;
    std::unique_ptr<views::MainWindow> m_window;
};

void TestConsoleGui::startAgent()
{
    m_agent = std::make_unique<QProcess>();
    m_agent->setProcessChannelMode(QProcess::ForwardedErrorChannel);
    m_agent->start(QStringLiteral(HAFRONT_BINARY_DIR "/agent/hafront-agent"),
                   {"--config", m_config, "--node", "fe1", "--state-dir", m_dir.path(), "--socket", m_socket});
    QVERIFY2(m_agent->waitForStarted(5000), qPrintable(m_agent->errorString()));
}

void TestConsoleGui::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_base = 24000 + int(getpid() % 300) * 10;
    m_socket = m_dir.filePath("fe1.sock");
    m_config = m_dir.filePath("gui.conf");
    QFile conf(m_config);
    QVERIFY(conf.open(QIODevice::WriteOnly));
    conf.write(QStringLiteral(R"(name: "gui"
node { name: "fe1" address: "127.0.0.1" control_socket: "%1" }
pool { name: "app"
  backend { name: "app1" address: "127.0.0.1:%2" weight: 3 }
  backend { name: "app2" address: "127.0.0.1:%3" weight: 1 }
  backend { name: "gone" address: "127.0.0.1:%4" weight: 1 }
  health { http { path: "/" } interval_ms: 300 timeout_ms: 300 rise: 1 fall: 1 } }
listener { name: "web" bind: "127.0.0.1:%5" route { path_prefix: "/" pool: "app" } }
)")
                   .arg(m_socket)
                   .arg(m_base + 1)
                   .arg(m_base + 2)
                   .arg(m_base + 9)
                   .arg(m_base)
                   .toUtf8());
    conf.close();
    for (int i = 1; i <= 2; ++i) {
        auto p = std::make_unique<QProcess>();
        p->start(QStringLiteral("python3"), {QStringLiteral(HAFRONT_SOURCE_DIR "/tests/integration/testbackends.py"),
                                             "http", QStringLiteral("app%1").arg(i), QString::number(m_base + i)});
        QVERIFY(p->waitForStarted(5000));
        m_backends.push_back(std::move(p));
    }
    startAgent();
    m_window = std::make_unique<views::MainWindow>();
    m_window->confirm = [](const QString &, const QString &) { return true; };
    m_window->inform = [](const QString &, const QString &, bool) {};
    m_window->resize(1400, 900);
    m_window->show();
    QCOMPARE(m_window->openCluster(m_config), QString());
}

void TestConsoleGui::cleanupTestCase()
{
    m_window.reset();
    if (m_agent) {
        m_agent->kill();
        m_agent->waitForFinished(3000);
    }
    for (auto &b : m_backends) {
        b->kill();
        b->waitForFinished(3000);
    }
}

void TestConsoleGui::saveShot(QWidget *w, const QString &name)
{
    const QString dir =
        qEnvironmentVariable("HAFRONT_SCREENSHOT_DIR", QStringLiteral(HAFRONT_BINARY_DIR "/screenshots"));
    QDir().mkpath(dir);
    QVERIFY(w->grab().save(dir + QLatin1Char('/') + name));
}

// Asks the agent itself (a link of our own, not the console's model).
std::optional<uint32_t> TestConsoleGui::agentWeight(const QString &pool, const QString &backend)
{
    link::AgentLink::Options o;
    o.node = QStringLiteral("check");
    o.socketPath = m_socket;
    o.subscribe = false;
    o.reconnect = false;
    link::AgentLink l(o);
    l.start();
    std::optional<v1::CommandResult> result;
    v1::Command get;
    get.mutable_get_status();
    l.send(get, [&](const v1::CommandResult &r) { result = r; });
    views::waitFor([&] { return result.has_value(); }, 5000);
    if (!result || !result->ok())
        return std::nullopt;
    for (const auto &p : result->status().pools())
        for (const auto &b : p.backends())
            if (p.name() == pool.toStdString() && b.name() == backend.toStdString())
                return b.weight();
    return std::nullopt;
}

int TestConsoleGui::tableRow(const QString &backend) const
{
    const QAbstractItemModel *m = m_window->backendsPanel()->table()->model();
    for (int r = 0; r < m->rowCount(); ++r)
        if (m->index(r, BackendsTableModel::Name).data().toString() == backend)
            return r;
    return -1;
}

void TestConsoleGui::backendsOfTheConfigAppear()
{
    QAbstractItemModelTester tester(m_window->backendsPanel()->table()->model(),
                                    QAbstractItemModelTester::FailureReportingMode::QtTest);
    const model::ClusterModel *m = m_window->clusterModel();
    QVERIFY(views::waitFor([m] { return m->everyNodeReported(); }, 10000));
    QCOMPARE(m_window->backendsPanel()->table()->model()->rowCount(), 3);
    for (const char *name : {"app1", "app2", "gone"})
        QVERIFY2(tableRow(QString::fromLatin1(name)) >= 0, name);
    // Health checks settle: the two python backends up, the missing one down.
    QVERIFY(views::waitFor([m] { return m->totals().backendsUp == 2; }, 5000));
    const auto *gone = &m->backends()[size_t(m->backendRow("app", "gone"))];
    QVERIFY(views::waitFor([gone] { return gone->health() == v1::DOWN; }, 5000));
    auto *label = m_window->statusBar()->findChild<QLabel *>(QStringLiteral("nodeLink_fe1"));
    QVERIFY(label);
    QVERIFY2(label->text().contains(QStringLiteral("connected")), qPrintable(label->text()));
    views::waitFor([] { return false; }, 400);
    saveShot(m_window.get(), QStringLiteral("console-e2e-main.png"));
    saveShot(m_window->topology(), QStringLiteral("console-topology.png"));
}

void TestConsoleGui::draggingTheWeightBarChangesTheAgentsWeightAndUndoRestoresIt()
{
    QCOMPARE(agentWeight("app", "app2"), std::optional<uint32_t>(1));
    QTableView *table = m_window->backendsPanel()->table();
    const int row = tableRow(QStringLiteral("app2"));
    QVERIFY(row >= 0);
    const QModelIndex cell = table->model()->index(row, BackendsTableModel::Weight);
    const QRect rect = table->visualRect(cell);
    const auto scale = m_window->backendsPanel()->weightDelegate()->scale();
    QCOMPARE(scale, 10u); // largest weight 3: a 0-10 bar
    auto xFor = [&](double weight) { return rect.left() + 4 + int(std::lround(weight / scale * (rect.width() - 8))); };
    const int y = rect.center().y();
    QWidget *viewport = table->viewport();
    QTest::mousePress(viewport, Qt::LeftButton, {}, QPoint(xFor(1), y));
    QTest::mouseMove(viewport, QPoint(xFor(4), y));
    QTest::mouseMove(viewport, QPoint(xFor(7), y));
    QVERIFY(m_window->backendsPanel()->weightDelegate()->dragging());
    saveShot(m_window.get(), QStringLiteral("console-drag.png"));
    QTest::mouseRelease(viewport, Qt::LeftButton, {}, QPoint(xFor(7), y));

    QVERIFY(views::waitFor([&] { return agentWeight("app", "app2") == 7u; }, 5000));
    QCOMPARE(m_window->lastResult(), QStringLiteral("applied on 1/1 nodes"));
    QCOMPARE(m_window->undoStack()->count(), 1);
    const auto *app2 =
        &m_window->clusterModel()->backends()[size_t(m_window->clusterModel()->backendRow("app", "app2"))];
    QVERIFY(views::waitFor([app2] { return app2->weight() == 7; }, 3000)); // the view follows the agent

    m_window->undoStack()->undo();
    QVERIFY(views::waitFor([&] { return agentWeight("app", "app2") == 1u; }, 5000));
}

void TestConsoleGui::plusKeyRaisesTheWeightByOne()
{
    QTableView *table = m_window->backendsPanel()->table();
    const int row = tableRow(QStringLiteral("app1"));
    table->setFocus();
    table->setCurrentIndex(table->model()->index(row, BackendsTableModel::Weight));
    QTest::keyClick(table, Qt::Key_Plus);
    QVERIFY(views::waitFor([&] { return agentWeight("app", "app1") == 4u; }, 5000));
    m_window->undoStack()->undo();
    QVERIFY(views::waitFor([&] { return agentWeight("app", "app1") == 3u; }, 5000));
}

void TestConsoleGui::draggingTheShareBoundaryMovesWeightBetweenNeighboursAsOneUndoStep()
{
    views::ShareBar *bar = m_window->sharePanel()->bar(QStringLiteral("app"));
    QVERIFY(bar);
    QVERIFY(bar->isVisible());
    // "gone" is down, so it takes no share: app1 3 : app2 1.
    auto weights = [bar] {
        QStringList out;
        for (const auto &s : bar->segments())
            out << QStringLiteral("%1=%2").arg(s.backend).arg(s.weight);
        return out.join(QLatin1Char(' '));
    };
    QVERIFY(views::waitFor([&] { return weights() == QStringLiteral("app1=3 app2=1"); }, 5000));
    const int steps = m_window->undoStack()->index();
    const int y = bar->height() / 2;
    const int boundary = bar->boundaryX(0);
    QVERIFY2(std::abs(boundary - bar->width() * 3 / 4) <= 2, "three quarters of the bar are app1's");
    QTest::mousePress(bar, Qt::LeftButton, {}, QPoint(boundary, y));
    QVERIFY(bar->dragging());
    QTest::mouseMove(bar, QPoint(boundary - bar->width() / 8, y));
    QTest::mouseMove(bar, QPoint(bar->width() / 2, y));
    QCOMPARE(weights(), QStringLiteral("app1=2 app2=2")); // previewed, not sent
    QCOMPARE(agentWeight("app", "app1"), std::optional<uint32_t>(3));
    saveShot(m_window.get(), QStringLiteral("console-share-drag.png"));
    QTest::mouseRelease(bar, Qt::LeftButton, {}, QPoint(bar->width() / 2, y));
    QVERIFY(!bar->dragging());

    QVERIFY(views::waitFor([&] { return agentWeight("app", "app1") == 2u && agentWeight("app", "app2") == 2u; }, 5000));
    QCOMPARE(m_window->undoStack()->index(), steps + 1); // both weights, one step
    QCOMPARE(m_window->undoStack()->command(steps)->childCount(), 2);
    m_window->undoStack()->undo();
    QVERIFY(views::waitFor([&] { return agentWeight("app", "app1") == 3u && agentWeight("app", "app2") == 1u; }, 5000));
}

void TestConsoleGui::killedAgentShowsAsLostAndComesBack()
{
    const model::ClusterModel *m = m_window->clusterModel();
    auto linkOf = [m] { return m->node(QStringLiteral("fe1"))->link; };
    m_agent->kill();
    QVERIFY(m_agent->waitForFinished(5000));
    QVERIFY(views::waitFor([&] { return linkOf() != model::LinkState::Connected; }, 5000));
    auto *label = m_window->statusBar()->findChild<QLabel *>(QStringLiteral("nodeLink_fe1"));
    QVERIFY(views::waitFor(
        [&] {
            return label->text().contains(QStringLiteral("reconnecting")) ||
                   label->text().contains(QStringLiteral("unreachable"));
        },
        3000));
    QVERIFY2(!m_window->topology()->bannerText().contains(QStringLiteral("fe1")), "no VIP in this config");
    saveShot(m_window.get(), QStringLiteral("console-node-lost.png"));
    startAgent();
    QVERIFY(views::waitFor([&] { return linkOf() == model::LinkState::Connected; }, 15000));
}

QTEST_MAIN(TestConsoleGui)
#include "tst_consolegui.moc"
