#include "model/noderowstablemodel.h"

#include <algorithm>

namespace hafront::model {

NodeRowsTableModel::NodeRowsTableModel(const ClusterModel *cluster, QObject *parent)
    : QAbstractTableModel(parent), m_cluster(cluster)
{
}

void NodeRowsTableModel::follow()
{
    auto rebuild = [this] {
        m_rows.clear();
        for (int n = 0; n < int(m_cluster->nodes().size()); ++n) {
            const std::vector<Row> rows = rowsOf(n);
            m_rows.insert(m_rows.end(), rows.begin(), rows.end());
        }
        rebuilt();
    };
    connect(m_cluster, &ClusterModel::clusterAboutToReset, this, [this] { beginResetModel(); });
    connect(m_cluster, &ClusterModel::clusterReset, this, [this, rebuild] {
        rebuild();
        endResetModel();
    });
    connect(m_cluster, &ClusterModel::nodeChanged, this, [this](int nodeRow) { nodeReported(nodeRow); });
    rebuild();
}

int NodeRowsTableModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

void NodeRowsTableModel::nodeReported(int nodeRow)
{
    const Replaced r = replaceRowsOf(nodeRow);
    if (r.inPlace && r.count > 0)
        emit dataChanged(index(r.begin, 0), index(r.begin + r.count - 1, columnCount() - 1));
}

NodeRowsTableModel::Replaced NodeRowsTableModel::replaceRowsOf(int nodeRow)
{
    if (nodeRow < 0 || nodeRow >= int(m_cluster->nodes().size()))
        return {0, 0, false};
    const std::vector<Row> fresh = rowsOf(nodeRow);
    const auto first = std::find_if(m_rows.begin(), m_rows.end(), [&](const Row &r) { return r.node >= nodeRow; });
    const auto last = std::find_if(first, m_rows.end(), [&](const Row &r) { return r.node > nodeRow; });
    const int begin = int(first - m_rows.begin());
    const int count = int(last - first);
    if (count == int(fresh.size())) {
        std::copy(fresh.begin(), fresh.end(), first);
        return {begin, count, true};
    }
    if (count > 0) {
        beginRemoveRows({}, begin, begin + count - 1);
        m_rows.erase(m_rows.begin() + begin, m_rows.begin() + begin + count);
        endRemoveRows();
    }
    if (!fresh.empty()) {
        beginInsertRows({}, begin, begin + int(fresh.size()) - 1);
        m_rows.insert(m_rows.begin() + begin, fresh.begin(), fresh.end());
        endInsertRows();
    }
    return {begin, int(fresh.size()), false};
}

const v1::ListenerStatus *NodeRowsTableModel::listenerOf(const Row &r) const
{
    const NodeView &n = m_cluster->nodes()[size_t(r.node)];
    if (!n.status || r.listener >= n.status->listeners_size())
        return nullptr;
    return &n.status->listeners(r.listener);
}

} // namespace hafront::model
