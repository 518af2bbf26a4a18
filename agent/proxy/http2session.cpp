#include "proxy/http2session.h"

#include "config/defaults.h"
#include "http/httptext.h"
#include "proxy/sessionhost.h"
#include "proxy/staticfile.h"
#include "stats/rejections.h"

#include <llhttp.h>
#include <malloc.h>

#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <cstring>
#include <deque>

namespace hafront::proxy {
using namespace hafront::http;
namespace {

Http2Session *self(void *p)
{
    return static_cast<Http2Session *>(p);
}
std::string_view text(const uint8_t *p, size_t n)
{
    return {reinterpret_cast<const char *>(p), n};
}

// Output is pulled from nghttp2 while less than this is waiting for the socket.
constexpr size_t kOutHigh = 64u << 10;
// Reading stops while this much output waits (a client that sends but does not read).
constexpr size_t kOutStopReading = 1u << 20;
// A static file's bytes are read into the stream's buffer this much at a time.
constexpr size_t kFileSlice = 64u << 10;
// RFC 7541 4.1: a field's size in the header list is name + value + 32.
constexpr size_t kFieldOverhead = 32;

nghttp2_session_callbacks *makeCallbacks()
{
    nghttp2_session_callbacks *cb;
    nghttp2_session_callbacks_new(&cb);
    nghttp2_session_callbacks_set_on_begin_frame_callback(
        cb, [](nghttp2_session *, const nghttp2_frame_hd *hd, void *u) { return self(u)->onBeginFrame(*hd); });
    nghttp2_session_callbacks_set_on_begin_headers_callback(
        cb, [](nghttp2_session *, const nghttp2_frame *f, void *u) { return self(u)->onBeginHeaders(*f); });
    nghttp2_session_callbacks_set_on_header_callback(
        cb, [](nghttp2_session *, const nghttp2_frame *f, const uint8_t *n, size_t nl, const uint8_t *v, size_t vl,
               uint8_t, void *u) { return self(u)->onHeader(*f, text(n, nl), text(v, vl)); });
    nghttp2_session_callbacks_set_on_frame_recv_callback(
        cb, [](nghttp2_session *, const nghttp2_frame *f, void *u) { return self(u)->onFrameRecv(*f); });
    nghttp2_session_callbacks_set_on_data_chunk_recv_callback(
        cb, [](nghttp2_session *, uint8_t flags, int32_t id, const uint8_t *d, size_t n, void *u) {
            return self(u)->onDataChunk(flags, id, d, n);
        });
    nghttp2_session_callbacks_set_on_stream_close_callback(
        cb, [](nghttp2_session *, int32_t id, uint32_t code, void *u) { return self(u)->onStreamClose(id, code); });
    nghttp2_session_callbacks_set_on_frame_send_callback(
        cb, [](nghttp2_session *, const nghttp2_frame *f, void *u) { return self(u)->onFrameSend(*f); });
    return cb;
}

// One set for every session of the process (nghttp2 copies nothing from it per session).
nghttp2_session_callbacks *callbacks()
{
    static nghttp2_session_callbacks *const cb = makeCallbacks();
    return cb;
}

// llhttp's method codes, for the exchange (HEAD, retries of idempotent
// methods, CONNECT refused) — the methods a client may send over h2.
int methodCode(std::string_view m)
{
    static constexpr std::pair<std::string_view, int> kMethods[] = {
        {"GET", HTTP_GET},       {"HEAD", HTTP_HEAD},         {"POST", HTTP_POST},     {"PUT", HTTP_PUT},
        {"DELETE", HTTP_DELETE}, {"OPTIONS", HTTP_OPTIONS},   {"PATCH", HTTP_PATCH},   {"CONNECT", HTTP_CONNECT},
        {"TRACE", HTTP_TRACE},   {"PROPFIND", HTTP_PROPFIND}, {"MKCOL", HTTP_MKCOL},   {"COPY", HTTP_COPY},
        {"MOVE", HTTP_MOVE},     {"LOCK", HTTP_LOCK},         {"UNLOCK", HTTP_UNLOCK}, {"PURGE", HTTP_PURGE},
    };
    for (const auto &[name, code] : kMethods)
        if (m == name)
            return code;
    return -1; // an extension method: forwarded as written, never retried
}

// Collects what StaticFile::sendSome would send, up to a slice, into a string.
class SliceSink final : public Transport {
public:
    explicit SliceSink(std::string &to) : m_to(to) {}
    IoResult read(char *, size_t) override { return {Io::Again, 0, 0}; }
    IoResult write(const char *data, size_t size) override
    {
        m_to.append(data, size);
        return {Io::Done, size, 0};
    }
    IoResult sendFile(int fileFd, off_t &offset, size_t count) override
    {
        if (m_taken >= kFileSlice)
            return {Io::Again, 0, 0};
        const size_t want = std::min(count, kFileSlice - m_taken);
        const size_t at = m_to.size();
        m_to.resize(at + want);
        const ssize_t n = ::pread(fileFd, m_to.data() + at, want, offset);
        if (n <= 0) {
            m_to.resize(at);
            return {Io::Failed, 0, n < 0 ? errno : 0};
        }
        m_to.resize(at + size_t(n));
        offset += n;
        m_taken += size_t(n);
        return {Io::Done, size_t(n), 0};
    }
    void shutdownWrite() override {}
    void setNoDelay() override {}

private:
    std::string &m_to;
    size_t m_taken = 0;
};

// Header fields for nghttp2: names lowercased (RFC 9113 8.2.1), the strings
// kept here until submit copies them.
class FieldList {
public:
    void add(std::string_view name, std::string_view value)
    {
        std::string lower(name);
        for (char &c : lower)
            if (c >= 'A' && c <= 'Z')
                c = char(c - 'A' + 'a');
        m_strings.emplace_back(std::move(lower));
        m_strings.emplace_back(value);
    }
    std::vector<nghttp2_nv> &nva()
    {
        m_nva.clear();
        for (size_t i = 0; i + 1 < m_strings.size(); i += 2) {
            auto &n = m_strings[i];
            auto &v = m_strings[i + 1];
            m_nva.push_back({reinterpret_cast<uint8_t *>(n.data()), reinterpret_cast<uint8_t *>(v.data()), n.size(),
                             v.size(), NGHTTP2_NV_FLAG_NONE});
        }
        return m_nva;
    }

private:
    std::deque<std::string> m_strings; // stable addresses
    std::vector<nghttp2_nv> m_nva;
};

// "Name: value\r\n" lines (Downstream::sendLocal's extra headers, a static file's head).
void addHeaderLines(FieldList &fields, std::string_view lines)
{
    while (!lines.empty()) {
        const size_t end = lines.find("\r\n");
        const std::string_view line = lines.substr(0, end);
        lines = end == std::string_view::npos ? std::string_view() : lines.substr(end + 2);
        const size_t colon = line.find(':');
        if (colon == std::string_view::npos || colon == 0)
            continue;
        const std::string_view name = line.substr(0, colon);
        std::string_view value = line.substr(colon + 1);
        while (!value.empty() && (value.front() == ' ' || value.front() == '\t'))
            value.remove_prefix(1);
        if (!isHopByHop(name, nullptr))
            fields.add(name, value);
    }
}

} // namespace

bool FrameBudget::take(int64_t nowMicros, double perSecond, double burst)
{
    if (lastMicros == 0)
        tokens = burst;
    else
        tokens = std::min(burst, tokens + double(nowMicros - lastMicros) * perSecond / 1e6);
    lastMicros = nowMicros;
    if (tokens < 1)
        return false;
    tokens -= 1;
    return true;
}

// ---- one stream: a request, its Exchange, and the response's framing ----

class Http2Session::Stream final : public Downstream {
public:
    Stream(Http2Session &s, int32_t streamId) : session(s), id(streamId), exchange(s.m_host, *this, s.m_clientIp) {}
    ~Stream() override { delete file; }

