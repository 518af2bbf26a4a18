#include "vrrp/viptiming.h"

#include "config/address.h"
#include "config/defaults.h"
#include "vrrp/statemachine.h"

#include <algorithm>
#include <utility>

namespace hafront::vrrp {
namespace {

// IPv4: the node's address. IPv6: its address6, the source of unicast IPv6
// adverts; with multicast the source is the link-local address, which the
// config does not name (unspecified: no planned handover from that node).
config::Address addressOf(const v1::Cluster &cluster, const std::string &node, bool v6)
{
    for (const auto &n : cluster.node())
        if (n.name() == node) {
            if (!v6)
                return config::parseIPv4(n.address()).value_or(0);
            if (auto ip6 = config::parseIPv6(n.address6()))
                return config::Address(*ip6);
        }
    return {};
}

// The best remaining candidate when `leaving` goes: highest priority, then
// highest primary address, as RFC 5798 breaks ties.
std::string successorOf(const std::vector<NodeTiming> &nodes, const std::string &leaving)
{
    const NodeTiming *best = nullptr;
    for (const auto &n : nodes) {
        if (n.node == leaving)
            continue;
        if (!best || std::pair(n.priority, n.address) > std::pair(best->priority, best->address))
            best = &n;
    }
    return best ? best->node : std::string();
}

} // namespace

const NodeTiming *VipTiming::find(const std::string &node) const
{
    auto it = std::find_if(nodes.begin(), nodes.end(), [&](const NodeTiming &n) { return n.node == node; });
    return it == nodes.end() ? nullptr : &*it;
}

VipTiming vipTiming(const v1::Cluster &cluster, const v1::Vip &vip)
{
    VipTiming t;
    t.vip = vip.name();
    t.vrid = vip.vrid();
    const auto advertCs = uint16_t(config::advertIntervalMs(vip) / 10);
    t.advertMicros = int64_t(advertCs) * 10'000;
    const auto prefix = config::parsePrefix(vip.address());
    const bool v6 = prefix && prefix->v6;
    for (const auto &p : vip.priority()) {
        NodeTiming n;
        n.node = p.node();
        n.address = addressOf(cluster, p.node(), v6);
        n.priority = uint8_t(std::min<uint32_t>(p.value(), 255));
        n.skewMicros = StateMachine::skewMicros(n.priority, advertCs);
        n.masterDownMicros = StateMachine::masterDownMicros(n.priority, advertCs);
        t.nodes.push_back(std::move(n));
    }
    for (auto &n : t.nodes)
        n.successor = successorOf(t.nodes, n.node);
    return t;
}

} // namespace hafront::vrrp
