// Route matching of HTTP listeners: longest path prefix wins, a route for the
// request's host beats an any-host route of the same length, hosts compare
// case-insensitively, and no match means no route.
#include "proxy/poolview.h"

#include <QtTest>

#include <algorithm>

using namespace hafront::proxy;

class TestRoute : public QObject {
    Q_OBJECT
private slots:
    void picksTheLongestPrefixThenTheHost_data()
    {
        QTest::addColumn<QString>("host");
        QTest::addColumn<QString>("path");
        QTest::addColumn<QString>("expected"); // the route's index label, "" = none
        QTest::newRow("root catches everything") << "any"
                                                 << "/x"
                                                 << "root";
        QTest::newRow("longer prefix wins") << "any"
                                            << "/static/a.css"
                                            << "static";
        QTest::newRow("longest of three") << "any"
                                          << "/static/img/a.png"
                                          << "img";
        QTest::newRow("prefix is not a substring match") << "any"
                                                         << "/staticfoo"
                                                         << "root";
        QTest::newRow("host route wins at equal length") << "shop.example"
                                                         << "/api/v1"
                                                         << "shop-api";
        QTest::newRow("host compared case-insensitively") << "SHOP.Example"
                                                          << "/api/v1"
                                                          << "shop-api";
        QTest::newRow("other host falls back to any-host") << "blog.example"
                                                           << "/api/v1"
                                                           << "api";
        QTest::newRow("longer any-host prefix beats shorter host route") << "shop.example"
                                                                         << "/static/x"
                                                                         << "static";
        QTest::newRow("host-only route for its host") << "admin.example"
                                                      << "/panel"
                                                      << "admin";
    }
    void picksTheLongestPrefixThenTheHost()
    {
        QFETCH(QString, host);
        QFETCH(QString, path);
        QFETCH(QString, expected);
        std::vector<RouteView> routes = {
            {"", "/", nullptr, "root", ""},
            {"", "/static/", nullptr, "static", ""},
            {"", "/static/img/", nullptr, "img", ""},
            {"", "/api/", nullptr, "api", ""},
            {"shop.example", "/api/", nullptr, "shop-api", ""},
            {"shop.example", "/", nullptr, "shop-root", ""},
            {"admin.example", "/panel", nullptr, "admin", ""},
        };
        std::stable_sort(routes.begin(), routes.end(),
                         [](const RouteView &a, const RouteView &b) { return a.prefix.size() > b.prefix.size(); });
        const RouteView *r = matchRoute(routes, host.toStdString(), path.toStdString());
        QCOMPARE(r ? QString::fromStdString(r->staticRoot) : QString(), expected);
    }

    // nginx's "location =": an exact route wins over every prefix route, but
    // only for the very path; a host's exact route before an any-host one.
    void exactRoutesWinOnlyForTheirPath_data()
    {
        QTest::addColumn<QString>("host");
        QTest::addColumn<QString>("path");
        QTest::addColumn<QString>("expected");
        QTest::newRow("exact beats a longer prefix") << "any"
                                                     << "/api"
                                                     << "exact-api";
        QTest::newRow("exact is not a prefix") << "any"
                                               << "/api/x"
                                               << "api-prefix";
        QTest::newRow("exact beats the host's prefix") << "h.example"
                                                       << "/api"
                                                       << "exact-api";
        QTest::newRow("host exact before any-host exact") << "h.example"
                                                          << "/"
                                                          << "h-exact-root";
        QTest::newRow("any-host exact for other hosts") << "other"
                                                        << "/"
                                                        << "exact-root";
        QTest::newRow("prefix when no exact matches") << "other"
                                                      << "/x"
                                                      << "root";
    }
    void exactRoutesWinOnlyForTheirPath()
    {
        QFETCH(QString, host);
        QFETCH(QString, path);
        QFETCH(QString, expected);
        std::vector<RouteView> routes = {
            {"", "/", nullptr, "root", ""},
            {"", "/api", nullptr, "api-prefix", ""},
            {"", "/api", nullptr, "exact-api", "", true},
            {"", "/", nullptr, "exact-root", "", true},
            {"h.example", "/", nullptr, "h-exact-root", "", true},
            {"h.example", "/api/", nullptr, "h-api", ""},
        };
        std::stable_sort(routes.begin(), routes.end(),
                         [](const RouteView &a, const RouteView &b) { return a.prefix.size() > b.prefix.size(); });
        const RouteView *r = matchRoute(routes, host.toStdString(), path.toStdString());
        QCOMPARE(r ? QString::fromStdString(r->staticRoot) : QString(), expected);
    }

    void noMatchingRouteGivesNull()
    {
        const std::vector<RouteView> routes = {{"", "/api/", nullptr, "api", ""}, {"h.example", "/", nullptr, "h", ""}};
        QVERIFY(matchRoute(routes, "other", "/x") == nullptr);
        QVERIFY(matchRoute({}, "h.example", "/") == nullptr);
    }
};

QTEST_GUILESS_MAIN(TestRoute)
#include "tst_route.moc"
