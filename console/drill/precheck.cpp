#include "drill/precheck.h"

#include "config/address.h"

#include <algorithm>

namespace hafront::drill {
namespace {

const v1::VipStatus *vipOf(const NodeView &n, const std::string &vip)
{
    if (!n.status)
        return nullptr;
    for (const auto &v : n.status->vips())
        if (v.name() == vip)
            return &v;
    return nullptr;
}

} // namespace

bool PrecheckResult::ok() const
{
    return firstFailure().empty();
}

std::string PrecheckResult::firstFailure() const
{
    for (const auto &c : checks)
        if (!c.ok)
            return c.reason;
    return {};
}

std::vector<std::string> poolsBehindVip(const v1::Cluster &cluster, const std::string &vip)
{
    std::optional<config::Address> address;
    for (const auto &v : cluster.vip())
        if (v.name() == vip)
            address = config::hostAddress(v.address());
    std::vector<std::string> pools;
    auto add = [&](const std::string &p) {
        if (!p.empty() && std::find(pools.begin(), pools.end(), p) == pools.end())
            pools.push_back(p);
    };
    for (const auto &l : cluster.listener()) {
        if (!address || config::hostAddress(l.bind()) != address)
            continue;
        add(l.pool());
        for (const auto &r : l.route())
            add(r.pool());
    }
    if (pools.empty())
        for (const auto &p : cluster.pool())
            add(p.name());
    return pools;
}

PrecheckResult precheck(const v1::Cluster &cluster, const std::string &vip, const std::vector<NodeView> &nodes,
                        const std::string &successor)
{
    PrecheckResult r;
    auto add = [&](std::string name, bool ok, std::string reason) {
        r.checks.push_back({std::move(name), ok, ok ? std::string() : std::move(reason)});
    };
    std::string unreachable;
    for (const auto &n : nodes)
        if (!n.reachable || !n.status) {
            r.anyUnreachable = true;
            if (unreachable.empty())
                unreachable = "node " + n.node + " is unreachable" +
                              (n.unreachableReason.empty() ? "" : ": " + n.unreachableReason);
        }
    add("reachable", unreachable.empty(), unreachable);

    std::vector<std::string> masters;
    std::string maintenance, crashing;
    for (const auto &n : nodes) {
        const v1::VipStatus *v = vipOf(n, vip);
        if (!v)
            continue;
        if (v->state() == v1::MASTER)
            masters.push_back(n.node);
        if (v->maintenance() && maintenance.empty())
            maintenance = n.node;
        if (v->simulating_crash() && crashing.empty())
            crashing = n.node;
    }
    if (masters.size() > 1)
        add("single_master", false, "split brain: VIP " + vip + " is master on " + masters[0] + " and " + masters[1]);
    else
        add("single_master", masters.size() == 1, "VIP " + vip + " has no master");
    if (masters.size() == 1)
        r.master = masters[0];
    add("not_in_maintenance", maintenance.empty() && crashing.empty(),
        maintenance.empty() ? "VIP " + vip + " is in a crash drill on " + crashing
                            : "VIP " + vip + " is already in maintenance on " + maintenance);

    const NodeView *chosen = nullptr;
    uint32_t best = 0;
    for (const auto &n : nodes) {
        const v1::VipStatus *v = vipOf(n, vip);
        if (!v || n.node == r.master || !n.reachable)
            continue;
        const bool eligible = v->state() == v1::BACKUP && v->effective_priority() > 0 && !v->maintenance();
        if (!successor.empty() ? n.node == successor && eligible : eligible && v->effective_priority() > best) {
            chosen = &n;
            best = v->effective_priority();
        }
    }
    add("backup_eligible", chosen != nullptr,
        successor.empty() ? "no healthy backup is eligible for VIP " + vip
                          : "node " + successor + " is not an eligible backup for VIP " + vip);
    if (!chosen) {
        add("backup_pools", false, "no backup to check");
        return r;
    }
    r.successor = chosen->node;
    r.successorPriority = best;
    std::string unhealthy;
    for (const auto &pool : poolsBehindVip(cluster, vip)) {
        const auto &pools = chosen->status->pools();
        const auto it = std::find_if(pools.begin(), pools.end(), [&](const auto &p) { return p.name() == pool; });
        if (it == pools.end() || it->backends_up() == 0) {
            unhealthy = "pool " + pool + " on " + chosen->node + " has no healthy backend";
            break;
        }
    }
    add("backup_pools", unhealthy.empty(), unhealthy);
    return r;
}

} // namespace hafront::drill
