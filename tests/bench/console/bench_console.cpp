// Console benchmark: the real MainWindow, offscreen, with ClusterModel fed
// synthetic NodeStatus for 20 nodes × 200 backends (10 pools of 20) at 4 Hz.
// Measures the UI thread's busy fraction (time inside event handling, i.e. the
// outermost QApplication::notify, over wall time), the feed handler's share of it,
// and the topology's frame time (scene rebuild + rendering the view into an
// image) for every rebuild. Targets: UI thread < 30% busy, no frame > 50 ms.
#include "model/clustermodel.h"
#include "views/mainwindow.h"
#include "views/topologyview.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QDateTime>
#include <QElapsedTimer>
#include <QImage>
#include <QPainter>
#include <QRandomGenerator>
#include <QTimer>

#include <algorithm>
#include <cstdio>

using namespace hafront;

namespace {

constexpr int kNodes = 20;
constexpr int kPools = 10;
constexpr int kBackendsPerPool = 20;
constexpr int kVips = 2;

v1::Cluster makeCluster()
{
    v1::Cluster c;
    c.set_name("bench");
    for (int n = 0; n < kNodes; ++n) {
        auto *node = c.add_node();
        node->set_name("fe" + std::to_string(n + 1));
        node->set_address("10.0.0." + std::to_string(n + 1));
    }
    for (int v = 0; v < kVips; ++v) {
        auto *vip = c.add_vip();
        vip->set_name("vip" + std::to_string(v + 1));
        vip->set_address("192.0.2." + std::to_string(100 + v) + "/24");
    }
    for (int p = 0; p < kPools; ++p) {
        auto *pool = c.add_pool();
        pool->set_name("pool" + std::to_string(p + 1));
        for (int b = 0; b < kBackendsPerPool; ++b) {
            auto *backend = pool->add_backend();
            backend->set_name("b" + std::to_string(p + 1) + "-" + std::to_string(b + 1));
            backend->set_address("10.1." + std::to_string(p) + "." + std::to_string(b + 1) + ":8080");
        }
    }
    return c;
}

v1::NodeStatus makeStatus(const v1::Cluster &c, int node)
{
    v1::NodeStatus s;
    s.set_node(c.node(node).name());
    for (int v = 0; v < kVips; ++v) {
        auto *vip = s.add_vips();
        vip->set_name(c.vip(v).name());
        vip->set_address(c.vip(v).address());
        vip->set_state(node == v ? v1::MASTER : v1::BACKUP);
    }
    for (const auto &p : c.pool()) {
        auto *pool = s.add_pools();
        pool->set_name(p.name());
        for (const auto &b : p.backend()) {
            auto *bs = pool->add_backends();
            bs->set_name(b.name());
            bs->set_address(b.address());
            bs->set_weight(1);
            bs->set_state(v1::READY);
            bs->set_health(v1::UP);
            bs->set_last_check("200 in 2 ms");
        }
    }
    return s;
}

struct Stats {
    std::vector<double> values;
    void add(double v) { values.push_back(v); }
    double max() const { return values.empty() ? 0 : *std::max_element(values.begin(), values.end()); }
    double percentile(double p)
    {
        if (values.empty())
            return 0;
        std::sort(values.begin(), values.end());
        return values[std::min(values.size() - 1, size_t(p * double(values.size())))];
    }
};

// Busy time: every event the UI thread handles passes through notify(); the
// outermost call's duration is time not spent waiting.
class TimedApplication : public QApplication {
public:
    using QApplication::QApplication;
    bool notify(QObject *receiver, QEvent *event) override
    {
        if (m_depth++ > 0) {
            const bool r = QApplication::notify(receiver, event);
            --m_depth;
            return r;
        }
        QElapsedTimer t;
        t.start();
        const bool r = QApplication::notify(receiver, event);
        busyNs += t.nsecsElapsed();
        --m_depth;
        return r;
    }
    qint64 busyNs = 0;

private:
    int m_depth = 0;
};

} // namespace

