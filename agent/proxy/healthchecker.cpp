#include "proxy/healthchecker.h"

#include "base/clock.h"
#include "base/threadname.h"
#include "config/defaults.h"
#include "health/healthcounter.h"
#include "health/httpcheck.h"

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

struct Probe {
    BackendRuntime *backend = nullptr;
    int fd = -1;
    bool http = false;
    bool sent = false;
    std::string request, response;
    uint32_t expect = 200;
    int64_t started = 0, deadline = 0;
};

struct Tracker {
    std::unique_ptr<health::RiseFall> riseFall;
    uint32_t rise = 0, fall = 0;
    int64_t nextDue = 0;
    bool inFlight = false;
};

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

void HealthChecker::run()
{
    std::map<BackendRuntime *, Tracker> trackers;
    std::vector<Probe> probes;
    auto finish = [&](Probe &p, bool ok, const std::string &what) {
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
                if (t.inFlight || now < t.nextDue || snap->state(pool.name(), b.name()) == v1::MAINT)
                    continue;
                t.nextDue = now + int64_t(config::intervalMs(h)) * 1000;
                Probe p;
                p.backend = &rt;
                p.started = now;
                p.deadline = now + int64_t(config::timeoutMs(h)) * 1000;
                p.http = h.has_http();
                if (p.http) {
                    p.expect = config::expectStatusOf(h.http());
                    p.request = "GET " + config::httpPathOf(h.http()) +
                                " HTTP/1.1\r\nHost: " + (h.http().host().empty() ? b.address() : h.http().host()) +
                                "\r\nUser-Agent: hafront-health\r\nConnection: close\r\n\r\n";
                }
                p.fd = ::socket(rt.addr.family(), SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
                t.inFlight = true;
                const int rc = ::connect(p.fd, rt.addr.get(), rt.addr.length);
                probes.push_back(p);
                if (rc != 0 && errno != EINPROGRESS)
                    finish(probes.back(), false, std::string("connect: ") + std::strerror(errno));
            }
        }
        probes.erase(std::remove_if(probes.begin(), probes.end(), [](const Probe &p) { return p.fd < 0; }),
                     probes.end());
        std::vector<pollfd> fds;
        for (auto &p : probes)
            fds.push_back({p.fd, short(p.sent || !p.http ? POLLIN | POLLOUT : POLLOUT), 0});
        ::poll(fds.data(), fds.size(), 10);
        const int64_t after = monoMicros();
        for (size_t i = 0; i < probes.size(); ++i) {
            Probe &p = probes[i];
            if (p.fd < 0)
                continue;
            const short ev = fds[i].revents;
            if (ev & (POLLOUT | POLLERR | POLLHUP) && !p.sent) {
                int err = 0;
                socklen_t len = sizeof err;
                ::getsockopt(p.fd, SOL_SOCKET, SO_ERROR, &err, &len);
                if (err) {
                    finish(p, false, std::string("connect: ") + std::strerror(err));
                    continue;
                }
                if (!p.http) {
                    finish(p, true, "connect ok");
                    continue;
                }
                [[maybe_unused]] auto n = ::send(p.fd, p.request.data(), p.request.size(), MSG_NOSIGNAL);
                p.sent = true;
            } else if (ev & (POLLIN | POLLHUP) && p.sent) {
                char buf[512];
                const ssize_t n = ::recv(p.fd, buf, sizeof buf, 0);
                if (n > 0)
                    p.response.append(buf, static_cast<size_t>(n));
                // The whole head, strictly (http::ResponseHead), as the proxy would need it.
                const auto verdict = health::judgeHttpCheck(p.response, n <= 0, p.expect);
                if (verdict.done) {
                    finish(p, verdict.ok, n < 0 && verdict.status == 0 ? std::string("recv failed") : verdict.what);
                    continue;
                }
            }
            if (p.fd >= 0 && after >= p.deadline)
                finish(p, false, "timed out");
        }
    }
    for (auto &p : probes)
        if (p.fd >= 0)
            ::close(p.fd);
}

} // namespace hafront::proxy
