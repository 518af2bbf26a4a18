// ShareBar: one pool's traffic split by its backends' effective weights (a
// backend not ready or down takes none). Dragging the boundary between two
// neighbours moves weight from one to the other with a live preview; on
// release it asks for both weights through shareChosen — it changes nothing.
#pragma once

#include <QString>
#include <QWidget>

#include <vector>

namespace hafront::model {
class ClusterModel;
}

namespace hafront::views {

class ShareBar : public QWidget {
    Q_OBJECT
public:
    struct Segment {
        QString backend;
        uint32_t weight;
    };

    ShareBar(const model::ClusterModel *cluster, QString pool, QWidget *parent = nullptr);

    QString pool() const { return m_pool; }
    std::vector<Segment> segments() const; // what the bar shows: the preview during a drag
    int boundaryX(int index) const;        // right edge of segment `index`, in widget pixels
    bool dragging() const { return m_boundary >= 0; }
    QSize sizeHint() const override;

    // Splits `total` at `fraction` of the way from a to b; neither side below 1
    // while the total allows it, so a drag never takes a backend out.
    static std::pair<uint32_t, uint32_t> split(uint32_t total, double fraction);

signals:
    void shareChosen(const QString &pool, const QString &a, uint32_t aFrom, uint32_t aTo, const QString &b,
                     uint32_t bFrom, uint32_t bTo);

protected:
    void paintEvent(QPaintEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;
    void mouseMoveEvent(QMouseEvent *event) override;
    void mouseReleaseEvent(QMouseEvent *event) override;

private:
    std::vector<Segment> effective() const;
    QRect barRect() const;
    std::vector<int> edges(const std::vector<Segment> &segs) const; // right edge of each segment
    int boundaryNear(int x) const;

    const model::ClusterModel *m_cluster;
    QString m_pool;
    int m_boundary = -1;             // the boundary being dragged, after segment m_boundary
    std::vector<Segment> m_dragFrom; // segments when the drag began
    std::vector<Segment> m_preview;
};

} // namespace hafront::views
