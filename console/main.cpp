// hafront-console: the operator's desktop console.
#include "drill/modelobserver.h"
#include "drill/widgets/drilldialog.h"
#include "model/clustermodel.h"
#include "views/consoleapp.h"
#include "views/mainwindow.h"
#include "views/settingskeys.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QIcon>
#include <QSettings>

#include <cstdio>

int main(int argc, char **argv)
{
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("hafront"));
    QApplication::setApplicationName(QStringLiteral("hafront-console"));
    QCommandLineParser parser;
    parser.addHelpOption();
    parser.addOption({QStringLiteral("cluster"), QObject::tr("Cluster config to open."), QStringLiteral("FILE")});
    parser.addOption({QStringLiteral("lang"), QObject::tr("UI language, e.g. zh_CN."), QStringLiteral("LOCALE")});
    parser.addOption({QStringLiteral("screenshot"), QObject::tr("Render the window to OUT.png and exit."),
                      QStringLiteral("OUT.png")});
    parser.process(app);
    hafront::views::installTranslations(parser.value(QStringLiteral("lang")));

    hafront::views::MainWindow window; // registers the icon resources
    QApplication::setWindowIcon(window.windowIcon());
    window.openDrill = [&window](const hafront::v1::Cluster &cluster, const QString &vip, QWidget *parent) {
        // The drill reads and commands through the window's own session: one picture of the cluster.
        auto *dialog = new hafront::drill::DrillDialog(
            cluster, vip, std::make_unique<hafront::drill::ModelObserver>(*window.session()), parent);
        dialog->setAttribute(Qt::WA_DeleteOnClose);
        dialog->show();
    };
    QString cluster = parser.value(QStringLiteral("cluster"));
    const QString screenshot = parser.value(QStringLiteral("screenshot"));
    if (cluster.isEmpty() && screenshot.isEmpty())
        cluster = QSettings().value(hafront::views::settings::kLastCluster).toString();
    if (!cluster.isEmpty()) {
        if (const QString why = window.openCluster(cluster); !why.isEmpty()) {
            std::fprintf(stderr, "hafront-console: %s\n", qPrintable(why));
            if (!screenshot.isEmpty() || parser.isSet(QStringLiteral("cluster")))
                return 1;
        }
    }
    if (!screenshot.isEmpty()) {
        if (cluster.isEmpty()) {
            std::fprintf(stderr, "hafront-console: --screenshot needs --cluster FILE\n");
            return 2;
        }
        const QString why = hafront::views::renderScreenshot(window, screenshot, 10000);
        if (!why.isEmpty())
            std::fprintf(stderr, "hafront-console: %s\n", qPrintable(why));
        return why.isEmpty() ? 0 : 3;
    }
    window.show();
    return app.exec();
}
