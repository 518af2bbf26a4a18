#include "proxy/httpsession.h"

#include "base/clock.h"
#include "config/address.h"
#include "config/defaults.h"
#include "http/httptext.h"
#include "proxy/staticfile.h"
#include "proxy/upstreamconnection.h"
#include "proxy/worker.h"

#include <cerrno>
#include <charconv>
#include <optional>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace hafront::proxy {
using namespace hafront::http;
namespace {

HttpSession *self(llhttp_t *p) { return static_cast<HttpSession *>(p->data); }

llhttp_settings_t requestSettings()
{
    llhttp_settings_t s;
    llhttp_settings_init(&s);
    s.on_message_begin = [](llhttp_t *p) { return self(p)->onMessageBegin(); };
    s.on_method = [](llhttp_t *p, const char *a, size_t n) { return self(p)->onMethod(a, n); };
    s.on_url = [](llhttp_t *p, const char *a, size_t n) { return self(p)->onUrl(a, n); };
    s.on_header_field = [](llhttp_t *p, const char *a, size_t n) { return self(p)->onHeaderField(a, n); };
    s.on_header_value = [](llhttp_t *p, const char *a, size_t n) { return self(p)->onHeaderValue(a, n); };
    s.on_headers_complete = [](llhttp_t *p) { return self(p)->onHeadersComplete(); };
    s.on_body = [](llhttp_t *p, const char *a, size_t n) { return self(p)->onBody(a, n); };
    s.on_message_complete = [](llhttp_t *p) { return self(p)->onMessageComplete(); };
    return s;
}
const llhttp_settings_t kRequestSettings = requestSettings();

// Status chosen by a callback that refused the request (431, 413, 400).
constexpr int kRejectShift = 1000;

// The retry copy keeps its buffer between requests up to this size.
constexpr size_t kKeptRequestCopy = 16u << 10;
// A response head and a small body fit without growing the output buffer.
constexpr size_t kOutReserve = 2048;

// The Connection header for isHopByHop(). "Connection: keep-alive" (one name
// that is hop-by-hop anyway) names nothing more: then null, so the common
// case skips the token scan for every other header.
const std::string *connectionTokens(const ParsedHead &head)
{
    const std::string *connection = head.find("connection");
    return connection && isHopByHop(*connection, nullptr) ? nullptr : connection;
}

// "HTTP/1.1 200 OK\r\n" without a temporary string.
void appendStatusLine(OutBuffer &out, int status, std::string_view reason)
{
    char code[16];
    const auto [end, ec] = std::to_chars(code, code + sizeof code, status);
    out.append("HTTP/1.1 ");
    out.append(std::string_view(code, static_cast<size_t>(end - code)));
    out.append(" ");
    out.append(reason);
    out.append("\r\n");
}

} // namespace

HttpSession::HttpSession(Worker &worker, int fd_, size_t listenerIndex, uint32_t clientIp)
    : m_worker(worker), m_listenerIndex(listenerIndex), m_clientIp(clientIp), m_clientIpText(config::formatIPv4(clientIp)),
      m_interest(kInitialInterest)
{
    fd = fd_;
    clientConnection = true;
    llhttp_init(&m_parser, HTTP_REQUEST, &kRequestSettings);
    m_parser.data = this;
    m_view = worker.view();
    m_listenerRt = m_view->listeners[m_listenerIndex].rt;
    m_listenerRt->active.fetch_add(1, std::memory_order_relaxed);
    m_lastActivityMicros = worker.now();
    const auto &cfg = *m_view->listeners[m_listenerIndex].config;
    deadlineMicros = m_lastActivityMicros + int64_t(config::headerTimeoutMs(cfg)) * 1000;
}

HttpSession::~HttpSession()
{
    m_listenerRt->active.fetch_sub(1, std::memory_order_relaxed);
    delete m_static;
}

