#include "proxy/exchange.h"

#include "balance/retrypolicy.h"
#include "base/log.h"
#include "base/clock.h"
#include "config/defaults.h"
#include "http/httptext.h"
#include "http/redirect.h"
#include "proxy/sessionhost.h"
#include "proxy/staticfile.h"
#include "proxy/upstreamconnection.h"

#include <chrono>
#include <cstdlib>
#include <thread>

namespace hafront::proxy {
using namespace hafront::http;
namespace {

// The retry copy keeps its buffer between requests up to this size.
constexpr size_t kKeptRequestCopy = 16u << 10;
// Like nginx's request buffering: a body up to this size is read whole before
// any backend sees the request, so a malformed body is refused, never
// half-forwarded. Larger bodies, and Expect: 100-continue, stream.
constexpr size_t kBufferedBody = 64u << 10;

// The Connection header for isHopByHop(). "Connection: keep-alive" (one name
// that is hop-by-hop anyway) names nothing more: then null, so the common
// case skips the token scan for every other header.
const std::string *connectionTokens(const ParsedHead &head)
{
    const std::string *connection = head.find("connection");
    return connection && isHopByHop(*connection, nullptr) ? nullptr : connection;
}

// Test-only (the lab's stuck-worker test): a request for this path makes the
// worker that reads it hang for good, as a bug would. Unset in production.
const char *const kTestStallPath = std::getenv("HAFRONT_TEST_STALL_PATH");

[[noreturn]] void hangForTest()
{
    log::error("proxy", "HAFRONT_TEST_STALL_PATH requested: this worker hangs now (test hook)");
    for (;;)
        std::this_thread::sleep_for(std::chrono::seconds(1));
}

} // namespace

Exchange::Exchange(SessionHost &host, Downstream &downstream, std::string clientIp)
    : m_host(host), m_downstream(downstream), m_clientIp(std::move(clientIp))
{
}

// The session that owns the exchange detaches the upstream when it closes
// (clientGone); at shutdown the worker deletes both in any order.
Exchange::~Exchange() = default;

void Exchange::begin(const std::shared_ptr<ClusterView> &view, size_t listenerIndex, const RequestStart &request)
{
    if (m_view != view)
        m_view = view; // the newest snapshot applies from this request on
    m_listener = &m_view->listeners[listenerIndex];
    m_request = request;
    m_pool = nullptr;
    m_upstream = nullptr;
    m_tried.clear();
    if (m_requestCopy.capacity() > kKeptRequestCopy)
        std::string().swap(m_requestCopy); // a big body's buffer is not kept for the connection's life
    else
        m_requestCopy.clear();
    m_retryable = true;
    m_dispatched = m_requestDone = m_responseStarted = false;
    m_status = 0;
    m_responseBodyBytes = 0;
    m_startMicros = m_host.refreshNow();
    m_listener->rt->requests.fetch_add(1, std::memory_order_relaxed);

    const std::string_view target = request.verdict->forwardTarget();
    const std::string_view path = target.substr(0, target.find('?'));
    if (kTestStallPath && path == kTestStallPath)
        hangForTest();
    const RouteView *route = matchRoute(m_listener->routes, hostWithoutPort(request.verdict->host), path);
    if (!route)
        return respond(404, "no route for " + std::string(path) + "\n", false);
    if (route->respond) { // a fixed answer of the config (return, redirects)
        const v1::FixedResponse &fixed = *route->respond;
        const std::string location =
            expandResponseText(fixed.location(), request.scheme, request.verdict->host, target);
        const std::string body = fixed.body().empty()
                                     ? std::to_string(fixed.status()) + " " + reasonOf(int(fixed.status())) + "\n"
                                     : expandResponseText(fixed.body(), request.scheme, request.verdict->host, target);
        return respond(int(fixed.status()), body, false,
                       location.empty() ? std::string() : "Location: " + location + "\r\n");
    }
    if (route->redirect) {
        const int status = http::redirectStatus(*route->redirect);
        return respond(status, std::to_string(status) + " " + reasonOf(status) + "\n", false,
                       "Location: " + http::redirectLocation(*route->redirect, request.verdict->host, target) + "\r\n");
    }
    if (!route->staticRoot.empty())
        return serveStatic(*route);
    m_pool = route->pool;
    if (route->replacePrefix.empty()) {
        buildUpstreamHead(target);
    } else { // proxy_pass with a URI part: the matched prefix replaced
        std::string replaced = route->replacePrefix;
        replaced.append(target.substr(route->prefix.size()));
        buildUpstreamHead(replaced);
    }
    startIfReady();
}

void Exchange::startIfReady()
{
    const RequestStart &request = m_request;
    if (!request.hasBody || request.expectContinue || request.upgrade)
        startUpstream();
}

void Exchange::buildUpstreamHead(std::string_view target)
{
    // Written straight into the retry copy, which keeps its capacity from
    // request to request: no allocation once the connection is warm.
    const ParsedHead &in = *m_request.head;
    std::string &head = m_requestCopy;
    head.clear();
    head.reserve(in.bytes + 256); // one allocation on a new connection, not one per doubling
    head.append(in.method).append(" ").append(target).append(" HTTP/1.1\r\n");
    const std::string *connection = connectionTokens(in);
    // HTTP/1.1 upstream needs a Host (RFC 9112 3.2), and an HTTP/1.0 client
    // (a monitoring script, openssl s_time) may send none: the address it
    // reached stands in, as the authority of its request. An HTTP/1.1 backend
    // answers a request without one with 400 and a close.
    if (!in.find("host"))
        head.append("Host: ").append(m_listener->config->bind()).append("\r\n");
    std::string_view xff;
    for (const auto &[k, v] : in.headers) {
        if (isHopByHop(k, connection) || equalsLower(k, "x-real-ip") || equalsLower(k, "x-forwarded-proto") ||
            (m_request.verdict->underscores && hasUnderscore(k)))
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
    head.append(m_clientIp).append("\r\n");
    head.append("X-Real-IP: ").append(m_clientIp).append("\r\n");
    head.append("X-Forwarded-Proto: ").append(m_request.scheme).append("\r\n");
    if (m_request.chunked)
        head.append("Transfer-Encoding: chunked\r\n");
    if (m_request.upgrade) {
        if (const std::string *u = in.find("upgrade"))
            head.append("Upgrade: ").append(*u).append("\r\nConnection: upgrade\r\n");
    } else {
        head.append("Connection: keep-alive\r\n");
    }
    head.append("\r\n");
}

void Exchange::startUpstream()
{
    m_dispatched = true;
    const int64_t now = m_host.now();
    const v1::Pool &pool = *m_pool->config;
    const uint32_t maxTries = 1 + config::retriesOf(pool);
    while (m_tried.size() < maxTries) {
        uint64_t keyHash = 0;
        if (pool.balance() == v1::CONSISTENT_HASH)
            keyHash = balance::hashKey(hashKeyOf(pool.hash_key(), *m_request.head, m_clientIp));
        const int index = m_pool->pick(keyHash, m_tried, now);
        if (index < 0)
            break;
        m_tried.push_back(index);
        BackendRuntime &backend = *m_pool->backends[size_t(index)].rt;
        std::string error;
        UpstreamConnection *up = m_host.acquireUpstream(backend, error);
        if (!up) {
            backend.countError(stats::BackendError::Connect);
            continue;
        }
        if (m_tried.size() > 1)
            backend.retries.fetch_add(1, std::memory_order_relaxed);
        m_upstream = up;
        up->attach(this, m_request.methodCode == HTTP_HEAD, now + int64_t(config::connectTimeoutMs(pool)) * 1000,
                   int64_t(config::readTimeoutMs(pool)) * 1000);
        up->send(m_requestCopy);
        if (m_requestDone && m_upstream)
            m_upstream->requestComplete();
        return;
    }
    m_upstream = nullptr;
    const bool none = m_tried.empty();
    respond(none ? 503 : 502,
            none ? "no backend available in pool " + pool.name() + "\n"
                 : "all backends of pool " + pool.name() + " failed\n",
            !m_requestDone, {},
            none ? std::string_view() : std::string_view(m_pool->backends[size_t(m_tried.back())].rt->name));
}

void Exchange::requestBody(std::string_view data)
{
    if (!m_pool || m_responseStarted)
        return; // a static route or an answered request: the body is read and dropped
    auto append = [&](std::string &to) {
        if (m_request.chunked)
            to.append(chunkHeader(data.size())).append(data).append("\r\n");
        else
            to.append(data);
    };
    if (!m_dispatched) {
        append(m_requestCopy);
        if (m_requestCopy.size() > kBufferedBody)
            startUpstream(); // too big to hold: stream from here on
        return;
    }
    if (m_upstream) {
        std::string piece;
        append(piece);
        m_upstream->send(piece);
        if (m_retryable) {
            m_requestCopy += piece;
            if (m_requestCopy.size() > kBufferedBody) {
                m_retryable = false; // too big to replay: no retry once sent
                m_requestCopy.clear();
            }
        }
    }
}

void Exchange::requestEnd(std::string_view trailerLines)
{
    m_requestDone = true;
    if (!m_pool || m_responseStarted)
        return;
    if (m_request.chunked) {
        static const std::string kLast = "0\r\n\r\n";
        std::string withTrailers;
        if (!trailerLines.empty())
            withTrailers.append("0\r\n").append(trailerLines).append("\r\n");
        const std::string &last = trailerLines.empty() ? kLast : withTrailers;
        if (m_retryable || !m_dispatched)
            m_requestCopy += last;
        if (m_upstream && m_dispatched)
            m_upstream->send(last);
    }
    if (!m_dispatched)
        startUpstream(); // the buffered request goes out whole
    else if (m_upstream)
        m_upstream->requestComplete();
}

bool Exchange::backendBackedUp() const
{
    return m_upstream && m_upstream->backedUp();
}
size_t Exchange::upstreamPending() const
{
    return m_upstream ? m_upstream->pendingOut() : 0;
}
size_t Exchange::requestHeld() const
{
    return upstreamPending() + m_requestCopy.size();
}
bool Exchange::clientBackedUp() const
{
    return m_downstream.backedUp();
}

void Exchange::clientGone()
{
    if (m_upstream) {
        UpstreamConnection *up = m_upstream;
        m_upstream = nullptr;
        up->detach();
    }
}

void Exchange::clientDrained()
{
    if (m_upstream)
        m_upstream->pauseReading(false);
}

void Exchange::tunnelFromClient(std::string_view data)
{
    if (m_upstream && !data.empty())
        m_upstream->send(data);
}

void Exchange::clientEndedTunnel()
{
    if (m_upstream)
        m_upstream->shutdownWrite();
}

void Exchange::upstreamHead(int status, const ParsedHead &head, bool chunked, bool hasLength, bool noBody)
{
    if (status >= 100 && status < 200 && status != 101)
        return m_downstream.sendInterim(status, head.reason);
    m_responseStarted = true;
    m_status = status;
    ResponseHead r;
    r.status = status;
    r.reason = head.reason;
    r.headers = &head.headers;
    r.connectionTokens = connectionTokens(head);
    r.body = noBody      ? ResponseHead::Body::None
             : chunked   ? ResponseHead::Body::Chunked
             : hasLength ? ResponseHead::Body::Length
                         : ResponseHead::Body::UntilClose;
    m_downstream.sendHead(r);
    if (status == 101) {
        if (m_upstream)
            m_upstream->setTunnel();
        m_downstream.startTunnel();
    }
}

void Exchange::upstreamBody(const char *data, size_t size)
{
    m_responseBodyBytes += size;
    m_downstream.sendBody(std::string_view(data, size));
}

void Exchange::upstreamTrailers(const ParsedHead &head, const HeaderList &trailers)
{
    m_trailers.clear();
    const std::string *connection = connectionTokens(head);
    for (const auto &[name, value] : trailers) {
        if (!isForwardableTrailer(name, connection))
            continue;
        auto &field = m_trailers.emplace_back();
        field.first = name;
        field.second = value;
    }
    if (!m_trailers.empty())
        m_downstream.sendTrailers(m_trailers);
}

void Exchange::flushFromUpstream()
{
    m_downstream.flush();
}

void Exchange::upstreamTunnelData(const char *data, size_t size)
{
    m_downstream.tunnelData(std::string_view(data, size));
}

void Exchange::upstreamGone()
{
    m_upstream = nullptr;
    m_downstream.tunnelEnded();
}

void Exchange::resumeFromUpstream()
{
    if (!backendBackedUp())
        m_downstream.pauseRequestBody(false);
}

void Exchange::upstreamComplete(UpstreamConnection &up, bool reusable)
{
    const int64_t micros = m_host.refreshNow() - m_startMicros;
    up.backend().recordResponse(m_status, static_cast<uint64_t>(std::max<int64_t>(0, micros)));
    logAccess(m_status, up.backend().name);
    m_upstream = nullptr;
    if (reusable && m_requestDone)
        m_host.releaseUpstream(&up);
    else
        up.close();
    m_downstream.sendEnd();
}

void Exchange::upstreamFailed(UpstreamConnection &up, const std::string &why, stats::BackendError kind,
                              bool responseStarted)
{
    BackendRuntime &backend = up.backend();
    backend.countError(kind);
    const bool timeout = kind == stats::BackendError::Timeout;
    balance::FailedAttempt attempt;
    attempt.neverConnected = up.connecting();
    attempt.staleKeepAlive = up.reused();
    attempt.timedOut = timeout;
    attempt.responseStarted = responseStarted || m_responseStarted;
    attempt.idempotent = isIdempotent(m_request.methodCode);
    attempt.replayable = m_retryable;
    m_upstream = nullptr;
    up.close();
    m_host.noteBackendFailure(backend);
    const uint32_t maxTries = 1 + config::retriesOf(*m_pool->config);
    switch (balance::retryAfter(attempt, uint32_t(m_tried.size()), maxTries)) {
    case balance::Retry::Again:
        m_tried.pop_back();
        [[fallthrough]];
    case balance::Retry::Yes:
        return startUpstream();
    case balance::Retry::No:
        break;
    }
    if (attempt.responseStarted) {
        // The client got part of a response: cut it, never splice; the log
        // line says what it got and from which backend.
        logAccess(m_status, backend.name);
        return m_downstream.abort();
    }
    respond(timeout ? 504 : 502, (timeout ? "upstream timed out: " : "upstream failed: ") + why + "\n", true, {},
            backend.name);
}

void Exchange::respond(int status, std::string_view body, bool close, std::string_view extraHeaders,
                       std::string_view backend)
{
    m_responseStarted = true;
    m_responseBodyBytes = m_request.methodCode == HTTP_HEAD ? 0 : body.size();
    if (status >= 400)
        m_listener->rt->countReject(status);
    logAccess(status, backend);
    m_downstream.sendLocal(status, body, close, extraHeaders);
}

void Exchange::serveStatic(const RouteView &route)
{
    auto outcome = StaticFile::open(route.staticRoot, route.prefix, std::string(m_request.verdict->forwardTarget()),
                                    route.index, *m_request.head);
    if (!outcome.file)
        return respond(outcome.status, std::string(reasonOf(outcome.status)) + "\n",
                       outcome.status >= 400 && outcome.status != 404);
    m_responseStarted = true;
    m_responseBodyBytes = m_request.methodCode == HTTP_HEAD ? 0 : outcome.file->bodyBytes();
    logAccess(outcome.file->status(), {});
    m_downstream.sendStatic(outcome.file);
}

void Exchange::logRefused(const std::shared_ptr<ClusterView> &view, size_t listenerIndex, const ParsedHead &head,
                          int status, int versionMajor, int versionMinor)
{
    m_view = view;
    m_listener = &m_view->listeners[listenerIndex];
    if (!m_listener->accessLog)
        return;
    m_request = RequestStart();
    m_request.head = &head;
    m_request.versionMajor = versionMajor;
    m_request.versionMinor = versionMinor;
    m_responseBodyBytes = 0;
    m_startMicros = m_host.now();
    logAccess(status, {});
}

void Exchange::logAccess(int status, std::string_view backend)
{
    AccessLogFile *file = m_listener->accessLog;
    if (!file)
        return;
    const ParsedHead &head = *m_request.head;
    const std::string *referer = head.find("referer");
    const std::string *agent = head.find("user-agent");
    const std::string version =
        "HTTP/" + std::to_string(m_request.versionMajor) + "." + std::to_string(m_request.versionMinor);
    AccessRecord r;
    r.client = m_clientIp;
    r.method = head.method;
    r.target = head.url;
    r.version = version;
    const std::string *host = head.find("host");
    r.host = m_request.verdict ? m_request.verdict->host : host ? std::string_view(*host) : std::string_view();
    r.referer = referer ? std::string_view(*referer) : std::string_view();
    r.userAgent = agent ? std::string_view(*agent) : std::string_view();
    r.backend = backend;
    r.node = m_host.node();
    r.status = status;
    r.bytes = m_responseBodyBytes;
    r.durationMicros = m_host.refreshNow() - m_startMicros;
    r.wallMicros = wallMicros();
    file->append(r);
}

} // namespace hafront::proxy
