// TopologyView: VIPs → front nodes → pools → backends drawn from ClusterModel;
// the owner of each VIP drawn as such, a red banner on split brain or no owner,
// backends coloured by health with req/s on their links; zoom and fit.
#pragma once

#include <QGraphicsView>
#include <QTimer>

class QLabel;

namespace hafront::model {
class ClusterModel;
}

namespace hafront::views {

class TopologyView : public QGraphicsView {
    Q_OBJECT
public:
    explicit TopologyView(const model::ClusterModel *cluster, QWidget *parent = nullptr);

    void zoomIn();
    void zoomOut();
    void fit();
    QString bannerText() const;
    qint64 lastRebuildMicros() const { return m_lastRebuildMicros; }

signals:
    void vipMenuRequested(const QString &vip, const QString &node, const QPoint &globalPos);
    void backendMenuRequested(const QString &pool, const QString &backend, const QPoint &globalPos);
    void rebuilt(); // the scene now shows the model (benchmarks time the frame from here)

protected:
    void wheelEvent(QWheelEvent *event) override;
    void contextMenuEvent(QContextMenuEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;

private:
    void rebuild();

    const model::ClusterModel *m_cluster;
    QGraphicsScene m_scene;
    QTimer m_coalesce; // many status ticks, one redraw
    QLabel *m_banner;
    bool m_userZoomed = false;
    qint64 m_lastRebuildMicros = 0;
};

} // namespace hafront::views
