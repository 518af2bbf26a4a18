// TlsTransport: a Transport over an OpenSSL session on a non-blocking
// socket, in the worker's own event loop: the server side of a TLS listener
// (TlsServerContext::newSsl) or the client side of a connection to a backend
// (TlsClientContext::newSsl; UpstreamConnection drives that handshake).
// OpenSSL may need the socket writable to read (a handshake message to send
// first): readNeedsWritable() says so and the session asks epoll for
// EPOLLOUT. Writes may be partial and the buffer may move between retries
// (SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER), which is how OutBuffer writes. Files go through a 16 KiB staging buffer
// (no sendfile under TLS).
//
// TlsHandshake: the IoHandle of a TLS connection until its handshake is done;
// then the codec ALPN chose (Http2Session for "h2", else Http1Session) takes the socket and the transport
// (SessionHost::replace), and the handshake is counted on the listener.
#pragma once

#include "proxy/iohandle.h"
#include "proxy/tlscontext.h"
#include "proxy/transport.h"

#include <sys/epoll.h>

#include <memory>
#include <string>

namespace hafront::proxy {

class SessionHost;
struct ListenerRuntime;

class TlsTransport final : public Transport {
public:
    // Takes `ssl`; holds `context` (its SSL_CTX and callbacks) until the connection closes.
    TlsTransport(SSL *ssl, std::shared_ptr<const void> context);
    ~TlsTransport() override;

    enum class Handshake { Done, WantRead, WantWrite, Failed };
    Handshake handshake();
    TlsFailure failure() const { return m_failure; } // after Failed
    // After Failed, for logs and error responses: "tls: certificate verify
    // failed: hostname mismatch", "tls: tlsv1 alert unknown ca", ...
    const std::string &failureText() const { return m_failureText; }
    bool resumed() const;
    std::string alpn() const;       // empty: none negotiated
    std::string serverName() const; // SNI, empty when not sent

    IoResult read(char *buffer, size_t size) override;
    IoResult write(const char *data, size_t size) override;
    IoResult sendFile(int fileFd, off_t &offset, size_t count) override;
    void shutdownWrite() override;
    void setNoDelay() override;
    bool readNeedsWritable() const override { return m_readWantsWrite; }
    bool pending() const override; // read ahead, and not an incomplete record the socket will finish
    void closing() override;       // close_notify, best effort

private:
    IoResult fail(int sslError);

    SSL *m_ssl;
    std::shared_ptr<const void> m_context;
    int m_fd;
    bool m_readWantsWrite = false;
    bool m_readWouldBlock = false; // the last read found the socket empty
    bool m_shutdown = false;
    TlsFailure m_failure = TlsFailure::Other;
    std::string m_failureText;
    std::string m_fileChunk; // read from the file, not yet taken by SSL_write
};

class TlsHandshake final : public IoHandle {
public:
    static constexpr uint32_t kInitialInterest = EPOLLIN | EPOLLRDHUP;

    TlsHandshake(SessionHost &host, int fd, size_t listenerIndex, std::string clientIp,
                 std::unique_ptr<TlsTransport> transport, int64_t timeoutMicros);
    void onEvent(uint32_t events) override;
    void onTimer(int64_t now) override;

private:
    void failed(TlsFailure why);

    SessionHost &m_host;
    size_t m_listenerIndex;
    ListenerRuntime *m_listenerRt;
    std::string m_clientIp;
    std::unique_ptr<TlsTransport> m_transport;
    uint32_t m_interest = kInitialInterest;
};

} // namespace hafront::proxy
