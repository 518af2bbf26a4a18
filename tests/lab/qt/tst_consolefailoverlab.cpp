// The console's "Make NODE master" end to end: the main window, connected to
// two real agents sharing a VIP in the namespace lab, sends force-master after
// the confirmation, sees the owner change, and reports how long it took. Run by
// tests/integration/drill_test.sh (root) with HAFRONT_LAB_CLUSTER; standalone it skips.
#include "model/clustermodel.h"
#include "views/mainwindow.h"

#include <QtTest>

using namespace hafront;

class TestConsoleFailoverLab : public QObject {
    Q_OBJECT
private slots:
    void makeMasterMovesTheVipAndShowsTheTime()
    {
        const QString clusterFile = qEnvironmentVariable("HAFRONT_LAB_CLUSTER");
        if (clusterFile.isEmpty())
            QSKIP("needs the namespace lab: run by tests/integration/drill_test.sh (root)");
        views::MainWindow window;
        QString asked;
        window.confirm = [&](const QString &, const QString &text) {
            asked = text;
            return true;
        };
        window.inform = [](const QString &, const QString &, bool) {};
        QCOMPARE(window.openCluster(clusterFile), QString());
        window.resize(1400, 900);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        auto owners = [&] {
            for (const auto &v : window.clusterModel()->vips())
                if (v.name == "www")
                    return v.owners;
            return QStringList();
        };
        QTRY_COMPARE_WITH_TIMEOUT(owners(), QStringList{"fe1"}, 15000);

        window.requestForceMaster("www", "fe2");
        QVERIFY2(asked.contains("fe1") && asked.contains("fe2"), qPrintable(asked)); // says what moves where
        QTRY_COMPARE_WITH_TIMEOUT(owners(), QStringList{"fe2"}, 10000);
        QTRY_VERIFY_WITH_TIMEOUT(window.lastHandover().contains("fe2"), 5000);
        qInfo("confirmation: %s", qPrintable(asked));
        qInfo("handover: %s", qPrintable(window.lastHandover()));
        QTest::qWait(500);
        QVERIFY(window.grab().save(qEnvironmentVariable("HAFRONT_LAB_OUT") + "/console-failover-live.png"));

        window.requestRelease("www", "fe2"); // configured priorities: fe1 preempts back
        QTRY_COMPARE_WITH_TIMEOUT(owners(), QStringList{"fe1"}, 10000);
    }
};

QTEST_MAIN(TestConsoleFailoverLab)
#include "tst_consolefailoverlab.moc"
