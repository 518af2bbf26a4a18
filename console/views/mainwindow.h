// MainWindow: the operator's console — topology in the middle, backends, VIPs,
// the event log, the TLS certificates and the listeners in docks, link state
// per node and cluster totals in the status bar; VIP and backend actions with
// a confirmation and an undo stack.
#pragma once

#include "hafront/v1/cluster.pb.h"
#include "hafront/v1/control.pb.h"
#include "model/changewatch.h"
#include "model/failoverwatch.h"

#include <QElapsedTimer>
#include <QMainWindow>
#include <QTimer>

#include <functional>

class QLabel;
class QTableView;
class QUndoStack;

class QMessageBox;

namespace hafront::model {
class BackendsTableModel;
class CertificatesTableModel;
class ClusterModel;
class ClusterSession;
class EventLogModel;
class ListenersTableModel;
struct FanoutResult;
class VipsTableModel;
} // namespace hafront::model

namespace hafront::views {

class BackendsPanel;
class CertificatesPanel;
class ListenersPanel;

// "Unknown SSH host key" with the SHA256 fingerprint and Accept/Reject;
// exec() returns QMessageBox::Yes when accepted.
QMessageBox *hostKeyDialog(const QString &node, const QString &host, const QString &sha256Fingerprint, QWidget *parent);
class ChartsPanel;
class EventLogPanel;
class Notifier;
class SharePanel;
class TopologyView;

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(QWidget *parent = nullptr);
    ~MainWindow() override;

    // Returns the loader's reason when the file cannot be used.
    QString openCluster(const QString &file);

    model::ClusterModel *clusterModel() const { return m_model; }
    model::ClusterSession *session() const { return m_session; }
    BackendsPanel *backendsPanel() const { return m_backends; }
    CertificatesPanel *certificatesPanel() const { return m_certificates; }
    ListenersPanel *listenersPanel() const { return m_listeners; }
    TopologyView *topology() const { return m_topology; }
    ChartsPanel *charts() const { return m_charts; }
    SharePanel *sharePanel() const { return m_share; }
    Notifier *notifier() const { return m_notifier; }
    QString lastHandover() const { return m_lastHandover; } // "www moved fe1 → fe2 in 38 ms"
    QUndoStack *undoStack() const { return m_undo; }
    QString lastResult() const { return m_lastResult; }

    // Widgets stay testable: confirmations and result dialogs go through these.
    std::function<bool(const QString &title, const QString &text)> confirm;
    std::function<void(const QString &title, const QString &text, bool ok)> inform;
    // An unknown SSH host key: true when the operator accepts it.
    std::function<bool(const QString &node, const QString &host, const QString &sha256Fingerprint)> askHostKey;
    // Opens the failover drill for a VIP (set by main; the drill widgets live there).
    std::function<void(const v1::Cluster &cluster, const QString &vip, QWidget *parent)> openDrill;

    void requestForceMaster(const QString &vip, const QString &node);
    void requestMaintenance(const QString &vip, const QString &node);
    void requestRelease(const QString &vip, const QString &node);
    void requestBackendState(const QString &pool, const QString &backend, v1::BackendState state);
    void requestWeight(const QString &pool, const QString &backend, uint32_t from, uint32_t to);
    // Two weights as one undo step (a dragged share boundary).
    void requestShare(const QString &pool, const QString &a, uint32_t aFrom, uint32_t aTo, const QString &b,
                      uint32_t bFrom, uint32_t bTo);

protected:
    void closeEvent(QCloseEvent *event) override;

private:
    void buildMenus();
    void buildDocks();
    void rebuildNodeLabels();
    void refreshNodeLabel(int row);
    void refreshTotals();
    void showVipMenu(const QString &vip, const QString &node, const QPoint &globalPos);
    void showBackendMenu(const QString &pool, const QString &backend, const QPoint &globalPos);
    void chooseClusterFile();
    void importConfigs(); // File > Import...
    void sendVipCommand(const QString &vip, const QString &title, const QString &confirmation, const QStringList &nodes,
                        const v1::Command &command);
    void watchChanges();
    void checkCertificates();
    void reportHandovers();
    void refreshLater();
    void report(const QString &what, const model::FanoutResult &result);

    model::ClusterModel *m_model;
    model::ClusterSession *m_session;
    model::BackendsTableModel *m_backendsModel;
    model::EventLogModel *m_eventsModel;
    model::VipsTableModel *m_vipsModel;
    model::CertificatesTableModel *m_certificatesModel;
    model::ListenersTableModel *m_listenersModel;
    TopologyView *m_topology;
    BackendsPanel *m_backends;
    CertificatesPanel *m_certificates;
    ListenersPanel *m_listeners;
    EventLogPanel *m_events;
    ChartsPanel *m_charts;
    SharePanel *m_share;
    Notifier *m_notifier;
    QTableView *m_vips;
    QUndoStack *m_undo;
    QList<QLabel *> m_nodeLabels;
    QLabel *m_totals;
    QString m_lastResult;
    model::ChangeWatch m_changes;
    model::FailoverWatch m_failover;
    QTimer m_failoverPoll;
    QTimer m_coalesce; // status ticks arrive per node; totals and notifications follow at most 4 times a second
    int m_dirtyFirst = -1;
    int m_dirtyLast = -1;
    QElapsedTimer m_clock; // the console's own clock, for the failover fallback
    QString m_lastHandover;
    uint64_t m_consoleEventSeq = 0;
};

} // namespace hafront::views