    Http2Session &session;
    const int32_t id;
    ParsedHead head;
    RequestVerdict verdict;
    std::string authority, scheme, cookie;
    bool hasMethod = false, hasPath = false, hasAuthority = false;
    size_t headerBytes = 0;
    bool dispatched = false;  // the exchange has the request
    bool requestDone = false; // END_STREAM from the client
    bool inTrailers = false;
    std::string trailerLines; // "Name: value\r\n", for a chunked upstream
    bool hasContentLength = false;
    uint64_t contentLength = 0, bodyBytes = 0;
    size_t unconsumed = 0; // DATA bytes not yet given back to the client's window
    bool headRequest = false;
    bool responseSubmitted = false, responseEnded = false, closed = false;
    std::string body;   // response bytes the data provider has not taken
    FieldList trailers; // of the response: a HEADERS frame ends the stream after the body
    bool hasTrailers = false;
    size_t bodyPos = 0;
    bool deferred = false;
    mutable bool wasBackedUp = false;
    bool budgetPaused = false; // in the session's m_budgetPaused
    StaticFile *file = nullptr;
    Exchange exchange;

    size_t buffered() const { return body.size() - bodyPos; }

    void submit(FieldList &fields, bool withBody)
    {
        responseSubmitted = true;
        nghttp2_data_provider provider{};
        provider.read_callback = [](nghttp2_session *, int32_t sid, uint8_t *buf, size_t len, uint32_t *flags,
                                    nghttp2_data_source *,
                                    void *u) { return self(u)->readResponse(sid, buf, len, flags); };
        auto &nva = fields.nva();
        nghttp2_submit_response(session.m_session, id, nva.data(), nva.size(), withBody ? &provider : nullptr);
    }
    void resume()
    {
        if (deferred && responseSubmitted) {
            deferred = false;
            nghttp2_session_resume_data(session.m_session, id);
        }
    }

