#include "model/eventlogmodel.h"

#include <QDateTime>

namespace hafront::model {

EventLogModel::EventLogModel(const ClusterModel *cluster, QObject *parent)
    : QAbstractTableModel(parent), m_cluster(cluster)
{
    connect(cluster, &ClusterModel::clusterAboutToReset, this, [this] { beginResetModel(); });
    connect(cluster, &ClusterModel::clusterReset, this, [this] { endResetModel(); });
    connect(cluster, &ClusterModel::eventsAboutToBeInserted, this,
            [this](int first, int last) { beginInsertRows({}, first, last); });
    connect(cluster, &ClusterModel::eventsInserted, this, [this] { endInsertRows(); });
    connect(cluster, &ClusterModel::eventsAboutToBeRemoved, this,
            [this](int first, int last) { beginRemoveRows({}, first, last); });
    connect(cluster, &ClusterModel::eventsRemoved, this, [this] { endRemoveRows(); });
}

int EventLogModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_cluster->events().size());
}

int EventLogModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QString EventLogModel::kindName(v1::EventKind kind)
{
    switch (kind) {
    case v1::VIP_STATE:
        return tr("VIP state");
    case v1::VIP_ADDRESS:
        return tr("VIP address");
    case v1::VIP_OVERRIDE:
        return tr("VIP override");
    case v1::SPLIT_BRAIN:
        return tr("split brain");
    case v1::TRACKER:
        return tr("tracker");
    case v1::BACKEND_HEALTH:
        return tr("backend health");
    case v1::BACKEND_CHANGE:
        return tr("backend change");
    case v1::CONFIG:
        return tr("config");
    case v1::AGENT:
        return tr("agent");
    case v1::COMMAND:
        return tr("command");
    default:
        return tr("other");
    }
}

QVariant EventLogModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    if (role != Qt::DisplayRole && role != Qt::ToolTipRole)
        return {};
    const v1::Event &e = m_cluster->events()[static_cast<size_t>(index.row())];
    switch (index.column()) {
    case Time:
        return QDateTime::fromMSecsSinceEpoch(e.wall_time_us() / 1000).toString(QStringLiteral("HH:mm:ss.zzz"));
    case Node:
        return QString::fromStdString(e.node());
    case Kind:
        return kindName(e.kind());
    case Subject:
        return QString::fromStdString(e.subject());
    case Message:
        return QString::fromStdString(e.message());
    }
    return {};
}

QVariant EventLogModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case Time:
        return tr("Time");
    case Node:
        return tr("Node");
    case Kind:
        return tr("Kind");
    case Subject:
        return tr("Subject");
    case Message:
        return tr("Message");
    }
    return {};
}

} // namespace hafront::model