int main(int argc, char **argv)
{
    TimedApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("hafront-bench"));
    QCommandLineParser parser;
    parser.addOption(
        {QStringLiteral("seconds"), QStringLiteral("Run time."), QStringLiteral("N"), QStringLiteral("60")});
    parser.process(app);
    const int seconds = std::max(1, parser.value(QStringLiteral("seconds")).toInt());

    views::MainWindow window;
    window.inform = [](const QString &, const QString &, bool) {};
    window.resize(1600, 1000);
    window.show();
    model::ClusterModel *m = window.clusterModel();
    const v1::Cluster cluster = makeCluster();
    m->setCluster(cluster);
    for (const auto &n : cluster.node())
        m->setLink(QString::fromStdString(n.name()), model::LinkState::Connected, {}, -1);
    std::vector<v1::NodeStatus> statuses;
    for (int n = 0; n < kNodes; ++n)
        statuses.push_back(makeStatus(cluster, n));

    QElapsedTimer wall;
    Stats feed, frame, rebuild, render;
    QImage image(window.topology()->viewport()->size(), QImage::Format_ARGB32_Premultiplied);
    QObject::connect(window.topology(), &views::TopologyView::rebuilt, [&] {
        QElapsedTimer t;
        t.start();
        image.fill(Qt::white);
        QPainter p(&image);
        window.topology()->render(&p);
        p.end();
        const double renderMs = double(t.nsecsElapsed()) / 1e6;
        const double rebuildMs = double(window.topology()->lastRebuildMicros()) / 1000;
        render.add(renderMs);
        rebuild.add(rebuildMs);
        frame.add(rebuildMs + renderMs);
    });

    auto *rng = QRandomGenerator::global();
    int tick = 0;
    QTimer feeder;
    feeder.setTimerType(Qt::PreciseTimer);
    feeder.setInterval(250);
    QObject::connect(&feeder, &QTimer::timeout, [&] {
        QElapsedTimer t;
        t.start();
        const int64_t now = QDateTime::currentMSecsSinceEpoch() * 1000;
        ++tick;
        for (int n = 0; n < kNodes; ++n) {
            v1::NodeStatus &s = statuses[size_t(n)];
            s.set_wall_time_us(now);
            for (auto &pool : *s.mutable_pools())
                for (auto &b : *pool.mutable_backends()) {
                    b.set_requests_per_second(50 + rng->bounded(100.0));
                    b.set_latency_p99_ms(5 + rng->bounded(20.0));
                    b.set_active_connections(rng->bounded(40));
                }
            // Every 10 s a backend goes down or up, and the VIP owner moves: notifications fire.
            if (tick % 40 == 0)
                s.mutable_pools(0)->mutable_backends(0)->set_health((tick / 40) % 2 ? v1::DOWN : v1::UP);
            if (tick % 40 == 0)
                s.mutable_vips(0)->set_state(n == (tick / 40) % kNodes ? v1::MASTER : v1::BACKUP);
            m->applyStatus(s);
        }
        feed.add(double(t.nsecsElapsed()) / 1e6);
    });

    wall.start();
    app.busyNs = 0;
    feeder.start();
    QTimer::singleShot(seconds * 1000, &app, &QApplication::quit);
    app.exec();
    const double wallS = double(wall.nsecsElapsed()) / 1e9;
    const double busy = double(app.busyNs) / 1e9 / wallS;
    double feedTotal = 0;
    for (double v : feed.values)
        feedTotal += v;
    const bool ok = busy < 0.30 && frame.max() <= 50.0;

    std::printf(
        "console benchmark: %d nodes x %d backends (%d pools), status at 4 Hz, %.1f s, window %dx%d offscreen\n",
        kNodes, kPools * kBackendsPerPool, kPools, wallS, window.width(), window.height());
    std::printf("  status ticks            %zu (x %d nodes)\n", feed.values.size(), kNodes);
    std::printf("  UI thread busy          %.1f %% of wall time   (target < 30 %%)\n", busy * 100);
    std::printf("  feed handler            %.1f %% of wall; per tick p50 %.2f ms, p99 %.2f ms, max %.2f ms\n",
                feedTotal / 1000 / wallS * 100, feed.percentile(0.5), feed.percentile(0.99), feed.max());
    std::printf("  topology frames         %zu\n", frame.values.size());
    std::printf("  frame (rebuild+render)  p50 %.2f ms, p99 %.2f ms, max %.2f ms   (target: none over 50 ms)\n",
                frame.percentile(0.5), frame.percentile(0.99), frame.max());
    std::printf("    rebuild               p50 %.2f ms, max %.2f ms\n", rebuild.percentile(0.5), rebuild.max());
    std::printf("    render                p50 %.2f ms, max %.2f ms\n", render.percentile(0.5), render.max());
    std::printf("  verdict                 %s\n", ok ? "PASS" : "FAIL");
    return ok ? 0 : 1;
}
