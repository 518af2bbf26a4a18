#include "views/backendspanel.h"

#include "model/backendstablemodel.h"
#include "views/weightdelegate.h"

#include <QHeaderView>
#include <QLineEdit>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QVBoxLayout>

namespace hafront::views {

using model::BackendsTableModel;

BackendsPanel::BackendsPanel(BackendsTableModel *backends, QWidget *parent)
    : QWidget(parent), m_backends(backends), m_proxy(new QSortFilterProxyModel(this)), m_table(new QTableView(this)),
      m_filter(new QLineEdit(this))
{
    m_proxy->setSourceModel(backends);
    m_proxy->setSortRole(BackendsTableModel::SortRole);
    m_proxy->setFilterKeyColumn(-1);
    m_proxy->setFilterCaseSensitivity(Qt::CaseInsensitive);
    m_filter->setPlaceholderText(tr("Filter backends (pool, name, state, health)…"));
    m_filter->setClearButtonEnabled(true);
    connect(m_filter, &QLineEdit::textChanged, m_proxy, &QSortFilterProxyModel::setFilterFixedString);

    m_table->setModel(m_proxy);
    m_table->setSortingEnabled(true);
    m_table->sortByColumn(-1, Qt::AscendingOrder);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setEditTriggers(QAbstractItemView::EditKeyPressed);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->setContextMenuPolicy(Qt::CustomContextMenu);
    m_delegate = new WeightDelegate(m_table);
    m_table->setItemDelegateForColumn(BackendsTableModel::Weight, m_delegate);
    m_table->setColumnWidth(BackendsTableModel::Weight, 200);
    connect(m_delegate, &WeightDelegate::weightChosen, this, &BackendsPanel::weightChosen);
    connect(m_table, &QWidget::customContextMenuRequested, this, [this](const QPoint &pos) {
        const QModelIndex index = m_table->indexAt(pos);
        if (index.isValid())
            emit backendMenuRequested(index.data(BackendsTableModel::PoolRole).toString(),
                                      index.data(BackendsTableModel::BackendRole).toString(),
                                      m_table->viewport()->mapToGlobal(pos));
    });
    connect(backends, &QAbstractItemModel::dataChanged, this, &BackendsPanel::rescale);
    connect(backends, &QAbstractItemModel::modelReset, this, &BackendsPanel::rescale);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_filter);
    layout->addWidget(m_table);
}

// The bar's full length is the next decade above the largest weight, so weights
// 1-3 are not slivers on a 0-1000 scale, while a drag can still double them.
void BackendsPanel::rescale()
{
    if (m_delegate->dragging())
        return;
    uint32_t largest = 0;
    for (int r = 0; r < m_backends->rowCount(); ++r)
        largest = std::max(largest, m_backends->index(r, 0).data(BackendsTableModel::WeightRole).toUInt());
    uint32_t scale = 10;
    while (scale < largest * 2 && scale < BackendsTableModel::kMaxWeight)
        scale *= 10;
    if (scale != m_delegate->scale()) {
        m_delegate->setScale(std::min(scale, BackendsTableModel::kMaxWeight));
        m_table->viewport()->update();
    }
}

} // namespace hafront::views