const std::string *ParsedHead::find(std::string_view lowerName) const
{
    for (const auto &[k, v] : headers)
        if (equalsLower(k, lowerName))
            return &v;
    return nullptr;
}

int ParsedHead::count(std::string_view lowerName) const
{
    int n = 0;
    for (const auto &[k, v] : headers)
        n += equalsLower(k, lowerName);
    return n;
}

void HttpSession::onEvent(uint32_t events)
{
    if (events & (EPOLLIN | EPOLLHUP | EPOLLERR))
        readClient();
    if (dead)
        return;
    if (events & EPOLLOUT || m_out.pending() || m_static)
        flushClient();
}

void HttpSession::readClient()
{
    char buf[16384];
    for (int rounds = 0; rounds < 8 && !m_readPaused; ++rounds) {
        const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
        if (n > 0) {
            m_in.append(buf, static_cast<size_t>(n));
            m_lastActivityMicros = m_worker.now();
            if (n < ssize_t(sizeof buf))
                break;
            continue;
        }
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            break;
        if (n < 0 && errno == EINTR)
            continue;
        // EOF or reset from the client.
        if (m_phase == Phase::Tunnel && m_upstream) {
            ::shutdown(m_upstream->fd, SHUT_WR);
            m_clientEof = true;
            updateInterest();
            return;
        }
        return close();
    }
    parse();
}

void HttpSession::parse()
{
    // Responses can finish while the request parser is inside a callback;
    // then the outer call parses again instead of re-entering llhttp.
    if (m_parsing) {
        m_reparse = true;
        return;
    }
    m_parsing = true;
    do {
        m_reparse = false;
        if (m_phase == Phase::Tunnel) {
            if (m_upstream && !m_in.empty())
                m_upstream->send(m_in);
            m_in.clear();
            break;
        }
        if (m_phase == Phase::AwaitResponse || m_phase == Phase::Closing || m_in.empty())
            break;
        if (m_parserPaused) {
            if (m_phase != Phase::ReadHead)
                break;
            llhttp_resume(&m_parser);
            m_parserPaused = false;
        }
        if (m_phase == Phase::ReadHead && hasBareLineEnding(m_in)) {
            countReject(400);
            m_keepAlive = false;
            respond(400, "Bad Request: bare CR or LF in the request head\n", true);
            break;
        }
        if (m_phase == Phase::ReadHead && hasObsFold(m_in)) {
            countReject(400);
            m_keepAlive = false;
            respond(400, "Bad Request: obsolete line folding in the request head\n", true);
            break;
        }
        const llhttp_errno_t err = llhttp_execute(&m_parser, m_in.data(), m_in.size());
        if (dead)
            break;
        if (err == HPE_OK) {
            m_in.clear();
        } else if (err == HPE_PAUSED || err == HPE_PAUSED_UPGRADE) {
            // Paused at the end of a request: the rest waits for the response.
            const char *pos = llhttp_get_error_pos(&m_parser);
            m_in.erase(0, pos ? static_cast<size_t>(pos - m_in.data()) : m_in.size());
            m_parserPaused = err == HPE_PAUSED;
            m_reparse = m_phase == Phase::ReadHead;   // that response may already be done
        } else {
            const int status = m_rejectStatus ? m_rejectStatus : 400;
            if (m_responseStarted || (m_phase == Phase::Body && m_upstream)) {
                m_parsing = false;
                return close();   // mid-body garbage after the head went upstream: cut
            }
            countReject(status);
            m_keepAlive = false;
            respond(status, std::string(reasonOf(status)) + ": " + llhttp_errno_name(err) + " " +
                                (m_parser.reason ? m_parser.reason : "") + "\n",
                    true);
            break;
        }
    } while (m_reparse && !dead);
    m_parsing = false;
    updateInterest();
}

