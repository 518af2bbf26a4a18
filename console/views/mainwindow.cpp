#include "views/mainwindow.h"

#include "views/importdialog.h"

#include "model/backendstablemodel.h"
#include "model/certificatestablemodel.h"
#include "model/clustermodel.h"
#include "model/clustersession.h"
#include "model/eventlogmodel.h"
#include "model/listenerstablemodel.h"
#include "model/vipstablemodel.h"
#include "views/backendspanel.h"
#include "views/certificatespanel.h"
#include "views/chartspanel.h"
#include "views/eventlogpanel.h"
#include "views/listenerspanel.h"
#include "views/notifier.h"
#include "views/settingskeys.h"
#include "views/sharepanel.h"
#include "views/topologyview.h"
#include "views/weightchange.h"

#include <QCloseEvent>
#include <QDateTime>
#include <QDockWidget>
#include <QFileDialog>
#include <QHeaderView>
#include <QLabel>
#include <QMenu>
#include <QMenuBar>
#include <QApplication>
#include <QInputDialog>
#include <QPushButton>
#include <QMessageBox>
#include <QPointer>
#include <QSettings>
#include <QStatusBar>
#include <QTableView>
#include <QToolBar>
#include <QUndoStack>

#include <chrono>
#include <future>
#include <memory>
#include <optional>

// Q_INIT_RESOURCE cannot be used inside a namespace; the icons live in a static library.
static void initIconResources()
{
    Q_INIT_RESOURCE(icons);
}

