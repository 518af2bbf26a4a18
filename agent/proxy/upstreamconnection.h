// UpstreamConnection: one connection to a backend. Sends a request's bytes,
// parses the response with llhttp (a chunked body's trailer section too) and
// hands it to its Exchange; kept in the worker's idle pool between requests
// (keep-alive). To a pool with tls { } the TLS handshake follows the TCP
// connect; both count as connecting (one deadline, a failure is retried on
// another backend) and the request waits in the buffer until both are done.
#pragma once

#include "http/headers.h"
#include "proxy/backendruntime.h"
#include "proxy/iohandle.h"
#include "proxy/tlstransport.h"
#include "proxy/transport.h"

#include <llhttp.h>

namespace hafront::proxy {

class Exchange;
class SessionHost;

class UpstreamConnection : public IoHandle {
public:
    // `transport` replaces the socket (tests, fuzzing); not owned.
    UpstreamConnection(SessionHost &host, BackendRuntime &backend, int fd, bool connecting,
                       Transport *transport = nullptr);
    ~UpstreamConnection() override;

    // Before attach: the connection speaks TLS through `tls` (client side).
    void startTls(std::unique_ptr<TlsTransport> tls);
    bool tls() const { return m_tls != nullptr; }
    void attach(Exchange *exchange, bool headRequest, int64_t connectDeadline, int64_t readTimeoutMicros);
    void send(std::string_view bytes);
    void requestComplete(); // the whole request is queued
    void detach();          // session gone: drop
    void onEvent(uint32_t events) override;
    void onTimer(int64_t now) override;
    void close();
    void setTunnel() { m_tunnel = true; }
    void shutdownWrite() { m_transport->shutdownWrite(); }

    BackendRuntime &backend() { return m_backend; }
    bool reused() const { return m_reused; }
    bool connecting() const { return m_connecting; }
    bool backedUp() const { return m_out.pending() > (1u << 20); }
    size_t pendingOut() const { return m_out.pending(); } // request bytes not yet sent
    void pauseReading(bool paused);

    int onStatus(const char *at, size_t len);
    int countFieldBytes(size_t len);
    int onHeaderField(const char *at, size_t len);
    int onHeaderValue(const char *at, size_t len);
    int onHeadersComplete();
    int onBody(const char *at, size_t len);
    int onMessageComplete();

private:
    void readable();
    void writable();
    void handshake();
    void tlsFailed();
    void fail(const std::string &why, stats::BackendError kind); // counted once, by the exchange
    void updateInterest();
    void setReadPaused(bool paused);
    http::ParsedHead &fieldsBeingRead(); // the head, or the trailers after the last chunk
    std::string badResponse(llhttp_errno_t err) const;

    SessionHost &m_host;
    BackendRuntime &m_backend;
    SocketTransport m_socket;
    std::unique_ptr<TlsTransport> m_tls;
    Transport *m_transport;
    Exchange *m_session = nullptr;
    llhttp_t m_parser;
    http::ParsedHead m_head;
    http::ParsedHead m_trailers; // its headers only: the trailer section of a chunked body
    OutBuffer m_out;
    bool m_connecting;          // TCP connect, then the TLS handshake
    bool m_handshaking = false; // TCP is up, TLS is not yet
    bool m_handshakeWantsWrite = false;
    bool m_reused = false;
    bool m_headRequest = false;
    bool m_responseStarted = false;
    bool m_finalResponse = false;
    bool m_complete = false;
    bool m_reusable = false;
    bool m_tunnel = false;
    bool m_readPaused = false;
    int64_t m_readTimeout = 0;
    uint32_t m_interest = 0;
};

} // namespace hafront::proxy