int HttpSession::onMessageBegin()
{
    m_inMessage = true;
    // From the first byte of a request, the header timeout runs (slowloris).
    deadlineMicros = m_worker.now() +
                     int64_t(config::headerTimeoutMs(*m_worker.view()->listeners[m_listenerIndex].config)) * 1000;
    m_head.clear();
    m_chunked = m_headRequest = m_upgrade = m_requestDone = false;
    m_responseChunked = m_responseStarted = false;
    m_rejectStatus = 0;
    m_bodyBytes = 0;
    m_responseBodyBytes = 0;
    m_requestStartMicros = 0;
    m_tried.clear();
    if (m_requestCopy.capacity() > kKeptRequestCopy)
        std::string().swap(m_requestCopy);   // a big body's buffer is not kept for the connection's life
    else
        m_requestCopy.clear();
    m_retryable = true;
    m_backendIndex = -1;
    m_pool = nullptr;
    m_dispatched = false;
    if (m_view != m_worker.view())
        m_view = m_worker.view();   // the newest snapshot applies from this request on
    return 0;
}

int HttpSession::onMethod(const char *at, size_t len)
{
    m_head.method.append(at, len);
    return countHeadBytes(len);
}

int HttpSession::onUrl(const char *at, size_t len)
{
    m_head.url.append(at, len);
    return countHeadBytes(len);
}

int HttpSession::onHeaderField(const char *at, size_t len)
{
    if (m_head.inValue || m_head.headers.empty()) {
        m_head.headers.emplace_back();
        m_head.inValue = false;
    }
    m_head.headers.back().first.append(at, len);
    return countHeadBytes(len);
}

int HttpSession::onHeaderValue(const char *at, size_t len)
{
    m_head.inValue = true;
    m_head.headers.back().second.append(at, len);
    return countHeadBytes(len);
}

int HttpSession::countHeadBytes(size_t len)
{
    m_head.bytes += len + 4;
    if (m_head.bytes > config::maxHeaderBytes(*m_view->listeners[m_listenerIndex].config)) {
        m_rejectStatus = 431;
        return -1;
    }
    return 0;
}

void HttpSession::countReject(int status)
{
    auto *rt = m_listenerRt;
    switch (status) {
    case 400: rt->r400.fetch_add(1, std::memory_order_relaxed); break;
    case 403: rt->r403.fetch_add(1, std::memory_order_relaxed); break;
    case 404: rt->r404.fetch_add(1, std::memory_order_relaxed); break;
    case 408: rt->r408.fetch_add(1, std::memory_order_relaxed); break;
    case 413: rt->r413.fetch_add(1, std::memory_order_relaxed); break;
    case 431: rt->r431.fetch_add(1, std::memory_order_relaxed); break;
    case 502: rt->r502.fetch_add(1, std::memory_order_relaxed); break;
    case 503: rt->r503.fetch_add(1, std::memory_order_relaxed); break;
    case 504: rt->r504.fetch_add(1, std::memory_order_relaxed); break;
    default: break;
    }
}

