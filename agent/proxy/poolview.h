// A worker's compiled view of one snapshot: pools with their pickers, routes
// and listeners, rebuilt when the snapshot generation changes.
#pragma once

#include "balance/picker.h"
#include "config/snapshot.h"
#include "proxy/backendruntime.h"

#include <memory>
#include <string>
#include <vector>

namespace hafront::proxy {

struct BackendView {
    BackendRuntime *rt = nullptr;
    uint32_t weight = 1;
    v1::BackendState state = v1::READY;
    bool backup = false;
    uint32_t maxConnections = 0;
};

struct PoolView {
    const v1::Pool *config = nullptr;
    std::vector<BackendView> backends;
    balance::SmoothWeightedRoundRobin rr;
    balance::SmoothWeightedRoundRobin rrBackup;
    balance::LeastConnections leastConn;
    balance::ConsistentHashRing ring;
    uint32_t slowStartMs = 0;
    std::vector<balance::Choice> scratch; // pick()'s working set; a PoolView is one worker's

    // Picks a backend for a new request; `excluded` are those already tried.
    // Backups only when no primary is usable. Returns -1 when none.
    int pick(uint64_t keyHash, const std::vector<int> &excluded, int64_t nowMicros);
    bool hasUsable(int64_t nowMicros) const;
    bool usable(const BackendView &b, int64_t nowMicros) const;
};

struct RouteView {
    std::string host;
    std::string prefix;
    PoolView *pool = nullptr;
    std::string staticRoot;
    std::string index;
    bool exact = false;                         // nginx's "location ="
    std::string replacePrefix;                  // proxy_pass with a URI part
    const v1::FixedResponse *respond = nullptr; // answered by the proxy itself
    const v1::Redirect *redirect = nullptr;     // a redirect built from the request
};

struct ListenerView {
    const v1::Listener *config = nullptr;
    ListenerRuntime *rt = nullptr;
    std::vector<RouteView> routes; // longest prefix first
    PoolView *pool = nullptr;      // TCP listeners
    AccessLogFile *accessLog = nullptr;
    std::string hsts; // "Strict-Transport-Security: ...\r\n" on TLS listeners that ask
};

struct ClusterView {
    std::shared_ptr<const config::Snapshot> snapshot;
    std::vector<std::unique_ptr<PoolView>> pools;
    std::vector<ListenerView> listeners;
    bool yieldWhenBusy = false;     // settings.yield_when_busy
    bool balanceConnections = true; // settings.balance_connections

    static std::unique_ptr<ClusterView> build(std::shared_ptr<const config::Snapshot> snapshot,
                                              RuntimeRegistry &registry);
    PoolView *pool(const std::string &name);
};

// An exact route equal to the path first (a host route before an any-host
// one), else the longest matching prefix among routes whose host matches
// (or is empty).
const RouteView *matchRoute(const std::vector<RouteView> &routes, std::string_view host, std::string_view path);

} // namespace hafront::proxy
