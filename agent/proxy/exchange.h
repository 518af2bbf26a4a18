// Exchange: one request and its response, whatever protocol the client
// speaks — route, static file or pick a backend, send the request upstream
// (buffered up to 64 KiB so a bad body is refused whole, streamed beyond),
// retry by the pool's policy, relay the response to the Downstream, count and
// log it. HTTP/1 sessions (and HTTP/2 streams) hand requests to it.
#pragma once

#include "http/headers.h"
#include "http/requestcheck.h"
#include "stats/backenderrors.h"
#include "proxy/downstream.h"
#include "proxy/poolview.h"

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace hafront::proxy {

class SessionHost;
class UpstreamConnection;

struct RequestStart {
    const http::ParsedHead *head = nullptr; // stays put until the exchange ends
    const http::RequestVerdict *verdict = nullptr;
    int methodCode = 0; // llhttp_method_t
    int versionMajor = 1, versionMinor = 1;
    bool keepAlive = true; // the client may send another request
    bool upgrade = false;  // Upgrade asked (HTTP/1 only)
    bool hasBody = false;
    bool chunked = false; // the body has no length: chunk it upstream
    bool expectContinue = false;
    std::string_view scheme = "http"; // X-Forwarded-Proto
};

class Exchange {
public:
    Exchange(SessionHost &host, Downstream &downstream, std::string clientIp);
    ~Exchange();
    Exchange(const Exchange &) = delete;
    Exchange &operator=(const Exchange &) = delete;

    // The codec parsed and checked a head: route it. May answer at once.
    void begin(const std::shared_ptr<ClusterView> &view, size_t listenerIndex, const RequestStart &request);
    void requestBody(std::string_view data);
    // `trailerLines` ("Name: value\r\n" each) go upstream when the body is chunked.
    void requestEnd(std::string_view trailerLines = {});
    void clientGone();    // the client is gone: drop the upstream
    void clientDrained(); // the client took the output: read the backend again
    void tunnelFromClient(std::string_view data);
    void clientEndedTunnel(); // the client half-closed its side of a tunnel
    bool upstreamHasRequest() const { return m_dispatched; }
    bool backendBackedUp() const;   // stop reading the client's body
    size_t upstreamPending() const; // request bytes the backend connection holds unsent
    size_t requestHeld() const;     // those and the request's copy kept for a retry
    const std::string &clientIp() const { return m_clientIp; }

    // From the upstream connection.
    void upstreamHead(int status, const http::ParsedHead &head, bool chunked, bool hasLength, bool noBody);
    void upstreamBody(const char *data, size_t size);
    // A chunked body's trailer section (before upstreamComplete): what may be
    // forwarded goes to the client (http::isForwardableTrailer).
    void upstreamTrailers(const http::ParsedHead &head, const http::HeaderList &trailers);
    void flushFromUpstream(); // once per buffer parsed: head and body leave in one send
    void upstreamComplete(UpstreamConnection &up, bool reusable);
    void upstreamFailed(UpstreamConnection &up, const std::string &why, stats::BackendError kind, bool responseStarted);
    void upstreamTunnelData(const char *data, size_t size);
    void upstreamGone();
    void resumeFromUpstream(); // the backend took our output: more body may come
    bool clientBackedUp() const;

    // Answers the request here (counted as a rejection when >= 400). `backend`:
    // the one whose failure this answer reports (502/504), for the access log.
    void respond(int status, std::string_view body, bool close, std::string_view extraHeaders = {},
                 std::string_view backend = {});
    // The access log line of a request the codec refused before it was routed.
    void logRefused(const std::shared_ptr<ClusterView> &view, size_t listenerIndex, const http::ParsedHead &head,
                    int status, int versionMajor, int versionMinor);

private:
    void startUpstream();
    void startIfReady(); // a request without a body (or streaming one) goes upstream at once
    void buildUpstreamHead(std::string_view target);
    void serveStatic(const RouteView &route);
    void logAccess(int status, std::string_view backend);

    SessionHost &m_host;
    Downstream &m_downstream;
    std::string m_clientIp;
    std::shared_ptr<ClusterView> m_view; // held for one request: pools stay valid across swaps
    const ListenerView *m_listener = nullptr;
    RequestStart m_request;
    PoolView *m_pool = nullptr;
    UpstreamConnection *m_upstream = nullptr;
    std::vector<int> m_tried;
    std::string m_requestCopy;   // the upstream head and buffered body, for a retry
    http::HeaderList m_trailers; // the response's trailer fields the client gets
    bool m_retryable = true;
    bool m_dispatched = false;
    bool m_requestDone = false;
    bool m_responseStarted = false;
    int m_status = 0;
    uint64_t m_responseBodyBytes = 0;
    int64_t m_startMicros = 0;
};

} // namespace hafront::proxy
