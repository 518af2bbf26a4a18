#include "views/weightdelegate.h"

#include "model/backendstablemodel.h"

#include <QAbstractItemView>
#include <QApplication>
#include <QKeyEvent>
#include <QMouseEvent>
#include <QPainter>
#include <QSpinBox>

namespace hafront::views {

using model::BackendsTableModel;

WeightDelegate::WeightDelegate(QAbstractItemView *view) : QStyledItemDelegate(view), m_view(view)
{
    // The drag continues outside the cell, so moves and the release are taken from the viewport.
    view->viewport()->installEventFilter(this);
}

bool WeightDelegate::eventFilter(QObject *watched, QEvent *event)
{
    if (!m_drag.isValid() || watched != m_view->viewport())
        return QStyledItemDelegate::eventFilter(watched, event);
    if (event->type() == QEvent::MouseMove) {
        m_preview = weightAt(m_dragCell, static_cast<QMouseEvent *>(event)->position().toPoint().x());
        m_view->viewport()->update(m_dragCell);
        return true;
    }
    if (event->type() == QEvent::MouseButtonRelease) {
        const uint32_t to = weightAt(m_dragCell, static_cast<QMouseEvent *>(event)->position().toPoint().x());
        const QString pool = m_drag.data(BackendsTableModel::PoolRole).toString();
        const QString backend = m_drag.data(BackendsTableModel::BackendRole).toString();
        m_drag = QPersistentModelIndex();
        m_view->viewport()->update(m_dragCell);
        if (to != m_dragFrom)
            emit weightChosen(pool, backend, m_dragFrom, to);
        return true;
    }
    return QStyledItemDelegate::eventFilter(watched, event);
}

uint32_t WeightDelegate::weightAt(const QRect &cell, int x) const
{
    const QRect bar = cell.adjusted(4, 0, -4, 0);
    const double fraction = std::clamp(double(x - bar.left()) / std::max(1, bar.width()), 0.0, 1.0);
    return static_cast<uint32_t>(std::lround(fraction * m_scale));
}

// The share of its pool this backend would get at `weight` (others unchanged).
double WeightDelegate::previewShare(const QModelIndex &index, uint32_t weight) const
{
    const QAbstractItemModel *m = index.model();
    const QString pool = index.data(BackendsTableModel::PoolRole).toString();
    double total = weight;
    for (int r = 0; r < m->rowCount(); ++r) {
        const QModelIndex other = m->index(r, index.column());
        if (r != index.row() && other.data(BackendsTableModel::PoolRole).toString() == pool)
            total += other.data(BackendsTableModel::WeightRole).toUInt();
    }
    return total > 0 ? 100.0 * weight / total : 0.0;
}

void WeightDelegate::paint(QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const
{
    QStyleOptionViewItem opt = option;
    initStyleOption(&opt, index);
    opt.text.clear();
    QApplication::style()->drawControl(QStyle::CE_ItemViewItem, &opt, painter, opt.widget);
    const QVariant reported = index.data(BackendsTableModel::WeightRole);
    if (!reported.isValid())
        return;
    const bool dragged = m_drag.isValid() && QModelIndex(m_drag) == index;
    const uint32_t weight = dragged ? m_preview : reported.toUInt();
    const QRect bar = option.rect.adjusted(4, 4, -4, -4);
    const double fraction = std::min(1.0, double(weight) / m_scale);
    painter->save();
    painter->setRenderHint(QPainter::Antialiasing);
    const QPalette &pal = option.palette;
    painter->setPen(pal.color(QPalette::Mid));
    painter->setBrush(pal.color(QPalette::Base));
    painter->drawRoundedRect(bar, 3, 3);
    QRect filled = bar;
    filled.setWidth(static_cast<int>(bar.width() * fraction));
    painter->setPen(Qt::NoPen);
    painter->setBrush(dragged ? QColor(0xf5, 0x7c, 0x00) : pal.color(QPalette::Highlight));
    painter->drawRoundedRect(filled, 3, 3);
    QString text = QString::number(weight);
    if (dragged)
        text = tr("%1 → %2 (%3% of pool)").arg(m_dragFrom).arg(weight).arg(previewShare(index, weight), 0, 'f', 0);
    painter->setPen(pal.color(QPalette::Text));
    painter->drawText(bar.adjusted(4, 0, -4, 0), Qt::AlignVCenter | Qt::AlignRight, text);
    painter->restore();
}

bool WeightDelegate::editorEvent(QEvent *event, QAbstractItemModel *model, const QStyleOptionViewItem &option,
                                 const QModelIndex &index)
{
    const QVariant reported = index.data(BackendsTableModel::WeightRole);
    if (!reported.isValid())
        return QStyledItemDelegate::editorEvent(event, model, option, index);
    const QString pool = index.data(BackendsTableModel::PoolRole).toString();
    const QString backend = index.data(BackendsTableModel::BackendRole).toString();
    switch (event->type()) {
    case QEvent::MouseButtonPress: {
        auto *me = static_cast<QMouseEvent *>(event);
        if (me->button() != Qt::LeftButton)
            return false;
        m_drag = index;
        m_dragCell = option.rect;
        m_dragFrom = reported.toUInt();
        m_preview = weightAt(option.rect, me->position().toPoint().x());
        m_view->viewport()->update(option.rect);
        return true;
    }
    case QEvent::KeyPress: {
        auto *ke = static_cast<QKeyEvent *>(event);
        const uint32_t w = reported.toUInt();
        if (ke->key() == Qt::Key_Plus || ke->key() == Qt::Key_Equal) {
            if (w < BackendsTableModel::kMaxWeight)
                emit weightChosen(pool, backend, w, w + 1);
            return true;
        }
        if (ke->key() == Qt::Key_Minus) {
            if (w > 0)
                emit weightChosen(pool, backend, w, w - 1);
            return true;
        }
        return false;
    }
    default:
        return QStyledItemDelegate::editorEvent(event, model, option, index);
    }
}

QWidget *WeightDelegate::createEditor(QWidget *parent, const QStyleOptionViewItem &, const QModelIndex &) const
{
    auto *spin = new QSpinBox(parent);
    spin->setRange(0, static_cast<int>(BackendsTableModel::kMaxWeight));
    return spin;
}

void WeightDelegate::setEditorData(QWidget *editor, const QModelIndex &index) const
{
    static_cast<QSpinBox *>(editor)->setValue(index.data(BackendsTableModel::WeightRole).toInt());
}

void WeightDelegate::setModelData(QWidget *editor, QAbstractItemModel *, const QModelIndex &index) const
{
    const auto from = index.data(BackendsTableModel::WeightRole).toUInt();
    const auto to = static_cast<uint32_t>(static_cast<QSpinBox *>(editor)->value());
    if (to != from)
        emit weightChosen(index.data(BackendsTableModel::PoolRole).toString(),
                          index.data(BackendsTableModel::BackendRole).toString(), from, to);
}

} // namespace hafront::views