int HttpSession::onHeadersComplete()
{
    const ListenerView &listener = m_view->listeners[m_listenerIndex];
    m_listenerRt->requests.fetch_add(1, std::memory_order_relaxed);
    m_requestStartMicros = m_worker.refreshNow();
    m_chunked = (m_parser.flags & F_CHUNKED) != 0;
    m_keepAlive = llhttp_should_keep_alive(&m_parser) != 0;
    m_upgrade = m_parser.upgrade != 0;
    m_headRequest = m_parser.method == HTTP_HEAD;
    m_phase = Phase::Body;
    deadlineMicros = 0;

    // Checks llhttp leaves to us (RFC 9112 3.2, 3.3, 6.3): never forward ambiguity.
    // A Transfer-Encoding other than chunked-last leaves the body length unknown
    // (RFC 9112 6.3 item 4): refuse. So are folded or control characters in values.
    // A Transfer-Encoding in HTTP/1.0 is a smuggling vector (RFC 9112 6.1): refuse.
    if (m_head.find("transfer-encoding") && (!m_chunked || m_parser.http_minor == 0)) {
        m_rejectStatus = 400;
        return -1;
    }
    for (const auto &[name, value] : m_head.headers)
        for (char ch : value)
            if (ch == '\r' || ch == '\n' || ch == '\0') {
                m_rejectStatus = 400;   // obs-fold or a smuggled line
                return -1;
            }
    const int hosts = m_head.count("host");
    if ((m_parser.http_major == 1 && m_parser.http_minor == 1 && hosts != 1) || hosts > 1) {
        m_rejectStatus = 400;
        return -1;
    }
    // Views into m_head, which stays put until the next request begins.
    std::string_view target = m_head.url;
    const std::string_view host = hosts ? std::string_view(*m_head.find("host")) : std::string_view();
    std::optional<std::pair<std::string, std::string>> absolute;
    if ((absolute = splitAbsoluteForm(m_head.url))) {
        if (!hosts || !equalsLower(absolute->first, lowerCopy(host))) {
            m_rejectStatus = 400;   // absolute-form with a conflicting Host
            return -1;
        }
        target = absolute->second;
    }
    if (target.empty() || (target[0] != '/' && !(m_parser.method == HTTP_OPTIONS && target == "*") &&
                           m_parser.method != HTTP_CONNECT)) {
        m_rejectStatus = 400;
        return -1;
    }
    if ((m_parser.flags & F_CONTENT_LENGTH) && m_parser.content_length > config::maxBodyBytes(*listener.config)) {
        m_rejectStatus = 413;
        return -1;
    }
    if (m_parser.method == HTTP_CONNECT) {
        m_rejectStatus = 405;
        return -1;
    }
    const std::string_view path = target.substr(0, target.find('?'));
    const RouteView *route = matchRoute(listener.routes, hostWithoutPort(host), path);
    if (!route) {
        respond(404, "no route for " + std::string(path) + "\n", false);
        return m_keepAlive ? 0 : -1;
    }
    if (route->respond) {
        const v1::FixedResponse &fixed = *route->respond;
        const std::string location = expandResponseText(fixed.location(), host, target);
        const std::string body = fixed.body().empty() ? std::to_string(fixed.status()) + " " + reasonOf(int(fixed.status())) + "\n"
                                                      : expandResponseText(fixed.body(), host, target);
        respond(int(fixed.status()), body, false, location.empty() ? std::string() : "Location: " + location + "\r\n");
        return m_keepAlive ? 0 : -1;
    }
    if (!route->staticRoot.empty()) {
        serveStatic(*route, std::string(target));
        return 0;
    }
    m_pool = route->pool;
    std::string replaced;   // proxy_pass with a URI part: the matched prefix replaced
    if (!route->replacePrefix.empty()) {
        replaced.assign(route->replacePrefix).append(target.substr(route->prefix.size()));
        target = replaced;
    }
    buildUpstreamHead(target);
    // Like nginx's request buffering: a body up to 64 KiB is read whole before
    // any backend sees the request, so a malformed body is refused, never
    // half-forwarded. Larger bodies, and Expect: 100-continue, stream.
    const bool hasBody = m_chunked || ((m_parser.flags & F_CONTENT_LENGTH) && m_parser.content_length > 0);
    const std::string *expect = m_head.find("expect");
    if (!hasBody || (expect && equalsLower(*expect, "100-continue")) || m_upgrade)
        startUpstream();
    return 0;
}

