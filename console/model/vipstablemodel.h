// VipsTableModel: a thin table over ClusterModel's VIPs — address, owner, each
// node's VRRP state and priority, and a loud flag for split brain or no owner.
#pragma once

#include "model/clustermodel.h"

#include <QAbstractTableModel>

namespace hafront::model {

class VipsTableModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column { Name, Address, Owner, Nodes, Verdict, ColumnCount };
    enum Role { VipRole = Qt::UserRole + 1, AlarmRole };

    explicit VipsTableModel(const ClusterModel *cluster, QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    static QString stateName(v1::VrrpState state);
    static QString verdict(const VipView &vip); // "ok", "SPLIT BRAIN: fe1, fe2", "NO OWNER"

private:
    void refresh();

    const ClusterModel *m_cluster;
    int m_rows = 0;
};

} // namespace hafront::model
