// Merges the nodes' keepalived models into hafront nodes and VIPs: one VIP
// per vrrp_instance name, a priority per node, one set of trackers, and a
// report line wherever two nodes' files disagree.
#pragma once

#include "import/keepalivedmodel.h"

#include "hafront/v1/cluster.pb.h"

#include <map>
#include <string>
#include <vector>

namespace hafront::import {

struct NodeAddress {
    std::string node;
    std::string address;
};

// Nodes are added in the order of `models`, then those only in `addresses`.
// A node without an address gets none (the caller says why).
void mergeNodes(const std::vector<NodeModel> &models, const std::vector<NodeAddress> &addresses, v1::Cluster &cluster,
                Report &report, std::map<std::string, std::vector<Span>> &spans);

} // namespace hafront::import
