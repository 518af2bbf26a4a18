// ProxyEngine: the data plane of a node — HTTP/1.1 reverse proxy and TCP pools
// on per-thread epoll loops, health checks, stats — driven by the SnapshotStore.
#pragma once

#include "base/liveness.h"
#include "base/result.h"
#include "config/snapshotstore.h"
#include "events/eventlog.h"
#include "hafront/v1/control.pb.h"

#include <chrono>
#include <memory>

namespace hafront::proxy {

class ProxyEngine {
public:
    ProxyEngine(config::SnapshotStore &store, events::EventLog &events);
    ~ProxyEngine();

    // Binds every listener (IP_FREEBIND, SO_REUSEPORT per worker), starts the
    // workers and the health checker.
    // Each thread gets a heartbeat in `liveness` (when given): a stalled one
    // makes canServe() false.
    Status start(Liveness *liveness = nullptr);
    // Graceful stop: stop accepting, finish in-flight requests up to `drain`.
    void stop(std::chrono::milliseconds drain);

    // Pools, backends and listeners with their live counters.
    void fillStatus(v1::NodeStatus &status) const;
    // Self-tracking: every listener accepts, each pool has a usable backend,
    // and no proxy or health thread is stalled.
    bool canServe() const;
    // SIGUSR1: reopen access logs (logrotate).
    void reopenLogs();

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

} // namespace hafront::proxy