    // Downstream
    void sendInterim(int status, std::string_view) override
    {
        if (closed || status == 101)
            return;
        FieldList fields;
        fields.add(":status", std::to_string(status));
        auto &nva = fields.nva();
        nghttp2_submit_headers(session.m_session, NGHTTP2_FLAG_NONE, id, nullptr, nva.data(), nva.size(), nullptr);
        session.flushOut();
    }
    void sendHead(const ResponseHead &r) override
    {
        if (closed)
            return;
        if (r.status == 101) // no Upgrade over h2 (RFC 9113 8.6)
            return session.resetStream(*this, NGHTTP2_PROTOCOL_ERROR);
        FieldList fields;
        fields.add(":status", std::to_string(r.status));
        for (const auto &[k, v] : *r.headers)
            if (!isHopByHop(k, r.connectionTokens) && !k.empty())
                fields.add(k, v);
        const ListenerView &listener = session.m_host.view()->listeners[session.m_listenerIndex];
        if (listener.config->served_by_header())
            fields.add("x-served-by", session.m_host.node());
        const bool withBody = r.body != ResponseHead::Body::None && !headRequest;
        submit(fields, withBody);
        if (!withBody)
            responseEnded = true;
    }
    void sendBody(std::string_view data) override
    {
        if (closed || headRequest)
            return;
        if (bodyPos > (64u << 10) && bodyPos * 2 > body.size()) {
            body.erase(0, bodyPos);
            bodyPos = 0;
        }
        body.append(data);
        session.m_responseBuffered += data.size();
        resume();
    }
    void sendTrailers(const HeaderList &fields) override
    {
        if (closed || headRequest)
            return;
        for (const auto &[k, v] : fields)
            trailers.add(k, v);
        hasTrailers = true;
    }
    void sendEnd() override
    {
        responseEnded = true;
        if (closed)
            return;
        resume();
        session.flushOut();
    }
    void sendLocal(int status, std::string_view text, bool, std::string_view extraHeaders) override
    {
        if (closed)
            return;
        FieldList fields;
        fields.add(":status", std::to_string(status));
        addHeaderLines(fields, extraHeaders);
        fields.add("content-type", "text/plain; charset=utf-8");
        fields.add("content-length", std::to_string(text.size()));
        const bool withBody = !headRequest && !text.empty();
        if (withBody) {
            session.m_responseBuffered -= buffered();
            body.assign(text);
            bodyPos = 0;
            session.m_responseBuffered += body.size();
        }
        responseEnded = true;
        submit(fields, withBody);
        session.flushOut();
    }
    void sendStatic(StaticFile *f) override
    {
        if (closed) {
            delete f;
            return;
        }
        FieldList fields;
        fields.add(":status", std::to_string(f->status()));
        std::string h = f->head(true);
        const size_t first = h.find("\r\n");
        addHeaderLines(fields, std::string_view(h).substr(first == std::string::npos ? h.size() : first + 2));
        const ListenerView &listener = session.m_host.view()->listeners[session.m_listenerIndex];
        if (listener.config->served_by_header())
            fields.add("x-served-by", session.m_host.node());
        const bool withBody = !headRequest && !f->empty();
        if (withBody)
            file = f;
        else
            delete f;
        responseEnded = true;
        submit(fields, withBody);
        session.flushOut();
    }
    void abort() override { session.resetStream(*this, NGHTTP2_INTERNAL_ERROR); }
    void flush() override { session.flushOut(); }
    bool backedUp() const override
    {
        if (buffered() > kStreamBuffer)
            wasBackedUp = true;
        if (session.overBudget()) {
            if (!budgetPaused) {
                const_cast<Stream *>(this)->budgetPaused = true;
                session.m_budgetPaused.push_back(id);
            }
            return true;
        }
        return wasBackedUp && buffered() > kStreamBuffer / 2;
    }
    void pauseRequestBody(bool paused) override
    {
        if (paused || closed)
            return;
        if (unconsumed && exchange.upstreamPending() < kRequestHeld && !session.overBudget()) {
            session.consumeHeld(*this);
            session.flushOut(); // the WINDOW_UPDATE
        }
        if (!session.dead)
            session.budgetFreed(); // the backend took request bytes
    }
    void startTunnel() override { abort(); }
    void tunnelData(std::string_view) override {}
    void tunnelEnded() override {}
};

// ---- the connection ----

Http2Session::Http2Session(SessionHost &host, int fd_, size_t listenerIndex, std::string clientIp, Transport *transport)
    : m_host(host), m_listenerIndex(listenerIndex), m_socket(fd_), m_transport(transport ? transport : &m_socket),
      m_clientIp(std::move(clientIp)), m_interest(kInitialInterest)
{
    fd = fd_;
    clientConnection = true;
    const ListenerView &listener = host.view()->listeners[m_listenerIndex];
    const v1::Listener &config = *listener.config;
    m_listenerRt = listener.rt;
    m_listenerRt->active.fetch_add(1, std::memory_order_relaxed);
    m_listenerRt->h2Active.fetch_add(1, std::memory_order_relaxed);
    m_maxStreams = config::http2MaxStreams(config);
    m_maxHeaderList = config::http2MaxHeaderListBytes(config);
    m_maxBodyBytes = config::maxBodyBytes(config);
    m_idleMicros = int64_t(config::http2IdleTimeoutMs(config)) * 1000;
    m_bufferCap = config::http2MaxConnectionBufferBytes(config);
    m_progressMicros = host.now();
    deadlineMicros = m_progressMicros + m_idleMicros;

    // nghttp2's allocations for this connection are counted and capped.
    m_mem.mem_user_data = this;
    m_mem.malloc = [](size_t n, void *u) { return self(u)->allocate(n); };
    m_mem.free = [](void *p, void *u) { self(u)->release(p); };
    m_mem.calloc = [](size_t n, size_t size, void *u) {
        void *p = size && n > SIZE_MAX / size ? nullptr : self(u)->allocate(n * size);
        if (p)
            std::memset(p, 0, n * size);
        return p;
    };
    m_mem.realloc = [](void *p, size_t n, void *u) { return self(u)->reallocate(p, n); };

    nghttp2_option *option;
    nghttp2_option_new(&option);
    nghttp2_option_set_no_auto_window_update(option, 1);                 // the window follows the upstream (consume)
    nghttp2_option_set_max_outbound_ack(option, 1000);                   // PING/SETTINGS ACKs the client does not read
    nghttp2_option_set_max_settings(option, 32);                         // entries in one SETTINGS frame
    nghttp2_option_set_max_continuations(option, kMaxContinuations * 2); // our own budget trips first
    nghttp2_option_set_stream_reset_rate_limit(option, uint64_t(kResetBurst * 2), uint64_t(kResetsPerSecond * 2));
    nghttp2_option_set_max_deflate_dynamic_table_size(option, 4096);
    nghttp2_session_server_new3(&m_session, callbacks(), this, option, &m_mem);
    nghttp2_option_del(option);

    const nghttp2_settings_entry settings[] = {
        {NGHTTP2_SETTINGS_MAX_CONCURRENT_STREAMS, m_maxStreams},
        {NGHTTP2_SETTINGS_INITIAL_WINDOW_SIZE, config::http2InitialWindow(config)},
        {NGHTTP2_SETTINGS_MAX_FRAME_SIZE, config::http2MaxFrameBytes(config)},
        {NGHTTP2_SETTINGS_MAX_HEADER_LIST_SIZE, m_maxHeaderList},
        {NGHTTP2_SETTINGS_ENABLE_PUSH, 0},
    };
    nghttp2_submit_settings(m_session, NGHTTP2_FLAG_NONE, settings, std::size(settings));
    nghttp2_session_set_local_window_size(m_session, NGHTTP2_FLAG_NONE, 0, int32_t(kConnectionWindow));
}

Http2Session::Http2Session(SessionHost &host, int fd_, size_t listenerIndex, std::string clientIp,
                           std::unique_ptr<Transport> transport)
    : Http2Session(host, fd_, listenerIndex, std::move(clientIp), transport.get())
{
    m_ownedTransport = std::move(transport);
}

Http2Session::~Http2Session()
{
    for (auto &[id, s] : m_streams) {
        s->exchange.clientGone();
        m_listenerRt->h2Streams.fetch_sub(1, std::memory_order_relaxed);
    }
    m_streams.clear();
    m_closed.clear();
    nghttp2_session_del(m_session);
    m_listenerRt->h2Active.fetch_sub(1, std::memory_order_relaxed);
    m_listenerRt->active.fetch_sub(1, std::memory_order_relaxed);
}

void *Http2Session::allocate(size_t size)
{
    if (m_memory + size > kMemoryCap) {
        m_memoryExceeded = true;
        return nullptr;
    }
    void *p = std::malloc(size);
    if (p)
        m_memory += malloc_usable_size(p);
    return p;
}

void Http2Session::release(void *p)
{
    if (!p)
        return;
    m_memory -= malloc_usable_size(p);
    std::free(p);
}

void *Http2Session::reallocate(void *p, size_t size)
{
    const size_t before = p ? malloc_usable_size(p) : 0;
    if (size > before && m_memory + (size - before) > kMemoryCap) {
        m_memoryExceeded = true;
        return nullptr;
    }
    void *q = std::realloc(p, size);
    if (q || size == 0) {
        m_memory -= before;
        m_memory += q ? malloc_usable_size(q) : 0;
    }
    return q;
}

void Http2Session::start(std::string_view alreadyRead)
{
    if (!alreadyRead.empty())
        feed(alreadyRead.data(), alreadyRead.size());
    if (!dead)
        flushOut();
}

Http2Session::Stream *Http2Session::stream(int32_t id) const
{
    const auto it = m_streams.find(id);
    return it == m_streams.end() ? nullptr : it->second.get();
}

void Http2Session::onEvent(uint32_t events)
{
    sweepClosed();
    if (events & (EPOLLIN | EPOLLHUP | EPOLLERR))
        readClient();
    if (dead)
        return;
    flushOut();
}

void Http2Session::readClient()
{
    char buf[16384];
    for (int rounds = 0; rounds < 8 && !m_terminated && !m_clientEof; ++rounds) {
        if (m_out.pending() > kOutStopReading)
            break;
        const IoResult r = m_transport->read(buf, sizeof buf);
        if (r.status == Io::Again)
            break;
        if (r.status != Io::Done)
            return close(); // EOF or reset: the streams go with the connection
        feed(buf, r.bytes);
        if (dead)
            return;
        if (r.bytes < sizeof buf && !m_transport->pending())
            break;
    }
}

void Http2Session::feed(const char *data, size_t size)
{
    m_inNghttp2 = true;
    const ssize_t n = nghttp2_session_mem_recv(m_session, reinterpret_cast<const uint8_t *>(data), size);
    m_inNghttp2 = false;
    if (n < 0) {
        // A fatal error (NOMEM, a callback's failure, a flood nghttp2 caught):
        // say GOAWAY if we still can, then close.
        setGoawayReason(m_memoryExceeded ? stats::Goaway::Memory : stats::Goaway::Protocol);
        nghttp2_session_terminate_session(m_session, NGHTTP2_INTERNAL_ERROR);
        m_terminated = true;
        m_closing = true;
    }
}

void Http2Session::flushOut()
{
    if (dead)
        return;
    if (m_inNghttp2 || m_flushing) { // the outer pass sends it
        m_wantFlush = true;
        return;
    }
    m_flushing = true;
    flushPass();
    m_flushing = false;
    if (dead)
        return;
    if (m_failed)
        return close();
    if (m_out.pending() == 0 &&
        (m_closing || m_clientEof || (!nghttp2_session_want_read(m_session) && !nghttp2_session_want_write(m_session))))
        return close();
    if (m_draining && m_streams.empty() && m_out.pending() == 0)
        return close();
    updateInterest();
}

void Http2Session::flushPass()
{
    // A client that takes everything at once (a big socket buffer, a fast
    // reader) could keep this pass going forever: after 64 rounds it yields,
    // and EPOLLOUT brings it back (m_moreToSend) after the other connections.
    m_moreToSend = false;
    for (int rounds = 0; rounds < 64; ++rounds) {
        if (rounds == 63)
            m_moreToSend = true;
        m_wantFlush = false;
        while (m_out.pending() < kOutHigh) {
            const uint8_t *data = nullptr;
            m_inNghttp2 = true;
            const ssize_t n = nghttp2_session_mem_send(m_session, &data);
            m_inNghttp2 = false;
            if (n < 0) {
                if (!m_terminated)
                    setGoawayReason(m_memoryExceeded ? stats::Goaway::Memory : stats::Goaway::Protocol);
                m_failed = true;
                return;
            }
            if (n == 0)
                break;
            if (m_out.offset == m_out.data.size()) {
                m_out.data.clear();
                m_out.offset = 0;
            } else if (m_out.offset > (64u << 10)) {
                m_out.data.erase(0, m_out.offset);
                m_out.offset = 0;
            }
            m_out.append(std::string_view(reinterpret_cast<const char *>(data), size_t(n)));
        }
        if (!m_out.flushTo(*m_transport)) {
            m_failed = true;
            return;
        }
        if (m_out.pending() == 0) {
            m_out.data.clear();
            m_out.offset = 0;
        }
        // Streams whose buffers drained: their backends may send again (this
        // may append response bytes and ask for another flush).
        while (!m_drained.empty()) {
            const int32_t id = m_drained.back();
            m_drained.pop_back();
            if (Stream *s = stream(id); s && !s->closed)
                s->exchange.clientDrained();
            if (dead)
                return;
        }
        if (!m_wantFlush && (m_out.pending() || !nghttp2_session_want_write(m_session))) {
            m_moreToSend = false;
            break;
        }
    }
}

void Http2Session::updateInterest()
{
    if (dead)
        return;
    // EPOLLRDHUP only beside EPOLLIN: epoll is level-triggered, so a client's
    // end seen while reading is paused would be reported on every turn (spin).
    uint32_t want = 0;
    const bool reading = !m_terminated && !m_clientEof && m_out.pending() <= kOutStopReading;
    if (reading)
        want |= EPOLLIN | EPOLLRDHUP;
    if (reading && m_transport->pending())
        m_host.readAgain(this); // records read ahead: no epoll event will come for them
    if (m_out.pending() || m_moreToSend || (reading && m_transport->readNeedsWritable()))
        want |= EPOLLOUT;
    if (want != m_interest) {
        m_interest = want;
        m_host.modify(this, want);
    }
}

void Http2Session::progress()
{
    m_progressMicros = m_host.now();
    if (!m_terminated)
        deadlineMicros = m_progressMicros + m_idleMicros;
}

// No stream opened, closed or moved DATA for the idle timeout: GOAWAY. This
// ends idle connections, clients that never open their window (the response
// cannot move) and clients that keep a connection with PINGs alone.
void Http2Session::onTimer(int64_t now)
{
    if (!deadlineMicros || now < deadlineMicros)
        return;
    sweepClosed();
    if (m_terminated || m_closing) { // the GOAWAY had its chance to leave
        return close();
    }
    terminate(stats::Goaway::Idle, NGHTTP2_NO_ERROR);
    flushOut();
}

void Http2Session::drain()
{
    if (m_draining || m_terminated || dead)
        return;
    m_draining = true;
    setGoawayReason(stats::Goaway::Drain);
    nghttp2_submit_goaway(m_session, NGHTTP2_FLAG_NONE, nghttp2_session_get_last_proc_stream_id(m_session),
                          NGHTTP2_NO_ERROR, nullptr, 0);
    flushOut();
}

// Counted when the frame leaves (onFrameSend), by the reason last given;
// one nghttp2 sends on its own (a connection error it found) is Protocol.
void Http2Session::setGoawayReason(stats::Goaway reason)
{
    m_goawayReason = reason;
    m_goawayReasonSet = true;
}

// The connection ends: GOAWAY with `errorCode`, counted once by `reason`;
// the open streams are dropped with it. A second of grace for the GOAWAY
// to leave (a client that reads nothing gets no more).
void Http2Session::terminate(stats::Goaway reason, uint32_t errorCode)
{
    if (m_terminated)
        return;
    m_terminated = true;
    m_closing = true;
    setGoawayReason(reason);
    nghttp2_session_terminate_session(m_session, errorCode);
    deadlineMicros = m_host.now() + 1'000'000;
    flushOut();
}

void Http2Session::resetStream(Stream &s, uint32_t errorCode)
{
    if (s.closed)
        return;
    nghttp2_submit_rst_stream(m_session, NGHTTP2_FLAG_NONE, s.id, errorCode);
    flushOut();
}

void Http2Session::sweepClosed()
{
    m_closed.clear();
}

void Http2Session::close()
{
    if (dead)
        return;
    for (auto &[id, s] : m_streams)
        s->exchange.clientGone();
    m_transport->closing();
    m_host.destroy(this);
}

// ---- nghttp2 callbacks ----

int Http2Session::onBeginFrame(const nghttp2_frame_hd &hd)
{
    const int64_t now = m_host.now();
    switch (hd.type) {
    case NGHTTP2_HEADERS:
        m_continuations = 0;
        break;
    case NGHTTP2_CONTINUATION:
        if (++m_continuations > kMaxContinuations)
            terminate(stats::Goaway::Continuation, NGHTTP2_ENHANCE_YOUR_CALM);
        break;
    case NGHTTP2_PING:
    case NGHTTP2_SETTINGS:
    case NGHTTP2_PRIORITY:
        if (!(hd.flags & NGHTTP2_FLAG_ACK) && !m_control.take(now, kControlPerSecond, kControlBurst))
            terminate(stats::Goaway::ControlFlood, NGHTTP2_ENHANCE_YOUR_CALM);
        break;
    case NGHTTP2_DATA:
        if (hd.length == 0 && !(hd.flags & NGHTTP2_FLAG_END_STREAM) &&
            !m_control.take(now, kControlPerSecond, kControlBurst))
            terminate(stats::Goaway::ControlFlood, NGHTTP2_ENHANCE_YOUR_CALM);
        break;
    default:
        break;
    }
    return 0;
}

int Http2Session::onBeginHeaders(const nghttp2_frame &frame)
{
    if (frame.hd.type != NGHTTP2_HEADERS || frame.headers.cat != NGHTTP2_HCAT_REQUEST)
        return 0;
    if (m_terminated || m_draining)
        return NGHTTP2_ERR_TEMPORAL_CALLBACK_FAILURE;
    // Beyond the advertised limit (the client may not have our SETTINGS yet,
    // or ignores them): refused, and a refusal costs from the control budget.
    if (m_streams.size() >= m_maxStreams) { // counted when the reset is sent (onFrameSend)
        nghttp2_submit_rst_stream(m_session, NGHTTP2_FLAG_NONE, frame.hd.stream_id, NGHTTP2_REFUSED_STREAM);
        return 0; // no Stream: its fields and frames are ignored until the reset leaves
    }
    auto s = std::make_unique<Stream>(*this, frame.hd.stream_id);
    nghttp2_session_set_stream_user_data(m_session, frame.hd.stream_id, s.get());
    m_streams.emplace(frame.hd.stream_id, std::move(s));
    m_listenerRt->h2Streams.fetch_add(1, std::memory_order_relaxed);
    m_listenerRt->h2StreamsTotal.fetch_add(1, std::memory_order_relaxed);
    progress();
    return 0;
}

int Http2Session::onHeader(const nghttp2_frame &frame, std::string_view name, std::string_view value)
{
    if (m_terminated)
        return 0;
    Stream *s = stream(frame.hd.stream_id);
    if (!s)
        return 0;
    // The decoded list, counted as RFC 7541 sizes it: an HPACK bomb (a few
    // bytes that index a big table entry again and again) ends here.
    s->headerBytes += name.size() + value.size() + kFieldOverhead;
    if (s->headerBytes > m_maxHeaderList) {
        terminate(stats::Goaway::HeaderList, NGHTTP2_ENHANCE_YOUR_CALM);
        return NGHTTP2_ERR_TEMPORAL_CALLBACK_FAILURE;
    }
    // Connection-specific fields make the request malformed (RFC 9113
    // 8.2.2); nghttp2 checks this too, this is the same rule said here.
    if (isHopByHop(name, nullptr) && !(name == "te" && value == "trailers"))
        return NGHTTP2_ERR_TEMPORAL_CALLBACK_FAILURE;
    if (frame.headers.cat == NGHTTP2_HCAT_HEADERS) { // trailers
        if (!name.empty() && name[0] != ':' && name != "te") {
            s->trailerLines.append(name).append(": ").append(value).append("\r\n");
        }
        return 0;
    }
    if (!name.empty() && name[0] == ':') {
        if (name == ":method") {
            s->head.method.assign(value);
            s->hasMethod = true;
        } else if (name == ":path") {
            s->head.url.assign(value);
            s->hasPath = true;
        } else if (name == ":authority") {
            s->authority.assign(value);
            s->hasAuthority = true;
        } else if (name == ":scheme") {
            s->scheme.assign(value);
        }
        return 0;
    }
    if (name == "te")
        return 0;           // "trailers": hop-by-hop, not forwarded
    if (name == "cookie") { // RFC 9113 8.2.3: one field again for HTTP/1.1
        if (!s->cookie.empty())
            s->cookie.append("; ");
        s->cookie.append(value);
        return 0;
    }
    if (name == "content-length") {
        uint64_t v = 0;
        const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), v);
        if (ec != std::errc() || end != value.data() + value.size() || s->hasContentLength)
            return NGHTTP2_ERR_TEMPORAL_CALLBACK_FAILURE;
        s->hasContentLength = true;
        s->contentLength = v;
    }
    auto &field = s->head.headers.emplace_back();
    field.first.assign(name);
    field.second.assign(value);
    s->head.bytes += name.size() + value.size() + 4;
    return 0;
}

