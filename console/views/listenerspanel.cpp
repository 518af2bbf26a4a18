#include "views/listenerspanel.h"

#include "model/listenerstablemodel.h"

#include <QHeaderView>
#include <QLineEdit>
#include <QSortFilterProxyModel>
#include <QStyledItemDelegate>
#include <QTableView>
#include <QVBoxLayout>

namespace hafront::views {

using model::ListenersTableModel;

namespace {

// The console's alarm colours (as the certificates view's expired rows): a
// listener that does not accept is red, its state cell on a red background.
class ListeningDelegate : public QStyledItemDelegate {
public:
    using QStyledItemDelegate::QStyledItemDelegate;

protected:
    void initStyleOption(QStyleOptionViewItem *option, const QModelIndex &index) const override
    {
        QStyledItemDelegate::initStyleOption(option, index);
        if (index.data(ListenersTableModel::ListeningRole).toBool())
            return;
        if (index.column() == ListenersTableModel::State) {
            option->backgroundBrush = QColor(0xff, 0xcd, 0xd2);
            option->font.setBold(true);
        }
        const QColor text(0xc6, 0x28, 0x28);
        option->palette.setColor(QPalette::Text, text);
        option->palette.setColor(QPalette::HighlightedText, text);
    }
};

} // namespace

ListenersPanel::ListenersPanel(ListenersTableModel *listeners, QWidget *parent)
    : QWidget(parent), m_proxy(new QSortFilterProxyModel(this)), m_table(new QTableView(this)),
      m_filter(new QLineEdit(this))
{
    m_proxy->setSourceModel(listeners);
    m_proxy->setSortRole(ListenersTableModel::SortRole);
    m_proxy->setFilterKeyColumn(-1);
    m_proxy->setFilterCaseSensitivity(Qt::CaseInsensitive);
    m_filter->setPlaceholderText(tr("Filter listeners (node, listener, bind, protocol, state)…"));
    m_filter->setClearButtonEnabled(true);
    connect(m_filter, &QLineEdit::textChanged, m_proxy, &QSortFilterProxyModel::setFilterFixedString);

    m_table->setObjectName(QStringLiteral("listenersTable"));
    m_table->setModel(m_proxy);
    m_table->setItemDelegate(new ListeningDelegate(m_table));
    m_table->setSortingEnabled(true);
    m_table->sortByColumn(-1, Qt::AscendingOrder);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setWordWrap(false);
    m_table->verticalHeader()->hide();
    // Fourteen columns: each as wide as its text, scrolled rather than cut ("400 13, 408 3, 4…").
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_filter);
    layout->addWidget(m_table);
}

} // namespace hafront::views
