#include "proxy/tlstransport.h"

#include "config/defaults.h"
#include "proxy/backendruntime.h"
#include "proxy/http1session.h"
#include "proxy/http2session.h"
#include "proxy/sessionhost.h"

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

namespace hafront::proxy {

namespace {

// What a failed handshake's error queue and verify result say, as one line.
std::string describeHandshakeFailure(SSL *ssl, int sslError)
{
    const int saved = errno;
    const unsigned long e = ERR_peek_last_error();
    const long verify = SSL_get_verify_result(ssl);
    std::string text = "tls: ";
    if (ERR_GET_REASON(e) == SSL_R_CERTIFICATE_VERIFY_FAILED && verify != X509_V_OK)
        text += std::string("certificate verify failed: ") + X509_verify_cert_error_string(verify);
    else if (const char *reason = e ? ERR_reason_error_string(e) : nullptr)
        text += reason;
    else if (sslError == SSL_ERROR_SYSCALL || sslError == SSL_ERROR_ZERO_RETURN)
        text += std::string("connection closed during the handshake") + (saved ? ": " : "") +
                (saved ? std::strerror(saved) : "");
    else
        text += "handshake failed";
    errno = saved;
    return text;
}

} // namespace

TlsTransport::TlsTransport(SSL *ssl, std::shared_ptr<const void> context)
    : m_ssl(ssl), m_context(std::move(context)), m_fd(SSL_get_fd(ssl))
{
}

TlsTransport::~TlsTransport()
{
    SSL_free(m_ssl);
} // the socket stays the worker's to close

TlsTransport::Handshake TlsTransport::handshake()
{
    ERR_clear_error();
    const int rc = SSL_do_handshake(m_ssl);
    if (rc == 1)
        return Handshake::Done;
    const int e = SSL_get_error(m_ssl, rc);
    if (e == SSL_ERROR_WANT_READ)
        return Handshake::WantRead;
    if (e == SSL_ERROR_WANT_WRITE)
        return Handshake::WantWrite;
    m_failureText = describeHandshakeFailure(m_ssl, e); // before the queue is cleared
    m_failure = classifyHandshakeFailure(e);
    m_shutdown = true; // no close_notify after a failed handshake
    return Handshake::Failed;
}

bool TlsTransport::resumed() const
{
    return SSL_session_reused(m_ssl) == 1;
}

std::string TlsTransport::alpn() const
{
    const unsigned char *p = nullptr;
    unsigned len = 0;
    SSL_get0_alpn_selected(m_ssl, &p, &len);
    return p ? std::string(reinterpret_cast<const char *>(p), len) : std::string();
}

std::string TlsTransport::serverName() const
{
    const char *name = SSL_get_servername(m_ssl, TLSEXT_NAMETYPE_host_name);
    return name ? name : "";
}

IoResult TlsTransport::fail(int sslError)
{
    const int saved = errno;
    ERR_clear_error();
    m_shutdown = true; // after a fatal error OpenSSL must not write again
    if (sslError == SSL_ERROR_ZERO_RETURN)
        return {Io::Closed, 0, 0};
    if (sslError == SSL_ERROR_SYSCALL)
        return {Io::Closed, 0, saved};
    return {Io::Failed, 0, EPROTO};
}

IoResult TlsTransport::read(char *buffer, size_t size)
{
    m_readWantsWrite = false;
    m_readWouldBlock = false;
    ERR_clear_error();
    size_t n = 0;
    if (SSL_read_ex(m_ssl, buffer, size, &n) == 1)
        return {Io::Done, n, 0};
    const int e = SSL_get_error(m_ssl, 0);
    if (e == SSL_ERROR_WANT_READ) {
        m_readWouldBlock = true;
        return {Io::Again, 0, 0};
    }
    if (e == SSL_ERROR_WANT_WRITE) {
        m_readWantsWrite = true;
        return {Io::Again, 0, 0};
    }
    return fail(e);
}

// With read ahead (tlscontext.cpp) one read(2) takes whatever the socket
// holds: the rest of a record's header and body, and often the next records.
// SSL_has_pending also counts the start of a record still arriving; after a
// read that wanted more, those bytes wait for the socket, which epoll reports.
bool TlsTransport::pending() const
{
    return !m_readWouldBlock && !m_shutdown && SSL_has_pending(m_ssl) == 1;
}

IoResult TlsTransport::write(const char *data, size_t size)
{
    ERR_clear_error();
    size_t n = 0;
    if (SSL_write_ex(m_ssl, data, size, &n) == 1)
        return {Io::Done, n, 0};
    const int e = SSL_get_error(m_ssl, 0);
    if (e == SSL_ERROR_WANT_WRITE || e == SSL_ERROR_WANT_READ)
        return {Io::Again, 0, 0};
    IoResult r = fail(e);
    r.status = Io::Failed; // a write to a closed peer is an error, not an end
    return r;
}

IoResult TlsTransport::sendFile(int fileFd, off_t &offset, size_t count)
{
    if (m_fileChunk.empty()) {
        m_fileChunk.resize(std::min<size_t>(count, 16384));
        const ssize_t n = ::pread(fileFd, m_fileChunk.data(), m_fileChunk.size(), offset);
        if (n <= 0) {
            m_fileChunk.clear();
            return {Io::Failed, 0, n < 0 ? errno : 0}; // 0: the file shrank under us
        }
        m_fileChunk.resize(size_t(n));
    }
    // A retry after Again passes the same bytes, as SSL_write requires.
    const IoResult r = write(m_fileChunk.data(), m_fileChunk.size());
    if (r.status == Io::Done) {
        offset += off_t(r.bytes);
        m_fileChunk.erase(0, r.bytes);
    }
    return r;
}

void TlsTransport::closing()
{
    if (m_shutdown)
        return;
    m_shutdown = true;
    ERR_clear_error();
    SSL_shutdown(m_ssl); // non-blocking: the alert goes if the socket takes it
    ERR_clear_error();
}

void TlsTransport::shutdownWrite()
{
    closing();
    ::shutdown(m_fd, SHUT_WR);
}

void TlsTransport::setNoDelay()
{
    int one = 1;
    ::setsockopt(m_fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

TlsHandshake::TlsHandshake(SessionHost &host, int fd_, size_t listenerIndex, std::string clientIp,
                           std::unique_ptr<TlsTransport> transport, int64_t timeoutMicros)
    : m_host(host), m_listenerIndex(listenerIndex), m_listenerRt(host.view()->listeners[listenerIndex].rt),
      m_clientIp(std::move(clientIp)), m_transport(std::move(transport))
{
    fd = fd_;
    clientConnection = true;
    deadlineMicros = host.now() + timeoutMicros;
}

void TlsHandshake::onEvent(uint32_t)
{
    // EPOLLRDHUP only beside EPOLLIN: epoll is level-triggered, a peer's end
    // seen while waiting to write would be reported on every turn.
    uint32_t want = 0;
    switch (m_transport->handshake()) {
    case TlsTransport::Handshake::Done: {
        m_listenerRt->tlsHandshakes.fetch_add(1, std::memory_order_relaxed);
        if (m_transport->resumed())
            m_listenerRt->tlsResumed.fetch_add(1, std::memory_order_relaxed);
        // A reload may have renumbered the listeners since the accept: find ours.
        const auto &ls = m_host.view()->listeners;
        if (m_listenerIndex >= ls.size() || ls[m_listenerIndex].rt != m_listenerRt)
            m_listenerIndex =
                size_t(std::find_if(ls.begin(), ls.end(), [&](const ListenerView &l) { return l.rt == m_listenerRt; }) -
                       ls.begin());
        if (m_listenerIndex >= ls.size())
            return m_host.destroy(this);
        if (m_transport->alpn() == "h2") {
            auto *session =
                new Http2Session(m_host, fd, m_listenerIndex, std::move(m_clientIp), std::move(m_transport));
            session->setScheme("https");
            m_host.replace(this, session, Http2Session::kInitialInterest);
            session->start(); // the server's SETTINGS, then the client's preface
            if (!session->dead)
                session->onEvent(EPOLLIN);
            return;
        }
        auto *session = new Http1Session(m_host, fd, m_listenerIndex, std::move(m_clientIp), std::move(m_transport));
        m_host.replace(this, session, Http1Session::kInitialInterest);
        session->onEvent(EPOLLIN); // the first request often came with the Finished message
        return;
    }
    case TlsTransport::Handshake::WantRead:
        want = EPOLLIN | EPOLLRDHUP;
        break;
    case TlsTransport::Handshake::WantWrite:
        want = EPOLLOUT;
        break;
    case TlsTransport::Handshake::Failed:
        return failed(m_transport->failure());
    }
    if (want != m_interest) {
        m_interest = want;
        m_host.modify(this, want);
    }
}

void TlsHandshake::onTimer(int64_t now)
{
    if (deadlineMicros && now >= deadlineMicros)
        failed(TlsFailure::Timeout);
}

void TlsHandshake::failed(TlsFailure why)
{
    m_listenerRt->tlsFailures[size_t(why)].fetch_add(1, std::memory_order_relaxed);
    m_host.destroy(this);
}

} // namespace hafront::proxy
