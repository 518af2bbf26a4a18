#include "metrics/metricsserver.h"

#include "base/clock.h"
#include "base/log.h"
#include "config/address.h"
#include "metrics/nodemetrics.h"
#include "metrics/scraperequest.h"

#include <QHostAddress>
#include <QTcpSocket>

#include <sys/socket.h>
#include <vector>

namespace hafront::metrics {

struct MetricsServer::Connection {
    QTcpSocket *socket = nullptr;
    std::string received;
    int64_t acceptedMono = 0;
    int64_t answeredMono = 0;
    bool answered = false;
    bool halfClosed = false;
};

MetricsServer::MetricsServer(std::function<v1::NodeStatus()> status, double startTimeSeconds, QObject *parent)
    : QObject(parent), m_status(std::move(status)), m_startTimeSeconds(startTimeSeconds)
{
    connect(&m_server, &QTcpServer::newConnection, this, &MetricsServer::accept);
    m_sweep.setInterval(1000);
    connect(&m_sweep, &QTimer::timeout, this, &MetricsServer::expire);
}

MetricsServer::~MetricsServer()
{
    for (auto &[socket, connection] : m_connections) {
        socket->disconnect(this);
        socket->abort();
        delete socket;
    }
}

Status MetricsServer::listen(const std::string &endpoint)
{
    const auto parsed = config::parseEndpoint(endpoint);
    if (!parsed)
        return fail("metrics_listen: cannot parse address '" + endpoint + "' (expected A.B.C.D:PORT or [IPV6]:PORT)");
    m_endpoint = endpoint;
    const QHostAddress host = parsed->v6 ? QHostAddress(parsed->ip6.data()) : QHostAddress(parsed->ip);
    if (!m_server.listen(host, parsed->port))
        return fail("metrics_listen: cannot listen on " + endpoint + ": " + m_server.errorString().toStdString());
    m_sweep.start();
    log::info("metrics", "listening address=" + endpoint);
    return {};
}

void MetricsServer::accept()
{
    while (m_connections.size() < size_t(kMaxConnections)) {
        QTcpSocket *socket = m_server.nextPendingConnection();
        if (!socket)
            return;
        auto connection = std::make_unique<Connection>();
        connection->socket = socket;
        socket->setReadBufferSize(64 << 10); // bounded even while a client floods us
        connection->acceptedMono = monoMicros();
        Connection *raw = connection.get();
        m_connections.emplace(socket, std::move(connection));
        connect(socket, &QTcpSocket::readyRead, this, [this, raw] { readFrom(*raw); });
        connect(socket, &QTcpSocket::bytesWritten, this, [this, raw] { halfCloseWhenWritten(*raw); });
        connect(socket, &QTcpSocket::disconnected, this, [this, socket] { closed(socket); });
        readFrom(*raw); // bytes may have arrived with the connection
    }
    // At the limit: leave the rest in the kernel's backlog until one closes.
    m_server.pauseAccepting();
}

void MetricsServer::readFrom(Connection &connection)
{
    if (connection.answered) {
        connection.socket->readAll(); // a body or a pipelined request: not served
        return;
    }
    // Never hold more than one head's worth: the parser refuses anything longer.
    const qint64 room = qint64(ScrapeRequest::kMaxHeadBytes + 5) - qint64(connection.received.size());
    const QByteArray bytes = connection.socket->read(std::max<qint64>(room, 0));
    connection.received.append(bytes.constData(), size_t(bytes.size()));
    const ScrapeRequest request = ScrapeRequest::parseHead(connection.received);
    if (request.parse == ScrapeRequest::Parse::NeedMore)
        return;
    if (request.parse == ScrapeRequest::Parse::Bad)
        log::warning("metrics", "bad request peer=" + connection.socket->peerAddress().toString().toStdString() +
                                    " status=" + std::to_string(request.status) +
                                    " reason=" + log::quote(request.reason));
    answer(connection, request.respond([this] { return NodeMetrics::render(m_status(), m_startTimeSeconds); }));
}

void MetricsServer::answer(Connection &connection, const std::string &bytes)
{
    connection.answered = true;
    connection.answeredMono = monoMicros();
    connection.socket->write(bytes.data(), qint64(bytes.size()));
    connection.socket->flush();
    halfCloseWhenWritten(connection);
}

// Lingering close, as nginx does: closing with unread request bytes in the
// kernel would send a RST that can destroy the response before the client
// reads it. So: FIN after the response, discard what still arrives, and close
// when the client does (or the sweep gives up after kLingerMs).
void MetricsServer::halfCloseWhenWritten(Connection &connection)
{
    if (!connection.answered || connection.halfClosed || connection.socket->bytesToWrite() > 0)
        return;
    connection.halfClosed = true;
    ::shutdown(int(connection.socket->socketDescriptor()), SHUT_WR);
}

void MetricsServer::expire()
{
    // Acting on a socket may close it and erase it from the map: collect first.
    const int64_t now = monoMicros();
    std::vector<Connection *> slow;
    std::vector<QTcpSocket *> late;
    for (auto &[socket, connection] : m_connections) {
        const int64_t ageMs = (now - connection->acceptedMono) / 1000;
        if (!connection->answered && ageMs > kRequestTimeoutMs)
            slow.push_back(connection.get());
        else if (ageMs > kConnectionTimeoutMs ||
                 (connection->halfClosed && (now - connection->answeredMono) / 1000 > kLingerMs))
            late.push_back(socket);
    }
    ScrapeRequest timedOut;
    timedOut.parse = ScrapeRequest::Parse::Bad;
    timedOut.status = 408;
    timedOut.reason = "no complete request head within " + std::to_string(kRequestTimeoutMs) + " ms";
    const std::string response = timedOut.respond({});
    for (Connection *connection : slow)
        answer(*connection, response);
    for (QTcpSocket *socket : late) {
        socket->abort();
        closed(socket); // no-op when abort() already reported the disconnection
    }
}

void MetricsServer::closed(QTcpSocket *socket)
{
    if (m_connections.erase(socket) == 0)
        return;
    socket->deleteLater();
    if (!m_server.isListening())
        return;
    m_server.resumeAccepting();
    accept();
}

} // namespace hafront::metrics
