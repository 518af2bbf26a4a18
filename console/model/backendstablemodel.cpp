#include "model/backendstablemodel.h"

namespace hafront::model {

BackendsTableModel::BackendsTableModel(const ClusterModel *cluster, QObject *parent)
    : QAbstractTableModel(parent), m_cluster(cluster)
{
    connect(cluster, &ClusterModel::clusterAboutToReset, this, [this] { beginResetModel(); });
    connect(cluster, &ClusterModel::clusterReset, this, [this] { endResetModel(); });
    connect(cluster, &ClusterModel::backendsAboutToBeInserted, this,
            [this](int first, int last) { beginInsertRows({}, first, last); });
    connect(cluster, &ClusterModel::backendsInserted, this, [this] { endInsertRows(); });
    connect(cluster, &ClusterModel::backendsChanged, this,
            [this](int first, int last) { emit dataChanged(index(first, 0), index(last, ColumnCount - 1)); });
}

int BackendsTableModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_cluster->backends().size());
}

int BackendsTableModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QString BackendsTableModel::stateName(v1::BackendState state)
{
    switch (state) {
    case v1::DRAIN:
        return tr("drain");
    case v1::MAINT:
        return tr("maintenance");
    default:
        return tr("ready");
    }
}

QString BackendsTableModel::healthName(v1::Health health)
{
    switch (health) {
    case v1::UP:
        return tr("up");
    case v1::DOWN:
        return tr("down");
    default:
        return tr("unknown");
    }
}

QVariant BackendsTableModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const BackendView &b = m_cluster->backends()[static_cast<size_t>(index.row())];
    const bool reported = !b.perNode.empty();
    switch (role) {
    case PoolRole:
        return b.pool;
    case BackendRole:
        return b.name;
    case HealthRole:
        return reported ? int(b.health()) : int(v1::HEALTH_UNKNOWN);
    case WeightRole:
        return reported ? QVariant(b.weight()) : QVariant();
    case Qt::ToolTipRole:
        if (index.column() == Health)
            return b.lastCheck();
        if (index.column() == Name)
            return b.address;
        if (index.column() == Weight)
            return tr("Drag the bar or press +/- to change the weight (0-%1)").arg(kMaxWeight);
        return {};
    case Qt::TextAlignmentRole:
        return index.column() >= Weight ? QVariant(Qt::AlignRight | Qt::AlignVCenter) : QVariant();
    case Qt::DisplayRole:
    case SortRole:
        break;
    default:
        return {};
    }
    const bool sort = role == SortRole;
    switch (index.column()) {
    case Pool:
        return b.pool;
    case Name:
        return b.name;
    case State:
        return reported ? stateName(b.state()) : QString();
    case Health:
        return reported ? healthName(b.health()) : tr("no report");
    case Weight:
        return reported ? QVariant(b.weight()) : QVariant();
    case RequestsPerSecond:
        return sort ? QVariant(b.requestsPerSecond()) : QVariant(QString::number(b.requestsPerSecond(), 'f', 1));
    case Active:
        return b.activeConnections();
    case P50:
        return sort ? QVariant(b.p50Ms()) : QVariant(QString::number(b.p50Ms(), 'f', 2));
    case P99:
        return sort ? QVariant(b.p99Ms()) : QVariant(QString::number(b.p99Ms(), 'f', 2));
    case Errors:
        return QVariant::fromValue<qulonglong>(b.errors());
    }
    return {};
}

QVariant BackendsTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case Pool:
        return tr("Pool");
    case Name:
        return tr("Backend");
    case State:
        return tr("State");
    case Health:
        return tr("Health");
    case Weight:
        return tr("Weight");
    case RequestsPerSecond:
        return tr("req/s");
    case Active:
        return tr("Active");
    case P50:
        return tr("p50 ms");
    case P99:
        return tr("p99 ms");
    case Errors:
        return tr("Errors");
    }
    return {};
}

} // namespace hafront::model
