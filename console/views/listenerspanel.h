// ListenersPanel: every connected node's listeners (sort, filter) with their
// state, load, TLS resumption and HTTP/2 figures; a listener a node does not
// accept on is shown in red.
#pragma once

#include <QWidget>

class QLineEdit;
class QSortFilterProxyModel;
class QTableView;

namespace hafront::model {
class ListenersTableModel;
}

namespace hafront::views {

class ListenersPanel : public QWidget {
    Q_OBJECT
public:
    explicit ListenersPanel(model::ListenersTableModel *listeners, QWidget *parent = nullptr);

    QTableView *table() const { return m_table; }

private:
    QSortFilterProxyModel *m_proxy;
    QTableView *m_table;
    QLineEdit *m_filter;
};

} // namespace hafront::views