void HttpSession::buildUpstreamHead(std::string_view target)
{
    // Written straight into the retry copy, which keeps its capacity from
    // request to request: no allocation once the connection is warm.
    std::string &head = m_requestCopy;
    head.clear();
    head.reserve(m_head.bytes + 256);   // one allocation on a new connection, not one per doubling
    head.append(m_head.method).append(" ").append(target).append(" HTTP/1.1\r\n");
    const std::string *connection = connectionTokens(m_head);
    std::string_view xff;
    for (const auto &[k, v] : m_head.headers) {
        if (isHopByHop(k, connection) || equalsLower(k, "x-real-ip") || equalsLower(k, "x-forwarded-proto"))
            continue;
        if (equalsLower(k, "x-forwarded-for")) {
            xff = v;
            continue;
        }
        head.append(k).append(": ").append(v).append("\r\n");
    }
    head.append("X-Forwarded-For: ");
    if (!xff.empty())
        head.append(xff).append(", ");
    head.append(m_clientIpText).append("\r\n");
    head.append("X-Real-IP: ").append(m_clientIpText).append("\r\n");
    head.append("X-Forwarded-Proto: http\r\n");
    if (m_chunked)
        head.append("Transfer-Encoding: chunked\r\n");
    if (m_upgrade) {
        if (const std::string *u = m_head.find("upgrade"))
            head.append("Upgrade: ").append(*u).append("\r\nConnection: upgrade\r\n");
    } else {
        head.append("Connection: keep-alive\r\n");
    }
    head.append("\r\n");
}

void HttpSession::startUpstream()
{
    m_dispatched = true;
    const int64_t now = m_worker.now();
    const v1::Pool &pool = *m_pool->config;
    const uint32_t maxTries = 1 + config::retriesOf(pool);
    while (m_tried.size() < maxTries) {
        uint64_t keyHash = 0;
        if (pool.balance() == v1::CONSISTENT_HASH)
            keyHash = balance::hashKey(hashKeyOf(pool.hash_key(), m_head, m_clientIpText));
        const int index = m_pool->pick(keyHash, m_tried, now);
        if (index < 0)
            break;
        m_tried.push_back(index);
        BackendRuntime &backend = *m_pool->backends[size_t(index)].rt;
        std::string error;
        UpstreamConnection *up = m_worker.acquireUpstream(backend, error);
        if (!up) {
            backend.errConnect.fetch_add(1, std::memory_order_relaxed);
            continue;
        }
        if (m_tried.size() > 1)
            backend.retries.fetch_add(1, std::memory_order_relaxed);
        m_backendIndex = index;
        m_upstream = up;
        up->attach(this, m_headRequest, now + int64_t(config::connectTimeoutMs(pool)) * 1000,
                   int64_t(config::readTimeoutMs(pool)) * 1000);
        up->send(m_requestCopy);
        if (m_requestDone)
            up->requestComplete();
        return;
    }
    m_upstream = nullptr;
    const bool none = m_tried.empty();
    countReject(none ? 503 : 502);
    respond(none ? 503 : 502, none ? "no backend available in pool " + pool.name() + "\n"
                                   : "all backends of pool " + pool.name() + " failed\n",
            !m_requestDone);
}

int HttpSession::onBody(const char *at, size_t len)
{
    m_bodyBytes += len;
    if (m_bodyBytes > config::maxBodyBytes(*m_view->listeners[m_listenerIndex].config)) {
        m_rejectStatus = 413;
        return -1;
    }
    if (!m_pool)
        return 0;   // static route or refused: the body is read and dropped
    std::string piece;
    if (m_chunked)
        piece = chunkHeader(len) + std::string(at, len) + "\r\n";
    else
        piece.assign(at, len);
    constexpr size_t kBuffered = 64u << 10;
    if (!m_dispatched) {
        m_requestCopy += piece;
        if (m_requestCopy.size() > kBuffered)
            startUpstream();   // too big to hold: stream from here on
    } else {
        if (m_upstream)
            m_upstream->send(piece);
        if (m_retryable) {
            m_requestCopy += piece;
            if (m_requestCopy.size() > kBuffered) {
                m_retryable = false;   // too big to replay: no retry once sent
                m_requestCopy.clear();
            }
        }
    }
    if (m_upstream && m_upstream->backedUp())
        m_readPaused = true;
    return 0;
}

