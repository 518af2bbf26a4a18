#include "proxy/http1session.h"

#include "config/defaults.h"
#include "http/headscan.h"
#include "http/httptext.h"
#include "proxy/sessionhost.h"
#include "proxy/staticfile.h"

#include <charconv>

namespace hafront::proxy {
using namespace hafront::http;
namespace {

Http1Session *self(llhttp_t *p)
{
    return static_cast<Http1Session *>(p->data);
}

llhttp_settings_t requestSettings()
{
    llhttp_settings_t s;
    llhttp_settings_init(&s);
    s.on_message_begin = [](llhttp_t *p) { return self(p)->onMessageBegin(); };
    s.on_method = [](llhttp_t *p, const char *a, size_t n) { return self(p)->onMethod(a, n); };
    s.on_url = [](llhttp_t *p, const char *a, size_t n) { return self(p)->onUrl(a, n); };
    s.on_header_field = [](llhttp_t *p, const char *a, size_t n) { return self(p)->onHeaderField(a, n); };
    s.on_header_field_complete = [](llhttp_t *p) { return self(p)->onHeaderFieldComplete(); };
    s.on_header_value = [](llhttp_t *p, const char *a, size_t n) { return self(p)->onHeaderValue(a, n); };
    s.on_header_value_complete = [](llhttp_t *p) { return self(p)->onHeaderValueComplete(); };
    s.on_headers_complete = [](llhttp_t *p) { return self(p)->onHeadersComplete(); };
    s.on_message_complete = [](llhttp_t *p) { return self(p)->onMessageComplete(); };
    return s;
}
const llhttp_settings_t kRequestSettings = requestSettings();

// A response head and a small body fit without growing the output buffer.
constexpr size_t kOutReserve = 2048;
// The request line and the blank line are not counted in max_header_bytes.
constexpr size_t kRequestLineSlack = 8192;
// While a response is pending, pipelined requests wait in the input buffer up to this much.
constexpr size_t kMaxBufferedWhileWaiting = 64u << 10;

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

Http1Session::Http1Session(SessionHost &host, int fd_, size_t listenerIndex, std::string clientIp, Transport *transport)
    : m_host(host), m_listenerIndex(listenerIndex), m_socket(fd_), m_transport(transport ? transport : &m_socket),
      m_exchange(host, *this, std::move(clientIp)), m_interest(kInitialInterest)
{
    fd = fd_;
    clientConnection = true;
    llhttp_init(&m_parser, HTTP_REQUEST, &kRequestSettings);
    m_parser.data = this;
    const ListenerView &listener = host.view()->listeners[m_listenerIndex];
    m_listenerRt = listener.rt;
    m_listenerRt->active.fetch_add(1, std::memory_order_relaxed);
    deadlineMicros = host.now() + int64_t(config::headerTimeoutMs(*listener.config)) * 1000;
    m_tls = listener.config->has_tls();
}

Http1Session::Http1Session(SessionHost &host, int fd_, size_t listenerIndex, std::string clientIp,
                           std::unique_ptr<Transport> transport)
    : Http1Session(host, fd_, listenerIndex, std::move(clientIp), transport.get())
{
    m_ownedTransport = std::move(transport);
}

Http1Session::~Http1Session()
{
    m_listenerRt->active.fetch_sub(1, std::memory_order_relaxed);
    delete m_static;
}

void Http1Session::onEvent(uint32_t events)
{
    if (m_clientEof && events & (EPOLLHUP | EPOLLERR))
        return close(); // a tunnel's client that ended, then reset: nothing can reach it
    if (events & (EPOLLIN | EPOLLHUP | EPOLLERR))
        readClient();
    if (dead)
        return;
    if (events & EPOLLOUT || m_out.pending() || m_static)
        flushClient();
}

void Http1Session::readClient()
{
    char buf[16384];
    for (int rounds = 0; rounds < 8 && !m_readPaused && !m_clientEof; ++rounds) {
        const IoResult r = m_transport->read(buf, sizeof buf);
        if (r.status == Io::Done) {
            m_in.append(buf, r.bytes);
            if (r.bytes < sizeof buf && !m_transport->pending())
                break;
            continue;
        }
        if (r.status == Io::Again)
            break;
        // EOF or reset from the client.
        if (m_phase == Phase::Tunnel) {
            m_clientEof = true;
            m_exchange.clientEndedTunnel();
            break;
        }
        return close();
    }
    process();
}

// Every pass of the loop consumes input or changes the session's state, or
// the loop stops: a session can wait, but never spin (a declined Upgrade once
// left llhttp paused with nothing consumed, and the worker looped forever).
void Http1Session::process()
{
    if (m_processing) { // a response finished inside a callback: the outer pass goes on
        m_reprocess = true;
        return;
    }
    m_processing = true;
    for (;;) {
        m_reprocess = false;
        const auto before = std::make_tuple(m_inPos, m_phase, m_requestDone, m_responseDone, m_readPaused);
        step();
        if (dead)
            break;
        const auto after = std::make_tuple(m_inPos, m_phase, m_requestDone, m_responseDone, m_readPaused);
        if (before == after && !m_reprocess)
            break;
    }
    m_processing = false;
    if (dead)
        return;
    if (m_inPos == m_in.size()) {
        m_in.clear();
        m_inPos = 0;
    } else if (m_inPos > (16u << 10)) {
        m_in.erase(0, m_inPos);
        m_inPos = 0;
    }
    updateInterest();
}

void Http1Session::step()
{
    switch (m_phase) {
    case Phase::Head:
        return readHead();
    case Phase::Body:
        return readBody();
    case Phase::Waiting:
        return; // pipelined requests wait for the response
    case Phase::Tunnel:
        m_exchange.tunnelFromClient(std::string_view(m_in).substr(m_inPos));
        m_inPos = m_in.size();
        return;
    case Phase::Closing:
        m_inPos = m_in.size(); // read and dropped
        return;
    }
}

// llhttp sees a head only once all of it is here (http::scanHead), so the
// line-ending checks see it whole even when it trickles in byte by byte.
void Http1Session::readHead()
{
    const std::string_view input = std::string_view(m_in).substr(m_inPos);
    if (input.empty())
        return;
    if (!m_inMessage) { // from the first byte of a request, the header timeout runs (slowloris)
        m_inMessage = true;
        const v1::Listener &listener = *m_host.view()->listeners[m_listenerIndex].config;
        deadlineMicros = m_host.now() + int64_t(config::headerTimeoutMs(listener)) * 1000;
        m_maxHeaderBytes = config::maxHeaderBytes(listener);
        m_headScan = 0;
    }
    const http::HeadScan scan = http::scanHead(input, m_headScan);
    if (scan.status == http::HeadScan::Status::Bad)
        return reject(400, scan.reason);
    if (scan.status == http::HeadScan::Status::Incomplete) {
        m_headScan = scan.resume;
        if (input.size() > m_maxHeaderBytes + kRequestLineSlack)
            return reject(431, "request head over the listener's max_header_bytes");
        return; // wait for the rest
    }
    m_headComplete = false;
    const llhttp_errno_t err = llhttp_execute(&m_parser, input.data(), scan.end);
    if (dead)
        return;
    if (err == HPE_OK) {
        m_inPos += scan.end; // only empty lines before a request line: skipped
        m_inMessage = false;
        return;
    }
    if ((err == HPE_PAUSED || err == HPE_PAUSED_UPGRADE) && m_headComplete) {
        const char *pos = llhttp_get_error_pos(&m_parser);
        m_inPos += pos ? size_t(pos - input.data()) : input.size();
        return dispatchHead();
    }
    const int status = m_rejectStatus ? m_rejectStatus : 400;
    return reject(status, std::string(llhttp_errno_name(err)) + " " + (m_parser.reason ? m_parser.reason : ""));
}

void Http1Session::dispatchHead()
{
    const std::shared_ptr<ClusterView> &view = m_host.view();
    const v1::Listener &listener = *view->listeners[m_listenerIndex].config;
    http::RequestFacts facts;
    facts.head = &m_head;
    facts.methodCode = m_parser.method;
    facts.versionMajor = m_parser.http_major;
    facts.versionMinor = m_parser.http_minor;
    facts.chunked = (m_parser.flags & F_CHUNKED) != 0;
    facts.hasContentLength = (m_parser.flags & F_CONTENT_LENGTH) != 0;
    facts.contentLength = m_parser.content_length;
    m_maxBodyBytes = config::maxBodyBytes(listener);
    http::RequestLimits limits;
    limits.maxBodyBytes = m_maxBodyBytes;
    m_verdict = http::checkRequestHead(facts, limits);
    if (!m_verdict.ok())
        return reject(m_verdict.status, m_verdict.reason);

    m_keepAlive = llhttp_should_keep_alive(&m_parser) != 0;
    m_headRequest = m_parser.method == HTTP_HEAD;
    m_upgradeAsked = m_parser.upgrade != 0;
    m_body = facts.chunked ? Body::Chunked : facts.contentLength > 0 ? Body::Length : Body::None;
    m_bodyRemaining = facts.contentLength;
    m_bodyBytes = 0;
    if (m_body == Body::Chunked)
        m_chunks.reset();
    m_requestDone = m_responseDone = m_closeAfter = m_responseChunked = m_trailersSent = false;
    m_phase = m_body == Body::None ? Phase::Waiting : Phase::Body;
    deadlineMicros = 0;

    RequestStart start;
    start.head = &m_head;
    start.verdict = &m_verdict;
    start.methodCode = m_parser.method;
    start.versionMajor = m_parser.http_major;
    start.versionMinor = m_parser.http_minor;
    start.keepAlive = m_keepAlive;
    start.upgrade = m_upgradeAsked;
    start.hasBody = m_body != Body::None;
    start.chunked = m_body == Body::Chunked;
    start.expectContinue = m_verdict.expectContinue;
    start.scheme = m_tls ? "https" : "http";
    m_exchange.begin(view, m_listenerIndex, start);
    if (!dead && m_body == Body::None)
        requestEnded();
}

void Http1Session::readBody()
{
    if (m_readPaused)
        return;
    const std::string_view input = std::string_view(m_in).substr(m_inPos);
    if (input.empty())
        return;
    if (m_body == Body::Length) {
        const size_t n = size_t(std::min<uint64_t>(m_bodyRemaining, input.size()));
        m_inPos += n;
        m_bodyRemaining -= n;
        m_exchange.requestBody(input.substr(0, n));
    } else {
        size_t consumed = 0;
        m_pieces.clear();
        const auto status = m_chunks.feed(input, consumed, m_pieces);
        m_inPos += consumed;
        for (std::string_view piece : m_pieces) {
            m_bodyBytes += piece.size();
            if (m_bodyBytes > m_maxBodyBytes)
                return reject(413, "body over the listener's max_body_bytes");
            m_exchange.requestBody(piece);
            if (dead)
                return;
        }
        if (status == http::ChunkedDecoder::Status::Error)
            return reject(400, m_chunks.error());
        if (status != http::ChunkedDecoder::Status::Done)
            goto paused;
    }
    if (dead)
        return;
    if (m_body == Body::Length && m_bodyRemaining)
        goto paused;
    m_phase = Phase::Waiting;
    return requestEnded();
paused:
    // Backpressure: the backend is not taking the body; resumed by pauseRequestBody(false).
    if (m_exchange.backendBackedUp())
        m_readPaused = true;
}

void Http1Session::requestEnded()
{
    m_requestDone = true;
    m_exchange.requestEnd();
    if (!dead)
        maybeFinish();
}

// A request refused before or while it is read: the answer, then close (the
// rest of the stream cannot be trusted). Once the backend has part of the
// request, it can only be cut.
void Http1Session::reject(int status, std::string_view why)
{
    if (m_phase == Phase::Body && m_exchange.upstreamHasRequest())
        return close();
    m_keepAlive = false;
    m_phase = Phase::Closing;
    m_listenerRt->countReject(status);
    m_exchange.logRefused(m_host.view(), m_listenerIndex, m_head, status, m_parser.http_major, m_parser.http_minor);
    sendLocal(status, std::string(reasonOf(status)) + ": " + std::string(why) + "\n", true, {});
}

void Http1Session::maybeFinish()
{
    if (!m_requestDone || !m_responseDone || m_static || m_phase == Phase::Tunnel || m_phase == Phase::Closing)
        return;
    if (m_closeAfter || !m_keepAlive) {
        m_phase = Phase::Closing;
        return flushClient();
    }
    // The next request: a fresh parser (no state left from this one), an idle timeout.
    m_phase = Phase::Head;
    llhttp_reset(&m_parser);
    m_head.clear();
    m_line = Line::None;
    m_inMessage = false;
    const auto &listener = *m_host.view()->listeners[m_listenerIndex].config;
    deadlineMicros = m_host.now() + int64_t(config::idleTimeoutMs(listener)) * 1000;
    process(); // a pipelined request may already be buffered
}

// ---- llhttp callbacks: collect the head, stop at its end ----

int Http1Session::onMessageBegin()
{
    m_head.clear();
    m_line = Line::None;
    m_rejectStatus = 0;
    m_headRequest = m_upgradeAsked = false;
    return 0;
}

int Http1Session::onMethod(const char *at, size_t len)
{
    m_head.method.append(at, len);
    return countHeadBytes(len);
}

int Http1Session::onUrl(const char *at, size_t len)
{
    m_head.url.append(at, len);
    return countHeadBytes(len);
}

// A line's name and value arrive in pieces; a line whose name is empty (": x")
// gets no name callback at all, only a value: it becomes a field with an empty
// name, which checkRequestHead refuses (llhttp 8.1 would glue its value to the
// previous field's).
int Http1Session::onHeaderField(const char *at, size_t len)
{
    if (m_line != Line::Name) {
        m_head.headers.emplace_back();
        m_line = Line::Name;
    }
    m_head.headers.back().first.append(at, len);
    return countHeadBytes(len + 4);
}

int Http1Session::onHeaderFieldComplete()
{
    if (m_line != Line::Name)
        m_head.headers.emplace_back(); // an empty name
    m_line = Line::Value;
    return 0;
}

int Http1Session::onHeaderValue(const char *at, size_t len)
{
    if (m_line != Line::Value) {
        m_head.headers.emplace_back(); // a value without a name
        m_line = Line::Value;
    }
    m_head.headers.back().second.append(at, len);
    return countHeadBytes(len);
}

int Http1Session::onHeaderValueComplete()
{
    if (m_line != Line::Value)
        m_head.headers.emplace_back(); // an empty name and an empty value
    m_line = Line::None;
    return 0;
}

int Http1Session::countHeadBytes(size_t len)
{
    m_head.bytes += len;
    if (m_head.bytes > m_maxHeaderBytes) {
        m_rejectStatus = 431;
        return -1;
    }
    return 0;
}

// The body is framed by the session itself (Content-Length or ChunkedDecoder),
// so llhttp is told there is none and stops after the head.
int Http1Session::onHeadersComplete()
{
    return 1;
}

int Http1Session::onMessageComplete()
{
    m_inMessage = false;
    m_headComplete = true;
    return HPE_PAUSED;
}

// ---- Downstream: the response in HTTP/1 framing ----

void Http1Session::sendInterim(int status, std::string_view reason)
{
    appendStatusLine(m_out, status, reason);
    m_out.append("\r\n");
    flushClient();
}

void Http1Session::sendHead(const ResponseHead &r)
{
    // Straight into the output buffer (it keeps its capacity); the head goes
    // out with the first body bytes in one send, see Downstream::flush().
    OutBuffer &out = m_out;
    if (out.data.capacity() < kOutReserve)
        out.data.reserve(kOutReserve); // one allocation on a new connection, not one per doubling
    appendStatusLine(out, r.status, r.reason);
    const ListenerView &listener = m_host.view()->listeners[m_listenerIndex];
    bool backendHsts = false; // the backend's own Strict-Transport-Security wins
    for (const auto &[k, v] : *r.headers)
        if (!isHopByHop(k, r.connectionTokens) || (r.status == 101 && equalsLower(k, "upgrade"))) {
            out.append(k);
            out.append(": ");
            out.append(v);
            out.append("\r\n");
            backendHsts = backendHsts || (!listener.hsts.empty() && equalsLower(k, "strict-transport-security"));
        }
    if (!listener.hsts.empty() && !backendHsts)
        out.append(listener.hsts);
    if (listener.config->served_by_header()) {
        out.append("X-Served-By: ");
        out.append(m_host.node());
        out.append("\r\n");
    }
    if (r.status == 101) {
        out.append("Connection: upgrade\r\n\r\n");
        return;
    }
    // A declined Upgrade: what the client sent after its request was meant
    // for the other protocol or is a pipelined request — no way to tell, so
    // the connection ends with this response.
    if (m_upgradeAsked)
        m_closeAfter = true;
    m_responseChunked = r.body == ResponseHead::Body::Chunked;
    if (r.body == ResponseHead::Body::UntilClose)
        m_closeAfter = true; // a close-delimited body ends the client connection too
    if (m_responseChunked)
        out.append("Transfer-Encoding: chunked\r\n");
    out.append(m_keepAlive && !m_closeAfter ? "Connection: keep-alive\r\n\r\n" : "Connection: close\r\n\r\n");
}

void Http1Session::sendBody(std::string_view data)
{
    if (m_responseChunked) {
        m_out.append(chunkHeader(data.size()));
        m_out.append(data);
        m_out.append("\r\n");
    } else {
        m_out.append(data);
    }
}

// Only a chunked response has a trailer section to carry them (RFC 9112 7.1.2).
void Http1Session::sendTrailers(const http::HeaderList &fields)
{
    if (!m_responseChunked)
        return;
    m_out.append("0\r\n");
    for (const auto &[k, v] : fields) {
        m_out.append(k);
        m_out.append(": ");
        m_out.append(v);
        m_out.append("\r\n");
    }
    m_trailersSent = true;
}

void Http1Session::sendEnd()
{
    if (m_responseChunked)
        m_out.append(m_trailersSent ? "\r\n" : "0\r\n\r\n");
    m_responseDone = true;
    flushClient();
    if (!dead)
        maybeFinish();
}

void Http1Session::sendLocal(int status, std::string_view body, bool closeAfter, std::string_view extraHeaders)
{
    if (closeAfter || !m_keepAlive)
        m_closeAfter = true;
    m_out.append("HTTP/1.1 " + std::to_string(status) + " " + reasonOf(status) + "\r\n");
    m_out.append(extraHeaders);
    m_out.append(m_host.view()->listeners[m_listenerIndex].hsts);
    m_out.append("Content-Type: text/plain; charset=utf-8\r\nContent-Length: " + std::to_string(body.size()) +
                 (m_closeAfter ? "\r\nConnection: close\r\n\r\n" : "\r\nConnection: keep-alive\r\n\r\n"));
    if (!m_headRequest)
        m_out.append(body);
    m_responseDone = true;
    if (m_closeAfter)
        m_phase = Phase::Closing;
    flushClient();
    if (!dead)
        maybeFinish();
}

void Http1Session::sendStatic(StaticFile *file)
{
    if (!m_keepAlive)
        m_closeAfter = true;
    std::string head = file->head(m_keepAlive && !m_closeAfter);
    const ListenerView &listener = m_host.view()->listeners[m_listenerIndex];
    if (listener.config->served_by_header())
        head.insert(head.rfind("Connection: "), "X-Served-By: " + m_host.node() + "\r\n");
    if (!listener.hsts.empty())
        head.insert(head.rfind("Connection: "), listener.hsts);
    m_out.append(head);
    if (m_headRequest || file->empty()) {
        delete file;
        m_responseDone = true;
    } else {
        m_static = file;
    }
    flushClient();
    if (!dead)
        maybeFinish();
}

void Http1Session::pauseRequestBody(bool paused)
{
    if (paused == m_readPaused)
        return;
    m_readPaused = paused;
    if (!paused) {
        readClient(); // what the kernel holds, then what is buffered
        return;
    }
    updateInterest();
}

void Http1Session::startTunnel()
{
    m_phase = Phase::Tunnel;
    flushClient();
    if (!dead)
        process(); // bytes the client sent after its request belong to the tunnel
}

void Http1Session::tunnelData(std::string_view data)
{
    m_out.append(data);
    flushClient();
}

void Http1Session::tunnelEnded()
{
    m_phase = Phase::Closing;
    m_responseDone = true;
    flushClient();
}

void Http1Session::flushClient()
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
            m_transport->setNoDelay();
            m_noDelay = true;
        }
        m_sentBefore = true;
    }
    if (!m_out.flushTo(*m_transport))
        return close();
    if (m_out.pending() == 0 && m_static) {
        if (!m_static->sendSome(*m_transport))
            return close();
        if (m_static->done()) {
            delete m_static;
            m_static = nullptr;
            m_responseDone = true;
            maybeFinish();
            if (dead)
                return;
        }
    }
    if (m_out.pending() == 0 && !m_static && m_phase == Phase::Closing && m_responseDone)
        return close();
    if (m_out.pending() == 0 && !m_static && m_phase == Phase::Closing && m_clientEof)
        return close();
    if (!backedUp())
        m_exchange.clientDrained();
    updateInterest();
}

