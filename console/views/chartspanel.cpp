#include "views/chartspanel.h"

#include "model/clustermodel.h"

#include <QChart>
#include <QChartView>
#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineSeries>
#include <QValueAxis>

#include <algorithm>

namespace hafront::views {

ChartsPanel::ChartsPanel(const model::ClusterModel *cluster, QWidget *parent)
    : QWidget(parent), m_cluster(cluster), m_pool(new QComboBox(this)), m_node(new QComboBox(this)),
      m_note(new QLabel(this))
{
    m_pool->setObjectName(QStringLiteral("chartsPool"));
    m_node->setObjectName(QStringLiteral("chartsNode"));
    m_pool->setToolTip(tr("Pool whose backends are charted"));
    m_node->setToolTip(tr("All nodes added up, or one node"));
    m_requests = makeChart(tr("Requests per second, last 5 minutes"), tr("req/s"));
    m_latency = makeChart(tr("p99 latency, last 5 minutes"), tr("ms"));

    auto *choosers = new QHBoxLayout;
    choosers->addWidget(new QLabel(tr("Pool:"), this));
    choosers->addWidget(m_pool);
    choosers->addWidget(new QLabel(tr("Node:"), this));
    choosers->addWidget(m_node);
    choosers->addWidget(m_note, 1);
    auto *charts = new QHBoxLayout;
    charts->addWidget(m_requests.view);
    charts->addWidget(m_latency.view);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(choosers);
    layout->addLayout(charts, 1);

    connect(cluster, &model::ClusterModel::clusterReset, this, &ChartsPanel::rebuildChoosers);
    connect(m_pool, &QComboBox::currentIndexChanged, this, &ChartsPanel::refresh);
    connect(m_node, &QComboBox::currentIndexChanged, this, &ChartsPanel::refresh);
    m_tick.setInterval(1000);
    connect(&m_tick, &QTimer::timeout, this, [this] {
        if (isVisible()) // a hidden tab costs nothing
            refresh();
    });
    m_tick.start();
    rebuildChoosers();
}

QChart *ChartsPanel::requestsChart() const
{
    return m_requests.view->chart();
}

QChart *ChartsPanel::latencyChart() const
{
    return m_latency.view->chart();
}

ChartsPanel::Chart ChartsPanel::makeChart(const QString &title, const QString &unit)
{
    Chart c;
    auto *chart = new QChart;
    chart->setTitle(title);
    chart->legend()->setAlignment(Qt::AlignRight);
    chart->setMargins(QMargins(4, 4, 4, 4));
    c.x = new QValueAxis(chart);
    c.x->setRange(-double(model::MetricsHistory::kSeconds), 0);
    c.x->setTitleText(tr("seconds ago"));
    c.x->setLabelFormat(QStringLiteral("%d"));
    c.x->setTickCount(6);
    c.y = new QValueAxis(chart);
    c.y->setTitleText(unit);
    c.y->setRange(0, 1);
    chart->addAxis(c.x, Qt::AlignBottom);
    chart->addAxis(c.y, Qt::AlignLeft);
    c.view = new QChartView(chart, this);
    c.view->setRenderHint(QPainter::Antialiasing);
    c.view->setMinimumSize(280, 180);
    return c;
}

void ChartsPanel::rebuildChoosers()
{
    const QString pool = m_pool->currentText();
    const QString node = m_node->currentData().toString();
    QSignalBlocker blockPool(m_pool);
    QSignalBlocker blockNode(m_node);
    m_pool->clear();
    m_pool->addItems(m_cluster->poolNames());
    m_pool->setCurrentIndex(std::max(0, m_pool->findText(pool)));
    m_node->clear();
    m_node->addItem(tr("All nodes"), QString());
    for (const auto &n : m_cluster->nodes())
        m_node->addItem(n.name, n.name);
    m_node->setCurrentIndex(std::max(0, m_node->findData(node)));
    refresh();
}

void ChartsPanel::refresh()
{
    const QString pool = m_pool->currentText();
    std::vector<size_t> rows;
    const auto &backends = m_cluster->backends();
    for (size_t r = 0; r < backends.size(); ++r)
        if (backends[r].pool == pool)
            rows.push_back(r);
    const size_t total = rows.size();
    // The busiest backends now; ties in row order so lines keep their colour.
    std::stable_sort(rows.begin(), rows.end(), [&](size_t a, size_t b) {
        return backends[a].requestsPerSecond() > backends[b].requestsPerSecond();
    });
    if (rows.size() > size_t(kMaxSeries))
        rows.resize(kMaxSeries);
    std::sort(rows.begin(), rows.end());
    m_note->setText(total > rows.size() ? tr("the %1 busiest of %2 backends").arg(rows.size()).arg(total) : QString());
    fillChart(m_requests, rows, true);
    fillChart(m_latency, rows, false);
}

void ChartsPanel::fillChart(Chart &chart, const std::vector<size_t> &rows, bool requests)
{
    QChart *c = chart.view->chart();
    while (chart.series.size() > rows.size()) {
        c->removeSeries(chart.series.back());
        delete chart.series.back();
        chart.series.pop_back();
    }
    while (chart.series.size() < rows.size()) {
        auto *s = new QLineSeries;
        c->addSeries(s);
        s->attachAxis(chart.x);
        s->attachAxis(chart.y);
        chart.series.push_back(s);
    }
    const int nodeRow = [&] {
        const QString node = m_node->currentData().toString();
        for (size_t i = 0; i < m_cluster->nodes().size(); ++i)
            if (m_cluster->nodes()[i].name == node)
                return int(i);
        return -1;
    }();
    const int64_t newest = m_cluster->history().newestSecond();
    double top = 0;
    for (size_t i = 0; i < rows.size(); ++i) {
        QList<QPointF> points;
        for (const auto &s : m_cluster->history().series(rows[i], nodeRow)) {
            const double y = requests ? s.requestsPerSecond : s.p99Ms;
            top = std::max(top, y);
            points.append(QPointF(double(s.second - newest), y));
        }
        const QString name = m_cluster->backends()[rows[i]].name;
        if (chart.series[i]->name() != name)
            chart.series[i]->setName(name);
        chart.series[i]->replace(points);
    }
    chart.y->setRange(0, top > 0 ? top * 1.1 : 1);
}

} // namespace hafront::views
