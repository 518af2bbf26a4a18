#include "model/vipstablemodel.h"

namespace hafront::model {

VipsTableModel::VipsTableModel(const ClusterModel *cluster, QObject *parent)
    : QAbstractTableModel(parent), m_cluster(cluster)
{
    m_rows = static_cast<int>(cluster->vips().size());
    connect(cluster, &ClusterModel::clusterAboutToReset, this, [this] { beginResetModel(); });
    connect(cluster, &ClusterModel::clusterReset, this, [this] {
        m_rows = static_cast<int>(m_cluster->vips().size());
        endResetModel();
    });
    connect(cluster, &ClusterModel::vipsChanged, this, &VipsTableModel::refresh);
}

// VIPs are appended (an agent reporting one the config did not name), never removed.
void VipsTableModel::refresh()
{
    const int now = static_cast<int>(m_cluster->vips().size());
    if (now > m_rows) {
        beginInsertRows({}, m_rows, now - 1);
        m_rows = now;
        endInsertRows();
    }
    if (m_rows > 0)
        emit dataChanged(index(0, 0), index(m_rows - 1, ColumnCount - 1));
}

int VipsTableModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : m_rows;
}

int VipsTableModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QString VipsTableModel::stateName(v1::VrrpState state)
{
    switch (state) {
    case v1::MASTER:
        return tr("master");
    case v1::BACKUP:
        return tr("backup");
    case v1::FAULT:
        return tr("fault");
    default:
        return tr("init");
    }
}

QString VipsTableModel::verdict(const VipView &vip)
{
    if (vip.perNode.empty())
        return tr("no report");
    if (vip.splitBrain())
        return tr("SPLIT BRAIN: %1").arg(vip.owners.join(QStringLiteral(", ")));
    if (vip.noOwner())
        return tr("NO OWNER");
    return tr("ok");
}

QVariant VipsTableModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const VipView &v = m_cluster->vips()[static_cast<size_t>(index.row())];
    if (role == VipRole)
        return v.name;
    if (role == AlarmRole)
        return v.splitBrain() || v.noOwner();
    if (role != Qt::DisplayRole)
        return {};
    switch (index.column()) {
    case Name:
        return v.name;
    case Address:
        return v.address;
    case Owner:
        return v.owners.join(QStringLiteral(", "));
    case Nodes: {
        QStringList parts;
        for (const auto &[node, s] : v.perNode)
            parts << tr("%1 %2 (priority %3)").arg(node, stateName(s.state())).arg(s.effective_priority());
        return parts.join(QStringLiteral("; "));
    }
    case Verdict:
        return verdict(v);
    }
    return {};
}

QVariant VipsTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case Name:
        return tr("VIP");
    case Address:
        return tr("Address");
    case Owner:
        return tr("Owner");
    case Nodes:
        return tr("Nodes");
    case Verdict:
        return tr("Verdict");
    }
    return {};
}

} // namespace hafront::model
