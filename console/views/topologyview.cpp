#include "views/topologyview.h"

#include "model/backendstablemodel.h"
#include "model/clustermodel.h"
#include "model/vipstablemodel.h"

#include <QContextMenuEvent>
#include <QElapsedTimer>
#include <QGraphicsRectItem>
#include <QGraphicsSimpleTextItem>
#include <QLabel>
#include <QVBoxLayout>
#include <QWheelEvent>

#include <algorithm>
#include <cmath>
#include <vector>

namespace hafront::views {
namespace {

constexpr qreal kBoxWidth = 190;
constexpr qreal kBoxHeight = 44;
constexpr qreal kColumnGap = 140;
constexpr qreal kRowGap = 14;
// Pools with more backends than this are drawn as a grid of health tiles.
constexpr size_t kBoxesPerPool = 16;
constexpr size_t kTilesPerRow = 20;
constexpr qreal kTile = 16;
constexpr qreal kTileGap = 3;
enum ItemData { KindKey = 0, NameKey = 1, ExtraKey = 2 };

QColor healthColour(const model::BackendView &b)
{
    if (b.perNode.empty())
        return QColor(0xbd, 0xbd, 0xbd);
    if (b.state() != v1::READY)
        return QColor(0xff, 0xb3, 0x00);
    switch (b.health()) {
    case v1::UP:
        return QColor(0x66, 0xbb, 0x6a);
    case v1::DOWN:
        return QColor(0xe5, 0x39, 0x35);
    default:
        return QColor(0xbd, 0xbd, 0xbd);
    }
}

QGraphicsRectItem *box(QGraphicsScene &scene, QPointF at, const QString &title, const QString &detail,
                       const QColor &fill, const QPen &pen)
{
    auto *rect = scene.addRect(QRectF(0, 0, kBoxWidth, kBoxHeight), pen, fill);
    rect->setPos(at);
    rect->setZValue(1);
    auto *t = new QGraphicsSimpleTextItem(title, rect);
    QFont bold = t->font();
    bold.setBold(true);
    t->setFont(bold);
    t->setPos(8, 4);
    auto *d = new QGraphicsSimpleTextItem(detail, rect);
    d->setPos(8, 23);
    rect->setToolTip(title + QLatin1Char('\n') + detail);
    return rect;
}

QPointF rightMid(const QGraphicsItem *i)
{
    return i->pos() + QPointF(kBoxWidth, kBoxHeight / 2);
}
QPointF leftMid(const QGraphicsItem *i)
{
    return i->pos() + QPointF(0, kBoxHeight / 2);
}

// Where a label of SIZE goes on LINE: above a line that rises, below one that
// falls (so it names its own line; a flat line takes either side), at the
// first point along it, from the middle out in steps of 5 %, clear of every
// rectangle in TAKEN; halfway when none is.
QPointF edgeLabelPosition(const QLineF &line, const QSizeF &size, const std::vector<QRectF> &taken)
{
    const bool flat = std::abs(line.dy()) <= 1;
    const auto at = [&](qreal t, bool below) {
        return line.pointAt(t) + QPointF(-size.width() / 2, below ? 4 : -size.height() - 2);
    };
    for (int step = 0; step <= 16; ++step) {
        const qreal t = 0.5 + (step % 2 ? 1 : -1) * 0.05 * ((step + 1) / 2);
        for (const bool below : {line.dy() > 1, flat}) {
            const QRectF r(at(t, below), size);
            if (std::none_of(taken.begin(), taken.end(), [&](const QRectF &o) { return o.intersects(r); }))
                return r.topLeft();
            if (!flat)
                break;
        }
    }
    return at(0.5, line.dy() > 1);
}

} // namespace

TopologyView::TopologyView(const model::ClusterModel *cluster, QWidget *parent)
    : QGraphicsView(parent), m_cluster(cluster), m_banner(new QLabel(this))
{
    setScene(&m_scene);
    setRenderHint(QPainter::Antialiasing);
    setDragMode(QGraphicsView::ScrollHandDrag);
    setTransformationAnchor(QGraphicsView::AnchorUnderMouse);
    m_banner->setStyleSheet(QStringLiteral("background:#c62828;color:white;font-weight:bold;padding:6px;"));
    m_banner->setWordWrap(true);
    m_banner->hide();
    m_coalesce.setSingleShot(true);
    m_coalesce.setInterval(100);
    connect(&m_coalesce, &QTimer::timeout, this, &TopologyView::rebuild);
    auto later = [this] {
        if (!m_coalesce.isActive())
            m_coalesce.start();
    };
    connect(cluster, &model::ClusterModel::clusterReset, this, [this] {
        m_userZoomed = false;
        rebuild();
    });
    connect(cluster, &model::ClusterModel::nodeChanged, this, later);
    connect(cluster, &model::ClusterModel::vipsChanged, this, later);
    connect(cluster, &model::ClusterModel::backendsChanged, this, later);
    connect(cluster, &model::ClusterModel::backendsInserted, this, later);
    rebuild();
}

QString TopologyView::bannerText() const
{
    return m_banner->isVisible() ? m_banner->text() : QString();
}

void TopologyView::rebuild()
{
    QElapsedTimer took;
    took.start();
    m_scene.clear();
    const QPalette &pal = palette();
    const QPen outline(pal.color(QPalette::WindowText), 1);
    const QColor card = pal.color(QPalette::Base);
    QStringList alarms;

    // Column 1: VIPs.
    std::map<QString, QGraphicsRectItem *> vipItems;
    qreal y = 0;
    for (const auto &v : m_cluster->vips()) {
        const bool alarm = v.splitBrain() || v.noOwner();
        const QString verdict = model::VipsTableModel::verdict(v);
        auto *item =
            box(m_scene, {0, y}, tr("VIP %1").arg(v.name), v.address + QStringLiteral("  ") + verdict,
                alarm ? QColor(0xff, 0xcd, 0xd2) : card, QPen(alarm ? Qt::red : outline.color(), alarm ? 3 : 1));
        item->setData(KindKey, QStringLiteral("vip"));
        item->setData(NameKey, v.name);
        vipItems[v.name] = item;
        if (v.splitBrain())
            alarms << tr("VIP %1 (%2): SPLIT BRAIN — %3 all claim it")
                          .arg(v.name, v.address, v.owners.join(QStringLiteral(", ")));
        else if (v.noOwner())
            alarms << tr("VIP %1 (%2): NO OWNER — no node is master").arg(v.name, v.address);
        y += kBoxHeight + kRowGap;
    }

    // Column 2: front nodes, with their link state.
    // Every VIP draws a line to every node: each further VIP widens the gap
    // their labels share (two VIPs on three nodes need about 180 px).
    const qreal vipGap = kColumnGap + 40 * std::min<qreal>(qreal(vipItems.size()) - 1, 4);
    const qreal nodeX = vipItems.empty() ? 0 : kBoxWidth + vipGap;
    std::map<QString, QGraphicsRectItem *> nodeItems;
    y = 0;
    for (const auto &n : m_cluster->nodes()) {
        const bool up = n.link == model::LinkState::Connected;
        auto *item = box(m_scene, {nodeX, y}, n.name, model::linkText(n), up ? card : QColor(0xff, 0xe0, 0xb2),
                         QPen(up ? outline.color() : QColor(0xe6, 0x51, 0x00), up ? 1 : 2));
        item->setData(KindKey, QStringLiteral("node"));
        item->setData(NameKey, n.name);
        nodeItems[n.name] = item;
        y += kBoxHeight + kRowGap;
    }
    // Each label goes on its own line at the first spot, from halfway out,
    // that overlaps no label placed before it: with two VIPs on two nodes the
    // crossing lines meet halfway, where both labels would otherwise land.
    // Nor may it cover a box.
    std::vector<QRectF> placed;
    for (const auto *items : {&vipItems, &nodeItems})
        for (const auto &[name, item] : *items)
            placed.push_back(item->sceneBoundingRect());
    for (const auto &v : m_cluster->vips()) {
        for (const auto &[nodeName, s] : v.perNode) {
            if (!nodeItems.count(nodeName))
                continue;
            const bool owner = v.owners.contains(nodeName);
            QPen pen(owner ? QColor(0x2e, 0x7d, 0x32) : pal.color(QPalette::Mid), owner ? 4 : 1,
                     owner ? Qt::SolidLine : Qt::DashLine);
            const QLineF line(rightMid(vipItems[v.name]), leftMid(nodeItems[nodeName]));
            m_scene.addLine(line, pen);
            auto *label =
                m_scene.addSimpleText(owner ? tr("owner (%1)").arg(model::VipsTableModel::stateName(s.state()))
                                            : model::VipsTableModel::stateName(s.state()));
            label->setData(KindKey, QStringLiteral("edge-label"));
            label->setPos(edgeLabelPosition(line, label->boundingRect().size(), placed));
            placed.push_back(label->sceneBoundingRect());
            label->setZValue(2);
        }
    }

    // Columns 3 and 4: pools and their backends; every node runs every pool.
    const qreal poolX = nodeX + kBoxWidth + kColumnGap;
    const qreal backendX = poolX + kBoxWidth + kColumnGap;
    y = 0;
    for (const QString &pool : m_cluster->poolNames()) {
        const qreal poolTop = y;
        double rps = 0;
        int count = 0;
        std::vector<QGraphicsRectItem *> backendItems;
        std::vector<const model::BackendView *> members;
        for (const auto &b : m_cluster->backends())
            if (b.pool == pool)
                members.push_back(&b);
        if (members.size() > kBoxesPerPool) {
            // A big pool: one tile per backend, coloured by health, in a grid;
            // the pool box counts them. Details are in the tooltip, the menu
            // and the backends table.
            int up = 0, down = 0, other = 0;
            const qreal columns = kTilesPerRow;
            for (size_t i = 0; i < members.size(); ++i) {
                const auto &b = *members[i];
                rps += b.requestsPerSecond();
                ++count;
                (b.perNode.empty()        ? other
                 : b.state() != v1::READY ? other
                 : b.health() == v1::UP   ? up
                 : b.health() == v1::DOWN ? down
                                          : other)++;
                const qreal col = qreal(i % kTilesPerRow), row = qreal(i / kTilesPerRow);
                auto *tile =
                    m_scene.addRect(QRectF(0, 0, kTile, kTile), QPen(pal.color(QPalette::Mid), 0.5), healthColour(b));
                tile->setPos(backendX + col * (kTile + kTileGap), y + row * (kTile + kTileGap));
                tile->setZValue(1);
                tile->setToolTip(tr("%1 (%2)\n%3 · %4 · w %5 · %6 req/s\n%7")
                                     .arg(b.name, b.address, model::BackendsTableModel::stateName(b.state()),
                                          model::BackendsTableModel::healthName(b.health()))
                                     .arg(b.weight())
                                     .arg(b.requestsPerSecond(), 0, 'f', 1)
                                     .arg(b.lastCheck()));
                tile->setData(KindKey, QStringLiteral("backend"));
                tile->setData(NameKey, b.name);
                tile->setData(ExtraKey, pool);
            }
            const qreal rows = std::ceil(qreal(members.size()) / columns);
            const qreal blockHeight = rows * (kTile + kTileGap) - kTileGap;
            const qreal poolY = y + std::max<qreal>(0, (blockHeight - kBoxHeight) / 2);
            QStringList counts;
            if (up)
                counts << tr("%1 up").arg(up);
            if (down)
                counts << tr("%1 down").arg(down);
            if (other)
                counts << tr("%1 other").arg(other);
            counts << tr("%1 req/s").arg(rps, 0, 'f', 1);
            auto *poolItem = box(m_scene, {poolX, poolY}, tr("pool %1 · %2 backends").arg(pool).arg(count),
                                 counts.join(QStringLiteral(" · ")), down ? QColor(0xff, 0xcd, 0xd2) : card, outline);
            for (auto &[name, nodeItem] : nodeItems)
                m_scene.addLine(QLineF(rightMid(nodeItem), leftMid(poolItem)), QPen(pal.color(QPalette::Mid), 1));
            m_scene.addLine(QLineF(rightMid(poolItem), QPointF(backendX, y + blockHeight / 2)),
                            QPen(pal.color(QPalette::Dark), 1));
            y += std::max(blockHeight, kBoxHeight) + 2 * kRowGap;
            continue;
        }
        for (const auto *member : members) {
            const auto &b = *member;
            rps += b.requestsPerSecond();
            ++count;
            QString detail = b.perNode.empty() ? tr("no report")
                                               : tr("%1 · w %2 · %3 req/s")
                                                     .arg(model::BackendsTableModel::healthName(b.health()))
                                                     .arg(b.weight())
                                                     .arg(b.requestsPerSecond(), 0, 'f', 1);
            if (!b.perNode.empty() && b.state() != v1::READY)
                detail = model::BackendsTableModel::stateName(b.state()) + QStringLiteral(" · ") + detail;
            auto *item = box(m_scene, {backendX, y}, b.name, detail, healthColour(b), outline);
            item->setToolTip(b.address + QLatin1Char('\n') + b.lastCheck());
            item->setData(KindKey, QStringLiteral("backend"));
            item->setData(NameKey, b.name);
            item->setData(ExtraKey, pool);
            backendItems.push_back(item);
            y += kBoxHeight + kRowGap;
        }
        const qreal poolY = poolTop + std::max<qreal>(0, (y - poolTop - kRowGap - kBoxHeight) / 2);
        auto *poolItem = box(m_scene, {poolX, poolY}, tr("pool %1").arg(pool),
                             tr("%1 backends · %2 req/s").arg(count).arg(rps, 0, 'f', 1), card, outline);
        for (auto &[name, nodeItem] : nodeItems)
            m_scene.addLine(QLineF(rightMid(nodeItem), leftMid(poolItem)), QPen(pal.color(QPalette::Mid), 1));
        for (auto *b : backendItems) {
            const auto &view = m_cluster->backends()[size_t(m_cluster->backendRow(pool, b->data(NameKey).toString()))];
            const qreal width = 1 + std::min(8.0, view.requestsPerSecond() / 50.0);
            m_scene.addLine(QLineF(rightMid(poolItem), leftMid(b)), QPen(pal.color(QPalette::Dark), width));
        }
        y += kRowGap;
    }

    m_banner->setText(alarms.join(QLatin1Char('\n')));
    m_banner->setVisible(!alarms.isEmpty());
    m_banner->setGeometry(0, 0, viewport()->width(), m_banner->sizeHint().height());
    m_scene.setSceneRect(m_scene.itemsBoundingRect().adjusted(-20, -60, 20, 20));
    if (!m_userZoomed)
        fit();
    m_lastRebuildMicros = took.nsecsElapsed() / 1000;
    // A big cluster's scene costs more to rebuild: redraw less often, so the
    // topology never takes more than ~5% of the UI thread (100 ms to 1 s).
    m_coalesce.setInterval(int(std::clamp<qint64>(m_lastRebuildMicros / 50, 100, 1000)));
    emit rebuilt();
}

void TopologyView::zoomIn()
{
    m_userZoomed = true;
    scale(1.25, 1.25);
}

void TopologyView::zoomOut()
{
    m_userZoomed = true;
    scale(0.8, 0.8);
}

void TopologyView::fit()
{
    fitInView(m_scene.sceneRect(), Qt::KeepAspectRatio);
    // Never blow small clusters up past their natural size.
    if (transform().m11() > 1.0)
        setTransform(QTransform());
    m_userZoomed = false;
}

void TopologyView::wheelEvent(QWheelEvent *event)
{
    if (event->modifiers() & Qt::ControlModifier) {
        event->angleDelta().y() > 0 ? zoomIn() : zoomOut();
        return;
    }
    QGraphicsView::wheelEvent(event);
}

void TopologyView::resizeEvent(QResizeEvent *event)
{
    QGraphicsView::resizeEvent(event);
    m_banner->setGeometry(0, 0, viewport()->width(), m_banner->sizeHint().height());
    if (!m_userZoomed)
        fit();
}

void TopologyView::contextMenuEvent(QContextMenuEvent *event)
{
    QGraphicsItem *item = itemAt(event->pos());
    while (item && item->parentItem())
        item = item->parentItem();
    if (!item)
        return;
    const QString kind = item->data(KindKey).toString();
    const QString name = item->data(NameKey).toString();
    if (kind == QLatin1String("vip"))
        emit vipMenuRequested(name, QString(), event->globalPos());
    else if (kind == QLatin1String("node") && !m_cluster->vips().empty())
        emit vipMenuRequested(m_cluster->vips().front().name, name, event->globalPos());
    else if (kind == QLatin1String("backend"))
        emit backendMenuRequested(item->data(ExtraKey).toString(), name, event->globalPos());
}

} // namespace hafront::views
