// BackendsTableModel: a thin table over ClusterModel's backends (one row per
// pool/backend, cluster-wide figures); ranged dataChanged per status tick.
#pragma once

#include "config/defaults.h"
#include "model/clustermodel.h"

#include <QAbstractTableModel>

namespace hafront::model {

class BackendsTableModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column { Pool, Name, State, Health, Weight, RequestsPerSecond, Active, P50, P99, Errors, ColumnCount };
    enum Role { SortRole = Qt::UserRole + 1, WeightRole, HealthRole, PoolRole, BackendRole };
    static constexpr uint32_t kMaxWeight = config::kMaxWeight; // the config decides

    explicit BackendsTableModel(const ClusterModel *cluster, QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    static QString stateName(v1::BackendState state);
    static QString healthName(v1::Health health);

private:
    const ClusterModel *m_cluster;
};

} // namespace hafront::model