int HttpSession::onMessageComplete()
{
    m_inMessage = false;
    m_requestDone = true;
    if (m_pool && m_chunked) {
        static const std::string last = "0\r\n\r\n";
        if (m_retryable || !m_dispatched)
            m_requestCopy += last;
        if (m_upstream && m_dispatched)
            m_upstream->send(last);
    }
    if (!m_pool && m_responseStarted && !m_static && m_phase == Phase::Body && m_closeAfter) {
        // A static response already written whole, for a request that asked to
        // close (Connection: close, HTTP/1.0): close now, not at the idle timeout.
        m_phase = Phase::Closing;
        flushClient();
        return HPE_PAUSED;
    }
    if (m_pool && !m_dispatched && !dead)
        startUpstream();   // the buffered request goes out whole
    else if (m_upstream)
        m_upstream->requestComplete();
    if (m_phase == Phase::Body)
        m_phase = m_pool ? Phase::AwaitResponse : Phase::ReadHead;
    if (m_phase == Phase::AwaitResponse || m_static)
        return HPE_PAUSED;   // pipelined requests wait for this response
    return 0;
}

void HttpSession::upstreamHead(int status, const ParsedHead &head, bool chunked, bool hasLength, bool noBody,
                               bool keepAlive)
{
    if (status >= 100 && status < 200 && status != 101) {
        appendStatusLine(m_out, status, head.reason);
        m_out.append("\r\n");
        return flushClient();
    }
    m_responseStarted = true;
    m_status = status;
    const std::string *connection = connectionTokens(head);
    // Straight into the output buffer (it keeps its capacity); the head goes
    // out with the first body bytes in one send, see flushFromUpstream().
    OutBuffer &out = m_out;
    if (out.data.capacity() < kOutReserve)
        out.data.reserve(kOutReserve);   // one allocation on a new connection, not one per doubling
    appendStatusLine(out, status, head.reason);
    for (const auto &[k, v] : head.headers)
        if (!isHopByHop(k, connection) || (status == 101 && equalsLower(k, "upgrade"))) {
            out.append(k);
            out.append(": ");
            out.append(v);
            out.append("\r\n");
        }
    if (m_view->listeners[m_listenerIndex].config->served_by_header()) {
        out.append("X-Served-By: ");
        out.append(m_worker.node());
        out.append("\r\n");
    }
    if (status == 101) {
        out.append("Connection: upgrade\r\n\r\n");
        m_phase = Phase::Tunnel;
        m_upstream->setTunnel();
        llhttp_resume_after_upgrade(&m_parser);
        parse();
        return flushClient();
    }
    m_responseChunked = chunked;
    // A close-delimited body ends the client connection too.
    if (!noBody && !chunked && !hasLength)
        m_closeAfter = true;
    if (chunked && !noBody)
        out.append("Transfer-Encoding: chunked\r\n");
    if (!keepAlive && !noBody && !chunked && !hasLength)
        m_closeAfter = true;
    out.append(m_keepAlive && !m_closeAfter ? "Connection: keep-alive\r\n\r\n" : "Connection: close\r\n\r\n");
}

void HttpSession::upstreamBody(const char *data, size_t size)
{
    m_responseBodyBytes += size;
    if (m_responseChunked) {
        m_out.append(chunkHeader(size));
        m_out.append(std::string_view(data, size));
        m_out.append("\r\n");
    } else {
        m_out.append(std::string_view(data, size));
    }
}

void HttpSession::upstreamTunnelData(const char *data, size_t size)
{
    m_out.append(std::string_view(data, size));
    flushClient();
}

void HttpSession::upstreamComplete(UpstreamConnection &up, bool reusable)
{
    if (m_responseChunked)
        m_out.append("0\r\n\r\n");
    const int64_t micros = m_worker.refreshNow() - m_requestStartMicros;
    up.backend().recordResponse(m_status, static_cast<uint64_t>(std::max<int64_t>(0, micros)));
    logAccess(m_status, up.backend().name);
    m_upstream = nullptr;
    if (reusable && m_requestDone)
        m_worker.releaseUpstream(&up);
    else
        up.close();
    finishResponse();
}

