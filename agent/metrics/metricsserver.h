// MetricsServer: the agent's Prometheus endpoint (GET /metrics on the node's
// metrics_listen) on the main event loop; one request per connection, bounded
// connections, head size and time, so a bad client cannot hold it.
#pragma once

#include "base/result.h"
#include "hafront/v1/control.pb.h"

#include <QObject>
#include <QTcpServer>
#include <QTimer>

#include <functional>
#include <map>
#include <memory>
#include <string>

class QTcpSocket;

namespace hafront::metrics {

class MetricsServer : public QObject {
    Q_OBJECT
public:
    // `status` builds the node's status (the same one the control socket streams).
    MetricsServer(std::function<v1::NodeStatus()> status, double startTimeSeconds, QObject *parent = nullptr);
    ~MetricsServer() override;

    // Listens on "A.B.C.D:PORT"; the error names the address and the reason.
    Status listen(const std::string &endpoint);
    uint16_t port() const { return m_server.serverPort(); }

    static constexpr int kMaxConnections = 16;          // more wait in the kernel's backlog
    static constexpr int kRequestTimeoutMs = 10'000;    // to receive the request head
    static constexpr int kConnectionTimeoutMs = 30'000; // to also take the whole response
    static constexpr int kLingerMs = 2'000;             // after the response, for the client to close

private:
    struct Connection;
    void accept();
    void readFrom(Connection &connection);
    void answer(Connection &connection, const std::string &bytes);
    void halfCloseWhenWritten(Connection &connection);
    void expire();
    void closed(QTcpSocket *socket);

    std::function<v1::NodeStatus()> m_status;
    double m_startTimeSeconds;
    std::string m_endpoint;
    QTcpServer m_server;
    QTimer m_sweep;
    std::map<QTcpSocket *, std::unique_ptr<Connection>> m_connections;
};

} // namespace hafront::metrics
