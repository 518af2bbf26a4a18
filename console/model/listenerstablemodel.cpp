#include "model/listenerstablemodel.h"

#include "model/certificatestablemodel.h"

#include <algorithm>

namespace hafront::model {
namespace {

QString q(const std::string &s)
{
    return QString::fromStdString(s);
}

const QString kNone = QStringLiteral("—");

// A lost node's last report is no longer the truth about its listeners.
bool reports(const NodeView &node)
{
    return node.link == LinkState::Connected && node.status.has_value();
}

uint64_t total(const google::protobuf::RepeatedPtrField<v1::Counter> &counters)
{
    uint64_t sum = 0;
    for (const auto &c : counters)
        sum += c.value();
    return sum;
}

// Signed, so a column sorts its counters and its -1 ("—") as one type
// (QSortFilterProxyModel compares by the left value's type).
QVariant number(uint64_t value)
{
    return QVariant::fromValue<qlonglong>(qlonglong(value));
}

const QVariant kNoFigure = QVariant::fromValue<qlonglong>(-1);

} // namespace

ListenersTableModel::ListenersTableModel(const ClusterModel *cluster, QObject *parent)
    : NodeRowsTableModel(cluster, parent)
{
    follow();
}

std::vector<NodeRowsTableModel::Row> ListenersTableModel::rowsOf(int nodeRow) const
{
    std::vector<Row> rows;
    const NodeView &n = m_cluster->nodes()[size_t(nodeRow)];
    if (!reports(n))
        return rows;
    for (int l = 0; l < n.status->listeners_size(); ++l)
        rows.push_back({nodeRow, l});
    return rows;
}

int ListenersTableModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

bool ListenersTableModel::offersH2(const v1::Listener &config)
{
    if (config.protocol() != v1::HTTP)
        return false;
    if (config.http2().enabled())
        return true;
    if (!config.has_tls())
        return false;
    const auto &alpn = config.tls().alpn();
    return alpn.empty() || std::find(alpn.begin(), alpn.end(), "h2") != alpn.end();
}

bool ListenersTableModel::sawH2(const v1::ListenerStatus &listener)
{
    return listener.h2_streams_total() > 0 || listener.h2_connections_active() > 0 ||
           listener.h2_goaway_sent_size() > 0 || listener.h2_resets_received_total() > 0;
}

bool ListenersTableModel::speaksH2(const v1::ListenerStatus &listener) const
{
    if (listener.protocol() != v1::HTTP)
        return false;
    if (sawH2(listener))
        return true;
    const auto &configured = m_cluster->cluster().listener();
    const auto it = std::find_if(configured.begin(), configured.end(),
                                 [&](const v1::Listener &c) { return c.name() == listener.name(); });
    return it != configured.end() && offersH2(*it);
}

QString ListenersTableModel::protocolText(const v1::ListenerStatus &listener, bool h2)
{
    QStringList parts{listener.protocol() == v1::TCP ? QStringLiteral("TCP") : QStringLiteral("HTTP")};
    if (listener.has_tls())
        parts << QStringLiteral("TLS");
    if (h2)
        parts << QStringLiteral("h2");
    return parts.join(QStringLiteral(" · "));
}

QString ListenersTableModel::countersText(const google::protobuf::RepeatedPtrField<v1::Counter> &counters)
{
    QStringList parts;
    for (const auto &c : counters)
        if (c.value() > 0)
            parts << QStringLiteral("%1 %2").arg(q(c.name())).arg(c.value());
    return parts.join(QStringLiteral(", "));
}

QVariant ListenersTableModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Row &r = m_rows[size_t(index.row())];
    const v1::ListenerStatus *l = listenerOf(r);
    if (!l)
        return {};
    const NodeView &n = m_cluster->nodes()[size_t(r.node)];
    switch (role) {
    case ListeningRole:
        return l->listening();
    case Qt::ToolTipRole:
        return toolTip(*l, index.column());
    case Qt::TextAlignmentRole:
        return index.column() >= Connections && index.column() <= ResetsReceived && index.column() != GoawaySent
                   ? QVariant(Qt::AlignRight | Qt::AlignVCenter)
                   : QVariant();
    case Qt::DisplayRole:
        return cell(*l, n, index.column(), false);
    case SortRole:
        return cell(*l, n, index.column(), true);
    default:
        return {};
    }
}