int Http2Session::onFrameRecv(const nghttp2_frame &frame)
{
    switch (frame.hd.type) {
    case NGHTTP2_RST_STREAM:
        m_listenerRt->h2ResetsReceived.fetch_add(1, std::memory_order_relaxed);
        // Rapid reset (CVE-2023-44487): every reset stream cost a backend
        // request; past the budget the connection ends.
        if (!m_resets.take(m_host.now(), kResetsPerSecond, kResetBurst))
            terminate(stats::Goaway::RapidReset, NGHTTP2_ENHANCE_YOUR_CALM);
        return 0;
    case NGHTTP2_HEADERS: {
        if (m_terminated)
            return 0;
        Stream *s = stream(frame.hd.stream_id);
        if (!s)
            return 0;
        const bool end = frame.hd.flags & NGHTTP2_FLAG_END_STREAM;
        if (frame.headers.cat == NGHTTP2_HCAT_REQUEST) {
            dispatch(*s, end);
            if (end && !s->closed && stream(frame.hd.stream_id))
                finishRequest(*s);
        } else if (end) {
            finishRequest(*s); // trailers end the request
        }
        return 0;
    }
    case NGHTTP2_DATA:
        if (frame.hd.flags & NGHTTP2_FLAG_END_STREAM)
            if (Stream *s = stream(frame.hd.stream_id); s && !m_terminated)
                finishRequest(*s);
        return 0;
    default:
        return 0;
    }
}

