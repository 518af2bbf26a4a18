#include "views/consoleapp.h"

#include "model/clustermodel.h"
#include "views/mainwindow.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QLibraryInfo>
#include <QLocale>
#include <QPixmap>
#include <QThread>
#include <QTranslator>

namespace hafront::views {

QString installTranslations(const QString &locale)
{
    const QLocale chosen = locale.isEmpty() ? QLocale::system() : QLocale(locale);
    QLocale::setDefault(chosen);
    auto *ours = new QTranslator(qApp);
    if (ours->load(chosen, QStringLiteral("hafront"), QStringLiteral("_"), QStringLiteral(":/i18n")))
        QApplication::installTranslator(ours);
    auto *qt = new QTranslator(qApp);
    if (qt->load(chosen, QStringLiteral("qtbase"), QStringLiteral("_"),
                 QLibraryInfo::path(QLibraryInfo::TranslationsPath)))
        QApplication::installTranslator(qt);
    return chosen.name();
}

bool waitFor(const std::function<bool()> &done, int timeoutMs)
{
    QElapsedTimer clock;
    clock.start();
    while (!done() && clock.elapsed() < timeoutMs) {
        QApplication::processEvents(QEventLoop::AllEvents, 20);
        QThread::msleep(5);
    }
    return done();
}

QString renderScreenshot(MainWindow &window, const QString &file, int timeoutMs)
{
    window.resize(1500, 950);
    window.show();
    const model::ClusterModel *m = window.clusterModel();
    if (!waitFor([m] { return m->everyNodeReported(); }, timeoutMs)) {
        QStringList missing;
        for (const auto &n : m->nodes())
            if (!n.status)
                missing << QObject::tr("node %1 sent no status within %2 s: %3")
                               .arg(n.name)
                               .arg(timeoutMs / 1000)
                               .arg(model::linkText(n));
        return missing.join(QLatin1Char('\n'));
    }
    // Let a second status tick and the coalesced topology redraw land.
    waitFor([] { return false; }, 600);
    if (!window.grab().save(file))
        return QObject::tr("cannot write %1").arg(file);
    return {};
}

} // namespace hafront::views
