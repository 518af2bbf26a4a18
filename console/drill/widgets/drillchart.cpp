#include "drill/widgets/drillchart.h"

#include <QtCharts/QChart>
#include <QtCharts/QLegend>
#include <QtCharts/QLegendMarker>
#include <QtCharts/QLineSeries>
#include <QtCharts/QScatterSeries>
#include <QtCharts/QValueAxis>

namespace hafront::drill {

DrillChart::DrillChart(QWidget *parent) : QChartView(parent)
{
    auto *chart = new QChart;
    chart->setMargins(QMargins(4, 4, 4, 4));
    m_ok = new QScatterSeries;
    m_ok->setName(tr("latency (ms)"));
    m_ok->setMarkerSize(4);
    m_ok->setColor(QColor(0x2a, 0x8f, 0x2a));
    m_ok->setBorderColor(Qt::transparent);
    m_failed = new QScatterSeries;
    m_failed->setName(tr("failed probe"));
    m_failed->setMarkerSize(6);
    m_failed->setColor(QColor(0xd0, 0x1c, 0x1c));
    m_failed->setBorderColor(Qt::transparent);
    chart->addSeries(m_ok);
    chart->addSeries(m_failed);
    m_x = new QValueAxis;
    m_x->setTitleText(tr("seconds since probing started"));
    m_y = new QValueAxis;
    m_y->setTitleText(tr("ms"));
    chart->addAxis(m_x, Qt::AlignBottom);
    chart->addAxis(m_y, Qt::AlignLeft);
    for (auto *s : {static_cast<QAbstractSeries *>(m_ok), static_cast<QAbstractSeries *>(m_failed)}) {
        s->attachAxis(m_x);
        s->attachAxis(m_y);
    }
    m_x->setRange(0, 1);
    m_y->setRange(0, 2);
    chart->legend()->setAlignment(Qt::AlignTop);
    setChart(chart);
    setRenderHint(QPainter::Antialiasing);
    setMinimumHeight(220);
}

void DrillChart::clear(int64_t zeroMonoUs)
{
    m_zero = zeroMonoUs;
    m_ok->clear();
    m_failed->clear();
    const auto all = chart()->series();
    for (auto *s : all)
        if (s != m_ok && s != m_failed) {
            chart()->removeSeries(s);
            delete s;
        }
    m_maxX = 1;
    m_maxY = 2;
    m_x->setRange(0, m_maxX);
    m_y->setRange(0, m_maxY);
}

void DrillChart::addProbes(const std::vector<ProbeResult> &probes)
{
    if (m_zero == 0 && !probes.empty())
        m_zero = probes.front().sendUs;
    QList<QPointF> ok, failed;
    for (const auto &p : probes) {
        const double x = double(p.sendUs - m_zero) / 1e6;
        m_maxX = std::max(m_maxX, x);
        if (p.ok) {
            const double y = std::min(p.latencyUs / 1000.0, 1000.0);
            m_maxY = std::max(m_maxY, y * 1.1);
            ok.append({x, y});
        } else {
            failed.append({x, 0});
        }
    }
    m_ok->append(ok);
    m_failed->append(failed);
    m_x->setRange(0, m_maxX);
    m_y->setRange(0, m_maxY);
}

void DrillChart::addMarker(double atMs, const QString &name, const QColor &color)
{
    auto *line = new QLineSeries;
    line->setName(name);
    line->append(atMs / 1000.0, 0);
    line->append(atMs / 1000.0, m_maxY);
    QPen pen(color);
    pen.setStyle(Qt::DashLine);
    line->setPen(pen);
    chart()->addSeries(line);
    line->attachAxis(m_x);
    line->attachAxis(m_y);
}

void DrillChart::showReport(const DrillReport &report)
{
    clear(report.zeroMonoUs);
    addProbes(report.probes);
    bool first = true;
    for (const auto &t : report.timeline)
        if (t.kind == "action") {
            addMarker(t.atMs, first ? tr("operator action") : QString(), QColor(0x1f, 0x5f, 0xbf));
            first = false;
        }
    // Only the first marker keeps a legend entry.
    const auto markers = chart()->legend()->markers();
    for (auto *m : markers)
        if (m->label().isEmpty())
            m->setVisible(false);
}

} // namespace hafront::drill
