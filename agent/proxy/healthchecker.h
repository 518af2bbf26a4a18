// HealthChecker: active checks of every backend (HTTP status or TCP connect)
// on one thread, many checks in flight at once; rise/fall decide the verdict
// and every change is an event. An HTTP check of a pool with tls { } runs
// over TLS with the pool's context, as the workers connect.
#pragma once

#include "base/liveness.h"
#include "config/snapshotstore.h"
#include "events/eventlog.h"
#include "proxy/backendruntime.h"

#include <atomic>
#include <thread>

namespace hafront::proxy {

class HealthChecker {
public:
    HealthChecker(config::SnapshotStore &store, RuntimeRegistry &registry, events::EventLog &events,
                  Heartbeat *heartbeat = nullptr);
    ~HealthChecker();
    void start();
    void stop();

private:
    void run();
    config::SnapshotStore &m_store;
    RuntimeRegistry &m_registry;
    events::EventLog &m_events;
    Heartbeat *m_heartbeat;
    std::atomic<bool> m_stop{false};
    std::thread m_thread;
};

} // namespace hafront::proxy