namespace hafront::views {

QMessageBox *hostKeyDialog(const QString &node, const QString &host, const QString &fingerprint, QWidget *parent)
{
    auto *box = new QMessageBox(QMessageBox::Question, QObject::tr("Unknown SSH host key"),
                                QObject::tr("The authenticity of %1 (%2) cannot be established: its key is not in "
                                            "known_hosts.")
                                    .arg(node, host),
                                QMessageBox::NoButton, parent);
    box->setObjectName(QStringLiteral("HostKeyDialog"));
    box->setInformativeText(QObject::tr("Key fingerprint:\n%1\n\nCompare it with the host's own (ssh-keygen -lf "
                                        "/etc/ssh/ssh_host_ed25519_key.pub) before you accept. Accepting "
                                        "records it in ~/.ssh/known_hosts.")
                                .arg(fingerprint));
    box->setTextInteractionFlags(Qt::TextSelectableByMouse);
    box->addButton(QObject::tr("Accept and connect"), QMessageBox::YesRole)->setObjectName(QStringLiteral("accept"));
    box->addButton(QObject::tr("Reject"), QMessageBox::NoRole)->setObjectName(QStringLiteral("reject"));
    // exec() returns the button's role-based code: map Yes/No for callers.
    QObject::connect(box, &QMessageBox::buttonClicked, box, [box](QAbstractButton *b) {
        box->done(box->buttonRole(b) == QMessageBox::YesRole ? QMessageBox::Yes : QMessageBox::No);
    });
    return box;
}

namespace {

// Runs on an SSH thread: shows the prompt on the GUI thread and waits for it,
// giving up when the link closes or after two minutes.
bool askPassphraseOnGuiThread(QWidget *parent, const QString &node, const QString &prompt, QString *answer,
                              const std::atomic<bool> &cancelled)
{
    auto reply = std::make_shared<std::promise<std::optional<QString>>>();
    auto future = reply->get_future();
    QPointer<QWidget> guard(parent);
    QMetaObject::invokeMethod(qApp, [guard, node, prompt, reply] {
        bool ok = false;
        const QString text = QInputDialog::getText(guard, QObject::tr("SSH key passphrase for %1").arg(node), prompt,
                                                   QLineEdit::Password, {}, &ok);
        reply->set_value(ok ? std::optional<QString>(text) : std::nullopt);
    });
    const auto giveUp = std::chrono::steady_clock::now() + std::chrono::minutes(2);
    while (future.wait_for(std::chrono::milliseconds(100)) != std::future_status::ready)
        if (cancelled || std::chrono::steady_clock::now() > giveUp)
            return false;
    const auto value = future.get();
    if (!value)
        return false;
    *answer = *value;
    return true;
}

} // namespace

MainWindow::MainWindow(QWidget *parent)
    : QMainWindow(parent), m_model(new model::ClusterModel(this)), m_session(new model::ClusterSession(m_model, this)),
      m_backendsModel(new model::BackendsTableModel(m_model, this)),
      m_eventsModel(new model::EventLogModel(m_model, this)), m_vipsModel(new model::VipsTableModel(m_model, this)),
      m_certificatesModel(new model::CertificatesTableModel(m_model, this)),
      m_listenersModel(new model::ListenersTableModel(m_model, this)), m_topology(new TopologyView(m_model, this)),
      m_backends(new BackendsPanel(m_backendsModel, this)),
      m_certificates(new CertificatesPanel(m_certificatesModel, this)),
      m_listeners(new ListenersPanel(m_listenersModel, this)), m_events(new EventLogPanel(m_eventsModel, this)),
      m_charts(new ChartsPanel(m_model, this)), m_share(new SharePanel(m_model, this)),
      m_notifier((initIconResources(), new Notifier(this))), m_vips(new QTableView(this)), m_undo(new QUndoStack(this)),
      m_totals(new QLabel(this))
{
    setWindowTitle(tr("hafront console"));
    setWindowIcon(QIcon(QStringLiteral(":/icons/hafront.svg")));
    setObjectName(QStringLiteral("MainWindow"));
    m_clock.start();
    confirm = [this](const QString &title, const QString &text) {
        return QMessageBox::question(this, title, text, QMessageBox::Ok | QMessageBox::Cancel, QMessageBox::Cancel) ==
               QMessageBox::Ok;
    };
    inform = [this](const QString &title, const QString &text, bool ok) {
        if (ok)
            statusBar()->showMessage(title + QStringLiteral(": ") + text, 8000);
        else
            QMessageBox::warning(this, title, text);
    };
    askHostKey = [this](const QString &node, const QString &host, const QString &fingerprint) {
        QMessageBox *box = hostKeyDialog(node, host, fingerprint, this);
        const bool accepted = box->exec() == QMessageBox::Yes;
        box->deleteLater();
        return accepted;
    };
    connect(m_session, &model::ClusterSession::hostKeyUnknown, this,
            [this](const QString &node, const QString &host, const QString &fingerprint) {
                if (askHostKey(node, host, fingerprint))
                    m_session->acceptHostKey(node);
            });
    connect(m_session, &model::ClusterSession::hostKeyChanged, this,
            [this](const QString &node, const QString &host, const QString &fingerprint) {
                inform(tr("Host key of %1 has CHANGED").arg(node),
                       tr("The SSH host key of %1 (%2) is not the one recorded in known_hosts; it is now\n%3\n\n"
                          "hafront will not connect: someone may be intercepting the connection, or the host "
                          "was reinstalled. If the change is expected, remove the old key with "
                          "ssh-keygen -R %2 and reopen the cluster.")
                           .arg(node, host, fingerprint),
                       false);
            });
    m_session->setPassphraseAsker(
        [this](const QString &node, const QString &prompt, QString *answer, const std::atomic<bool> &cancelled) {
            return askPassphraseOnGuiThread(this, node, prompt, answer, cancelled);
        });
    setCentralWidget(m_topology);
    buildDocks();
    buildMenus();
    statusBar()->addPermanentWidget(m_totals);

    connect(m_model, &model::ClusterModel::clusterReset, this, [this] {
        rebuildNodeLabels();
        refreshTotals();
        setWindowTitle(tr("%1 — hafront console").arg(QString::fromStdString(m_model->cluster().name())));
    });
    connect(m_model, &model::ClusterModel::nodeChanged, this, [this](int row) {
        refreshNodeLabel(row);
        refreshLater();
    });
    m_coalesce.setSingleShot(true);
    m_coalesce.setInterval(250);
    connect(&m_coalesce, &QTimer::timeout, this, [this] {
        refreshTotals();
        if (m_dirtyLast >= 0)
            for (const model::Change &c : m_changes.backendsChanged(m_model->backends(), m_dirtyFirst, m_dirtyLast))
                m_notifier->notify(c.title, c.text);
        m_dirtyFirst = m_dirtyLast = -1;
        checkCertificates();
    });
    connect(m_backends, &BackendsPanel::weightChosen, this, &MainWindow::requestWeight);
    connect(m_backends, &BackendsPanel::backendMenuRequested, this, &MainWindow::showBackendMenu);
    connect(m_topology, &TopologyView::backendMenuRequested, this, &MainWindow::showBackendMenu);
    connect(m_topology, &TopologyView::vipMenuRequested, this, &MainWindow::showVipMenu);
    connect(m_share, &SharePanel::shareChosen, this, &MainWindow::requestShare);
    watchChanges();

    QSettings settings;
    // A first start has no saved geometry: open at a size where every panel
    // fits instead of the bare size hint.
    if (!restoreGeometry(settings.value(settings::kGeometry).toByteArray()))
        resize(1280, 800);
    restoreState(settings.value(settings::kWindowState).toByteArray());
    refreshTotals();
}

MainWindow::~MainWindow() = default;

void MainWindow::buildDocks()
{
    auto dock = [this](const QString &title, const QString &name, QWidget *content, Qt::DockWidgetArea area) {
        auto *d = new QDockWidget(title, this);
        d->setObjectName(name);
        d->setWidget(content);
        addDockWidget(area, d);
        return d;
    };
    m_vips->setModel(m_vipsModel);
    m_vips->verticalHeader()->hide();
    m_vips->horizontalHeader()->setStretchLastSection(true);
    m_vips->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_vips->horizontalHeader()->setStretchLastSection(true);
    m_vips->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_vips->setContextMenuPolicy(Qt::CustomContextMenu);
    connect(m_vips, &QWidget::customContextMenuRequested, this, [this](const QPoint &pos) {
        const QModelIndex index = m_vips->indexAt(pos);
        if (index.isValid())
            showVipMenu(index.data(model::VipsTableModel::VipRole).toString(), QString(),
                        m_vips->viewport()->mapToGlobal(pos));
    });
    auto *backends = dock(tr("Backends"), QStringLiteral("backendsDock"), m_backends, Qt::BottomDockWidgetArea);
    auto *events = dock(tr("Event log"), QStringLiteral("eventsDock"), m_events, Qt::BottomDockWidgetArea);
    auto *charts = dock(tr("Charts"), QStringLiteral("chartsDock"), m_charts, Qt::BottomDockWidgetArea);
    auto *certificates =
        dock(tr("Certificates"), QStringLiteral("certificatesDock"), m_certificates, Qt::BottomDockWidgetArea);
    auto *listeners = dock(tr("Listeners"), QStringLiteral("listenersDock"), m_listeners, Qt::BottomDockWidgetArea);
    auto *vips = dock(tr("VIPs"), QStringLiteral("vipsDock"), m_vips, Qt::TopDockWidgetArea);
    auto *share = dock(tr("Traffic share"), QStringLiteral("shareDock"), m_share, Qt::TopDockWidgetArea);
    splitDockWidget(vips, share, Qt::Horizontal);
    tabifyDockWidget(backends, events);
    tabifyDockWidget(events, charts);
    tabifyDockWidget(charts, certificates);
    tabifyDockWidget(certificates, listeners);
    backends->toggleViewAction()->setIcon(QIcon(QStringLiteral(":/icons/backend.svg")));
    charts->toggleViewAction()->setIcon(QIcon(QStringLiteral(":/icons/charts.svg")));
    vips->toggleViewAction()->setIcon(QIcon(QStringLiteral(":/icons/vip.svg")));
    share->toggleViewAction()->setIcon(QIcon(QStringLiteral(":/icons/share.svg")));
    backends->raise();
    resizeDocks({backends}, {300}, Qt::Vertical);
    resizeDocks({vips}, {110}, Qt::Vertical);
    resizeDocks({vips, share}, {500, 700}, Qt::Horizontal);
}

void MainWindow::buildMenus()
{
    QMenu *file = menuBar()->addMenu(tr("&File"));
    QAction *open = file->addAction(tr("&Open cluster…"), this, &MainWindow::chooseClusterFile);
    open->setShortcut(QKeySequence::Open);
    open->setIcon(QIcon(QStringLiteral(":/icons/open.svg")));
    QMenu *recent = file->addMenu(tr("Open &recent"));
    connect(recent, &QMenu::aboutToShow, this, [this, recent] {
        recent->clear();
        for (const QString &f : QSettings().value(settings::kRecentClusters).toStringList())
            recent->addAction(f, this, [this, f] {
                if (const QString why = openCluster(f); !why.isEmpty())
                    inform(tr("Open cluster"), why, false);
            });
    });
    QAction *import = file->addAction(tr("&Import from nginx + keepalived…"), this, &MainWindow::importConfigs);
    import->setObjectName(QStringLiteral("importAction"));
    file->addSeparator();
    QAction *quit = file->addAction(tr("&Quit"), this, &QWidget::close);
    quit->setShortcut(QKeySequence::Quit);

    QMenu *edit = menuBar()->addMenu(tr("&Edit"));
    QAction *undo = m_undo->createUndoAction(this, tr("&Undo"));
    undo->setShortcut(QKeySequence::Undo);
    undo->setIcon(QIcon(QStringLiteral(":/icons/undo.svg")));
    QAction *redo = m_undo->createRedoAction(this, tr("&Redo"));
    redo->setShortcut(QKeySequence::Redo);
    redo->setIcon(QIcon(QStringLiteral(":/icons/redo.svg")));
    edit->addAction(undo);
    edit->addAction(redo);

    QMenu *view = menuBar()->addMenu(tr("&View"));
    QAction *zoomIn = view->addAction(tr("Zoom &in"), m_topology, &TopologyView::zoomIn);
    zoomIn->setShortcut(QKeySequence::ZoomIn);
    zoomIn->setIcon(QIcon(QStringLiteral(":/icons/zoom-in.svg")));
    QAction *zoomOut = view->addAction(tr("Zoom &out"), m_topology, &TopologyView::zoomOut);
    zoomOut->setShortcut(QKeySequence::ZoomOut);
    zoomOut->setIcon(QIcon(QStringLiteral(":/icons/zoom-out.svg")));
    QAction *fit = view->addAction(tr("&Fit topology"), m_topology, &TopologyView::fit);
    fit->setShortcut(tr("Ctrl+0"));
    fit->setIcon(QIcon(QStringLiteral(":/icons/fit.svg")));
    view->addSeparator();
    for (auto *d : findChildren<QDockWidget *>())
        view->addAction(d->toggleViewAction());

    QToolBar *tools = addToolBar(tr("Main"));
    tools->setObjectName(QStringLiteral("mainToolBar"));
    tools->addAction(open);
    tools->addSeparator();
    tools->addAction(undo);
    tools->addAction(redo);
    tools->addSeparator();
    tools->addAction(zoomIn);
    tools->addAction(zoomOut);
    tools->addAction(fit);
}

QString MainWindow::openCluster(const QString &file)
{
    const QString why = m_session->open(file);
    if (!why.isEmpty())
        return why;
    m_undo->clear();
    QSettings settings;
    settings.setValue(settings::kLastCluster, file);
    QStringList recent = settings.value(settings::kRecentClusters).toStringList();
    recent.removeAll(file);
    recent.prepend(file);
    settings.setValue(settings::kRecentClusters, recent.mid(0, 8));
    return {};
}

void MainWindow::importConfigs()
{
    auto *dialog = new ImportDialog(this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &ImportDialog::saved, this, [this, dialog](const QString &file) {
        if (!dialog->openAfterSaving())
            return;
        if (const QString why = openCluster(file); !why.isEmpty())
            inform(tr("Open cluster"), why, false);
    });
    dialog->open();
}

void MainWindow::chooseClusterFile()
{
    const QString last = QSettings().value(settings::kLastCluster).toString();
    const QString file = QFileDialog::getOpenFileName(this, tr("Open cluster config"), last,
                                                      tr("Cluster configs (*.conf *.json);;All files (*)"));
    if (file.isEmpty())
        return;
    if (const QString why = openCluster(file); !why.isEmpty())
        inform(tr("Open cluster"), why, false);
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    QSettings settings;
    settings.setValue(settings::kGeometry, saveGeometry());
    settings.setValue(settings::kWindowState, saveState());
    QMainWindow::closeEvent(event);
}

void MainWindow::rebuildNodeLabels()
{
    qDeleteAll(m_nodeLabels);
    m_nodeLabels.clear();
    for (size_t i = 0; i < m_model->nodes().size(); ++i) {
        auto *label = new QLabel(this);
        label->setObjectName(QStringLiteral("nodeLink_%1").arg(m_model->nodes()[i].name));
        statusBar()->addWidget(label);
        m_nodeLabels << label;
        refreshNodeLabel(static_cast<int>(i));
    }
}

void MainWindow::refreshNodeLabel(int row)
{
    if (row < 0 || row >= m_nodeLabels.size())
        return;
    const model::NodeView &n = m_model->nodes()[static_cast<size_t>(row)];
    const bool up = n.link == model::LinkState::Connected;
    QLabel *label = m_nodeLabels[row];
    label->setText(QStringLiteral("● %1: %2").arg(n.name, model::linkText(n)));
    label->setStyleSheet(up ? QStringLiteral("color:#2e7d32") : QStringLiteral("color:#c62828;font-weight:bold"));
    label->setToolTip(n.address);
}

void MainWindow::refreshTotals()
{
    const model::Totals t = m_model->totals();
    m_totals->setText(tr("nodes %1/%2 · backends up %3/%4 · %5 req/s · %6 active")
                          .arg(t.nodesConnected)
                          .arg(t.nodes)
                          .arg(t.backendsUp)
                          .arg(t.backends)
                          .arg(t.requestsPerSecond, 0, 'f', 1)
                          .arg(t.activeConnections));
}

void MainWindow::report(const QString &what, const model::FanoutResult &result)
{
    m_lastResult = result.summary();
    inform(what, m_lastResult, result.ok());
}

void MainWindow::requestWeight(const QString &pool, const QString &backend, uint32_t from, uint32_t to)
{
    m_undo->push(new WeightChange(m_session, pool, backend, from, to,
                                  [this](const QString &what, const model::FanoutResult &r) { report(what, r); }));
}

void MainWindow::requestBackendState(const QString &pool, const QString &backend, v1::BackendState state)
{
    const QString what = tr("%1/%2 → %3").arg(pool, backend, model::BackendsTableModel::stateName(state));
    m_session->send(m_model->nodesRunningPool(pool), model::setBackendStateCommand(pool, backend, state),
                    [this, what](const model::FanoutResult &r) { report(what, r); });
}

void MainWindow::requestShare(const QString &pool, const QString &a, uint32_t aFrom, uint32_t aTo, const QString &b,
                              uint32_t bFrom, uint32_t bTo)
{
    auto reportTo = [this](const QString &what, const model::FanoutResult &r) { report(what, r); };
    m_undo->beginMacro(
        tr("share of pool %1: %2 %3 → %4, %5 %6 → %7").arg(pool, a).arg(aFrom).arg(aTo).arg(b).arg(bFrom).arg(bTo));
    m_undo->push(new WeightChange(m_session, pool, a, aFrom, aTo, reportTo));
    m_undo->push(new WeightChange(m_session, pool, b, bFrom, bTo, reportTo));
    m_undo->endMacro();
}

// Notifications for owner changes and backends going down or up, and the
// measured handover after an operator's VIP action.
void MainWindow::watchChanges()
{
    connect(m_model, &model::ClusterModel::clusterReset, this, [this] { m_changes.reset(); });
    connect(m_model, &model::ClusterModel::vipsChanged, this, [this] {
        for (const model::Change &c : m_changes.vipsChanged(m_model->vips()))
            m_notifier->notify(c.title, c.text);
        if (m_failover.pending())
            for (const model::VipView &v : m_model->vips())
                m_failover.observeOwners(v.name, v.owners, m_clock.nsecsElapsed() / 1000);
    });
    connect(m_model, &model::ClusterModel::backendsChanged, this, [this](int first, int last) {
        m_dirtyFirst = m_dirtyFirst < 0 ? first : std::min(m_dirtyFirst, first);
        m_dirtyLast = std::max(m_dirtyLast, last);
        refreshLater();
    });
    connect(m_model, &model::ClusterModel::eventAdded, this, [this](const v1::Event &e) {
        if (m_failover.pending())
            m_failover.observeEvent(e);
    });
    m_failoverPoll.setInterval(100);
    connect(&m_failoverPoll, &QTimer::timeout, this, &MainWindow::reportHandovers);
}

// Certificate problems: notified when they appear, worsen or clear, and listed
// above the certificates table while they last.
void MainWindow::checkCertificates()
{
    const std::vector<model::CertificateFinding> findings = model::certificateFindings(m_model->nodes());
    m_certificates->showFindings(findings);
    for (const model::Change &c : m_changes.certificatesChanged(findings))
        m_notifier->notify(c.title, c.text);
}

void MainWindow::refreshLater()
{
    if (!m_coalesce.isActive())
        m_coalesce.start();
}

void MainWindow::reportHandovers()
{
    for (const model::Handover &h : m_failover.poll(m_clock.nsecsElapsed() / 1000)) {
        m_lastHandover = h.text();
        statusBar()->showMessage(m_lastHandover, 20000);
        v1::Event e; // into the event log beside the agents' own events
        e.set_node("console");
        e.set_seq(++m_consoleEventSeq);
        e.set_wall_time_us(QDateTime::currentMSecsSinceEpoch() * 1000);
        e.set_kind(v1::VIP_STATE);
        e.set_subject("vip " + h.vip.toStdString());
        e.set_message(m_lastHandover.toStdString());
        auto &f = *e.mutable_fields();
        f["handover_us"] = std::to_string(h.micros);
        f["measured_by"] = h.measuredByAgents ? "agents" : "console";
        m_model->applyEvent(e);
    }
    if (!m_failover.pending())
        m_failoverPoll.stop();
}

void MainWindow::sendVipCommand(const QString &vip, const QString &title, const QString &confirmation,
                                const QStringList &nodes, const v1::Command &command)
{
    if (!confirm(title, confirmation))
        return;
    const model::VipView *v = m_model->vip(vip);
    m_failover.begin(vip, v ? v->owners : QStringList(), m_clock.nsecsElapsed() / 1000);
    m_failoverPoll.start();
    m_session->send(nodes, command, [this, title](const model::FanoutResult &r) { report(title, r); });
}

void MainWindow::requestForceMaster(const QString &vip, const QString &node)
{
    const model::VipView *v = m_model->vip(vip);
    const QString address = v ? v->address : QString();
    const QStringList owners = v ? v->owners : QStringList();
    QString text;
    if (owners.contains(node))
        text = tr("%1 already owns VIP %2 (%3); it stays master and preferred.").arg(node, vip, address);
    else if (owners.isEmpty())
        text = tr("VIP %1 (%2) has no owner; %3 becomes master.").arg(vip, address, node);
    else
        text = tr("VIP %1 (%2) moves from %3 to %4; open connections through %3 are cut.")
                   .arg(vip, address, owners.join(QStringLiteral(", ")), node);
    sendVipCommand(vip, tr("Make %1 master").arg(node), text, {node}, model::vipForceMasterCommand(vip));
}

void MainWindow::requestMaintenance(const QString &vip, const QString &node)
{
    const model::VipView *v = m_model->vip(vip);
    const QString address = v ? v->address : QString();
    const QString text =
        v && v->owners.contains(node)
            ? tr("VIP %1 (%2) moves from %3 to the backup with the highest priority; open connections through %3 "
                 "are cut. %3 stays backup until released.")
                  .arg(vip, address, node)
            : tr("%1 will not take VIP %2 (%3) while in maintenance. The owner does not change.")
                  .arg(node, vip, address);
    sendVipCommand(vip, tr("Maintenance on %1").arg(node), text, {node}, model::vipMaintenanceCommand(vip, true));
}

void MainWindow::requestRelease(const QString &vip, const QString &node)
{
    const QStringList nodes = node.isEmpty() ? m_model->nodesRunningVip(vip) : QStringList{node};
    const model::VipView *v = m_model->vip(vip);
    const QString text = tr("Maintenance and force-master on VIP %1 (%2) are lifted on %3; the configured "
                            "priorities decide the owner again, so the VIP may move.")
                             .arg(vip, v ? v->address : QString(), nodes.join(QStringLiteral(", ")));
    sendVipCommand(vip, tr("Release VIP %1").arg(vip), text, nodes, model::vipReleaseCommand(vip));
}

void MainWindow::showVipMenu(const QString &vip, const QString &node, const QPoint &globalPos)
{
    QMenu menu(this);
    const QStringList nodes = node.isEmpty() ? m_model->nodesRunningVip(vip) : QStringList{node};
    for (const QString &n : nodes)
        menu.addAction(QIcon(QStringLiteral(":/icons/failover.svg")), tr("Make %1 master").arg(n), this,
                       [this, vip, n] { requestForceMaster(vip, n); });
    menu.addSeparator();
    for (const QString &n : nodes)
        menu.addAction(tr("Maintenance on %1").arg(n), this, [this, vip, n] { requestMaintenance(vip, n); });
    menu.addSeparator();
    menu.addAction(tr("Release"), this, [this, vip, node] { requestRelease(vip, node); });
    menu.addSeparator();
    QAction *drill = menu.addAction(tr("Drill…"), this, [this, vip] {
        if (openDrill)
            openDrill(m_model->cluster(), vip, this);
    });
    drill->setEnabled(bool(openDrill));
    menu.exec(globalPos);
}

void MainWindow::showBackendMenu(const QString &pool, const QString &backend, const QPoint &globalPos)
{
    QMenu menu(this);
    menu.addAction(tr("Drain %1").arg(backend), this,
                   [this, pool, backend] { requestBackendState(pool, backend, v1::DRAIN); });
    menu.addAction(tr("Maintenance for %1").arg(backend), this,
                   [this, pool, backend] { requestBackendState(pool, backend, v1::MAINT); });
    menu.addAction(tr("Ready %1").arg(backend), this,
                   [this, pool, backend] { requestBackendState(pool, backend, v1::READY); });
    menu.exec(globalPos);
}

} // namespace hafront::views