// A request head from the pseudo-headers: :authority becomes Host (RFC 9113
// 8.3.1; a Host that differs is refused), then the HTTP/1 rules apply.
void Http2Session::dispatch(Stream &s, bool endStream)
{
    const std::shared_ptr<ClusterView> &view = m_host.view();
    ParsedHead &head = s.head;
    const std::string *host = head.find("host");
    bool refused = false;
    std::string_view why;
    if (s.hasAuthority) {
        if (host && *host != s.authority) {
            refused = true;
            why = ":authority and Host differ";
        } else if (!host) {
            auto &f = head.headers.emplace_back();
            f.first = "host";
            f.second = s.authority;
        }
    }
    if (!s.cookie.empty()) {
        auto &f = head.headers.emplace_back();
        f.first = "cookie";
        f.second = s.cookie;
    }
    const int code = methodCode(head.method);
    s.headRequest = code == HTTP_HEAD;
    if (code == HTTP_CONNECT) { // as for HTTP/1 (no :path to check)
        refused = true;
        why = "CONNECT is not proxied";
        s.verdict.status = 405;
    }
    http::RequestFacts facts;
    facts.head = &head;
    facts.methodCode = code < 0 ? HTTP_GET : code;
    facts.versionMajor = 1; // the HTTP/1.1 rules: exactly one Host
    facts.versionMinor = 1;
    facts.hasContentLength = s.hasContentLength;
    facts.contentLength = s.contentLength;
    http::RequestLimits limits;
    limits.maxBodyBytes = m_maxBodyBytes;
    if (!refused && (!s.hasMethod || !s.hasPath)) {
        refused = true;
        why = "request without :method or :path";
    }
    if (!refused) {
        s.verdict = http::checkRequestHead(facts, limits);
        if (!s.verdict.ok()) {
            refused = true;
            why = s.verdict.reason;
        }
    }
    s.dispatched = true;
    if (refused) {
        const int status = s.verdict.status ? s.verdict.status : 400;
        m_listenerRt->countReject(status);
        s.exchange.logRefused(view, m_listenerIndex, head, status, 2, 0);
        s.sendLocal(status, std::string(reasonOf(status)) + ": " + std::string(why) + "\n", true, {});
        return;
    }
    RequestStart start;
    start.head = &head;
    start.verdict = &s.verdict;
    start.methodCode = code < 0 ? HTTP_GET : code;
    start.versionMajor = 2;
    start.versionMinor = 0;
    start.keepAlive = true;
    start.hasBody = !endStream;
    start.chunked = start.hasBody && !s.hasContentLength; // no length: chunked upstream (trailers pass)
    start.expectContinue = s.verdict.expectContinue;
    start.scheme = m_scheme;
    s.exchange.begin(view, m_listenerIndex, start);
}

