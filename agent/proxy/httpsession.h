// HttpSession: one client connection of an HTTP listener. Parses requests
// strictly with llhttp, routes them, streams them to an upstream connection
// (or serves a static file) and the response back; keep-alive and pipelining
// one request at a time.
#pragma once

#include "proxy/iohandle.h"
#include "proxy/poolview.h"

#include <llhttp.h>
#include <sys/epoll.h>

#include <memory>

#include <string>
#include <utility>
#include <vector>

namespace hafront::proxy {

class UpstreamConnection;
class StaticFile;

// The header fields of one message. clear() keeps the strings and their
// capacity, so a connection that carries request after request allocates
// nothing for its heads once warm.
class HeaderList {
public:
    using Field = std::pair<std::string, std::string>;
    using const_iterator = std::vector<Field>::const_iterator;

    Field &emplace_back()
    {
        if (m_used == m_fields.size()) {
            if (m_fields.empty())
                m_fields.reserve(16);   // one allocation for a usual head, not one per doubling
            m_fields.emplace_back();
        }
        Field &f = m_fields[m_used++];
        f.first.clear();
        f.second.clear();
        return f;
    }
    Field &back() { return m_fields[m_used - 1]; }
    bool empty() const { return m_used == 0; }
    size_t size() const { return m_used; }
    void clear() { m_used = 0; }
    const_iterator begin() const { return m_fields.begin(); }
    const_iterator end() const { return m_fields.begin() + static_cast<std::ptrdiff_t>(m_used); }

private:
    std::vector<Field> m_fields;
    size_t m_used = 0;
};

struct ParsedHead {
    std::string method, url, reason;
    HeaderList headers;
    bool inValue = false;
    size_t bytes = 0;
    void clear()
    {
        method.clear();
        url.clear();
        reason.clear();
        headers.clear();
        inValue = false;
        bytes = 0;
    }
    const std::string *find(std::string_view lowerName) const;
    int count(std::string_view lowerName) const;
};

class HttpSession : public IoHandle {
public:
    // The worker registers a new session with these events.
    static constexpr uint32_t kInitialInterest = EPOLLIN | EPOLLRDHUP;

    HttpSession(Worker &worker, int fd, size_t listenerIndex, uint32_t clientIp);
    ~HttpSession() override;

    void onEvent(uint32_t events) override;
    void onTimer(int64_t now) override;

    // From the upstream side.
    void upstreamHead(int status, const ParsedHead &head, bool chunked, bool hasLength, bool noBody, bool keepAlive);
    void upstreamBody(const char *data, size_t size);
    // upstreamHead and upstreamBody only queue: the upstream calls this once
    // per buffer it parsed, so a head and its body leave in one send.
    void flushFromUpstream() { flushClient(); }
    void upstreamComplete(UpstreamConnection &up, bool reusable);
    void upstreamFailed(UpstreamConnection &up, const std::string &why, bool timeout, bool responseStarted);
    void upstreamTunnelData(const char *data, size_t size);
    bool clientBackedUp() const { return m_out.pending() > (1u << 20); }
    void upstreamGone();   // the tunnel's far side closed
    void resumeFromUpstream();
    void close();

    bool busy() const { return m_phase != Phase::ReadHead || !m_in.empty(); }
    Worker &worker() { return m_worker; }

    // llhttp callbacks (static trampolines in the .cpp).
    int onMessageBegin();
    int onUrl(const char *at, size_t len);
    int onMethod(const char *at, size_t len);
    int onHeaderField(const char *at, size_t len);
    int onHeaderValue(const char *at, size_t len);
    int onHeadersComplete();
    int onBody(const char *at, size_t len);
    int onMessageComplete();

private:
    enum class Phase { ReadHead, Body, AwaitResponse, Tunnel, Closing };

    void readClient();
    void parse();
    void dispatchRequest();
    void startUpstream();
    void respond(int status, const std::string &body, bool close, const std::string &extraHeaders = {});
    void flushClient();
    int countHeadBytes(size_t len);
    void countReject(int status);
    void logAccess(int status, std::string_view backend);
    void serveStatic(const RouteView &route, const std::string &path);
    void finishResponse();
    void updateInterest();
    void buildUpstreamHead(std::string_view target);   // into m_requestCopy

    Worker &m_worker;
    size_t m_listenerIndex;
    std::shared_ptr<ClusterView> m_view;   // held for one request: pools stay valid across swaps
    ListenerRuntime *m_listenerRt = nullptr;
    uint32_t m_clientIp;
    std::string m_clientIpText;
    llhttp_t m_parser;
    std::string m_in;
    OutBuffer m_out;
    Phase m_phase = Phase::ReadHead;
    ParsedHead m_head;
    bool m_chunked = false;
    bool m_keepAlive = true;
    bool m_closeAfter = false;
    bool m_headRequest = false;
    bool m_upgrade = false;
    bool m_requestDone = false;      // whole request handed to the upstream
    bool m_responseChunked = false;
    bool m_responseStarted = false;
    bool m_readPaused = false;
    uint64_t m_bodyBytes = 0;
    uint64_t m_responseBodyBytes = 0;   // for the access log
    int64_t m_requestStartMicros = 0;
    int64_t m_lastActivityMicros = 0;
    PoolView *m_pool = nullptr;
    UpstreamConnection *m_upstream = nullptr;
    int m_backendIndex = -1;
    std::vector<int> m_tried;
    std::string m_requestCopy;       // for a retry; cleared when it grows too big
    bool m_retryable = true;
    uint32_t m_interest;             // as registered with epoll
    int m_rejectStatus = 0;
    int m_status = 0;
    bool m_clientEof = false;
    bool m_parsing = false;
    bool m_reparse = false;
    bool m_parserPaused = false;
    bool m_dispatched = false;
    bool m_inMessage = false;        // a request has begun and not ended
    bool m_sentBefore = false;       // something was sent to the client: see flushClient()
    bool m_noDelay = false;          // TCP_NODELAY is on
    StaticFile *m_static = nullptr;
};

} // namespace hafront::proxy
