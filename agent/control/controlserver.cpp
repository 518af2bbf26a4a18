#include "control/controlserver.h"

#include <QThread>

#include "base/clock.h"
#include "base/log.h"

#include <QLocalSocket>

#include <filesystem>
#include <pwd.h>
#include <sys/socket.h>
#include <sys/stat.h>

namespace hafront::control {

struct ControlServer::Client {
    QLocalSocket *socket = nullptr;
    wire::FrameDecoder decoder;
    Peer peer;
    bool greeted = false;
    bool subscribed = false;
    bool wantsEvents = false;
    uint32_t periodMs = 0;
    int64_t lastStatusMono = 0;
    bool dropping = false;
};

namespace {
Peer peerOf(QLocalSocket *socket)
{
    Peer peer;
    ucred cred{};
    socklen_t len = sizeof cred;
    if (::getsockopt(static_cast<int>(socket->socketDescriptor()), SOL_SOCKET, SO_PEERCRED, &cred, &len) == 0) {
        peer.uid = cred.uid;
        peer.pid = cred.pid;
        passwd pw{};
        passwd *found = nullptr;
        char buf[1024];
        if (getpwuid_r(cred.uid, &pw, buf, sizeof buf, &found) == 0 && found)
            peer.user = found->pw_name;
        else
            peer.user = "uid:" + std::to_string(cred.uid);
    }
    return peer;
}
} // namespace

ControlServer::ControlServer(CommandHandler &commands, events::EventLog &events, std::function<v1::NodeStatus()> status,
                             uint32_t defaultPeriodMs, QObject *parent)
    : QObject(parent), m_commands(commands), m_events(events), m_status(std::move(status)),
      m_defaultPeriodMs(defaultPeriodMs)
{
    connect(&m_server, &QLocalServer::newConnection, this, &ControlServer::accept);
    // Ticks at 10 ms granularity; each subscriber gets status on its own period.
    m_timer.setInterval(10);
    m_timer.setTimerType(Qt::PreciseTimer);
    connect(&m_timer, &QTimer::timeout, this, &ControlServer::publishStatus);
    // Events arrive on any thread, in seq order. Recorded on our own thread
    // (a command, a VIP transition) with nothing queued before them, they go
    // out at once — before the command's audit line is fsynced; otherwise they
    // hop onto our thread behind the ones already queued, keeping the order.
    m_listenerId = m_events.addListener([this](const v1::Event &e) {
        if (QThread::currentThread() == thread() && m_eventsQueued.load() == 0) {
            publishEvent(e, true);
            return;
        }
        ++m_eventsQueued;
        QMetaObject::invokeMethod(
            this,
            [this, e] {
                publishEvent(e, false);
                --m_eventsQueued;
            },
            Qt::QueuedConnection);
    });
}

ControlServer::~ControlServer()
{
    m_events.removeListener(m_listenerId);
}

Status ControlServer::listen(const std::string &path, const std::string &node, const std::string &cluster)
{
    m_node = node;
    m_cluster = cluster;
    std::error_code ec;
    std::filesystem::create_directories(std::filesystem::path(path).parent_path(), ec);
    QLocalServer::removeServer(QString::fromStdString(path));
    m_server.setSocketOptions(QLocalServer::UserAccessOption | QLocalServer::GroupAccessOption);
    if (!m_server.listen(QString::fromStdString(path)))
        return fail("cannot listen on " + path + ": " + m_server.errorString().toStdString());
    ::chmod(path.c_str(), 0660);
    log::info("control", "listening socket=" + path);
    return {};
}

void ControlServer::accept()
{
    while (QLocalSocket *socket = m_server.nextPendingConnection()) {
        auto client = std::make_unique<Client>();
        client->socket = socket;
        client->peer = peerOf(socket);
        Client *raw = client.get();
        m_clients.emplace(socket, std::move(client));
        connect(socket, &QLocalSocket::readyRead, this, [this, raw] { readFrom(*raw); });
        connect(socket, &QLocalSocket::disconnected, this, [this, socket] {
            m_clients.erase(socket);
            socket->deleteLater();
        });
    }
}

void ControlServer::readFrom(Client &client)
{
    const QByteArray bytes = client.socket->readAll();
    client.decoder.append(bytes.constData(), static_cast<size_t>(bytes.size()));
    std::string payload, error;
    for (;;) {
        const auto next = client.decoder.next(payload, error);
        if (next == wire::FrameDecoder::Next::NeedMore)
            return;
        if (next == wire::FrameDecoder::Next::Error)
            return drop(client, error);
        v1::ClientMessage message;
        if (auto parsed = wire::parsePayload(payload, message); !parsed)
            return drop(client, parsed.error());
        handle(client, message);
        if (client.dropping)
            return;
    }
}

void ControlServer::handle(Client &client, const v1::ClientMessage &message)
{
    v1::AgentMessage reply;
    if (message.has_hello()) {
        const uint32_t theirs = message.hello().protocol_version();
        if (theirs != wire::kProtocolVersion)
            return drop(client, "protocol version mismatch: client speaks " + std::to_string(theirs) + ", agent " +
                                    std::to_string(wire::kProtocolVersion));
        client.greeted = true;
        auto *hello = reply.mutable_hello();
        hello->set_protocol_version(wire::kProtocolVersion);
        hello->set_node(m_node);
        hello->set_cluster(m_cluster);
        hello->set_agent_version(HAFRONT_VERSION);
        hello->set_peer_user(client.peer.user);
        return send(client, reply);
    }
    if (!client.greeted)
        return drop(client, "the first message must be Hello");
    if (message.has_subscribe()) {
        client.subscribed = true;
        m_timer.start(); // ticks only while someone is subscribed
        client.wantsEvents = message.subscribe().events();
        client.periodMs =
            message.subscribe().period_ms() ? std::max(20u, message.subscribe().period_ms()) : m_defaultPeriodMs;
        *reply.mutable_status() = m_status();
        client.lastStatusMono = monoMicros();
        send(client, reply);
        if (client.wantsEvents)
            for (const auto &e : m_events.since(message.subscribe().events_since_seq())) {
                v1::AgentMessage m;
                *m.mutable_event() = e;
                send(client, m);
            }
        return;
    }
    if (message.has_command()) {
        *reply.mutable_result() = m_commands.execute(message.command(), client.peer);
        return send(client, reply);
    }
    drop(client, "empty message");
}

void ControlServer::send(Client &client, const v1::AgentMessage &message)
{
    const std::string frame = wire::encodeFrame(message);
    client.socket->write(frame.data(), static_cast<qint64>(frame.size()));
}

void ControlServer::drop(Client &client, const std::string &reason)
{
    if (client.dropping)
        return;
    client.dropping = true;
    log::warning("control", "dropping client user=" + log::quote(client.peer.user) +
                                " pid=" + std::to_string(client.peer.pid) + " reason=" + log::quote(reason));
    v1::AgentMessage bye;
    bye.mutable_error()->set_message(reason);
    send(client, bye);
    client.socket->flush();
    client.socket->disconnectFromServer();
}

void ControlServer::publishStatus()
{
    const int64_t now = monoMicros();
    std::unique_ptr<v1::AgentMessage> message; // built once, only when someone is due
    bool anyone = false;
    for (auto &[socket, client] : m_clients) {
        if (!client->subscribed || client->dropping)
            continue;
        anyone = true;
        if (now - client->lastStatusMono < int64_t(client->periodMs) * 1000 - 5000)
            continue;
        client->lastStatusMono = now;
        // Coalesce: a subscriber still holding unread status gets the next one instead.
        if (socket->bytesToWrite() > kStatusSkipBytes)
            continue;
        if (!message) {
            message = std::make_unique<v1::AgentMessage>();
            *message->mutable_status() = m_status();
        }
        send(*client, *message);
    }
    if (!anyone) // an idle agent does not wake every 10 ms for nobody
        m_timer.stop();
}

void ControlServer::publishEvent(const v1::Event &event, bool flushNow)
{
    v1::AgentMessage message;
    *message.mutable_event() = event;
    const std::string frame = wire::encodeFrame(message);
    std::vector<Client *> slow;
    for (auto &[socket, client] : m_clients) {
        if (!client->subscribed || !client->wantsEvents || client->dropping)
            continue;
        if (socket->bytesToWrite() > kMaxQueuedBytes) {
            slow.push_back(client.get());
            continue;
        }
        socket->write(frame.data(), static_cast<qint64>(frame.size()));
        if (flushNow)
            socket->flush();
    }
    const std::string why = "subscriber too slow: over " + std::to_string(kMaxQueuedBytes) + " bytes unread";
    for (Client *c : slow) {
        if (!flushNow) {
            drop(*c, why);
            continue;
        }
        // Called from inside a command or a transition: drop from the event
        // loop, where no caller still holds the client.
        QMetaObject::invokeMethod(
            this,
            [this, socket = c->socket, why] {
                if (auto it = m_clients.find(socket); it != m_clients.end())
                    drop(*it->second, why);
            },
            Qt::QueuedConnection);
    }
}

} // namespace hafront::control