// END_STREAM: the body must be as long as its content-length said
// (RFC 9113 8.1.1); a mismatch is a stream error and the upstream never
// gets a complete request.
void Http2Session::finishRequest(Stream &s)
{
    if (s.requestDone || s.closed)
        return;
    s.requestDone = true;
    if (s.hasContentLength && s.bodyBytes != s.contentLength) {
        s.exchange.clientGone();
        return resetStream(s, NGHTTP2_PROTOCOL_ERROR);
    }
    s.exchange.requestEnd(s.trailerLines);
}

int Http2Session::onDataChunk(uint8_t, int32_t streamId, const uint8_t *data, size_t len)
{
    Stream *s = stream(streamId);
    if (!s || m_terminated || s->closed) {
        nghttp2_session_consume(m_session, streamId, len);
        return 0;
    }
    progress();
    s->bodyBytes += len;
    if (s->hasContentLength && s->bodyBytes > s->contentLength) {
        nghttp2_session_consume(m_session, streamId, len);
        s->exchange.clientGone();
        resetStream(*s, NGHTTP2_PROTOCOL_ERROR);
        return 0;
    }
    if (s->bodyBytes > m_maxBodyBytes) {
        nghttp2_session_consume(m_session, streamId, len);
        if (!s->exchange.upstreamHasRequest() && !s->responseSubmitted) {
            s->exchange.respond(413, "Payload Too Large: body over the listener's max_body_bytes\n", true);
        } else {
            s->exchange.clientGone();
            resetStream(*s, NGHTTP2_CANCEL);
        }
        return 0;
    }
    s->exchange.requestBody(text(data, len));
    if (stream(streamId) != s || s->closed)
        return 0;
    // Flow control follows the upstream: bytes it has not taken stay out of
    // the client's window until Exchange::resumeFromUpstream (which comes
    // once the backend connection holds less than kRequestHeld).
    if (s->exchange.upstreamPending() >= kRequestHeld || s->exchange.backendBackedUp() || overBudget())
        s->unconsumed += len;
    else
        nghttp2_session_consume(m_session, streamId, len);
    return 0;
}

