// The console reaching an agent over SSH (a real sshd): an unknown host key
// opens the dialog with the host's SHA256 fingerprint; accepting it connects,
// the node's backends appear, and a weight change made in the window lands on
// the agent under the SSH user's name. A changed key is refused with a
// warning and no connection. Run by tests/integration/ssh_test.sh (root, a
// private mount namespace) with HAFRONT_SSH_CASE; standalone it skips.
#include "model/clustermodel.h"
#include "model/clustersession.h"
#include "views/mainwindow.h"

#include <QFile>
#include <QMessageBox>
#include <QtTest>

using namespace hafront;

class TestConsoleSsh : public QObject {
    Q_OBJECT
private slots:
    void init()
    {
        if (qEnvironmentVariable("HAFRONT_SSH_CASE").isEmpty())
            QSKIP("needs a real sshd and agent: run by tests/integration/ssh_test.sh (root)");
    }

    void unknownKeyAskedThenAccepted()
    {
        if (qEnvironmentVariable("HAFRONT_SSH_CASE") != "unknown")
            QSKIP("this run is for another case");
        views::MainWindow window;
        QString askedNode, askedFingerprint;
        window.askHostKey = [&](const QString &node, const QString &host, const QString &fingerprint) {
            askedNode = node;
            askedFingerprint = fingerprint;
            // The real dialog, as the operator sees it.
            QMessageBox *box = views::hostKeyDialog(node, host, fingerprint, &window);
            box->show();
            QTest::qWait(100);
            const QString out = qEnvironmentVariable("HAFRONT_SSH_OUT");
            if (!out.isEmpty())
                box->grab().save(out + "/console-hostkey.png");
            box->deleteLater();
            return true;
        };
        QStringList warnings;
        window.inform = [&](const QString &title, const QString &text, bool ok) {
            if (!ok)
                warnings << title + ": " + text;
        };
        QCOMPARE(window.openCluster(qEnvironmentVariable("HAFRONT_SSH_CLUSTER")), QString());
        window.resize(1400, 900);
        window.show();
        QTRY_VERIFY_WITH_TIMEOUT(!askedFingerprint.isEmpty(), 15000);
        QCOMPARE(askedNode, QString("n1"));
        QCOMPARE(askedFingerprint, qEnvironmentVariable("HAFRONT_SSH_FINGERPRINT"));

        auto connected = [&] {
            const auto *n = window.clusterModel()->node("n1");
            return n && n->link == model::LinkState::Connected;
        };
        QTRY_VERIFY_WITH_TIMEOUT(connected(), 15000);
        QCOMPARE(model::linkText(*window.clusterModel()->node("n1")), QString("connected over SSH (streamlocal)"));
        QTRY_VERIFY_WITH_TIMEOUT(
            window.clusterModel()->backendRow("app", "a") >= 0 &&
                window.clusterModel()
                        ->backends()[static_cast<size_t>(window.clusterModel()->backendRow("app", "a"))]
                        .weight() > 0,
            10000);

        // A weight set in the window reaches the agent over SSH.
        const int row = window.clusterModel()->backendRow("app", "a");
        const uint32_t from = window.clusterModel()->backends()[static_cast<size_t>(row)].weight();
        const uint32_t to = from == 9 ? 8 : 9;
        window.requestWeight("app", "a", from, to);
        QTRY_COMPARE_WITH_TIMEOUT(window.clusterModel()->backends()[static_cast<size_t>(row)].weight(), to, 10000);
        QTRY_VERIFY_WITH_TIMEOUT(window.lastResult().contains("1/1"), 5000);
        QFile audit(qEnvironmentVariable("HAFRONT_SSH_AUDIT"));
        QVERIFY(audit.open(QIODevice::ReadOnly));
        const QByteArray lastLine = audit.readAll().trimmed().split('\n').last();
        QVERIFY2(lastLine.contains("\"user\":\"hfop\"") && lastLine.contains("\"weight\":" + QByteArray::number(to)),
                 lastLine.constData());
        QVERIFY2(warnings.isEmpty(), qPrintable(warnings.join('\n')));
        const QString out = qEnvironmentVariable("HAFRONT_SSH_OUT");
        if (!out.isEmpty())
            QVERIFY(window.grab().save(out + "/console-over-ssh.png"));
    }

    void changedKeyRefusedWithWarning()
    {
        if (qEnvironmentVariable("HAFRONT_SSH_CASE") != "changed")
            QSKIP("this run is for another case");
        views::MainWindow window;
        bool asked = false;
        window.askHostKey = [&](const QString &, const QString &, const QString &) { return asked = true; };
        QStringList warnings;
        window.inform = [&](const QString &title, const QString &text, bool ok) {
            if (!ok)
                warnings << title + ": " + text;
        };
        QCOMPARE(window.openCluster(qEnvironmentVariable("HAFRONT_SSH_CLUSTER")), QString());
        QTRY_VERIFY_WITH_TIMEOUT(!warnings.isEmpty(), 15000);
        QVERIFY2(warnings.first().contains("CHANGED") &&
                     warnings.first().contains(qEnvironmentVariable("HAFRONT_SSH_FINGERPRINT")),
                 qPrintable(warnings.first()));
        QVERIFY(!asked); // a changed key is never offered for acceptance
        const auto *n = window.clusterModel()->node("n1");
        QVERIFY(n);
        QCOMPARE(n->link, model::LinkState::Unreachable);
        QVERIFY2(n->reason.contains("CHANGED"), qPrintable(n->reason));
        QTest::qWait(3000); // no retry loop: it stays refused, and asks nothing
        QCOMPARE(window.clusterModel()->node("n1")->link, model::LinkState::Unreachable);
        QCOMPARE(warnings.size(), 1);
    }
};

QTEST_MAIN(TestConsoleSsh)
#include "tst_consolessh.moc"
