// Http1Session: one client connection of an HTTP listener, speaking HTTP/1.x
// over its Transport. Reads request heads with llhttp (strict), checks them
// (http/requestcheck.h), frames bodies itself (Content-Length, or
// http::ChunkedDecoder), hands each request to its Exchange and writes the
// response in HTTP/1 framing; keep-alive and pipelining one request at a time.
#pragma once

#include "http/chunked.h"
#include "http/headers.h"
#include "http/requestcheck.h"
#include "proxy/downstream.h"
#include "proxy/exchange.h"
#include "proxy/iohandle.h"
#include "proxy/transport.h"

#include <llhttp.h>
#include <sys/epoll.h>

#include <memory>
#include <string>

namespace hafront::proxy {

class SessionHost;
class StaticFile;
struct ListenerRuntime;

class Http1Session : public IoHandle, private Downstream {
public:
    // The worker registers a new session with these events.
    static constexpr uint32_t kInitialInterest = EPOLLIN | EPOLLRDHUP;

    // `transport` replaces the socket (tests, fuzzing, TLS); the session does not own it.
    Http1Session(SessionHost &host, int fd, size_t listenerIndex, std::string clientIp, Transport *transport = nullptr);
    // A transport the session owns (TLS: handed over by the handshake).
    Http1Session(SessionHost &host, int fd, size_t listenerIndex, std::string clientIp,
                 std::unique_ptr<Transport> transport);
    ~Http1Session() override;

    void onEvent(uint32_t events) override;
    void onTimer(int64_t now) override;
    // Draining: a request is under way or bytes of one are buffered.
    bool busy() const { return m_phase != Phase::Head || m_inPos < m_in.size() || m_inMessage; }

    // llhttp callbacks (static trampolines in the .cpp).
    int onMessageBegin();
    int onMethod(const char *at, size_t len);
    int onUrl(const char *at, size_t len);
    int onHeaderField(const char *at, size_t len);
    int onHeaderFieldComplete();
    int onHeaderValue(const char *at, size_t len);
    int onHeaderValueComplete();
    int onHeadersComplete();
    int onMessageComplete();

private:
    // What the session is reading: a head, a body, nothing (a response is
    // pending), tunnel bytes, or nothing any more.
    enum class Phase { Head, Body, Waiting, Tunnel, Closing };
    enum class Body { None, Length, Chunked };

    // Downstream: how the exchange's response goes out.
    void sendInterim(int status, std::string_view reason) override;
    void sendHead(const ResponseHead &head) override;
    void sendBody(std::string_view data) override;
    void sendTrailers(const http::HeaderList &fields) override;
    void sendEnd() override;
    void sendLocal(int status, std::string_view body, bool close, std::string_view extraHeaders) override;
    void sendStatic(StaticFile *file) override;
    void abort() override { close(); }
    void flush() override { flushClient(); }
    bool backedUp() const override { return m_out.pending() > (1u << 20); }
    void pauseRequestBody(bool paused) override;
    void startTunnel() override;
    void tunnelData(std::string_view data) override;
    void tunnelEnded() override;

    void readClient();
    void process();
    void step();
    void readHead();
    void dispatchHead();
    void readBody();
    void requestEnded();
    void reject(int status, std::string_view why);
    void maybeFinish();
    void flushClient();
    void updateInterest();
    int countHeadBytes(size_t len);
    void close();

    SessionHost &m_host;
    size_t m_listenerIndex;
    ListenerRuntime *m_listenerRt;
    SocketTransport m_socket;
    std::unique_ptr<Transport> m_ownedTransport;
    Transport *m_transport;
    llhttp_t m_parser;
    std::string m_in;
    size_t m_inPos = 0;    // bytes of m_in already consumed
    size_t m_headScan = 0; // http::scanHead's resume point within the pending head
    OutBuffer m_out;
    Phase m_phase = Phase::Head;
    http::ParsedHead m_head;
    enum class Line { None, Name, Value } m_line = Line::None; // within a header line
    http::RequestVerdict m_verdict;
    Exchange m_exchange;
    Body m_body = Body::None;
    uint64_t m_bodyRemaining = 0;
    uint64_t m_bodyBytes = 0;
    uint64_t m_maxBodyBytes = 0;
    size_t m_maxHeaderBytes = 0; // of the listener, read when a request begins
    http::ChunkedDecoder m_chunks;
    std::vector<std::string_view> m_pieces; // chunk data of one feed
    int m_rejectStatus = 0;                 // set by a callback that refused (431)
    bool m_inMessage = false;               // a request has begun and its head is not complete
    bool m_headComplete = false;            // llhttp paused at the end of a head
    bool m_requestDone = false;
    bool m_responseDone = false;
    bool m_keepAlive = true;
    bool m_closeAfter = false;
    bool m_headRequest = false;
    bool m_upgradeAsked = false;
    bool m_responseChunked = false;
    bool m_trailersSent = false; // the last chunk and the trailer fields are out: sendEnd ends the section
    bool m_readPaused = false;
    bool m_clientEof = false;
    bool m_processing = false;
    bool m_reprocess = false;
    bool m_sentBefore = false; // something was sent to the client: see flushClient()
    bool m_noDelay = false;    // TCP_NODELAY is on
    uint32_t m_interest;       // as registered with epoll
    bool m_tls = false;        // the listener terminates TLS: X-Forwarded-Proto https, HSTS
    StaticFile *m_static = nullptr;
};

} // namespace hafront::proxy