int Http2Session::onStreamClose(int32_t streamId, uint32_t)
{
    const auto it = m_streams.find(streamId);
    if (it == m_streams.end())
        return 0;
    Stream &s = *it->second;
    s.closed = true;
    if (s.unconsumed)
        nghttp2_session_consume_connection(m_session, s.unconsumed);
    s.unconsumed = 0;
    m_responseBuffered -= s.buffered(); // dropped with the stream
    if (!s.requestDone || !s.responseEnded || s.buffered() || s.file)
        s.exchange.clientGone(); // a reset or an unfinished response: drop the upstream
    m_listenerRt->h2Streams.fetch_sub(1, std::memory_order_relaxed);
    m_closed.push_back(std::move(it->second));
    m_streams.erase(it);
    progress();
    budgetFreed(); // its request copy and upstream went with it
    return 0;
}

int Http2Session::onFrameSend(const nghttp2_frame &frame)
{
    if (frame.hd.type == NGHTTP2_GOAWAY) {
        const stats::Goaway reason = m_goawayReasonSet ? m_goawayReason : stats::Goaway::Protocol;
        m_listenerRt->h2Goaway[size_t(reason)].fetch_add(1, std::memory_order_relaxed);
        m_goawayReasonSet = false;
    }
    // Streams refused beyond the limit (by nghttp2 itself or by us) cost
    // from the control budget: opening them in a loop is a flood too.
    if (frame.hd.type == NGHTTP2_RST_STREAM && frame.rst_stream.error_code == NGHTTP2_REFUSED_STREAM &&
        !m_control.take(m_host.now(), kControlPerSecond, kControlBurst))
        terminate(stats::Goaway::ControlFlood, NGHTTP2_ENHANCE_YOUR_CALM);
    // The response ended while the client still sends its request (a refusal,
    // a 413): NO_ERROR reset, so the client stops (RFC 9113 8.1).
    if ((frame.hd.type == NGHTTP2_HEADERS || frame.hd.type == NGHTTP2_DATA) &&
        (frame.hd.flags & NGHTTP2_FLAG_END_STREAM))
        if (Stream *s = stream(frame.hd.stream_id); s && !s->requestDone)
            nghttp2_submit_rst_stream(m_session, NGHTTP2_FLAG_NONE, s->id, NGHTTP2_NO_ERROR);
    return 0;
}