QVariant ListenersTableModel::toolTip(const v1::ListenerStatus &l, int column) const
{
    switch (column) {
    case State:
        return l.listening() ? tr("Accepting connections on %1").arg(q(l.bind()))
                             : tr("Not accepting on %1: new connections are refused. The agent is stopping "
                                  "or could not bind the address; its log says why.")
                                   .arg(q(l.bind()));
    case Connections:
        return tr("%1 accepted in total, %2 of them handed over to another worker")
            .arg(l.accepted_total())
            .arg(l.handed_over_total());
    case Resumed:
        if (!l.has_tls())
            return {};
        return tr("%1 of %2 TLS handshakes resumed with a session ticket")
            .arg(l.tls().resumed_total())
            .arg(l.tls().handshakes_total());
    case H2Streams:
        if (!speaksH2(l))
            return {};
        return tr("%1 HTTP/2 streams in total").arg(l.h2_streams_total());
    }
    return {};
}

// What a cell shows, or with `sort` what it sorts by: numbers, -1 where the
// listener has no such figure (a plain listener's resumed share, a TCP listener's streams).
QVariant ListenersTableModel::cell(const v1::ListenerStatus &l, const NodeView &n, int column, bool sort) const
{
    const bool h2 = speaksH2(l);
    auto h2Figure = [&](uint64_t value) { return !h2 ? (sort ? kNoFigure : QVariant(kNone)) : number(value); };
    auto counters = [&](const google::protobuf::RepeatedPtrField<v1::Counter> &c) {
        const QString text = countersText(c);
        return sort ? number(total(c)) : QVariant(text.isEmpty() ? kNone : text);
    };
    switch (column) {
    case Node:
        return n.name;
    case Listener:
        return q(l.name());
    case Bind:
        return q(l.bind());
    case Protocol:
        return protocolText(l, h2);
    case State:
        if (sort)
            return int(l.listening());
        return l.listening() ? tr("listening") : tr("not listening");
    case Connections:
        return number(l.active_connections());
    case RequestsPerSecond:
        return sort ? QVariant(l.requests_per_second()) : QVariant(QString::number(l.requests_per_second(), 'f', 1));
    case Requests:
        return number(l.requests_total());
    case Resumed:
        if (!l.has_tls())
            return sort ? QVariant(-1.0) : QVariant(kNone);
        if (sort)
            return l.tls().handshakes_total() ? double(l.tls().resumed_total()) / double(l.tls().handshakes_total())
                                              : -1.0;
        return CertificatesTableModel::resumedShare(l.tls());
    case H2Connections:
        return h2Figure(l.h2_connections_active());
    case H2Streams:
        return h2Figure(l.h2_streams_active());
    case GoawaySent:
        return h2 ? counters(l.h2_goaway_sent()) : h2Figure(0);
    case ResetsReceived:
        return h2Figure(l.h2_resets_received_total());
    case Rejected:
        return counters(l.rejected());
    }
    return {};
}

QVariant ListenersTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || (role != Qt::DisplayRole && role != Qt::ToolTipRole))
        return QAbstractTableModel::headerData(section, orientation, role);
    if (role == Qt::ToolTipRole) {
        switch (section) {
        case Connections:
            return tr("Connections open now");
        case Resumed:
            return tr("Share of TLS handshakes resumed with a session ticket");
        case H2Connections:
            return tr("HTTP/2 connections open now");
        case H2Streams:
            return tr("HTTP/2 streams open now");
        case GoawaySent:
            return tr("GOAWAY frames sent, by reason");
        case ResetsReceived:
            return tr("RST_STREAM frames received from clients");
        case Rejected:
            return tr("Answers the proxy gave itself (it refused the request or no backend could), by status");
        }
        return {};
    }
    switch (section) {
    case Node:
        return tr("Node");
    case Listener:
        return tr("Listener");
    case Bind:
        return tr("Bind");
    case Protocol:
        return tr("Protocol");
    case State:
        return tr("State");
    case Connections:
        return tr("Active");
    case RequestsPerSecond:
        return tr("req/s");
    case Requests:
        return tr("Requests");
    case Resumed:
        return tr("Resumed");
    case H2Connections:
        return tr("H2 conns");
    case H2Streams:
        return tr("H2 streams");
    case GoawaySent:
        return tr("GOAWAY sent");
    case ResetsReceived:
        return tr("Resets recv");
    case Rejected:
        return tr("Rejected");
    }
    return {};
}

} // namespace hafront::model
