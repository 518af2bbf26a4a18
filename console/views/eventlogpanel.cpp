#include "views/eventlogpanel.h"

#include "model/eventlogmodel.h"

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLineEdit>
#include <QScrollBar>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QVBoxLayout>

namespace hafront::views {

using model::EventLogModel;

EventLogPanel::EventLogPanel(EventLogModel *events, QWidget *parent)
    : QWidget(parent), m_text(new QSortFilterProxyModel(this)), m_kind(new QSortFilterProxyModel(this)),
      m_table(new QTableView(this)), m_filter(new QLineEdit(this)), m_kinds(new QComboBox(this))
{
    m_kind->setSourceModel(events);
    m_kind->setFilterKeyColumn(EventLogModel::Kind);
    m_text->setSourceModel(m_kind);
    m_text->setFilterKeyColumn(-1);
    m_text->setFilterCaseSensitivity(Qt::CaseInsensitive);
    m_filter->setPlaceholderText(tr("Filter events (node, subject, message)…"));
    m_filter->setClearButtonEnabled(true);
    connect(m_filter, &QLineEdit::textChanged, m_text, &QSortFilterProxyModel::setFilterFixedString);
    m_kinds->addItem(tr("All kinds"), QString());
    for (int k = hafront::v1::VIP_STATE; k <= hafront::v1::COMMAND; ++k) {
        const QString name = EventLogModel::kindName(hafront::v1::EventKind(k));
        m_kinds->addItem(name, name);
    }
    connect(m_kinds, &QComboBox::currentIndexChanged, this, [this] {
        const QString name = m_kinds->currentData().toString();
        m_kind->setFilterRegularExpression(
            name.isEmpty() ? QString() : QStringLiteral("^%1$").arg(QRegularExpression::escape(name)));
    });

    m_table->setModel(m_text);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setWordWrap(false);
    m_table->setColumnWidth(EventLogModel::Time, 100);
    m_table->setColumnWidth(EventLogModel::Subject, 180);
    auto *copy = new QAction(tr("Copy"), m_table);
    copy->setShortcut(QKeySequence::Copy);
    copy->setShortcutContext(Qt::WidgetShortcut);
    connect(copy, &QAction::triggered, this, &EventLogPanel::copySelection);
    m_table->addAction(copy);
    m_table->setContextMenuPolicy(Qt::ActionsContextMenu);
    connect(m_text, &QAbstractItemModel::rowsInserted, this, [this] {
        auto *bar = m_table->verticalScrollBar();
        if (bar->value() >= bar->maximum() - 2)
            QMetaObject::invokeMethod(m_table, &QTableView::scrollToBottom, Qt::QueuedConnection);
    });

    auto *filters = new QHBoxLayout;
    filters->addWidget(m_filter, 1);
    filters->addWidget(m_kinds);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(filters);
    layout->addWidget(m_table);
}

void EventLogPanel::copySelection() const
{
    QStringList lines;
    for (const QModelIndex &row : m_table->selectionModel()->selectedRows()) {
        QStringList cells;
        for (int c = 0; c < EventLogModel::ColumnCount; ++c)
            cells << row.sibling(row.row(), c).data().toString();
        lines << cells.join(QLatin1Char('\t'));
    }
    QApplication::clipboard()->setText(lines.join(QLatin1Char('\n')));
}

} // namespace hafront::views
