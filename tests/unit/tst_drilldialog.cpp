// The drill dialog on a recorded drill: probe URL pre-filled from the VIP's
// listener, pre-checks shown, report table and export, past drills listed.
// Renders docs' screenshot (drill-report.png in the build dir).
#include "drill/drillhistory.h"
#include "drill/linkobserver.h"
#include "drill/widgets/drilldialog.h"

#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QSettings>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QtTest>

using namespace hafront;
using namespace hafront::drill;

namespace {

v1::Cluster cluster()
{
    v1::Cluster c;
    c.set_name("shop-front");
    auto *v = c.add_vip();
    v->set_name("www");
    v->set_address("192.0.2.100/24");
    v->set_advert_interval_ms(100);
    auto *l = c.add_listener();
    l->set_name("web");
    l->set_bind("192.0.2.100:80");
    return c;
}

// A recorded graceful drill at 200/s: two failed probes at the handover.
DrillReport recorded()
{
    DrillReport r;
    r.cluster = "shop-front";
    r.vip = "www";
    r.probeUrl = "http://192.0.2.100:80/";
    r.rateHz = 200;
    r.startedWallUs = 1764050000000000;
    r.zeroMonoUs = 1000000;
    r.oldMaster = "fe1";
    r.newMaster = "fe2";
    r.finalMaster = "fe1";
    r.completed = true;
    r.advertMs = 100;
    for (int i = 0; i < 1200; ++i) {
        const int64_t at = r.zeroMonoUs + i * 5000;
        const bool failed = i == 201 || i == 202 || i == 701;
        const bool second = i > 202 && i < 701;
        r.probes.push_back({at, 600 + (i % 7) * 90, !failed, failed ? "" : (second ? "fe2" : "fe1"),
                            failed ? "timeout connecting" : ""});
    }
    PhaseStats over = computePhase(r.probes, r.zeroMonoUs + 1000000, r.zeroMonoUs + 3500000);
    over.name = "failover";
    over.predictedMs = 5;
    PhaseStats back = computePhase(r.probes, r.zeroMonoUs + 3500000, r.zeroMonoUs + 6000000);
    back.name = "failback";
    back.predictedMs = 5;
    r.phases = {over, back};
    r.downtimeMs = over.downtimeMs;
    r.predictedMs = 5;
    r.probesTotal = 1200;
    r.probesFailed = 3;
    r.offsets["fe1"] = ClockOffset{12, 40, 180, 5};
    r.offsets["fe2"] = ClockOffset{-8, 25, 170, 5};
    r.timeline = alignTimeline(
        r.zeroMonoUs,
        {{r.zeroMonoUs + 1000000, "maintenance on -> fe1"}, {r.zeroMonoUs + 3500000, "maintenance off -> fe1"}},
        {{"fe2", r.zeroMonoUs + 1004000, 0, "vip_state", "BACKUP -> MASTER"},
         {"fe1", r.zeroMonoUs + 1001000, 0, "vip_state", "MASTER -> BACKUP"}},
        {}, r.probes);
    return r;
}

} // namespace

class TestDrillDialog : public QObject {
    Q_OBJECT
private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        QSettings::setDefaultFormat(QSettings::IniFormat);
        QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, m_dir.path());
        QCoreApplication::setOrganizationName("hafront-test");
    }

    void probeUrlIsPrefilledFromTheVipListener()
    {
        DrillDialog d(cluster(), "www", std::make_unique<LinkObserver>(cluster())); // never opened: no links
        QCOMPARE(d.findChild<QLineEdit *>()->text(), QString("http://192.0.2.100:80/"));
    }

    void reportShowsDowntimePerPhaseAndEnablesExport()
    {
        DrillDialog d(cluster(), "www", std::make_unique<LinkObserver>(cluster())); // never opened: no links
        const auto r = recorded();
        QCOMPARE(r.downtimeMs, 15.0);
        d.showPrechecks({{"reachable", true, ""},
                         {"single_master", true, ""},
                         {"not_in_maintenance", true, ""},
                         {"backup_eligible", true, ""},
                         {"backup_pools", true, ""}});
        d.showReport(r);
        auto *table = d.findChild<QTableWidget *>();
        QCOMPARE(table->rowCount(), 2);
        QCOMPARE(table->item(0, 1)->text(), QString("15.0 ms"));
        QCOMPARE(table->item(1, 1)->text(), QString("10.0 ms"));
        bool exportEnabled = false;
        for (auto *b : d.findChildren<QPushButton *>())
            if (b->text().startsWith("Export"))
                exportEnabled = b->isEnabled();
        QVERIFY(exportEnabled);
        d.show();
        QVERIFY(QTest::qWaitForWindowExposed(&d));
        const QString out = QString(HAFRONT_BINARY_DIR) + "/drill-report.png";
        QVERIFY(d.grab().save(out));
    }

    void pastDrillsAreListedNewestFirst()
    {
        {
            QSettings s;
            DrillHistory h(s);
            auto r = recorded();
            h.add(r);
            r.downtimeMs = 361.2;
            r.mode = Mode::Crash;
            h.add(r);
        }
        DrillDialog d(cluster(), "www", std::make_unique<LinkObserver>(cluster())); // never opened: no links
        auto *list = d.findChild<QListWidget *>();
        QCOMPARE(list->count(), 2);
        QVERIFY(list->item(0)->text().contains("crash  361.2 ms"));
        QVERIFY(list->item(1)->text().contains("graceful  15.0 ms"));
    }

private:
    QTemporaryDir m_dir;
};

QTEST_MAIN(TestDrillDialog)
#include "tst_drilldialog.moc"
