// AgentLink: one node's control connection (unix socket; SSH via SshChannel),
// Hello, Subscribe, commands with results; reconnects with backoff.
// Lives on a Qt event loop thread.
#pragma once

#include "hafront/v1/cluster.pb.h"
#include "hafront/v1/control.pb.h"
#include "link/sshchannel.h"
#include "link/sshtarget.h"
#include "wire/framing.h"

#include <QElapsedTimer>
#include <QObject>
#include <QTimer>

#include <atomic>

#include <functional>
#include <map>
#include <memory>
#include <optional>

class QIODevice;
class QLocalSocket;

Q_DECLARE_METATYPE(hafront::v1::NodeStatus)
Q_DECLARE_METATYPE(hafront::v1::Event)

namespace hafront::link {

class AgentLink : public QObject {
    Q_OBJECT
public:
    enum class State { Idle, Connecting, Connected, Reconnecting, Unreachable };
    Q_ENUM(State)

    struct Options {
        QString node;
        QString socketPath;
        std::optional<SshTarget> ssh;
        QString remoteSocketPath;
        bool subscribe = true;
        uint32_t periodMs = 0;
        bool acceptNewHostKey = false;
        bool reconnect = true;
        QString sshDir; // empty: ~/.ssh
        std::function<bool(const QString &prompt, QString *answer, const std::atomic<bool> &cancelled)> askPassphrase;
    };

    explicit AgentLink(Options options, QObject *parent = nullptr);
    ~AgentLink() override;

    void start();
    void stop();
    State state() const { return m_state; }
    QString reason() const { return m_reason; }
    int secondsUntilRetry() const;
    const Options &options() const { return m_options; }
    const v1::NodeStatus *lastStatus() const { return m_status ? &*m_status : nullptr; }
    QString peerUser() const { return m_peerUser; }
    // How the agent is reached: "unix socket", "SSH (streamlocal)", "SSH (exec)".
    QString transport() const;

    using ResultHandler = std::function<void(const v1::CommandResult &)>;
    // Calls `done` exactly once: the agent's result, or ok=false with a local reason.
    void send(v1::Command command, ResultHandler done, int timeoutMs = 5000);
    // A subscribed link asks for status every `periodMs` (0: the agent's default)
    // from now on, and after reconnects; events already received are not replayed.
    void setStatusPeriod(uint32_t periodMs);

signals:
    void stateChanged(hafront::link::AgentLink::State state, const QString &reason);
    void statusReceived(const hafront::v1::NodeStatus &status);
    void eventReceived(const hafront::v1::Event &event);
    void hostKeyUnknown(const QString &host, const QString &sha256Fingerprint);
    void hostKeyChanged(const QString &host, const QString &sha256Fingerprint);

public slots:
    void acceptHostKey();

private:
    void connectNow();
    void onConnected();
    void onBytes(const QByteArray &bytes);
    void onLost(const QString &why);
    void setState(State state, const QString &reason);
    void write(const v1::ClientMessage &message);
    void sendFrame(const std::string &frame);
    void dropTransport();
    bool hasTransport() const { return m_local || m_ssh; }
    void checkQuiet();
    void failPending(const QString &why);

    Options m_options;
    State m_state = State::Idle;
    QString m_reason;
    QString m_peerUser;
    QLocalSocket *m_local = nullptr;
    SshChannel *m_ssh = nullptr;
    QTimer m_quiet; // a subscribed link that hears nothing is lost
    QElapsedTimer m_lastHeard;
    bool m_greeted = false;
    bool m_hostKeyHold = false;
    wire::FrameDecoder m_decoder;
    std::optional<v1::NodeStatus> m_status;
    uint64_t m_lastEventSeq = 0; // of this connection, for a re-subscribe without replays
    QTimer m_retry;
    QElapsedTimer m_retryClock;
    int m_backoffMs = 500;
    uint64_t m_nextId = 1;
    struct Pending {
        ResultHandler done;
        QTimer *timer;
    };
    std::map<uint64_t, Pending> m_pending;
    std::vector<v1::ClientMessage> m_queuedUntilHello;
};

// Options for every node of a cluster: the node's control_socket when it
// exists on this machine, else SSH to node.ssh (host default: node address).
std::vector<AgentLink::Options> targetsFor(const v1::Cluster &cluster);

} // namespace hafront::link
