// BackendsPanel: the backends table (sort, filter) with the draggable weight
// bar; asks for weight and state changes through signals, changes nothing itself.
#pragma once

#include "hafront/v1/state.pb.h"

#include <QWidget>

class QLineEdit;
class QSortFilterProxyModel;
class QTableView;

namespace hafront::model {
class BackendsTableModel;
}

namespace hafront::views {

class WeightDelegate;

class BackendsPanel : public QWidget {
    Q_OBJECT
public:
    explicit BackendsPanel(model::BackendsTableModel *backends, QWidget *parent = nullptr);

    QTableView *table() const { return m_table; }
    WeightDelegate *weightDelegate() const { return m_delegate; }
    QLineEdit *filter() const { return m_filter; }

signals:
    void weightChosen(const QString &pool, const QString &backend, uint32_t from, uint32_t to);
    void backendMenuRequested(const QString &pool, const QString &backend, const QPoint &globalPos);

private:
    void rescale();

    model::BackendsTableModel *m_backends;
    QSortFilterProxyModel *m_proxy;
    QTableView *m_table;
    QLineEdit *m_filter;
    WeightDelegate *m_delegate;
};

} // namespace hafront::views
