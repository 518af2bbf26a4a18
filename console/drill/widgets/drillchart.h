// DrillChart: live Qt Charts view of a drill — latency of each successful
// probe, failed probes as red marks, and the moves as vertical lines.
#pragma once

#include "drill/drillreport.h"

#include <QtCharts/QChartView>

class QScatterSeries;
class QValueAxis;

namespace hafront::drill {

class DrillChart : public QChartView {
    Q_OBJECT
public:
    explicit DrillChart(QWidget *parent = nullptr);

    void clear(int64_t zeroMonoUs);
    void addProbes(const std::vector<ProbeResult> &probes);
    void showReport(const DrillReport &report);

private:
    void addMarker(double atMs, const QString &name, const QColor &color);

    int64_t m_zero = 0;
    double m_maxX = 1;
    double m_maxY = 2;
    QScatterSeries *m_ok = nullptr;
    QScatterSeries *m_failed = nullptr;
    QValueAxis *m_x = nullptr;
    QValueAxis *m_y = nullptr;
};

} // namespace hafront::drill
