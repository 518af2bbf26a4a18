#include "proxy/healthchecker.h"

#include "base/clock.h"
#include "base/threadname.h"
#include "config/defaults.h"
#include "health/healthcounter.h"
#include "health/httpcheck.h"
#include "proxy/tlstransport.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <map>
#include <memory>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>
#include <vector>

namespace hafront::proxy {
namespace {

struct Tracker {
    std::unique_ptr<health::RiseFall> riseFall;
    uint32_t rise = 0, fall = 0;
    int64_t nextDue = 0;
    bool inFlight = false;
    TlsSessionSlot tlsSession; // TLS pools: checks resume, as the workers do
};

struct Outcome {
    bool done = false;
    bool ok = false;
    std::string what;
};

// One check in flight: connect; for an HTTP check of a TLS pool the
// handshake (as the workers do it: same context, verification and SNI);
// then the request and the response. A TCP check is the connect alone.
struct Probe {
    BackendRuntime *backend = nullptr;
    int fd = -1;
    bool http = false;
    bool connected = false;
    bool handshaking = false, handshakeWantsWrite = false;
    std::string request, response; // request: the bytes not yet sent
    uint32_t expect = 200;
    int64_t started = 0, deadline = 0;
    std::shared_ptr<const TlsClientContext> tlsContext; // TLS pools
    TlsSessionSlot *tlsSession = nullptr;
    std::unique_ptr<Transport> transport; // after the connect
    TlsTransport *tls = nullptr;          // the same, when TLS

