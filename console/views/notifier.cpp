#include "views/notifier.h"

#include <QMainWindow>
#include <QStatusBar>
#include <QSystemTrayIcon>

namespace hafront::views {

Notifier::Notifier(QMainWindow *window) : QObject(window), m_window(window)
{
    if (QSystemTrayIcon::isSystemTrayAvailable()) {
        m_tray = new QSystemTrayIcon(QIcon(QStringLiteral(":/icons/hafront.svg")), this);
        m_tray->setToolTip(tr("hafront console"));
        connect(m_tray, &QSystemTrayIcon::activated, window, [window] {
            window->showNormal();
            window->raise();
            window->activateWindow();
        });
        m_tray->show();
    }
}

void Notifier::notify(const QString &title, const QString &text)
{
    m_last = title + QStringLiteral(": ") + text;
    if (m_tray && QSystemTrayIcon::supportsMessages())
        m_tray->showMessage(title, text, QSystemTrayIcon::Information, 8000);
    else
        m_window->statusBar()->showMessage(m_last, 10000);
}

} // namespace hafront::views