void HttpSession::upstreamFailed(UpstreamConnection &up, const std::string &why, bool timeout, bool responseStarted)
{
    BackendRuntime &backend = up.backend();
    (timeout ? backend.errTimeout : backend.errConnect).fetch_add(1, std::memory_order_relaxed);
    const bool reused = up.reused();
    const bool wasConnecting = up.connecting();
    m_upstream = nullptr;
    up.close();
    m_worker.noteBackendFailure(backend);
    if (responseStarted || m_responseStarted)
        return close();   // the client got part of a response: cut it, never splice
    // Retry on the next backend: always when the connection never came up or a
    // kept-alive connection turned out stale; else only idempotent, replayable requests.
    const bool idempotent = isIdempotent(m_parser.method);
    const bool replay = m_retryable && (wasConnecting || reused || idempotent);
    if (replay && !timeout) {
        if (reused)
            m_tried.pop_back();   // a stale idle connection is not the backend's fault
        return startUpstream();
    }
    if (replay && timeout && wasConnecting)
        return startUpstream();
    countReject(timeout ? 504 : 502);
    respond(timeout ? 504 : 502, (timeout ? "upstream timed out: " : "upstream failed: ") + why + "\n", true);
}

void HttpSession::respond(int status, const std::string &body, bool closeAfter, const std::string &extraHeaders)
{
    m_responseStarted = true;
    m_responseBodyBytes = m_headRequest ? 0 : body.size();
    logAccess(status, {});
    if (closeAfter || !m_keepAlive)
        m_closeAfter = true;
    m_out.append("HTTP/1.1 " + std::to_string(status) + " " + reasonOf(status) + "\r\n" + extraHeaders +
                 "Content-Type: text/plain; charset=utf-8\r\nContent-Length: " + std::to_string(body.size()) +
                 (m_closeAfter ? "\r\nConnection: close\r\n\r\n" : "\r\nConnection: keep-alive\r\n\r\n"));
    if (!m_headRequest)
        m_out.append(body);
    if (m_closeAfter)
        m_phase = Phase::Closing;
    else if (m_phase == Phase::AwaitResponse)
        finishResponse();
    flushClient();
}

void HttpSession::finishResponse()
{
    if (m_closeAfter || !m_keepAlive) {
        m_phase = Phase::Closing;
        return flushClient();
    }
    m_phase = m_requestDone ? Phase::ReadHead : Phase::Body;
    m_pool = nullptr;
    deadlineMicros = m_worker.now() + int64_t(config::idleTimeoutMs(*m_view->listeners[m_listenerIndex].config)) * 1000;
    flushClient();
    if (m_requestDone && !dead)
        parse();   // a pipelined request may already be buffered
}

void HttpSession::flushClient()
{
    if (dead)
        return;
    if (!m_noDelay && (m_out.pending() || m_static)) {
        // Nagle can only hold back a send made while earlier bytes are in
        // flight: the first send on a connection goes out at once without
        // TCP_NODELAY. So set it before the second (as nginx does for
        // keep-alive), which spares a one-response connection the syscall.
        // A static file is a head then sendfile: two sends at once.
        if (m_sentBefore || m_static) {
            int one = 1;
            ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
            m_noDelay = true;
        }
        m_sentBefore = true;
    }
    if (!m_out.flushTo(fd))
        return close();
    if (m_out.pending() == 0 && m_static) {
        if (!m_static->sendSome(fd))
            return close();
        if (m_static->done()) {
            delete m_static;
            m_static = nullptr;
            m_phase = Phase::Body;
            if (m_requestDone) {
                m_phase = Phase::AwaitResponse;
                finishResponse();
                return;
            }
        }
    }
    if (m_out.pending() == 0 && !m_static && m_phase == Phase::Closing)
        return close();
    if (m_upstream && !clientBackedUp())
        m_upstream->pauseReading(false);
    else if (m_upstream)
        m_upstream->pauseReading(true);
    updateInterest();
}

