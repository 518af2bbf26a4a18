// SshChannel: a byte stream to an agent's unix socket on another host, over
// SSH (libssh). Checks the host key against known_hosts, authenticates with
// ssh-agent then the user's identity files, and opens a
// direct-streamlocal@openssh.com channel to the socket, falling back to an
// exec channel running `hafrontctl dial-stdio` where sshd forbids streamlocal
// forwarding. libssh blocks, so the session lives on its own thread; every
// signal is delivered on the thread that owns this object.
#pragma once

#include "link/sshtarget.h"

#include <QByteArray>
#include <QObject>
#include <QString>

#include <atomic>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>

namespace hafront::link {

class SshChannel : public QObject {
    Q_OBJECT
public:
    struct Options {
        SshTarget target;
        QString remoteSocket;          // the agent's socket on the far host
        QString sshDir;                // empty: ~/.ssh (honours $HOME)
        bool acceptNewHostKey = false; // add an unknown key to known_hosts
        int connectTimeoutMs = 5000;
        int keepaliveMs = 15000;
        // Asked on the SSH thread for an identity file's passphrase; return
        // false to skip that file, and soon once `cancelled` turns true (the
        // link is closing). Empty: ask on the terminal if there is one.
        std::function<bool(const QString &prompt, QString *answer, const std::atomic<bool> &cancelled)> askPassphrase;
    };

    explicit SshChannel(Options options, QObject *parent = nullptr);
    ~SshChannel() override; // closes and waits for the SSH thread

    void open();
    void write(const QByteArray &bytes); // queued; safe before opened()
    QString via() const { return m_via; }

    // "user@host:port" as shown to the operator.
    QString label() const;

signals:
    void opened(const QString &via); // "streamlocal" or "exec"
    void bytesReceived(const QByteArray &bytes);
    void lost(const QString &why); // once; the channel is finished
    void hostKeyUnknown(const QString &host, const QString &sha256Fingerprint);
    void hostKeyChanged(const QString &host, const QString &sha256Fingerprint);

private:
    void run();
    void post(std::function<void()> fn);
    void wake();

    Options m_options;
    QString m_via;
    std::thread m_thread;
    std::atomic<bool> m_stop{false};
    int m_wakeFd = -1;
    std::mutex m_mutex;
    std::deque<QByteArray> m_outbox;
};

} // namespace hafront::link
