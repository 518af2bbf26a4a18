// Live state of backends and listeners that outlives snapshot swaps:
// health verdicts and counters, shared by workers, the health checker and
// the status publisher. Counters are relaxed atomics: no lock on the request path.
#pragma once

#include "proxy/accesslog.h"
#include "proxy/tlsclientcontext.h"
#include "proxy/tlscontext.h"

#include "health/healthcounter.h"
#include "stats/backenderrors.h"
#include "stats/histogram.h"
#include "stats/rejections.h"

#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include "proxy/socketaddress.h"

#include <netinet/in.h>
#include <string>

namespace hafront::proxy {

enum class HealthState : int { Unknown = 0, Up = 1, Down = 2 };

// A TLS context new connections take while a reload may swap it: readers
// copy the pointer under the lock, open connections keep the one they took.
template <class Context> class SwappableContext {
public:
    std::shared_ptr<const Context> get() const
    {
        std::lock_guard lock(m_mutex);
        return m_context;
    }
    void set(std::shared_ptr<const Context> context)
    {
        std::lock_guard lock(m_mutex);
        m_context = std::move(context);
    }

private:
    mutable std::mutex m_mutex;
    std::shared_ptr<const Context> m_context;
};

struct BackendRuntime {
    std::string pool, name, address;
    SocketAddress addr; // either family

    std::atomic<int> health{static_cast<int>(HealthState::Unknown)};
    std::atomic<int64_t> upSinceMicros{0}; // for slow start
    std::atomic<int64_t> passiveDownUntilMicros{0};

    std::atomic<uint32_t> active{0}, idle{0};
    std::atomic<uint64_t> requests{0}, bytesIn{0}, bytesOut{0}, retries{0};
    std::atomic<uint64_t> tlsHandshakes{0}, tlsResumed{0};                 // TLS pools, by the workers
    std::atomic<uint64_t> responses[6] = {};                               // by class 1xx..5xx at [1..5]
    std::array<std::atomic<uint64_t>, stats::kBackendErrorKinds> errors{}; // by stats::BackendError
    stats::LatencyHistogram latency;

    std::mutex mutex; // guards the fields below
    std::string lastCheck;
    int64_t lastCheckWallMicros = 0;
    std::unique_ptr<health::PassiveWindow> passive;

    // Pools with tls { }: the context new connections to this backend use
    // (workers and health checks).
    SwappableContext<TlsClientContext> tls;
    // The last upstream TLS failure logged (monotonic us): one line a second per backend.
    std::atomic<int64_t> tlsFailureLoggedMicros{0};

    void countError(stats::BackendError why) { errors[size_t(why)].fetch_add(1, std::memory_order_relaxed); }
    uint64_t errorCount(stats::BackendError why) const { return errors[size_t(why)].load(std::memory_order_relaxed); }
    HealthState healthState() const { return static_cast<HealthState>(health.load(std::memory_order_relaxed)); }
    void recordResponse(int status, uint64_t micros)
    {
        requests.fetch_add(1, std::memory_order_relaxed);
        responses[std::min(5, std::max(1, status / 100))].fetch_add(1, std::memory_order_relaxed);
        latency.record(micros);
    }
};

struct ListenerRuntime {
    std::string name, bind;
    std::atomic<bool> listening{false};
    std::atomic<uint64_t> accepted{0}, requests{0}, handedOver{0};
    std::atomic<uint32_t> active{0};
    // Rejections the proxy answered itself, indexed like stats::kRejectStatuses.
    std::array<std::atomic<uint64_t>, stats::kRejectKinds> rejected{};
    // TLS listeners: handshakes done, of them resumed (a session ticket), failed by reason.
    std::atomic<uint64_t> tlsHandshakes{0}, tlsResumed{0};
    std::array<std::atomic<uint64_t>, size_t(TlsFailure::Count)> tlsFailures{};
    // The context new handshakes use.
    SwappableContext<TlsServerContext> tls;
    void countReject(int status)
    {
        if (const size_t i = stats::rejectIndex(status); i < stats::kRejectKinds)
            rejected[i].fetch_add(1, std::memory_order_relaxed);
    }
    // HTTP/2 (Http2Session): connections and streams open now, GOAWAYs sent
    // by reason (stats::kGoawayReasons), RST_STREAMs received.
    std::atomic<uint32_t> h2Active{0}, h2Streams{0};
    std::atomic<uint64_t> h2StreamsTotal{0}, h2ResetsReceived{0};
    std::array<std::atomic<uint64_t>, stats::kGoawayKinds> h2Goaway{};
};

// Find-or-create by key; entries are never removed while the engine runs, so
// raw pointers handed to workers stay valid across snapshot swaps.
class RuntimeRegistry {
public:
    BackendRuntime &backend(const std::string &pool, const std::string &name, const std::string &address);
    ListenerRuntime &listener(const std::string &name, const std::string &bind);
    // Find-or-open by path; a file that cannot be opened is logged and null.
    AccessLogFile *accessLog(const std::string &path, AccessLogFile::Format format);
    template <class F> void forEachAccessLog(F f)
    {
        std::lock_guard lock(m_mutex);
        for (auto &[k, l] : m_accessLogs)
            if (l)
                f(*l);
    }
    template <class F> void forEachBackend(F f)
    {
        std::lock_guard lock(m_mutex);
        for (auto &[k, b] : m_backends)
            f(*b);
    }

private:
    std::mutex m_mutex;
    std::map<std::string, std::unique_ptr<BackendRuntime>> m_backends;
    std::map<std::string, std::unique_ptr<ListenerRuntime>> m_listeners;
    std::map<std::string, std::unique_ptr<AccessLogFile>> m_accessLogs;
};

} // namespace hafront::proxy
