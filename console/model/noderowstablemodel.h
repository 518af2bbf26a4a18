// NodeRowsTableModel: the plumbing of a table over ClusterModel whose rows
// come in one block per node (a node's listeners, its certificates): all rows
// rebuilt on a cluster reset, one node's block replaced by range when it
// reports, so views keep every other row. Subclasses say which rows a node
// has (rowsOf) and what a row shows.
#pragma once

#include "model/clustermodel.h"

#include <QAbstractTableModel>

#include <vector>

namespace hafront::model {

class NodeRowsTableModel : public QAbstractTableModel {
public:
    // Indexes into a node's last status: the node row, its listener, and an
    // item of that listener (a certificate), 0 when rows are listeners.
    struct Row {
        int node;
        int listener;
        int item = 0;
    };

    int rowCount(const QModelIndex &parent = {}) const override;

protected:
    NodeRowsTableModel(const ClusterModel *cluster, QObject *parent);
    // Connects to the cluster and builds the rows: called by the subclass's
    // constructor, once rowsOf can be called.
    void follow();
    virtual std::vector<Row> rowsOf(int nodeRow) const = 0;
    virtual void rebuilt() {}               // after every row was rebuilt (a cluster reset)
    virtual void nodeReported(int nodeRow); // default: replaceRowsOf, then a ranged dataChanged

    // The node's block: same count -> rows updated in place (inPlace, the
    // caller emits dataChanged); otherwise removed and inserted by range.
    struct Replaced {
        int begin;
        int count;
        bool inPlace;
    };
    Replaced replaceRowsOf(int nodeRow);
    const v1::ListenerStatus *listenerOf(const Row &r) const; // nullptr when the report no longer has it

    const ClusterModel *m_cluster;
    std::vector<Row> m_rows; // grouped by node row
};

} // namespace hafront::model
