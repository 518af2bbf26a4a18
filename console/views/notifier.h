// Notifier: raises an operator notification — a system tray message where a
// tray exists, otherwise a transient message in the window's status bar.
#pragma once

#include <QObject>
#include <QString>

class QMainWindow;
class QSystemTrayIcon;

namespace hafront::views {

class Notifier : public QObject {
    Q_OBJECT
public:
    explicit Notifier(QMainWindow *window);

    void notify(const QString &title, const QString &text);
    bool usesTray() const { return m_tray != nullptr; }
    QString lastNotification() const { return m_last; } // "title: text"

private:
    QMainWindow *m_window;
    QSystemTrayIcon *m_tray = nullptr;
    QString m_last;
};

} // namespace hafront::views
