// ChartsPanel: req/s and p99 of a pool's backends over the last five minutes,
// all nodes added up or one node, read from ClusterModel's history once a
// second; series are refilled in place (replace()), never rebuilt per tick.
#pragma once

#include <QTimer>
#include <QWidget>

#include <vector>

class QChart;
class QChartView;
class QComboBox;
class QLabel;
class QLineSeries;
class QValueAxis;

namespace hafront::model {
class ClusterModel;
}

namespace hafront::views {

class ChartsPanel : public QWidget {
    Q_OBJECT
public:
    static constexpr int kMaxSeries = 8; // the busiest backends; more lines are unreadable

    explicit ChartsPanel(const model::ClusterModel *cluster, QWidget *parent = nullptr);

    void refresh();
    QChart *requestsChart() const;
    QChart *latencyChart() const;
    QComboBox *poolChooser() const { return m_pool; }
    QComboBox *nodeChooser() const { return m_node; }

private:
    struct Chart {
        QChartView *view = nullptr;
        QValueAxis *x = nullptr;
        QValueAxis *y = nullptr;
        std::vector<QLineSeries *> series;
    };
    Chart makeChart(const QString &title, const QString &unit);
    void fillChart(Chart &chart, const std::vector<size_t> &rows, bool requests);
    void rebuildChoosers();

    const model::ClusterModel *m_cluster;
    QComboBox *m_pool;
    QComboBox *m_node;
    QLabel *m_note;
    Chart m_requests;
    Chart m_latency;
    QTimer m_tick;
};

} // namespace hafront::views
