// SharePanel: one ShareBar per pool, labelled; repaints the bars as status
// arrives (at most four times a second), rebuilt only for a new cluster.
#pragma once

#include <QTimer>
#include <QWidget>

namespace hafront::model {
class ClusterModel;
}

namespace hafront::views {

class ShareBar;

class SharePanel : public QWidget {
    Q_OBJECT
public:
    explicit SharePanel(const model::ClusterModel *cluster, QWidget *parent = nullptr);

    ShareBar *bar(const QString &pool) const;

signals:
    void shareChosen(const QString &pool, const QString &a, uint32_t aFrom, uint32_t aTo, const QString &b,
                     uint32_t bFrom, uint32_t bTo);

private:
    void rebuild();

    const model::ClusterModel *m_cluster;
    QList<ShareBar *> m_bars;
    QTimer m_repaint;
};

} // namespace hafront::views