void Http1Session::updateInterest()
{
    if (dead)
        return;
    // epoll is level-triggered: a peer's half-close stays reported. RDHUP is
    // asked for only with EPOLLIN, whose read sees the end; asked for alone
    // (reading paused, or a tunnel's client that ended its side) it woke the
    // worker on every turn until the other end moved (found by fuzz_http1session).
    uint32_t want = 0;
    const bool reading = !m_readPaused && !m_clientEof && m_phase != Phase::Closing &&
                         !(m_phase == Phase::Waiting && m_in.size() - m_inPos > kMaxBufferedWhileWaiting);
    if (reading)
        want |= EPOLLIN | EPOLLRDHUP;
    if (reading && m_transport->pending())
        m_host.readAgain(this); // records read ahead: no epoll event will come for them
    if (m_out.pending() || m_static || (reading && m_transport->readNeedsWritable()))
        want |= EPOLLOUT;
    if (want != m_interest) {
        m_interest = want;
        m_host.modify(this, want);
    }
}

void Http1Session::onTimer(int64_t now)
{
    if (!deadlineMicros || now < deadlineMicros)
        return;
    deadlineMicros = 0;
    if (m_phase == Phase::Head && (m_inMessage || m_inPos < m_in.size())) {
        m_listenerRt->countReject(408);
        m_keepAlive = false;
        m_phase = Phase::Closing;
        sendLocal(408, "request header timeout\n", true, {}); // slowloris
    } else if (m_phase == Phase::Head) {
        close(); // idle keep-alive connection
    }
}

void Http1Session::close()
{
    if (dead)
        return;
    m_exchange.clientGone();
    m_transport->closing();
    m_host.destroy(this);
}

} // namespace hafront::proxy
