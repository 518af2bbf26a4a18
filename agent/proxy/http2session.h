// Http2Session: one client connection speaking HTTP/2 (RFC 9113) over its
// Transport, with nghttp2's server session as the codec (its callbacks, our
// IO). Each stream owns an Exchange, exactly as an HTTP/1 request does, and
// is its Downstream: request heads come from the pseudo-headers and go
// through the same checks (http/requestcheck.h), request bodies stream with
// flow control tied to the upstream (a DATA frame's bytes are given back to
// the client's window only once the upstream took them), responses stream
// through a data provider (a chunked response's trailer fields end the
// stream as a HEADERS frame). Upstreams stay HTTP/1.1.
//
// Every flood the published attacks use has a budget here, on top of
// nghttp2's own limits: resets (rapid reset), CONTINUATION frames per header
// block, PING / SETTINGS / empty DATA / refused streams, the decoded header
// list (HPACK bombs) and the bytes nghttp2 allocates for the connection. A
// budget spent ends the connection with GOAWAY (ENHANCE_YOUR_CALM), counted
// by reason (stats::Goaway). Output is pulled from nghttp2 only while the
// socket takes it, and a stream buffers at most kStreamBuffer of response
// before its backend is paused. All streams together hold at most the
// listener's max_connection_buffer_bytes of responses and requests (plus one
// backend read, 64 KiB, and the 1 MiB connection window the client may
// already fill): over it, every backend pauses and the client's window stays
// shut until the connection drains to half. A client that never opens its
// window holds bounded memory until the idle timeout ends it.
#pragma once

#include "http/headers.h"
#include "http/requestcheck.h"
#include "proxy/downstream.h"
#include "proxy/exchange.h"
#include "proxy/iohandle.h"
#include "proxy/transport.h"

#include <nghttp2/nghttp2.h>
#include <sys/epoll.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace hafront::stats {
enum class Goaway : size_t;
}

namespace hafront::proxy {

class SessionHost;
struct ListenerRuntime;

// A token bucket: `burst` at once, `perSecond` after that.
struct FrameBudget {
    double tokens = 0;
    int64_t lastMicros = 0;
    bool take(int64_t nowMicros, double perSecond, double burst);
};

class Http2Session : public IoHandle {
public:
    static constexpr uint32_t kInitialInterest = EPOLLIN | EPOLLRDHUP;
    static constexpr size_t kStreamBuffer = 256u << 10; // response bytes one stream holds before pausing its backend
    static constexpr size_t kRequestHeld =
        256u << 10; // request bytes a backend connection holds before the window stays shut
    static constexpr size_t kConnectionWindow = 1u << 20; // the connection's receive window
    static constexpr size_t kMemoryCap = 8u << 20;        // what nghttp2 may allocate for one connection
    static constexpr uint32_t kMaxContinuations = 32;     // CONTINUATION frames in one header block
    static constexpr double kResetsPerSecond = 100, kResetBurst = 400;
    static constexpr double kControlPerSecond = 50, kControlBurst = 200;

    // `transport` replaces the socket (tests, fuzzing, TLS); the session does not own it.
    Http2Session(SessionHost &host, int fd, size_t listenerIndex, std::string clientIp, Transport *transport = nullptr);
    // A transport the session owns (TLS: handed over by the handshake after ALPN "h2").
    Http2Session(SessionHost &host, int fd, size_t listenerIndex, std::string clientIp,
                 std::unique_ptr<Transport> transport);
    ~Http2Session() override;

    // Sends the server's SETTINGS and feeds `alreadyRead` (bytes the caller
    // took from the transport before, e.g. a sniffed preface) as if just read.
    // The worker registers the session with kInitialInterest first.
    void start(std::string_view alreadyRead = {});
    void setScheme(std::string_view scheme) { m_scheme = scheme; } // "https" behind TLS

