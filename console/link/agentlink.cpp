#include "link/agentlink.h"

#include "config/defaults.h"

#include <QFileInfo>
#include <QLocalSocket>

#include <algorithm>

namespace hafront::link {

AgentLink::AgentLink(Options options, QObject *parent) : QObject(parent), m_options(std::move(options))
{
    qRegisterMetaType<hafront::v1::NodeStatus>();
    qRegisterMetaType<hafront::v1::Event>();
    m_retry.setSingleShot(true);
    connect(&m_retry, &QTimer::timeout, this, &AgentLink::connectNow);
    connect(&m_quiet, &QTimer::timeout, this, &AgentLink::checkQuiet);
}

AgentLink::~AgentLink()
{
    failPending(tr("link to %1 closed").arg(m_options.node));
}

void AgentLink::start()
{
    m_backoffMs = 500;
    connectNow();
}

void AgentLink::stop()
{
    m_retry.stop();
    m_options.reconnect = false;
    dropTransport();
    failPending(tr("link to %1 stopped").arg(m_options.node));
    setState(State::Idle, {});
}

int AgentLink::secondsUntilRetry() const
{
    if (!m_retry.isActive())
        return 0;
    return (m_retry.remainingTime() + 999) / 1000;
}

QString AgentLink::transport() const
{
    if (!m_options.ssh)
        return tr("unix socket");
    if (m_ssh && !m_ssh->via().isEmpty())
        return tr("SSH (%1)").arg(m_ssh->via());
    return tr("SSH");
}

void AgentLink::acceptHostKey()
{
    m_options.acceptNewHostKey = true;
    m_hostKeyHold = false;
    m_retry.stop();
    m_backoffMs = 500;
    connectNow();
}

void AgentLink::setState(State state, const QString &reason)
{
    if (state == m_state && reason == m_reason)
        return;
    m_state = state;
    m_reason = reason;
    emit stateChanged(state, reason);
}

void AgentLink::dropTransport()
{
    m_quiet.stop();
    if (m_local) {
        m_local->disconnect(this);
        m_local->abort();
        m_local->deleteLater();
        m_local = nullptr;
    }
    if (m_ssh) {
        m_ssh->disconnect(this);
        m_ssh->deleteLater(); // its destructor closes the session
        m_ssh = nullptr;
    }
}

void AgentLink::connectNow()
{
    dropTransport();
    m_greeted = false;
    m_lastEventSeq = 0; // a restarted agent counts from 1 again
    m_decoder = wire::FrameDecoder();
    setState(m_state == State::Idle ? State::Connecting : m_state, m_reason);
    if (m_options.ssh) {
        SshChannel::Options o;
        o.target = *m_options.ssh;
        o.remoteSocket = m_options.remoteSocketPath.isEmpty() ? QString::fromStdString(config::kDefaultControlSocket)
                                                              : m_options.remoteSocketPath;
        o.sshDir = m_options.sshDir;
        o.acceptNewHostKey = m_options.acceptNewHostKey;
        o.askPassphrase = m_options.askPassphrase;
        m_ssh = new SshChannel(o, this);
        connect(m_ssh, &SshChannel::opened, this, &AgentLink::onConnected);
        connect(m_ssh, &SshChannel::bytesReceived, this, &AgentLink::onBytes);
        connect(m_ssh, &SshChannel::lost, this, &AgentLink::onLost);
        // A host key the operator has not accepted stops the retries: asking
        // again every few seconds would only repeat the question.
        connect(m_ssh, &SshChannel::hostKeyUnknown, this, [this](const QString &host, const QString &fp) {
            m_hostKeyHold = true;
            emit hostKeyUnknown(host, fp);
        });
        connect(m_ssh, &SshChannel::hostKeyChanged, this, [this](const QString &host, const QString &fp) {
            m_hostKeyHold = true;
            emit hostKeyChanged(host, fp);
        });
        m_ssh->open();
        return;
    }
    m_local = new QLocalSocket(this);
    connect(m_local, &QLocalSocket::connected, this, &AgentLink::onConnected);
    connect(m_local, &QLocalSocket::readyRead, this, [this] { onBytes(m_local->readAll()); });
    connect(m_local, &QLocalSocket::errorOccurred, this,
            [this](QLocalSocket::LocalSocketError) { onLost(m_local ? m_local->errorString() : tr("socket error")); });
    connect(m_local, &QLocalSocket::disconnected, this, [this] { onLost(tr("the agent closed the connection")); });
    if (!QFileInfo::exists(m_options.socketPath)) {
        // Reported like any other loss so that reconnect and backoff apply.
        QTimer::singleShot(0, this, [this] {
            onLost(tr("no agent socket at %1 (is hafront-agent running?)").arg(m_options.socketPath));
        });
        return;
    }
    m_local->connectToServer(m_options.socketPath);
}

void AgentLink::sendFrame(const std::string &frame)
{
    if (m_local)
        m_local->write(frame.data(), static_cast<qint64>(frame.size()));
    else if (m_ssh)
        m_ssh->write(QByteArray(frame.data(), static_cast<qsizetype>(frame.size())));
}

void AgentLink::onConnected()
{
    v1::ClientMessage hello;
    hello.mutable_hello()->set_protocol_version(wire::kProtocolVersion);
    hello.mutable_hello()->set_client("hafront-client " HAFRONT_VERSION);
    sendFrame(wire::encodeFrame(hello));
    m_lastHeard.start();
    m_quiet.start(1000);
}

// A subscribed agent speaks at least every period; silence for much longer
// than that (a host gone without a FIN, a wedged SSH hop) counts as lost.
void AgentLink::checkQuiet()
{
    const qint64 limit = std::max<qint64>(10000, 8 * static_cast<qint64>(m_options.periodMs));
    const bool expectTalk = m_options.subscribe || !m_greeted;
    if (expectTalk && m_lastHeard.isValid() && m_lastHeard.elapsed() > limit)
        onLost(tr("no word from the agent for %1 s").arg(m_lastHeard.elapsed() / 1000));
}

void AgentLink::write(const v1::ClientMessage &message)
{
    if (!m_greeted) {
        m_queuedUntilHello.push_back(message);
        return;
    }
    sendFrame(wire::encodeFrame(message));
}

void AgentLink::onBytes(const QByteArray &bytes)
{
    m_lastHeard.start();
    m_decoder.append(bytes.constData(), static_cast<size_t>(bytes.size()));
    std::string payload, error;
    for (;;) {
        const auto next = m_decoder.next(payload, error);
        if (next == wire::FrameDecoder::Next::NeedMore)
            return;
        v1::AgentMessage message;
        if (next == wire::FrameDecoder::Next::Error || !wire::parsePayload(payload, message))
            return onLost(tr("bad frame from the agent: %1").arg(QString::fromStdString(error)));
        switch (message.body_case()) {
        case v1::AgentMessage::kHello: {
            m_greeted = true;
            m_backoffMs = 500;
            m_peerUser = QString::fromStdString(message.hello().peer_user());
            if (m_options.subscribe) {
                v1::ClientMessage sub;
                sub.mutable_subscribe()->set_events(true);
                sub.mutable_subscribe()->set_period_ms(m_options.periodMs);
                write(sub);
            }
            for (const auto &queued : std::exchange(m_queuedUntilHello, {}))
                write(queued);
            setState(State::Connected, {});
            break;
        }
        case v1::AgentMessage::kStatus:
            m_status = message.status();
            emit statusReceived(*m_status);
            break;
        case v1::AgentMessage::kEvent:
            m_lastEventSeq = std::max<uint64_t>(m_lastEventSeq, message.event().seq());
            emit eventReceived(message.event());
            break;
        case v1::AgentMessage::kResult: {
            auto it = m_pending.find(message.result().id());
            if (it == m_pending.end())
                break;
            Pending pending = std::move(it->second);
            m_pending.erase(it);
            pending.timer->deleteLater();
            pending.done(message.result());
            break;
        }
        case v1::AgentMessage::kError:
            return onLost(QString::fromStdString(message.error().message()));
        case v1::AgentMessage::BODY_NOT_SET:
            break;
        }
        if (!hasTransport())
            return;
    }
}

void AgentLink::onLost(const QString &why)
{
    if (!hasTransport())
        return;
    dropTransport();
    m_greeted = false;
    m_queuedUntilHello.clear();
    failPending(tr("connection to %1 lost: %2").arg(m_options.node, why));
    if (!m_options.reconnect || m_hostKeyHold) {
        setState(State::Unreachable, why);
        return;
    }
    m_retry.start(m_backoffMs);
    m_backoffMs = std::min(m_backoffMs * 2, 10000);
    setState(m_state == State::Connected ? State::Reconnecting : State::Unreachable, why);
}

void AgentLink::failPending(const QString &why)
{
    auto pending = std::exchange(m_pending, {});
    for (auto &[id, p] : pending) {
        p.timer->deleteLater();
        v1::CommandResult r;
        r.set_id(id);
        r.set_ok(false);
        r.set_error(why.toStdString());
        p.done(r);
    }
}

void AgentLink::setStatusPeriod(uint32_t periodMs)
{
    if (m_options.periodMs == periodMs)
        return;
    m_options.periodMs = periodMs;
    if (!m_options.subscribe || !m_greeted)
        return; // the Subscribe after Hello carries it
    v1::ClientMessage sub;
    sub.mutable_subscribe()->set_events(true);
    sub.mutable_subscribe()->set_period_ms(periodMs);
    sub.mutable_subscribe()->set_events_since_seq(m_lastEventSeq);
    write(sub);
}

void AgentLink::send(v1::Command command, ResultHandler done, int timeoutMs)
{
    if (!hasTransport() || m_state == State::Unreachable) {
        v1::CommandResult r;
        r.set_ok(false);
        r.set_error(tr("not connected to %1%2")
                        .arg(m_options.node, m_reason.isEmpty() ? QString() : QStringLiteral(": ") + m_reason)
                        .toStdString());
        done(r);
        return;
    }
    const uint64_t id = m_nextId++;
    command.set_id(id);
    auto *timer = new QTimer(this);
    timer->setSingleShot(true);
    connect(timer, &QTimer::timeout, this, [this, id, timeoutMs] {
        auto it = m_pending.find(id);
        if (it == m_pending.end())
            return;
        Pending p = std::move(it->second);
        m_pending.erase(it);
        p.timer->deleteLater();
        v1::CommandResult r;
        r.set_id(id);
        r.set_ok(false);
        r.set_error(tr("no answer from %1 within %2 ms").arg(m_options.node).arg(timeoutMs).toStdString());
        p.done(r);
    });
    timer->start(timeoutMs);
    m_pending.emplace(id, Pending{std::move(done), timer});
    v1::ClientMessage message;
    *message.mutable_command() = std::move(command);
    write(message);
}

std::vector<AgentLink::Options> targetsFor(const v1::Cluster &cluster)
{
    std::vector<AgentLink::Options> out;
    for (const auto &node : cluster.node()) {
        AgentLink::Options o;
        o.node = QString::fromStdString(node.name());
        const QString socket = QString::fromStdString(config::controlSocketOf(node));
        o.socketPath = socket;
        o.remoteSocketPath = socket;
        if (!QFileInfo::exists(socket) && node.has_ssh()) {
            SshTarget t;
            t.user = node.ssh().user();
            t.host = node.ssh().host().empty() ? node.address() : node.ssh().host();
            t.port = static_cast<uint16_t>(config::sshPortOf(node.ssh()));
            o.ssh = t;
        }
        out.push_back(std::move(o));
    }
    return out;
}

} // namespace hafront::link
