// What a VIP's config promises in time (RFC 5798 6.1), per node: Skew_Time,
// Master_Down_Interval, and who takes over when the node gives the VIP up.
// Pure. The agent takes its planned-handover successors from here,
// `hafrontctl vip-timers` prints it, and the lab tests derive their bounds from it.
#pragma once

#include "config/address.h"
#include "hafront/v1/cluster.pb.h"

#include <cstdint>
#include <string>
#include <vector>

namespace hafront::vrrp {

struct NodeTiming {
    std::string node;
    config::Address address; // the node's address of the VIP's family (address or address6); unspecified if none
    uint8_t priority = 0;
    int64_t skewMicros = 0;       // a backup at this priority waits this long after a priority-0 advert
    int64_t masterDownMicros = 0; // and this long after the master's last advert
    std::string successor;        // takes over at once when this node leaves; empty: nobody
};

struct VipTiming {
    std::string vip;
    uint32_t vrid = 0;
    int64_t advertMicros = 0;
    std::vector<NodeTiming> nodes; // in the order of the VIP's priority entries

    const NodeTiming *find(const std::string &node) const;
};

VipTiming vipTiming(const v1::Cluster &cluster, const v1::Vip &vip);

} // namespace hafront::vrrp
