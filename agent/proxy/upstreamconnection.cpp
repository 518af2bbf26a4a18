#include "proxy/upstreamconnection.h"

#include "base/log.h"
#include "http/chunked.h"
#include "proxy/exchange.h"
#include "proxy/sessionhost.h"

#include <cerrno>
#include <cstring>
#include <sys/epoll.h>
#include <sys/socket.h>

namespace hafront::proxy {

// A response head over this is refused (502), as nginx refuses one bigger
// than proxy_buffer_size: a backend must not make the proxy hold megabytes.
constexpr size_t kMaxResponseHeadBytes = 64u << 10;

namespace {

UpstreamConnection *up(llhttp_t *p)
{
    return static_cast<UpstreamConnection *>(p->data);
}

llhttp_settings_t responseSettings()
{
    llhttp_settings_t s;
    llhttp_settings_init(&s);
    s.on_status = [](llhttp_t *p, const char *a, size_t n) { return up(p)->onStatus(a, n); };
    s.on_header_field = [](llhttp_t *p, const char *a, size_t n) { return up(p)->onHeaderField(a, n); };
    s.on_header_value = [](llhttp_t *p, const char *a, size_t n) { return up(p)->onHeaderValue(a, n); };
    s.on_headers_complete = [](llhttp_t *p) { return up(p)->onHeadersComplete(); };
    s.on_body = [](llhttp_t *p, const char *a, size_t n) { return up(p)->onBody(a, n); };
    s.on_message_complete = [](llhttp_t *p) { return up(p)->onMessageComplete(); };
    return s;
}
const llhttp_settings_t kResponseSettings = responseSettings();

} // namespace

bool OutBuffer::flushTo(Transport &transport)
{
    while (pending()) {
        const IoResult r = transport.write(data.data() + offset, pending());
        if (r.status == Io::Done) {
            offset += r.bytes;
            continue;
        }
        if (r.status == Io::Again)
            break;
        return false;
    }
    if (offset == data.size()) {
        data.clear();
        offset = 0;
    } else if (offset > (256u << 10)) {
        data.erase(0, offset);
        offset = 0;
    }
    return true;
}

UpstreamConnection::UpstreamConnection(SessionHost &host, BackendRuntime &backend, int fd_, bool connecting,
                                       Transport *transport)
    : m_host(host), m_backend(backend), m_socket(fd_), m_transport(transport ? transport : &m_socket),
      m_connecting(connecting)
{
    fd = fd_;
    m_backend.active.fetch_add(1, std::memory_order_relaxed);
}

UpstreamConnection::~UpstreamConnection() = default;

void UpstreamConnection::startTls(std::unique_ptr<TlsTransport> tls)
{
    m_tls = std::move(tls);
    m_transport = m_tls.get();
    m_connecting = true; // even when connect() finished at once: the handshake is part of it
}

void UpstreamConnection::attach(Exchange *session, bool headRequest, int64_t connectDeadline, int64_t readTimeout)
{
    m_session = session;
    m_headRequest = headRequest;
    m_readTimeout = readTimeout;
    m_responseStarted = m_finalResponse = m_complete = m_tunnel = m_readPaused = false;
    m_head.clear();
    m_trailers.clear();
    llhttp_init(&m_parser, HTTP_RESPONSE, &kResponseSettings);
    m_parser.data = this;
    deadlineMicros = m_connecting ? connectDeadline : 0;
    updateInterest();
}

void UpstreamConnection::send(std::string_view bytes)
{
    m_out.append(bytes);
    if (!m_connecting && !m_out.flushTo(*m_transport))
        return fail("send failed", stats::BackendError::Reset);
    updateInterest();
}

void UpstreamConnection::requestComplete()
{
    if (!m_connecting && m_out.pending() == 0 && !deadlineMicros)
        deadlineMicros = m_host.now() + m_readTimeout;
    updateInterest();
}

void UpstreamConnection::detach()
{
    m_session = nullptr;
    close();
}

void UpstreamConnection::pauseReading(bool paused)
{
    if (paused != m_readPaused) {
        setReadPaused(paused);
        if (!paused)
            readable();
    }
}

// While the client holds us back the backend is not late: the read timeout
// stops, and starts afresh when reading resumes (the client's own timeouts
// end a client that never drains).
void UpstreamConnection::setReadPaused(bool paused)
{
    m_readPaused = paused;
    if (paused)
        deadlineMicros = 0;
    else if (m_session && !m_complete && m_readTimeout)
        deadlineMicros = m_host.now() + m_readTimeout;
    updateInterest();
}

void UpstreamConnection::updateInterest()
{
    if (dead)
        return;
    // RDHUP only with EPOLLIN (level-triggered: a backend that closed while we
    // paused reading for a slow client would wake the worker on every turn).
    uint32_t want = 0;
    if (m_handshaking)
        want = m_handshakeWantsWrite ? EPOLLOUT : EPOLLIN | EPOLLRDHUP;
    if (!m_handshaking && (m_connecting || m_out.pending() || m_transport->readNeedsWritable()))
        want |= EPOLLOUT;
    if (!m_connecting && !m_readPaused)
        want |= EPOLLIN | EPOLLRDHUP;
    if (want != m_interest) {
        m_interest = want;
        m_host.modify(this, want);
    }
}

void UpstreamConnection::onEvent(uint32_t events)
{
    if (m_handshaking)
        return handshake(); // OpenSSL reads or writes what it needs; an error or end fails it
    if (events & EPOLLOUT || (m_connecting && events & (EPOLLERR | EPOLLHUP)))
        writable();
    if (dead)
        return;
    if (events & (EPOLLIN | EPOLLHUP | EPOLLERR | EPOLLRDHUP) || m_transport->readNeedsWritable())
        readable();
}

void UpstreamConnection::writable()
{
    if (m_connecting) {
        int err = 0;
        socklen_t len = sizeof err;
        ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
        if (err)
            return fail(std::string("connect: ") + std::strerror(err), stats::BackendError::Connect);
        if (m_tls) {
            m_handshaking = true;
            return handshake();
        }
        m_connecting = false;
        deadlineMicros = 0;
    }
    if (!m_out.flushTo(*m_transport))
        return fail("send failed", stats::BackendError::Reset);
    if (m_session && m_out.pending() < (256u << 10))
        m_session->resumeFromUpstream();
    if (m_out.pending() == 0 && m_session && !deadlineMicros)
        deadlineMicros = m_host.now() + m_readTimeout;
    updateInterest();
}

void UpstreamConnection::handshake()
{
    switch (m_tls->handshake()) {
    case TlsTransport::Handshake::Done:
        m_backend.tlsHandshakes.fetch_add(1, std::memory_order_relaxed);
        if (m_tls->resumed())
            m_backend.tlsResumed.fetch_add(1, std::memory_order_relaxed);
        m_handshaking = m_connecting = false;
        deadlineMicros = 0;
        return writable(); // the request queued meanwhile
    case TlsTransport::Handshake::WantRead:
        m_handshakeWantsWrite = false;
        break;
    case TlsTransport::Handshake::WantWrite:
        m_handshakeWantsWrite = true;
        break;
    case TlsTransport::Handshake::Failed:
        return tlsFailed();
    }
    updateInterest();
}

// Counted as class "tls" by the exchange, which tries another backend; one
// log line a second per backend says why (a wrong CA or name fails them all).
void UpstreamConnection::tlsFailed()
{
    const std::string &why = m_tls->failureText();
    const int64_t now = m_host.now();
    int64_t last = m_backend.tlsFailureLoggedMicros.load(std::memory_order_relaxed);
    if ((last == 0 || now - last >= 1'000'000) &&
        m_backend.tlsFailureLoggedMicros.compare_exchange_strong(last, now, std::memory_order_relaxed))
        log::event(log::Level::Warning, "proxy",
                   {{"event", "upstream_tls_failed"},
                    {"pool", m_backend.pool},
                    {"backend", m_backend.name},
                    {"address", m_backend.address},
                    {"error", why}});
    fail(why, stats::BackendError::Tls);
}

void UpstreamConnection::readable()
{
    if (m_connecting || dead)
        return;
    // A client already over its budget takes no more: not even this read.
    if (m_session && !m_tunnel && !m_readPaused && m_session->clientBackedUp())
        return setReadPaused(true);
    char buf[65536];
    for (int rounds = 0; rounds < 4 && !m_readPaused; ++rounds) {
        const IoResult r = m_transport->read(buf, sizeof buf);
        const ssize_t n = r.status == Io::Done ? ssize_t(r.bytes) : 0;
        if (r.status == Io::Done) {
            m_backend.bytesIn.fetch_add(static_cast<uint64_t>(n), std::memory_order_relaxed);
            if (!m_session)
                return close(); // an idle connection must not talk: drop it
            if (m_readTimeout)
                deadlineMicros = m_host.now() + m_readTimeout;
            if (m_tunnel) {
                m_session->upstreamTunnelData(buf, static_cast<size_t>(n));
                continue;
            }
            const llhttp_errno_t err = llhttp_execute(&m_parser, buf, static_cast<size_t>(n));
            if (dead)
                return;
            if (err == HPE_PAUSED_UPGRADE) {
                // 101: the rest of the bytes already belong to the tunnel.
                const char *pos = llhttp_get_error_pos(&m_parser);
                if (pos && m_session && pos < buf + n)
                    m_session->upstreamTunnelData(pos, static_cast<size_t>(buf + n - pos));
                continue;
            }
            if (err != HPE_OK && err != HPE_PAUSED) {
                if (m_session)
                    m_session->flushFromUpstream(); // what was good goes out before the cut
                if (dead)
                    return;
                return fail(badResponse(err), stats::BackendError::Protocol);
            }
            if (m_complete) {
                // Completed outside the parser's callback: the session may reuse us at once.
                // Bytes after the response were sent before any request asked for them:
                // such a backend cannot be trusted with the next request.
                // Under TLS such bytes may also wait in OpenSSL's buffer.
                const char *pos = llhttp_get_error_pos(&m_parser);
                if ((pos && pos < buf + n) || m_transport->pending())
                    m_reusable = false;
                Exchange *session = m_session;
                m_session = nullptr;
                if (session)
                    session->upstreamComplete(*this, m_reusable);
                return;
            }
            if (!m_session)
                return;
            // The head and the body bytes of this buffer leave in one send.
            m_session->flushFromUpstream();
            if (dead || !m_session)
                return;
            continue;
        }
        if (r.status == Io::Again)
            break;
        // EOF: a close-delimited body ends here; anything else is a failure.
        if (m_tunnel) {
            if (m_session)
                m_session->upstreamGone();
            m_session = nullptr;
            return close();
        }
        if (m_responseStarted && llhttp_finish(&m_parser) == HPE_OK && m_complete) {
            Exchange *session = m_session;
            m_session = nullptr;
            if (session)
                session->upstreamComplete(*this, false);
            else
                close();
            return;
        }
        return fail(r.status == Io::Closed ? "connection closed by backend"
                                           : std::string("recv: ") + std::strerror(r.error),
                    m_connecting ? stats::BackendError::Connect : stats::BackendError::Reset);
    }
    updateInterest();
    // TLS records read ahead: no epoll event will say they are there.
    if (!m_readPaused && m_transport->pending())
        m_host.readAgain(this);
}

void UpstreamConnection::onTimer(int64_t now)
{
    if (!deadlineMicros || now < deadlineMicros)
        return;
    deadlineMicros = 0;
    if (!m_session)
        return close();
    fail(m_handshaking  ? "tls: handshake timed out"
         : m_connecting ? "connect timed out"
                        : "no response in time",
         stats::BackendError::Timeout);
}

void UpstreamConnection::fail(const std::string &why, stats::BackendError kind)
{
    if (dead)
        return;
    Exchange *session = m_session;
    m_session = nullptr;
    if (session)
        session->upstreamFailed(*this, why, kind, m_responseStarted);
    else
        close();
}

void UpstreamConnection::close()
{
    if (dead)
        return;
    m_backend.active.fetch_sub(1, std::memory_order_relaxed);
    m_transport->closing(); // TLS: close_notify, best effort
    m_host.destroy(this);
}

std::string UpstreamConnection::badResponse(llhttp_errno_t err) const
{
    if (m_head.bytes > kMaxResponseHeadBytes)
        return "bad response: head over " + std::to_string(kMaxResponseHeadBytes >> 10) + " KiB";
    if (m_trailers.bytes > http::ChunkedDecoder::kMaxTrailerBytes)
        return "bad response: trailer section over " + std::to_string(http::ChunkedDecoder::kMaxTrailerBytes >> 10) +
               " KiB";
    return std::string("bad response: ") + llhttp_errno_name(err);
}

// llhttp reports the trailer fields of a chunked body (after its last chunk,
// F_TRAILING) with the same callbacks as the head's.
http::ParsedHead &UpstreamConnection::fieldsBeingRead()
{
    return m_parser.flags & F_TRAILING ? m_trailers : m_head;
}

// The head and the trailer section each have their budget: the trailers the
// one a chunked request body has (ChunkedDecoder), as llhttp has none.
int UpstreamConnection::countFieldBytes(size_t len)
{
    if (m_parser.flags & F_TRAILING) {
        m_trailers.bytes += len;
        return m_trailers.bytes > http::ChunkedDecoder::kMaxTrailerBytes ? -1 : 0;
    }
    m_head.bytes += len;
    return m_head.bytes > kMaxResponseHeadBytes ? -1 : 0;
}

int UpstreamConnection::onStatus(const char *at, size_t len)
{
    m_head.reason.append(at, len);
    return countFieldBytes(len);
}

int UpstreamConnection::onHeaderField(const char *at, size_t len)
{
    http::ParsedHead &fields = fieldsBeingRead();
    if (fields.inValue || fields.headers.empty()) {
        fields.headers.emplace_back();
        fields.inValue = false;
    }
    fields.headers.back().first.append(at, len);
    return countFieldBytes(len + 4);
}

int UpstreamConnection::onHeaderValue(const char *at, size_t len)
{
    http::ParsedHead &fields = fieldsBeingRead();
    fields.inValue = true;
    fields.headers.back().second.append(at, len);
    return countFieldBytes(len);
}

int UpstreamConnection::onHeadersComplete()
{
    const int status = m_parser.status_code;
    const bool interim = status >= 100 && status < 200 && status != 101;
    const bool noBody = m_headRequest || status == 204 || status == 304 || interim;
    if (!interim)
        m_responseStarted = true;
    if (m_session)
        m_session->upstreamHead(status, m_head, (m_parser.flags & F_CHUNKED) != 0,
                                (m_parser.flags & F_CONTENT_LENGTH) != 0, noBody);
    if (interim)
        m_head.clear();
    if (status == 101)
        return 2; // upgrade: no body, the tunnel takes over
    return noBody ? 1 : 0;
}

int UpstreamConnection::onBody(const char *at, size_t len)
{
    if (m_session)
        m_session->upstreamBody(at, len);
    // Backpressure: finish this buffer, then stop reading until the client drains.
    if (m_session && m_session->clientBackedUp() && !m_readPaused)
        setReadPaused(true);
    return 0;
}

int UpstreamConnection::onMessageComplete()
{
    const int status = m_parser.status_code;
    if (status >= 100 && status < 200)
        return 0; // interim response (the final one follows), or 101: llhttp pauses for the tunnel
    if (m_session && !m_trailers.headers.empty())
        m_session->upstreamTrailers(m_head, m_trailers.headers);
    m_complete = true;
    deadlineMicros = 0;
    m_reusable = llhttp_should_keep_alive(&m_parser) != 0 && m_out.pending() == 0;
    return HPE_PAUSED;
}

} // namespace hafront::proxy