    short events() const
    {
        if (!connected || (handshaking && handshakeWantsWrite) || (!handshaking && !request.empty()))
            return POLLOUT;
        return POLLIN;
    }
    Outcome advance(short revents);

private:
    Outcome connectDone();
    Outcome readResponse();
};

Outcome Probe::connectDone()
{
    int err = 0;
    socklen_t len = sizeof err;
    ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
    if (err)
        return {true, false, std::string("connect: ") + std::strerror(err)};
    if (!http)
        return {true, true, "connect ok"};
    connected = true;
    if (!tlsContext) {
        transport = std::make_unique<SocketTransport>(fd);
        return {};
    }
    SSL *ssl = tlsContext->newSsl(fd, backend->addr, tlsSession);
    if (!ssl)
        return {true, false, "tls: OpenSSL could not set up a connection"};
    auto t = std::make_unique<TlsTransport>(ssl, tlsContext);
    tls = t.get();
    transport = std::move(t);
    handshaking = true;
    return {};
}

Outcome Probe::readResponse()
{
    for (;;) { // until the socket is empty: TLS may hold records it read ahead
        char buf[512];
        const IoResult r = transport->read(buf, sizeof buf);
        if (r.status == Io::Again)
            return {};
        if (r.status == Io::Done)
            response.append(buf, r.bytes);
        // The whole head, strictly (http::ResponseHead), as the proxy would need it.
        const auto verdict = health::judgeHttpCheck(response, r.status != Io::Done, expect);
        if (verdict.done)
            return {true, verdict.ok,
                    r.status == Io::Failed && verdict.status == 0 ? std::string("recv failed") : verdict.what};
    }
}

Outcome Probe::advance(short revents)
{
    if (!connected) {
        if (!(revents & (POLLOUT | POLLERR | POLLHUP)))
            return {};
        if (Outcome o = connectDone(); o.done || !connected)
            return o;
    }
    if (handshaking) {
        switch (tls->handshake()) {
        case TlsTransport::Handshake::Done:
            handshaking = false;
            break;
        case TlsTransport::Handshake::WantRead:
            handshakeWantsWrite = false;
            return {};
        case TlsTransport::Handshake::WantWrite:
            handshakeWantsWrite = true;
            return {};
        case TlsTransport::Handshake::Failed:
            return {true, false, tls->failureText()};
        }
    }
    while (!request.empty()) {
        const IoResult r = transport->write(request.data(), request.size());
        if (r.status == Io::Again)
            return {};
        if (r.status != Io::Done)
            return {true, false, std::string("send failed")};
        request.erase(0, r.bytes);
    }
    return revents & (POLLIN | POLLHUP | POLLERR) || tls ? readResponse() : Outcome{};
}

const char *healthName(HealthState s)
{
    return s == HealthState::Up ? "up" : s == HealthState::Down ? "down" : "unknown";
}

} // namespace

HealthChecker::HealthChecker(config::SnapshotStore &store, RuntimeRegistry &registry, events::EventLog &events,
                             Heartbeat *heartbeat)
    : m_store(store), m_registry(registry), m_events(events), m_heartbeat(heartbeat)
{
}

HealthChecker::~HealthChecker()
{
    stop();
}

void HealthChecker::start()
{
    m_thread = std::thread([this] {
        nameThisThread("hf-health");
        run();
    });
}

void HealthChecker::stop()
{
    m_stop.store(true);
    if (m_thread.joinable())
        m_thread.join();
}

namespace {
constexpr int64_t kMaxSleepMicros = 100'000;
}

void HealthChecker::run()
{
    std::map<BackendRuntime *, Tracker> trackers;
    std::vector<Probe> probes;
    auto finish = [&](Probe &p, bool ok, const std::string &what) {
        p.transport.reset(); // the SSL, before its socket
        if (p.fd >= 0)
            ::close(p.fd);
        p.fd = -1;
        Tracker &t = trackers[p.backend];
        t.inFlight = false;
        const int64_t now = monoMicros();
        char took[32];
        std::snprintf(took, sizeof took, " in %.1f ms", double(now - p.started) / 1000.0);
        {
            std::lock_guard lock(p.backend->mutex);
            p.backend->lastCheck = what + took;
            p.backend->lastCheckWallMicros = wallMicros();
        }
        const HealthState before = p.backend->healthState();
        t.riseFall->record(ok);
        const HealthState after = t.riseFall->state() == health::RiseFall::State::Up     ? HealthState::Up
                                  : t.riseFall->state() == health::RiseFall::State::Down ? HealthState::Down
                                                                                         : HealthState::Unknown;
        if (after == before)
            return;
        p.backend->health.store(static_cast<int>(after), std::memory_order_relaxed);
        if (after == HealthState::Up)
            p.backend->upSinceMicros.store(now, std::memory_order_relaxed);
        const std::string subject = "pool " + p.backend->pool + " backend " + p.backend->name;
        m_events.record(v1::BACKEND_HEALTH, subject,
                        "pool=" + p.backend->pool + " backend=" + p.backend->name + " from=" + healthName(before) +
                            " to=" + healthName(after) + " reason=\"" + what + "\"",
                        {{"pool", p.backend->pool},
                         {"backend", p.backend->name},
                         {"from", healthName(before)},
                         {"to", healthName(after)},
                         {"reason", what}},
                        wallMicros(), monoMicros());
    };

    while (!m_stop.load()) {
        const int64_t now = monoMicros();
        if (m_heartbeat)
            m_heartbeat->beat(now);
        const auto snap = m_store.current();
        // Sleep until the next probe is due or one times out: an idle agent
        // wakes this thread a few times a second, not every 10 ms. At most
        // kMaxSleep, for a reload's new pools, a stop and the heartbeat.
        int64_t wake = now + kMaxSleepMicros;
        for (const auto &pool : snap->cluster->pool()) {
            if (!pool.has_health())
                continue;
            const auto &h = pool.health();
            for (const auto &b : pool.backend()) {
                BackendRuntime &rt = m_registry.backend(pool.name(), b.name(), b.address());
                Tracker &t = trackers[&rt];
                if (!t.riseFall || t.rise != config::riseOf(h) || t.fall != config::fallOf(h)) {
                    t.rise = config::riseOf(h);
                    t.fall = config::fallOf(h);
                    t.riseFall = std::make_unique<health::RiseFall>(t.rise, t.fall);
                }
                if (t.inFlight || snap->state(pool.name(), b.name()) == v1::MAINT)
                    continue;
                if (now < t.nextDue) {
                    wake = std::min(wake, t.nextDue);
                    continue;
                }
                t.nextDue = now + int64_t(config::intervalMs(h)) * 1000;
                wake = std::min(wake, t.nextDue);
                Probe p;
                p.backend = &rt;
                p.started = now;
                p.deadline = now + int64_t(config::timeoutMs(h)) * 1000;
                p.http = h.has_http();
                if (p.http) {
                    p.expect = config::expectStatusOf(h.http());
                    // Host: the one configured, else a TLS pool's server_name (the name its SNI asks for).
                    std::string host = h.http().host();
                    if (host.empty())
                        host = pool.tls().server_name().empty() ? b.address() : pool.tls().server_name();
                    p.request = "GET " + config::httpPathOf(h.http()) + " HTTP/1.1\r\nHost: " + host +
                                "\r\nUser-Agent: hafront-health\r\nConnection: close\r\n\r\n";
                }
                if (p.http && pool.has_tls()) {
                    p.tlsContext = rt.tls.get();
                    p.tlsSession = &t.tlsSession;
                }
                p.fd = ::socket(rt.addr.family(), SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
                t.inFlight = true;
                const int rc = ::connect(p.fd, rt.addr.get(), rt.addr.length);
                const int connectError = rc != 0 ? errno : 0;
                const bool noContext = p.http && pool.has_tls() && !p.tlsContext;
                probes.push_back(std::move(p));
                if (connectError && connectError != EINPROGRESS)
                    finish(probes.back(), false, std::string("connect: ") + std::strerror(connectError));
                else if (noContext) // its files did not load (the tls event says why)
                    finish(probes.back(), false, "tls: no client context for pool " + pool.name());
            }
        }
        probes.erase(std::remove_if(probes.begin(), probes.end(), [](const Probe &p) { return p.fd < 0; }),
                     probes.end());
        std::vector<pollfd> fds;
        for (auto &p : probes) {
            fds.push_back({p.fd, p.events(), 0});
            wake = std::min(wake, p.deadline);
        }
        ::poll(fds.data(), fds.size(),
               int(std::clamp<int64_t>((wake - monoMicros() + 999) / 1000, 0, kMaxSleepMicros / 1000)));
        const int64_t after = monoMicros();
        for (size_t i = 0; i < probes.size(); ++i) {
            Probe &p = probes[i];
            if (p.fd < 0)
                continue;
            if (fds[i].revents) {
                const Outcome o = p.advance(fds[i].revents);
                if (o.done) {
                    finish(p, o.ok, o.what);
                    continue;
                }
            }
            if (after >= p.deadline)
                finish(p, false, p.handshaking ? "tls: handshake timed out" : "timed out");
        }
    }
    for (auto &p : probes) {
        p.transport.reset();
        if (p.fd >= 0)
            ::close(p.fd);
    }
}

} // namespace hafront::proxy
