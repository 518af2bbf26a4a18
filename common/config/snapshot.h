// The agent's one source of truth: the cluster config, this node's name and
// the operator's runtime overrides, immutable once built. Readers hold a
// shared_ptr; a change builds a new Snapshot (see SnapshotStore).
#pragma once

#include "base/result.h"
#include "hafront/v1/cluster.pb.h"
#include "hafront/v1/state.pb.h"

#include <cstdint>
#include <memory>
#include <string>

namespace hafront::config {

struct Snapshot {
    std::shared_ptr<const v1::Cluster> cluster;
    std::string node; // this node's name
    v1::RuntimeState overrides;
    uint64_t generation = 0;

    const v1::Node *self() const;
    const v1::Pool *pool(const std::string &name) const;
    const v1::Backend *backend(const std::string &pool, const std::string &backend) const;
    const v1::Vip *vip(const std::string &name) const;

    // What is in force: the override when there is one, else the config.
    uint32_t weight(const std::string &pool, const v1::Backend &backend) const;
    v1::BackendState state(const std::string &pool, const std::string &backend) const;
    v1::VipOverride vipOverride(const std::string &vip) const;
    // This node's configured priority for a VIP; 0 when it has none.
    uint32_t priority(const v1::Vip &vip) const;
};

// Pure edits of runtime overrides, checked against the cluster. Each returns
// why it cannot be applied, in words for the operator.
Status setWeight(const v1::Cluster &cluster, v1::RuntimeState &state, const std::string &pool,
                 const std::string &backend, uint32_t weight);
Status setBackendState(const v1::Cluster &cluster, v1::RuntimeState &state, const std::string &pool,
                       const std::string &backend, v1::BackendState value);
Status setVipMaintenance(const v1::Cluster &cluster, const std::string &node, v1::RuntimeState &state,
                         const std::string &vip, bool on);
Status setVipForceMaster(const v1::Cluster &cluster, const std::string &node, v1::RuntimeState &state,
                         const std::string &vip);
Status releaseVip(const v1::Cluster &cluster, const std::string &node, v1::RuntimeState &state, const std::string &vip);

// Drops overrides that name pools, backends or VIPs the cluster no longer has
// (after a config reload); returns how many were dropped.
int pruneOverrides(const v1::Cluster &cluster, v1::RuntimeState &state);

const char *stateName(v1::BackendState state); // "ready" | "drain" | "maint"

} // namespace hafront::config
