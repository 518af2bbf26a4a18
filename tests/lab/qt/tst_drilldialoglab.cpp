// The console's Drill button end to end: the dialog runs a real graceful drill
// against real agents, seen through the console's ClusterModel/ClusterSession
// (ModelObserver), as the main window opens it. Run by tests/integration/drill_test.sh inside the
// client namespace of the lab it builds (HAFRONT_LAB_CLUSTER names the cluster);
// standalone it skips. Writes the drill's report with its probes, for the
// script to compare with an independent prober, and the dialog's screenshot.
#include "config/configloader.h"
#include "drill/modelobserver.h"
#include "drill/widgets/drilldialog.h"
#include "model/clustersession.h"

#include <QFile>
#include <QJsonDocument>
#include <QLabel>
#include <QPushButton>
#include <QSettings>
#include <QSpinBox>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QtTest>

using namespace hafront;

class TestDrillDialogLab : public QObject {
    Q_OBJECT
private slots:
    void runDrillButtonMeasuresARealFailover()
    {
        const QByteArray clusterFile = qgetenv("HAFRONT_LAB_CLUSTER");
        if (clusterFile.isEmpty())
            QSKIP("needs the namespace lab: run by tests/integration/drill_test.sh (root)");
        QTemporaryDir settingsDir;
        QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, settingsDir.path());
        const auto loaded = config::loadClusterFile(clusterFile.toStdString());
        QVERIFY(loaded.ok());

        model::ClusterModel clusterModel;
        model::ClusterSession session(&clusterModel);
        session.start(loaded.cluster);
        drill::DrillDialog dialog(loaded.cluster, "www", std::make_unique<drill::ModelObserver>(session));
        dialog.resize(900, 720);
        dialog.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dialog));
        for (auto *spin : dialog.findChildren<QSpinBox *>())
            if (spin->suffix().contains("s") && !spin->suffix().contains("/"))
                spin->setValue(4); // duration: a short drill
        QPushButton *run = nullptr;
        for (auto *b : dialog.findChildren<QPushButton *>())
            if (b->text().contains("Run"))
                run = b;
        QVERIFY(run);
        QTest::mouseClick(run, Qt::LeftButton);

        auto *table = dialog.findChild<QTableWidget *>();
        QVERIFY(table);
        QTRY_VERIFY_WITH_TIMEOUT(table->rowCount() == 2, 60000); // failover + failback phases
        double worst = 0;
        for (int row = 0; row < table->rowCount(); ++row)
            worst = std::max(worst, table->item(row, 1)->text().section(' ', 0, 0).toDouble());
        QVERIFY(worst > 0);

        QVERIFY(dialog.hasReport());
        QFile out(qEnvironmentVariable("HAFRONT_LAB_OUT") + "/drill-dialog.json");
        QVERIFY(out.open(QIODevice::WriteOnly));
        out.write(QJsonDocument(drill::toJson(dialog.report(), true)).toJson());
        out.close();
        QTest::qWait(300);
        QVERIFY(dialog.grab().save(qEnvironmentVariable("HAFRONT_LAB_OUT") + "/drill-dialog-live.png"));
    }
};

QTEST_MAIN(TestDrillDialogLab)
#include "tst_drilldialoglab.moc"
