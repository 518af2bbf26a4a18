// EventLogPanel: every node's events merged in time order, filtered by text
// and kind, copied as text; follows the newest event unless scrolled away.
#pragma once

#include <QWidget>

class QComboBox;
class QLineEdit;
class QSortFilterProxyModel;
class QTableView;

namespace hafront::model {
class EventLogModel;
}

namespace hafront::views {

class EventLogPanel : public QWidget {
    Q_OBJECT
public:
    explicit EventLogPanel(model::EventLogModel *events, QWidget *parent = nullptr);

    QTableView *table() const { return m_table; }
    void copySelection() const;

private:
    QSortFilterProxyModel *m_text;
    QSortFilterProxyModel *m_kind;
    QTableView *m_table;
    QLineEdit *m_filter;
    QComboBox *m_kinds;
};

} // namespace hafront::views
