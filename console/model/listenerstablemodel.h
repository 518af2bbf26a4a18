// ListenersTableModel: a thin table over ClusterModel's node reports — one
// row per connected node and listener with its state, load, TLS resumption,
// HTTP/2 figures and rejections; the rows of a node change by range when it reports.
#pragma once

#include "model/noderowstablemodel.h"

namespace hafront::model {

class ListenersTableModel : public NodeRowsTableModel {
    Q_OBJECT
public:
    enum Column {
        Node,
        Listener,
        Bind,
        Protocol,
        State,
        Connections,
        RequestsPerSecond,
        Requests,
        Resumed,
        H2Connections,
        H2Streams,
        GoawaySent,
        ResetsReceived,
        Rejected,
        ColumnCount
    };
    // ListeningRole: false when the node does not accept on the listener (the view marks the row).
    enum Role { SortRole = Qt::UserRole + 1, ListeningRole };

    explicit ListenersTableModel(const ClusterModel *cluster, QObject *parent = nullptr);

    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    // HTTP/2 is offered: h2c by prior knowledge, or ALPN "h2" (the agent's default when alpn is empty).
    static bool offersH2(const v1::Listener &config);
    // The node counted HTTP/2 on it (what an older console config may not know about).
    static bool sawH2(const v1::ListenerStatus &listener);
    static QString protocolText(const v1::ListenerStatus &listener, bool h2); // "HTTP · TLS · h2", "TCP"
    static QString countersText(const google::protobuf::RepeatedPtrField<v1::Counter> &counters); // "drain 2, idle 1"

private:
    std::vector<Row> rowsOf(int nodeRow) const override;
    bool speaksH2(const v1::ListenerStatus &listener) const;
    QVariant cell(const v1::ListenerStatus &l, const NodeView &n, int column, bool sort) const;
    QVariant toolTip(const v1::ListenerStatus &l, int column) const;
};

} // namespace hafront::model