    void onEvent(uint32_t events) override;
    void onTimer(int64_t now) override;
    // Draining: streams are open or output is pending.
    bool busy() const { return !m_streams.empty() || m_out.pending(); }
    // Graceful GOAWAY (NO_ERROR, last stream id): the open streams finish, no new one starts.
    void drain();
    size_t memoryInUse() const { return m_memory; }
    size_t bufferedBytes() const { return m_responseBuffered + requestHeld(); } // counted by the budget
    size_t streamsOpen() const { return m_streams.size(); }

    // nghttp2 callbacks (static trampolines in the .cpp).
    int onBeginFrame(const nghttp2_frame_hd &hd);
    int onBeginHeaders(const nghttp2_frame &frame);
    int onHeader(const nghttp2_frame &frame, std::string_view name, std::string_view value);
    int onFrameRecv(const nghttp2_frame &frame);
    int onDataChunk(uint8_t flags, int32_t streamId, const uint8_t *data, size_t len);
    int onStreamClose(int32_t streamId, uint32_t errorCode);
    int onFrameSend(const nghttp2_frame &frame);
    ssize_t readResponse(int32_t streamId, uint8_t *buf, size_t length, uint32_t *flags);
    void *allocate(size_t size);
    void release(void *ptr);
    void *reallocate(void *ptr, size_t size);

private:
    class Stream;

    void readClient();
    void feed(const char *data, size_t size);
    void flushOut();
    void flushPass();
    void updateInterest();
    void dispatch(Stream &stream, bool endStream);
    void finishRequest(Stream &stream);
    void terminate(stats::Goaway reason, uint32_t errorCode);
    void setGoawayReason(stats::Goaway reason);
    void resetStream(Stream &stream, uint32_t errorCode);
    void progress();
    void sweepClosed();
    void close();
    Stream *stream(int32_t id) const;
    size_t requestHeld() const;
    bool overBudget();
    void budgetFreed();
    void consumeHeld(Stream &stream);

    SessionHost &m_host;
    size_t m_listenerIndex;
    ListenerRuntime *m_listenerRt;
    SocketTransport m_socket;
    std::unique_ptr<Transport> m_ownedTransport;
    Transport *m_transport;
    std::string m_clientIp;
    std::string_view m_scheme = "http";
    nghttp2_session *m_session = nullptr;
    nghttp2_mem m_mem{};
    size_t m_memory = 0;
    bool m_memoryExceeded = false;
    OutBuffer m_out;
    std::unordered_map<int32_t, std::unique_ptr<Stream>> m_streams;
    std::vector<std::unique_ptr<Stream>> m_closed; // deleted from the next event on (an exchange may be on the stack)
    std::vector<int32_t> m_drained;                // streams whose buffer emptied below half: resume their backends
    size_t m_bufferCap = 4u << 20;                 // max_connection_buffer_bytes
    size_t m_responseBuffered = 0;                 // response bytes all streams hold
    bool m_overBudget = false;                     // from over the cap until drained to half
    std::vector<int32_t> m_budgetPaused;           // streams whose backends paused for the budget
    // Limits of the listener, read once.
    uint32_t m_maxStreams = 128;
    uint32_t m_maxHeaderList = 65536;
    uint64_t m_maxBodyBytes = 0;
    int64_t m_idleMicros = 0;
    int64_t m_progressMicros = 0; // a stream opened or closed, or DATA moved
    FrameBudget m_resets, m_control;
    stats::Goaway m_goawayReason{}; // of the GOAWAY queued next (setGoawayReason)
    bool m_goawayReasonSet = false;
    uint32_t m_continuations = 0; // in the header block being read
    bool m_inNghttp2 = false;     // inside mem_recv / mem_send: no sending, no deleting
    bool m_wantFlush = false;
    bool m_moreToSend = false; // the last flush pass yielded with output left in nghttp2
    bool m_flushing = false;   // in flushOut: a nested call leaves it to the outer pass
    bool m_failed = false;     // the socket or nghttp2 failed: close after the pass
    bool m_terminated = false; // a GOAWAY that ends the connection is queued
    bool m_draining = false;
    bool m_closing = false; // close once the output is out
    bool m_clientEof = false;
    uint32_t m_interest;
};

} // namespace hafront::proxy
