// TopologyView draws small pools as one box per backend and big pools (over
// 16 backends) as a grid of health tiles with the counts on the pool box, so a
// 200-backend pool stays readable; every tile keeps its backend's menu. The
// labels on the VIP-to-node lines overlap neither each other nor a box.
// HAFRONT_SCREENSHOT_DIR=DIR saves that view as DIR/topology-vip-labels.png.
#include "model/clustermodel.h"
#include "views/topologyview.h"

#include <QGraphicsItem>
#include <QGraphicsSimpleTextItem>
#include <QSignalSpy>
#include <QtTest>

#include <google/protobuf/text_format.h>

using namespace hafront;

class TestTopologyView : public QObject {
    Q_OBJECT
private slots:
    void bigPoolsBecomeTilesWithCounts()
    {
        v1::Cluster cluster;
        std::string text = R"(name: "t" node { name: "fe1" address: "127.0.0.1" }
            pool { name: "small" backend { name: "s1" address: "127.0.0.1:9001" } backend { name: "s2" address: "127.0.0.1:9002" } }
            pool { name: "big" )";
        for (int i = 0; i < 40; ++i)
            text += "backend { name: \"b" + std::to_string(i) + "\" address: \"127.0.0.1:" + std::to_string(10000 + i) +
                    "\" } ";
        text += "}";
        QVERIFY(google::protobuf::TextFormat::ParseFromString(text, &cluster));
        model::ClusterModel model;
        model.setCluster(cluster);
        v1::NodeStatus status;
        status.set_node("fe1");
        for (const auto &p : cluster.pool()) {
            auto *pool = status.add_pools();
            pool->set_name(p.name());
            for (int i = 0; i < p.backend_size(); ++i) {
                auto *b = pool->add_backends();
                b->set_name(p.backend(i).name());
                b->set_weight(1);
                b->set_state(v1::READY);
                b->set_health(p.name() == "big" && i < 3 ? v1::DOWN : v1::UP);
            }
        }
        views::TopologyView view(&model);
        QSignalSpy rebuilt(&view, &views::TopologyView::rebuilt);
        model.applyStatus(status);
        QTRY_VERIFY_WITH_TIMEOUT(rebuilt.count() > 0, 3000);

        int smallBoxes = 0, bigTiles = 0;
        QStringList texts;
        for (QGraphicsItem *item : view.scene()->items()) {
            if (auto *t = dynamic_cast<QGraphicsSimpleTextItem *>(item))
                texts << t->text();
            if (item->data(0).toString() != QLatin1String("backend"))
                continue;
            const QString pool = item->data(2).toString();
            if (pool == QLatin1String("small"))
                ++smallBoxes;
            else if (pool == QLatin1String("big")) {
                ++bigTiles;
                QVERIFY(item->childItems().isEmpty()); // a tile: no text inside
                QVERIFY(item->toolTip().contains(item->data(1).toString()));
            }
        }
        QCOMPARE(smallBoxes, 2);
        QCOMPARE(bigTiles, 40);
        QVERIFY2(texts.contains(QStringLiteral("pool big · 40 backends")), qPrintable(texts.join('|')));
        QVERIFY2(texts.contains(QStringLiteral("37 up · 3 down · 0.0 req/s")), qPrintable(texts.join('|')));
        QVERIFY(texts.contains(QStringLiteral("s1")));
    }

    // Two VIPs on three nodes (the dual-stack demo has two on two): the lines
    // cross halfway, where every label used to be put.
    void edgeLabelsOverlapNothing()
    {
        v1::Cluster cluster;
        QVERIFY(google::protobuf::TextFormat::ParseFromString(
            R"(name: "t" node { name: "fe1" address: "192.0.2.11" } node { name: "fe2" address: "192.0.2.12" }
               node { name: "fe3" address: "192.0.2.13" }
               vip { name: "www" address: "192.0.2.100/24" interface: "eth0" vrid: 51 }
               vip { name: "www6" address: "2001:db8::100/64" interface: "eth0" vrid: 52 })",
            &cluster));
        model::ClusterModel model;
        model.setCluster(cluster);
        views::TopologyView view(&model);
        QSignalSpy rebuilt(&view, &views::TopologyView::rebuilt);
        for (const char *node : {"fe1", "fe2", "fe3"}) {
            model.setLink(node, model::LinkState::Connected, {}, -1); // a silent node's VIPs are not drawn
            v1::NodeStatus status;
            status.set_node(node);
            for (const char *vip : {"www", "www6"}) {
                auto *v = status.add_vips();
                v->set_name(vip);
                // www on fe1, www6 on fe3: lines from both VIPs cross.
                const std::string pair = std::string(vip) + "@" + node;
                const bool master = pair == "www@fe1" || pair == "www6@fe3";
                v->set_state(master ? v1::MASTER : v1::BACKUP);
            }
            model.applyStatus(status);
        }
        QTRY_VERIFY_WITH_TIMEOUT(rebuilt.count() > 0, 3000); // one coalesced redraw of all three reports

        std::vector<std::pair<QString, QRectF>> labels, boxes;
        for (QGraphicsItem *item : view.scene()->items()) {
            const QString kind = item->data(0).toString();
            if (kind == QLatin1String("edge-label"))
                labels.emplace_back(static_cast<QGraphicsSimpleTextItem *>(item)->text(), item->sceneBoundingRect());
            else if (kind == QLatin1String("vip") || kind == QLatin1String("node"))
                boxes.emplace_back(item->data(1).toString(), item->sceneBoundingRect());
        }
        QCOMPARE(labels.size(), size_t(6));
        QCOMPARE(boxes.size(), size_t(5));
        for (size_t i = 0; i < labels.size(); ++i) {
            for (size_t j = i + 1; j < labels.size(); ++j)
                QVERIFY2(!labels[i].second.intersects(labels[j].second),
                         qPrintable(labels[i].first + " overlaps " + labels[j].first));
            for (const auto &[name, box] : boxes)
                QVERIFY2(!labels[i].second.intersects(box), qPrintable(labels[i].first + " covers " + name));
        }
        if (const QString shots = qEnvironmentVariable("HAFRONT_SCREENSHOT_DIR"); !shots.isEmpty()) {
            view.resize(900, 260);
            view.fit();
            QVERIFY(view.grab().save(shots + QStringLiteral("/topology-vip-labels.png")));
        }
    }
};

QTEST_MAIN(TestTopologyView)
#include "tst_topologyview.moc"
