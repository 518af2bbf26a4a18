// hafront-console: the operator's desktop console.
#include <QApplication>
#include <QCommandLineParser>
#include <QLabel>

int main(int argc, char **argv)
{
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("hafront-console"));
    QCommandLineParser parser;
    parser.addHelpOption();
    parser.addOption({QStringLiteral("cluster"), QObject::tr("Cluster config to open."), QStringLiteral("FILE")});
    parser.addOption({QStringLiteral("lang"), QObject::tr("UI language, e.g. zh_CN."), QStringLiteral("LOCALE")});
    parser.addOption({QStringLiteral("screenshot"), QObject::tr("Render the window to OUT.png and exit."),
                      QStringLiteral("OUT.png")});
    parser.process(app);
    QLabel label(QObject::tr("hafront console"));
    if (parser.isSet(QStringLiteral("screenshot")))
        return label.grab().save(parser.value(QStringLiteral("screenshot"))) ? 0 : 1;
    label.show();
    return app.exec();
}
