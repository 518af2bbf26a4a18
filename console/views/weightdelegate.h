// WeightDelegate: draws the weight cell as a bar the operator drags with the
// mouse (or steps with +/-, or types after F2); previews the pool share during
// the drag and reports the chosen weight on release — it never edits the model.
#pragma once

#include <QPersistentModelIndex>
#include <QStyledItemDelegate>

class QAbstractItemView;

namespace hafront::views {

class WeightDelegate : public QStyledItemDelegate {
    Q_OBJECT
public:
    explicit WeightDelegate(QAbstractItemView *view);

    void setScale(uint32_t maxWeight) { m_scale = std::max<uint32_t>(1, maxWeight); }
    uint32_t scale() const { return m_scale; }
    bool dragging() const { return m_drag.isValid(); }

    void paint(QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const override;
    bool editorEvent(QEvent *event, QAbstractItemModel *model, const QStyleOptionViewItem &option,
                     const QModelIndex &index) override;
    QWidget *createEditor(QWidget *parent, const QStyleOptionViewItem &option, const QModelIndex &index) const override;
    void setEditorData(QWidget *editor, const QModelIndex &index) const override;
    void setModelData(QWidget *editor, QAbstractItemModel *model, const QModelIndex &index) const override;

signals:
    // pool/backend from the row; `from` is the weight in force when the drag began.
    void weightChosen(const QString &pool, const QString &backend, uint32_t from, uint32_t to) const;

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    uint32_t weightAt(const QRect &cell, int x) const;
    double previewShare(const QModelIndex &index, uint32_t weight) const;

    QAbstractItemView *m_view;
    uint32_t m_scale = 10;
    QPersistentModelIndex m_drag;
    QRect m_dragCell;
    uint32_t m_dragFrom = 0;
    uint32_t m_preview = 0;
};

} // namespace hafront::views
