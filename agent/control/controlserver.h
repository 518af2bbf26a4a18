// ControlServer: the agent's unix-socket endpoint. Hello, Subscribe (status
// every period + events as they happen), Command -> CommandResult. A slow
// subscriber never blocks the agent: status coalesces, events are bounded.
#pragma once

#include "control/auditlog.h"
#include "control/commandhandler.h"
#include "events/eventlog.h"
#include "wire/framing.h"

#include <QLocalServer>
#include <QObject>
#include <QTimer>

#include <atomic>
#include <functional>
#include <map>
#include <memory>

class QLocalSocket;

namespace hafront::control {

class ControlServer : public QObject {
    Q_OBJECT
public:
    ControlServer(CommandHandler &commands, events::EventLog &events, std::function<v1::NodeStatus()> status,
                  uint32_t defaultPeriodMs, QObject *parent = nullptr);
    ~ControlServer() override;

    // Listens on `path` (mode 0660, parent folder created); replaces a stale socket.
    Status listen(const std::string &path, const std::string &node, const std::string &cluster);
    size_t clientCount() const { return m_clients.size(); }

    // Bytes queued to one client above which events drop it and status skips it.
    static constexpr qint64 kMaxQueuedBytes = 8 << 20;
    static constexpr qint64 kStatusSkipBytes = 256 << 10;

private:
    struct Client;
    void accept();
    void readFrom(Client &client);
    void handle(Client &client, const v1::ClientMessage &message);
    void send(Client &client, const v1::AgentMessage &message);
    void drop(Client &client, const std::string &reason);
    void publishStatus();
    void publishEvent(const v1::Event &event, bool flushNow);

    CommandHandler &m_commands;
    events::EventLog &m_events;
    std::function<v1::NodeStatus()> m_status;
    uint32_t m_defaultPeriodMs;
    std::string m_node, m_cluster;
    QLocalServer m_server;
    QTimer m_timer;
    std::map<QLocalSocket *, std::unique_ptr<Client>> m_clients;
    int m_listenerId = 0;
    std::atomic<int> m_eventsQueued{0}; // events posted to our thread, not yet published
};

} // namespace hafront::control