void HttpSession::resumeFromUpstream()
{
    if (m_readPaused) {
        m_readPaused = false;
        readClient();
    }
}

void HttpSession::updateInterest()
{
    if (dead)
        return;
    uint32_t want = EPOLLRDHUP;
    const bool reading = !m_readPaused && !m_clientEof && m_phase != Phase::Closing &&
                         !(m_phase == Phase::AwaitResponse && m_in.size() > (64u << 10));
    if (reading)
        want |= EPOLLIN;
    if (m_out.pending() || m_static)
        want |= EPOLLOUT;
    if (want != m_interest) {
        m_interest = want;
        m_worker.modify(this, want);
    }
}

void HttpSession::onTimer(int64_t now)
{
    if (!deadlineMicros || now < deadlineMicros)
        return;
    deadlineMicros = 0;
    if (m_phase == Phase::ReadHead && (m_inMessage || !m_in.empty())) {
        countReject(408);
        respond(408, "request header timeout\n", true);   // slowloris
    } else if (m_phase == Phase::ReadHead) {
        close();   // idle keep-alive connection
    }
}

void HttpSession::serveStatic(const RouteView &route, const std::string &target)
{
    auto outcome = StaticFile::open(route.staticRoot, route.prefix, target, route.index, m_head);
    if (!outcome.file) {
        countReject(outcome.status);
        respond(outcome.status, std::string(reasonOf(outcome.status)) + "\n", outcome.status >= 400 && outcome.status != 404);
        return;
    }
    m_responseStarted = true;
    if (!m_keepAlive)
        m_closeAfter = true;
    m_responseBodyBytes = m_headRequest ? 0 : outcome.file->bodyBytes();
    logAccess(outcome.file->status(), {});
    std::string head = outcome.file->head(m_keepAlive && !m_closeAfter);
    if (m_view->listeners[m_listenerIndex].config->served_by_header())
        head.insert(head.rfind("Connection: "), "X-Served-By: " + m_worker.node() + "\r\n");
    m_out.append(head);
    if (m_headRequest || outcome.file->empty())
        delete outcome.file;
    else
        m_static = outcome.file;
    if (!m_static) {
        m_phase = Phase::AwaitResponse;
        if (m_requestDone)
            finishResponse();
        else
            m_phase = Phase::Body;
    } else {
        m_phase = Phase::Body;
    }
    flushClient();
}

void HttpSession::logAccess(int status, std::string_view backend)
{
    AccessLogFile *file = m_view->listeners[m_listenerIndex].accessLog;
    if (!file)
        return;
    const std::string *host = m_head.find("host");
    const std::string *referer = m_head.find("referer");
    const std::string *agent = m_head.find("user-agent");
    const std::string version = "HTTP/" + std::to_string(m_parser.http_major) + "." + std::to_string(m_parser.http_minor);
    AccessRecord r;
    r.client = m_clientIpText;
    r.method = m_head.method;
    r.target = m_head.url;
    r.version = version;
    r.host = host ? std::string_view(*host) : std::string_view();
    r.referer = referer ? std::string_view(*referer) : std::string_view();
    r.userAgent = agent ? std::string_view(*agent) : std::string_view();
    r.backend = backend;
    r.node = m_worker.node();
    r.status = status;
    r.bytes = m_responseBodyBytes;
    r.durationMicros = m_requestStartMicros ? m_worker.refreshNow() - m_requestStartMicros : 0;
    r.wallMicros = wallMicros();
    file->append(r);
}

void HttpSession::close()
{
    if (dead)
        return;
    if (m_upstream) {
        m_upstream->detach();
        m_upstream = nullptr;
    }
    m_worker.destroy(this);
}

void HttpSession::upstreamGone()
{
    m_upstream = nullptr;
    if (m_phase == Phase::Tunnel)
        m_phase = Phase::Closing;
    flushClient();
}

} // namespace hafront::proxy