ssize_t Http2Session::readResponse(int32_t streamId, uint8_t *buf, size_t length, uint32_t *flags)
{
    Stream *s = stream(streamId);
    if (!s)
        return NGHTTP2_ERR_TEMPORAL_CALLBACK_FAILURE;
    if (s->file && s->buffered() < length) {
        SliceSink sink(s->body);
        const size_t was = s->buffered();
        const bool sent = s->file->sendSome(sink);
        m_responseBuffered += s->buffered() - was;
        if (!sent)
            return NGHTTP2_ERR_TEMPORAL_CALLBACK_FAILURE;
        if (s->file->done()) {
            delete s->file;
            s->file = nullptr;
        }
    }
    const size_t before = s->buffered();
    const size_t n = std::min(before, length);
    std::memcpy(buf, s->body.data() + s->bodyPos, n);
    s->bodyPos += n;
    m_responseBuffered -= n;
    if (s->bodyPos == s->body.size()) {
        s->body.clear();
        s->bodyPos = 0;
    }
    if (n)
        progress();
    if (s->wasBackedUp && s->buffered() <= kStreamBuffer / 2) {
        s->wasBackedUp = false;
        m_drained.push_back(streamId);
    }
    if (n)
        budgetFreed();
    if (s->buffered() == 0 && s->responseEnded && !s->file) {
        *flags |= NGHTTP2_DATA_FLAG_EOF;
        if (s->hasTrailers) { // they end the stream, not this DATA frame
            auto &nva = s->trailers.nva();
            if (nghttp2_submit_trailer(m_session, streamId, nva.data(), nva.size()) != 0)
                return NGHTTP2_ERR_TEMPORAL_CALLBACK_FAILURE; // the stream is reset: never an end without them
            *flags |= NGHTTP2_DATA_FLAG_NO_END_STREAM;
        }
        return ssize_t(n);
    }
    if (n == 0) {
        s->deferred = true;
        return NGHTTP2_ERR_DEFERRED;
    }
    return ssize_t(n);
}

// ---- the connection's budget ----

size_t Http2Session::requestHeld() const
{
    size_t held = 0;
    for (const auto &[id, s] : m_streams)
        held += s->exchange.requestHeld();
    return held;
}

bool Http2Session::overBudget()
{
    if (!m_overBudget && bufferedBytes() > m_bufferCap)
        m_overBudget = true;
    return m_overBudget;
}

// Drained to half the cap: the paused backends read again and the held
// windows open (hysteresis, so a busy connection does not flap at the cap).
void Http2Session::budgetFreed()
{
    if (!m_overBudget || bufferedBytes() > m_bufferCap / 2)
        return;
    m_overBudget = false;
    for (const int32_t id : m_budgetPaused)
        if (Stream *s = stream(id)) {
            s->budgetPaused = false;
            m_drained.push_back(id);
        }
    m_budgetPaused.clear();
    bool opened = false;
    for (auto &[id, s] : m_streams)
        if (s->unconsumed && !s->closed && s->exchange.upstreamPending() < kRequestHeld &&
            !s->exchange.backendBackedUp()) {
            consumeHeld(*s);
            opened = true;
        }
    if (opened || !m_drained.empty())
        flushOut(); // the WINDOW_UPDATEs; the drained backends resume in the flush pass
}

void Http2Session::consumeHeld(Stream &s)
{
    nghttp2_session_consume(m_session, s.id, s.unconsumed);
    s.unconsumed = 0;
}

} // namespace hafront::proxy
