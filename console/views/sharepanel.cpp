#include "views/sharepanel.h"

#include "model/clustermodel.h"
#include "views/sharebar.h"

#include <QFormLayout>
#include <QLabel>

namespace hafront::views {

SharePanel::SharePanel(const model::ClusterModel *cluster, QWidget *parent) : QWidget(parent), m_cluster(cluster)
{
    new QFormLayout(this);
    m_repaint.setSingleShot(true);
    m_repaint.setInterval(250);
    connect(&m_repaint, &QTimer::timeout, this, [this] {
        for (ShareBar *b : std::as_const(m_bars))
            if (!b->dragging())
                b->update();
    });
    auto later = [this] {
        if (!m_repaint.isActive())
            m_repaint.start();
    };
    connect(cluster, &model::ClusterModel::backendsChanged, this, later);
    connect(cluster, &model::ClusterModel::backendsInserted, this, [this] { rebuild(); });
    connect(cluster, &model::ClusterModel::clusterReset, this, &SharePanel::rebuild);
    rebuild();
}

ShareBar *SharePanel::bar(const QString &pool) const
{
    for (ShareBar *b : m_bars)
        if (b->pool() == pool)
            return b;
    return nullptr;
}

void SharePanel::rebuild()
{
    auto *form = static_cast<QFormLayout *>(layout());
    while (form->rowCount() > 0)
        form->removeRow(0);
    m_bars.clear();
    for (const QString &pool : m_cluster->poolNames()) {
        auto *bar = new ShareBar(m_cluster, pool, this);
        connect(bar, &ShareBar::shareChosen, this, &SharePanel::shareChosen);
        form->addRow(tr("pool %1").arg(pool), bar);
        m_bars << bar;
    }
}

} // namespace hafront::views
