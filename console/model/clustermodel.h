// ClusterModel: the console's one source of truth — every node's link state,
// NodeStatus and events merged into one picture (VIP owners, pools and
// backends with per-node values, a time-ordered event log). No I/O, no clock.
#pragma once

#include "hafront/v1/cluster.pb.h"
#include "hafront/v1/control.pb.h"
#include "model/metricshistory.h"

#include <QHash>
#include <QObject>
#include <QString>
#include <QStringList>

#include <map>
#include <optional>
#include <vector>

namespace hafront::model {

enum class LinkState { Idle, Connecting, Connected, Reconnecting, Unreachable };

struct NodeView {
    QString name;
    QString address;
    LinkState link = LinkState::Idle;
    QString reason; // why the link is down, verbatim; when up: the transport if not the local socket
    int secondsUntilRetry = -1;
    std::optional<v1::NodeStatus> status;
};

struct VipView {
    QString name;
    QString address;
    std::map<QString, v1::VipStatus> perNode; // nodes that reported this VIP
    QStringList owners;                       // nodes reporting MASTER
    bool splitBrain() const { return owners.size() > 1; }
    bool noOwner() const { return owners.isEmpty() && !perNode.empty(); }
};

struct BackendView {
    QString pool;
    QString name;
    QString address;
    std::map<QString, v1::BackendStatus> perNode;

    // Cluster-wide figures: the operator's setting is the same on every node,
    // load adds up, latency and health take the worst node.
    uint32_t weight() const;
    v1::BackendState state() const;
    v1::Health health() const;
    QString lastCheck() const;
    double requestsPerSecond() const;
    uint32_t activeConnections() const;
    double p50Ms() const;
    double p99Ms() const;
    uint64_t errors() const;
};

struct Totals {
    int nodesConnected = 0;
    int nodes = 0;
    int backendsUp = 0;
    int backends = 0;
    double requestsPerSecond = 0;
    uint32_t activeConnections = 0;
};

class ClusterModel : public QObject {
    Q_OBJECT
public:
    explicit ClusterModel(QObject *parent = nullptr);

    // Lays out nodes, VIPs, pools and backends from the config so rows are
    // stable before the first status arrives.
    void setCluster(const v1::Cluster &cluster);
    const v1::Cluster &cluster() const { return m_cluster; }

    void applyStatus(const v1::NodeStatus &status);
    void applyEvent(const v1::Event &event);
    void setLink(const QString &node, LinkState state, const QString &reason, int secondsUntilRetry);

    const std::vector<NodeView> &nodes() const { return m_nodes; }
    const std::vector<VipView> &vips() const { return m_vips; }
    const std::vector<BackendView> &backends() const { return m_backends; }
    const std::vector<v1::Event> &events() const { return m_events; }
    // NODE's newest event seq still held (0: none), and its events with seq > `seq`, oldest first.
    uint64_t latestSeq(const QString &node) const;
    std::vector<v1::Event> eventsSince(const QString &node, uint64_t seq) const;
    const MetricsHistory &history() const { return m_history; } // rows as backends(), columns as nodes()
    const NodeView *node(const QString &name) const;
    const VipView *vip(const QString &name) const;
    int backendRow(const QString &pool, const QString &backend) const;
    QStringList poolNames() const;
    QStringList nodesRunningPool(const QString &pool) const;
    QStringList nodesRunningVip(const QString &vip) const;
    Totals totals() const;
    bool everyNodeReported() const;

    static constexpr int kMaxEvents = 5000;

signals:
    // Item-model adapters forward these pairs to begin*/end* calls.
    void clusterAboutToReset(); // new config: everything changes
    void clusterReset();
    void backendsAboutToBeInserted(int firstRow, int lastRow);
    void backendsInserted();
    void eventsAboutToBeInserted(int firstRow, int lastRow);
    void eventsInserted();
    void eventAdded(const hafront::v1::Event &event); // after eventsInserted, for watchers of new events
    void eventsAboutToBeRemoved(int firstRow, int lastRow);
    void eventsRemoved();

    void nodeChanged(int row);
    void vipsChanged();
    void backendsChanged(int firstRow, int lastRow);

private:
    int nodeRow(const QString &name) const;
    void recomputeVips();

    v1::Cluster m_cluster;
    std::vector<NodeView> m_nodes;
    std::vector<VipView> m_vips;
    std::vector<BackendView> m_backends;
    std::vector<v1::Event> m_events;
    MetricsHistory m_history;
    QHash<QString, int> m_backendIndex; // "pool\nbackend" → row
};

QString linkText(const NodeView &node); // "connected", "reconnecting in 3 s: why", "unreachable: why"

} // namespace hafront::model
