// TopologyView draws small pools as one box per backend and big pools (over
// 16 backends) as a grid of health tiles with the counts on the pool box, so a
// 200-backend pool stays readable; every tile keeps its backend's menu.
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
};

QTEST_MAIN(TestTopologyView)
#include "tst_topologyview.moc"
