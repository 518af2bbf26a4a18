#include "model/clustermodel.h"

#include <QCoreApplication>

#include <algorithm>

namespace hafront::model {
namespace {

QString q(const std::string &s)
{
    return QString::fromStdString(s);
}

// Worst first: a backend is as healthy as its sickest node says.
int healthRank(v1::Health h)
{
    switch (h) {
    case v1::DOWN:
        return 0;
    case v1::HEALTH_UNKNOWN:
        return 1;
    default:
        return 2;
    }
}

} // namespace

uint32_t BackendView::weight() const
{
    return perNode.empty() ? 0 : perNode.begin()->second.weight();
}

v1::BackendState BackendView::state() const
{
    v1::BackendState worst = v1::READY;
    for (const auto &[node, b] : perNode)
        worst = std::max(worst, b.state());
    return worst;
}

v1::Health BackendView::health() const
{
    if (perNode.empty())
        return v1::HEALTH_UNKNOWN;
    v1::Health worst = v1::UP;
    for (const auto &[node, b] : perNode)
        if (healthRank(b.health()) < healthRank(worst))
            worst = b.health();
    return worst;
}

QString BackendView::lastCheck() const
{
    QStringList lines;
    for (const auto &[node, b] : perNode)
        lines << node + QStringLiteral(": ") + q(b.last_check());
    return lines.join(QLatin1Char('\n'));
}

double BackendView::requestsPerSecond() const
{
    double sum = 0;
    for (const auto &[node, b] : perNode)
        sum += b.requests_per_second();
    return sum;
}

uint32_t BackendView::activeConnections() const
{
    uint32_t sum = 0;
    for (const auto &[node, b] : perNode)
        sum += b.active_connections();
    return sum;
}

double BackendView::p50Ms() const
{
    double worst = 0;
    for (const auto &[node, b] : perNode)
        worst = std::max(worst, b.latency_p50_ms());
    return worst;
}

double BackendView::p99Ms() const
{
    double worst = 0;
    for (const auto &[node, b] : perNode)
        worst = std::max(worst, b.latency_p99_ms());
    return worst;
}

uint64_t BackendView::errors() const
{
    uint64_t sum = 0;
    for (const auto &[node, b] : perNode) {
        sum += b.responses_5xx();
        for (const auto &c : b.errors())
            sum += c.value();
    }
    return sum;
}

ClusterModel::ClusterModel(QObject *parent) : QObject(parent) {}

void ClusterModel::setCluster(const v1::Cluster &cluster)
{
    emit clusterAboutToReset();
    m_cluster = cluster;
    m_nodes.clear();
    m_vips.clear();
    m_backends.clear();
    m_events.clear();
    for (const auto &n : cluster.node())
        m_nodes.push_back({q(n.name()), q(n.address()), LinkState::Idle, {}, -1, std::nullopt});
    for (const auto &v : cluster.vip())
        m_vips.push_back({q(v.name()), q(v.address()), {}, {}});
    for (const auto &p : cluster.pool())
        for (const auto &b : p.backend())
            m_backends.push_back({q(p.name()), q(b.name()), q(b.address()), {}});
    m_history.reset(m_backends.size(), m_nodes.size());
    m_backendIndex.clear();
    for (size_t i = 0; i < m_backends.size(); ++i)
        m_backendIndex.insert(m_backends[i].pool + QLatin1Char('\n') + m_backends[i].name, int(i));
    emit clusterReset();
}

int ClusterModel::nodeRow(const QString &name) const
{
    for (size_t i = 0; i < m_nodes.size(); ++i)
        if (m_nodes[i].name == name)
            return static_cast<int>(i);
    return -1;
}

const NodeView *ClusterModel::node(const QString &name) const
{
    const int row = nodeRow(name);
    return row < 0 ? nullptr : &m_nodes[static_cast<size_t>(row)];
}

const VipView *ClusterModel::vip(const QString &name) const
{
    for (const auto &v : m_vips)
        if (v.name == name)
            return &v;
    return nullptr;
}

int ClusterModel::backendRow(const QString &pool, const QString &backend) const
{
    return m_backendIndex.value(pool + QLatin1Char('\n') + backend, -1);
}

void ClusterModel::applyStatus(const v1::NodeStatus &status)
{
    const QString nodeName = q(status.node());
    int row = nodeRow(nodeName);
    if (row < 0)
        return; // not a node of this cluster: ignore rather than guess
    m_nodes[static_cast<size_t>(row)].status = status;
    emit nodeChanged(row);

    int first = static_cast<int>(m_backends.size());
    int last = -1;
    auto touch = [&](int r) {
        first = std::min(first, r);
        last = std::max(last, r);
    };
    std::vector<char> reported(m_backends.size(), 0);
    const int64_t second = status.wall_time_us() / 1'000'000;
    for (const auto &p : status.pools()) {
        for (const auto &b : p.backends()) {
            int r = backendRow(q(p.name()), q(b.name()));
            const MetricSample sample{second, float(b.requests_per_second()), float(b.latency_p99_ms())};
            if (r < 0) {
                r = static_cast<int>(m_backends.size());
                emit backendsAboutToBeInserted(r, r);
                m_backends.push_back({q(p.name()), q(b.name()), q(b.address()), {}});
                m_backends.back().perNode[nodeName] = b;
                m_backendIndex.insert(q(p.name()) + QLatin1Char('\n') + q(b.name()), r);
                m_history.addBackend();
                m_history.record(size_t(r), size_t(row), sample);
                emit backendsInserted();
                continue;
            }
            m_backends[static_cast<size_t>(r)].perNode[nodeName] = b;
            m_history.record(size_t(r), size_t(row), sample);
            reported[size_t(r)] = 1;
            touch(r);
        }
    }
    // What the node no longer reports (a backend removed from its config) is gone.
    for (size_t i = 0; i < reported.size(); ++i)
        if (!reported[i] && m_backends[i].perNode.erase(nodeName))
            touch(static_cast<int>(i));
    if (last >= first)
        emit backendsChanged(first, last);
    recomputeVips();
}

void ClusterModel::recomputeVips()
{
    for (auto &v : m_vips) {
        v.perNode.clear();
        v.owners.clear();
    }
    for (const auto &n : m_nodes) {
        if (!n.status || n.link != LinkState::Connected)
            continue; // a silent node's last word is not a claim
        for (const auto &s : n.status->vips()) {
            auto it =
                std::find_if(m_vips.begin(), m_vips.end(), [&](const VipView &v) { return v.name == q(s.name()); });
            if (it == m_vips.end()) {
                m_vips.push_back({q(s.name()), q(s.address()), {}, {}});
                it = std::prev(m_vips.end());
            }
            it->perNode[n.name] = s;
            if (s.state() == v1::MASTER)
                it->owners << n.name;
        }
    }
    emit vipsChanged();
}

void ClusterModel::applyEvent(const v1::Event &event)
{
    // A restarted agent counts from 1 again, so the time is part of an event's identity.
    const auto same = [&](const v1::Event &e) {
        return e.seq() == event.seq() && e.wall_time_us() == event.wall_time_us() && e.node() == event.node();
    };
    // Replays after a reconnect repeat what we have; the ring is recent, so look at the tail.
    const size_t tail = std::min<size_t>(m_events.size(), 2000);
    if (std::any_of(m_events.end() - static_cast<std::ptrdiff_t>(tail), m_events.end(), same))
        return;
    auto at = std::upper_bound(m_events.begin(), m_events.end(), event, [](const v1::Event &a, const v1::Event &b) {
        return a.wall_time_us() < b.wall_time_us();
    });
    const int row = static_cast<int>(at - m_events.begin());
    emit eventsAboutToBeInserted(row, row);
    m_events.insert(at, event);
    emit eventsInserted();
    emit eventAdded(event);
    if (m_events.size() > static_cast<size_t>(kMaxEvents)) {
        const int drop = static_cast<int>(m_events.size()) - kMaxEvents;
        emit eventsAboutToBeRemoved(0, drop - 1);
        m_events.erase(m_events.begin(), m_events.begin() + drop);
        emit eventsRemoved();
    }
}

uint64_t ClusterModel::latestSeq(const QString &nodeName) const
{
    const std::string name = nodeName.toStdString();
    uint64_t seq = 0;
    for (const auto &e : m_events)
        if (e.node() == name)
            seq = std::max<uint64_t>(seq, e.seq());
    return seq;
}

std::vector<v1::Event> ClusterModel::eventsSince(const QString &nodeName, uint64_t seq) const
{
    const std::string name = nodeName.toStdString();
    std::vector<v1::Event> out;
    for (const auto &e : m_events)
        if (e.node() == name && e.seq() > seq)
            out.push_back(e);
    std::stable_sort(out.begin(), out.end(), [](const v1::Event &a, const v1::Event &b) { return a.seq() < b.seq(); });
    return out;
}

void ClusterModel::setLink(const QString &nodeName, LinkState state, const QString &reason, int secondsUntilRetry)
{
    const int row = nodeRow(nodeName);
    if (row < 0)
        return;
    auto &n = m_nodes[static_cast<size_t>(row)];
    if (n.link == state && n.reason == reason && n.secondsUntilRetry == secondsUntilRetry)
        return;
    const bool wasConnected = n.link == LinkState::Connected;
    n.link = state;
    n.reason = reason;
    n.secondsUntilRetry = secondsUntilRetry;
    emit nodeChanged(row);
    if (wasConnected != (state == LinkState::Connected)) {
        if (state != LinkState::Connected) {
            // What a lost node last said is no longer the truth about the backends.
            int first = static_cast<int>(m_backends.size());
            int last = -1;
            for (size_t i = 0; i < m_backends.size(); ++i)
                if (m_backends[i].perNode.erase(nodeName)) {
                    first = std::min(first, static_cast<int>(i));
                    last = static_cast<int>(i);
                }
            if (last >= first)
                emit backendsChanged(first, last);
        }
        recomputeVips();
    }
}

QStringList ClusterModel::poolNames() const
{
    QStringList names;
    for (const auto &b : m_backends)
        if (!names.contains(b.pool))
            names << b.pool;
    return names;
}

// Every node runs every pool of the config it loaded (one file per cluster).
QStringList ClusterModel::nodesRunningPool(const QString &) const
{
    QStringList names;
    for (const auto &n : m_nodes)
        names << n.name;
    return names;
}

QStringList ClusterModel::nodesRunningVip(const QString &vipName) const
{
    QStringList names;
    for (const auto &v : m_cluster.vip()) {
        if (q(v.name()) != vipName)
            continue;
        for (const auto &p : v.priority())
            names << q(p.node());
    }
    if (names.isEmpty())
        for (const auto &n : m_nodes)
            names << n.name;
    return names;
}

Totals ClusterModel::totals() const
{
    Totals t;
    t.nodes = static_cast<int>(m_nodes.size());
    for (const auto &n : m_nodes)
        t.nodesConnected += n.link == LinkState::Connected;
    t.backends = static_cast<int>(m_backends.size());
    for (const auto &b : m_backends) {
        t.backendsUp += !b.perNode.empty() && b.health() == v1::UP;
        t.requestsPerSecond += b.requestsPerSecond();
        t.activeConnections += b.activeConnections();
    }
    return t;
}

bool ClusterModel::everyNodeReported() const
{
    return std::all_of(m_nodes.begin(), m_nodes.end(), [](const NodeView &n) { return n.status.has_value(); });
}

QString linkText(const NodeView &node)
{
    switch (node.link) {
    case LinkState::Idle:
        return QCoreApplication::translate("ClusterModel", "not connected");
    case LinkState::Connecting:
        return QCoreApplication::translate("ClusterModel", "connecting");
    case LinkState::Connected:
        if (!node.reason.isEmpty()) // how, when not the local socket
            return QCoreApplication::translate("ClusterModel", "connected over %1").arg(node.reason);
        return QCoreApplication::translate("ClusterModel", "connected");
    case LinkState::Reconnecting:
        if (node.secondsUntilRetry >= 0)
            return QCoreApplication::translate("ClusterModel", "reconnecting in %1 s: %2")
                .arg(node.secondsUntilRetry)
                .arg(node.reason);
        return QCoreApplication::translate("ClusterModel", "reconnecting: %1").arg(node.reason);
    case LinkState::Unreachable:
        return QCoreApplication::translate("ClusterModel", "unreachable: %1").arg(node.reason);
    }
    return {};
}

} // namespace hafront::model
