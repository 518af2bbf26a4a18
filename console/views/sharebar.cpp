#include "views/sharebar.h"

#include "model/clustermodel.h"

#include <QMouseEvent>
#include <QPainter>

#include <cmath>
#include <numeric>

namespace hafront::views {
namespace {

constexpr int kGrab = 5; // pixels either side of a boundary that pick it up

QColor segmentColour(int i)
{
    static const QColor colours[] = {QColor(0x42, 0x85, 0xf4), QColor(0x66, 0xbb, 0x6a), QColor(0xff, 0xa7, 0x26),
                                     QColor(0xab, 0x47, 0xbc), QColor(0x26, 0xc6, 0xda), QColor(0xec, 0x40, 0x7a),
                                     QColor(0x8d, 0x6e, 0x63), QColor(0x9c, 0xcc, 0x65)};
    return colours[i % int(std::size(colours))];
}

uint32_t sum(const std::vector<ShareBar::Segment> &segments)
{
    return std::accumulate(segments.begin(), segments.end(), 0u,
                           [](uint32_t s, const ShareBar::Segment &g) { return s + g.weight; });
}

} // namespace

ShareBar::ShareBar(const model::ClusterModel *cluster, QString pool, QWidget *parent)
    : QWidget(parent), m_cluster(cluster), m_pool(std::move(pool))
{
    setObjectName(QStringLiteral("shareBar_%1").arg(m_pool));
    setMouseTracking(true);
    setMinimumHeight(26);
    setToolTip(tr("Traffic share of pool %1; drag a boundary to move weight between neighbours").arg(m_pool));
}

QSize ShareBar::sizeHint() const
{
    return {400, 28};
}

std::pair<uint32_t, uint32_t> ShareBar::split(uint32_t total, double fraction)
{
    fraction = std::clamp(fraction, 0.0, 1.0);
    auto a = uint32_t(std::lround(double(total) * fraction));
    if (total >= 2)
        a = std::clamp<uint32_t>(a, 1, total - 1);
    return {a, total - a};
}

std::vector<ShareBar::Segment> ShareBar::effective() const
{
    std::vector<Segment> out;
    for (const auto &b : m_cluster->backends()) {
        if (b.pool != m_pool || b.perNode.empty() || b.state() != v1::READY || b.health() == v1::DOWN)
            continue;
        if (b.weight() > 0)
            out.push_back({b.name, b.weight()});
    }
    return out;
}

std::vector<ShareBar::Segment> ShareBar::segments() const
{
    return dragging() ? m_preview : effective();
}

QRect ShareBar::barRect() const
{
    return rect().adjusted(1, 1, -1, -1);
}

std::vector<int> ShareBar::edges(const std::vector<Segment> &segs) const
{
    std::vector<int> out;
    const uint32_t total = sum(segs);
    const QRect bar = barRect();
    uint32_t upTo = 0;
    for (const Segment &g : segs) {
        upTo += g.weight;
        out.push_back(bar.left() + int(std::lround(double(upTo) / std::max(1u, total) * bar.width())));
    }
    return out;
}

int ShareBar::boundaryX(int index) const
{
    const auto e = edges(segments());
    return index < 0 || index >= int(e.size()) ? -1 : e[size_t(index)];
}

int ShareBar::boundaryNear(int x) const
{
    const auto e = edges(segments());
    for (int i = 0; i + 1 < int(e.size()); ++i) // the last edge is the bar's end, not a boundary
        if (std::abs(e[size_t(i)] - x) <= kGrab)
            return i;
    return -1;
}

void ShareBar::paintEvent(QPaintEvent *)
{
    QPainter p(this);
    const QRect bar = barRect();
    const auto segs = segments();
    const uint32_t total = sum(segs);
    p.fillRect(bar, palette().color(QPalette::Base));
    if (total == 0) {
        p.setPen(palette().color(QPalette::PlaceholderText));
        p.drawText(bar, Qt::AlignCenter, tr("pool %1: no backend takes traffic").arg(m_pool));
        return;
    }
    const auto edge = edges(segs);
    int left = bar.left();
    for (size_t i = 0; i < segs.size(); ++i) {
        const int right = i + 1 == segs.size() ? bar.right() + 1 : edge[i];
        const QRect r(left, bar.top(), right - left, bar.height());
        p.fillRect(r, segmentColour(int(i)));
        p.setPen(Qt::white);
        const QString label = QStringLiteral("%1 %2% (w %3)")
                                  .arg(segs[i].backend)
                                  .arg(100.0 * segs[i].weight / total, 0, 'f', 0)
                                  .arg(segs[i].weight);
        p.drawText(r.adjusted(4, 0, -2, 0), Qt::AlignVCenter | Qt::AlignLeft,
                   p.fontMetrics().elidedText(label, Qt::ElideRight, r.width() - 6));
        left = right;
    }
    p.setPen(QPen(palette().color(QPalette::WindowText), dragging() ? 3 : 1));
    for (size_t i = 0; i + 1 < segs.size(); ++i)
        p.drawLine(edge[i], bar.top(), edge[i], bar.bottom());
    p.setPen(palette().color(QPalette::Mid));
    p.drawRect(bar.adjusted(0, 0, -1, -1));
}

void ShareBar::mousePressEvent(QMouseEvent *event)
{
    const int b = event->button() == Qt::LeftButton ? boundaryNear(event->position().toPoint().x()) : -1;
    if (b < 0)
        return QWidget::mousePressEvent(event);
    m_dragFrom = effective();
    m_preview = m_dragFrom;
    m_boundary = b;
    update();
}

void ShareBar::mouseMoveEvent(QMouseEvent *event)
{
    const int x = event->position().toPoint().x();
    if (!dragging()) {
        setCursor(boundaryNear(x) >= 0 ? Qt::SplitHCursor : Qt::ArrowCursor);
        return;
    }
    // The pair's span stays put; the boundary splits it.
    const size_t a = size_t(m_boundary);
    const uint32_t total = sum(m_dragFrom);
    const QRect bar = barRect();
    uint32_t before = 0;
    for (size_t i = 0; i < a; ++i)
        before += m_dragFrom[i].weight;
    const uint32_t pair = m_dragFrom[a].weight + m_dragFrom[a + 1].weight;
    const double spanLeft = bar.left() + double(before) / total * bar.width();
    const double spanWidth = double(pair) / total * bar.width();
    const auto [wa, wb] = split(pair, spanWidth > 0 ? (x - spanLeft) / spanWidth : 0.5);
    m_preview[a].weight = wa;
    m_preview[a + 1].weight = wb;
    update();
}

void ShareBar::mouseReleaseEvent(QMouseEvent *event)
{
    if (!dragging() || event->button() != Qt::LeftButton)
        return QWidget::mouseReleaseEvent(event);
    const size_t a = size_t(m_boundary);
    const Segment from0 = m_dragFrom[a], from1 = m_dragFrom[a + 1];
    const Segment to0 = m_preview[a], to1 = m_preview[a + 1];
    m_boundary = -1;
    update();
    if (to0.weight != from0.weight)
        emit shareChosen(m_pool, from0.backend, from0.weight, to0.weight, from1.backend, from1.weight, to1.weight);
}

} // namespace hafront::views
