// File > Import...: the dialog runs the importer on the picked files, shows
// the report grouped by file with the lines (mapped ones on request), the
// topology and the config, and saves a config the agent accepts; the report
// model passes QAbstractItemModelTester. HAFRONT_SCREENSHOT_DIR=DIR saves
// the dialog as DIR/import-dialog.png.
#include "config/configloader.h"
#include "model/clustermodel.h"
#include "model/importreportmodel.h"
#include "views/importdialog.h"
#include "views/mainwindow.h"

#include <QAbstractItemModelTester>
#include <QAction>
#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

using namespace hafront;

namespace {

const QString kCorpus = QStringLiteral(HAFRONT_SOURCE_DIR "/tests/import/corpus");

// static-api-split.conf with its roots moved into `dir`, which holds them.
QString siteConfig(const QTemporaryDir &dir)
{
    QFile in(kCorpus + "/nginx/static-api-split.conf");
    if (!in.open(QIODevice::ReadOnly))
        return {};
    QString text = QString::fromUtf8(in.readAll()).replace("/srv/www", dir.path() + "/www");
    QDir().mkpath(dir.path() + "/www/static");
    const QString path = dir.path() + "/nginx.conf";
    QFile out(path);
    if (!out.open(QIODevice::WriteOnly) || out.write(text.toUtf8()) < 0)
        return {};
    return path;
}

} // namespace

class TestImportDialog : public QObject {
    Q_OBJECT
private slots:
    void reportModelGroupsByFileAndHidesMapped()
    {
        model::ImportReportModel m;
        QAbstractItemModelTester tester(&m, QAbstractItemModelTester::FailureReportingMode::QtTest);
        using import::Kind;
        m.setEntries({{"/b.conf", 9, "gzip", Kind::Unsupported, "compression", {}},
                      {"/a.conf", 3, "listen", Kind::Mapped, "binds", {}},
                      {"/a.conf", 2, "user", Kind::Approximated, "systemd", {}},
                      {"/a.conf", 1, "", Kind::Error, "broken", {}}});
        QCOMPARE(m.rowCount(), 2);
        QVERIFY(m.index(0, 0).data().toString().startsWith(QStringLiteral("/a.conf")));
        const QModelIndex a = m.index(0, 0);
        QCOMPARE(m.rowCount(a), 2);                                                      // the mapped line is hidden
        QCOMPARE(m.index(0, model::ImportReportModel::FileOrLine, a).data().toInt(), 1); // line order
        QCOMPARE(m.index(1, model::ImportReportModel::Kind, a).data().toString(), QStringLiteral("approximated"));
        QVERIFY(m.index(0, 0).data().toString().contains("1 mapped, 1 approximated, 0 unsupported, 1 errors"));
        m.setShowMapped(true);
        QCOMPARE(m.rowCount(m.index(0, 0)), 3);
        QCOMPARE(m.count(Kind::Mapped), size_t(1));
    }

    void importsPreviewsAndSavesAConfigTheAgentAccepts()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString nginx = siteConfig(dir);
        QVERIFY(!nginx.isEmpty());
        views::ImportDialog dialog;
        dialog.setNginxFile(nginx);
        dialog.addNode("fe1", kCorpus + "/keepalived/nginx-ha-master.conf", "");
        dialog.addNode("fe2", kCorpus + "/keepalived/nginx-ha-backup.conf", "");
        dialog.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dialog));
        dialog.runImport();
        QVERIFY2(dialog.result().ok(), qPrintable(dialog.summaryText()));
        QVERIFY(dialog.summaryText().startsWith("A valid cluster config: 2 nodes, 1 VIP, 1 pool"));
        // One group per file read: the nginx config and both keepalived files.
        QCOMPARE(dialog.reportModel()->rowCount(), 3);
        QVERIFY(dialog.reportModel()->count(import::Kind::Unsupported) > 0);
        const QString out = dir.path() + "/cluster.conf";
        QSignalSpy saved(&dialog, &views::ImportDialog::saved);
        QCOMPARE(dialog.saveTo(out), QString());
        QCOMPARE(saved.count(), 1);
        const auto loaded = config::loadClusterFile(out.toStdString());
        QVERIFY2(loaded.ok(), loaded.ok() ? "" : loaded.errors[0].format().c_str());
        QCOMPARE(loaded.cluster.node_size(), 2);
        if (const QString shots = qEnvironmentVariable("HAFRONT_SCREENSHOT_DIR"); !shots.isEmpty()) {
            QTest::qWait(300); // let the topology lay out
            QVERIFY(dialog.grab().save(shots + "/import-dialog.png"));
        }
    }

    void aBrokenFileSaysWhyAndCannotBeSaved()
    {
        views::ImportDialog dialog;
        dialog.setNginxFile(kCorpus + "/nginx/broken-missing-brace.conf");
        dialog.addNode("fe1", "", "192.0.2.11");
        dialog.runImport();
        QVERIFY(!dialog.result().ok());
        QVERIFY2(dialog.summaryText().contains("nginx would refuse it"), qPrintable(dialog.summaryText()));
        QVERIFY(!dialog.saveTo(QDir::tempPath() + "/never-written.conf").isEmpty());
        QVERIFY(!QFile::exists(QDir::tempPath() + "/never-written.conf"));
    }

    void mainWindowOffersImport()
    {
        views::MainWindow w;
        auto *action = w.findChild<QAction *>("importAction");
        QVERIFY(action);
        QVERIFY(action->text().contains("Import"));
    }
};

QTEST_MAIN(TestImportDialog)
#include "tst_importdialog.moc"
