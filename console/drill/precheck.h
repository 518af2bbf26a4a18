// Pre-checks of a drill: is it safe to move this VIP now? Pure: takes the
// nodes' last status and says, per check, why not.
#pragma once

#include "hafront/v1/cluster.pb.h"
#include "hafront/v1/control.pb.h"

#include <optional>
#include <string>
#include <vector>

namespace hafront::drill {

struct NodeView {
    std::string node;
    bool reachable = false;
    std::string unreachableReason;
    std::optional<v1::NodeStatus> status;
};

struct Check {
    std::string name; // "reachable", "single_master", "not_in_maintenance", "backup_eligible", "backup_pools"
    bool ok = false;
    std::string reason; // why not, for the operator
};

struct PrecheckResult {
    std::vector<Check> checks;
    std::string master;    // the current master ("" when none or several)
    std::string successor; // the backup that will take over
    uint32_t successorPriority = 0;
    bool anyUnreachable = false;

    bool ok() const;
    std::string firstFailure() const; // "" when ok
};

// `successor`: the backup the operator chose, empty = the eligible backup with
// the highest effective priority.
PrecheckResult precheck(const v1::Cluster &cluster, const std::string &vip, const std::vector<NodeView> &nodes,
                        const std::string &successor = {});

// Pools serving the listeners bound on the VIP's address (all pools when none).
std::vector<std::string> poolsBehindVip(const v1::Cluster &cluster, const std::string &vip);

} // namespace hafront::drill
