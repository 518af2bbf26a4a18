// EventLogModel: a thin table over ClusterModel's merged, time-ordered events
// (time, node, kind, subject, message); rows are inserted, never reset per event.
#pragma once

#include "model/clustermodel.h"

#include <QAbstractTableModel>

namespace hafront::model {

class EventLogModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column { Time, Node, Kind, Subject, Message, ColumnCount };

    explicit EventLogModel(const ClusterModel *cluster, QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    static QString kindName(v1::EventKind kind);

private:
    const ClusterModel *m_cluster;
};

} // namespace hafront::model
