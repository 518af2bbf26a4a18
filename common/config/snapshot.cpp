#include "config/snapshot.h"

#include "config/defaults.h"

#include <algorithm>

namespace hafront::config {
namespace {

std::string q(const std::string &s)
{
    return "'" + s + "'";
}

const v1::Pool *findPool(const v1::Cluster &c, const std::string &name)
{
    for (const auto &p : c.pool())
        if (p.name() == name)
            return &p;
    return nullptr;
}

const v1::Vip *findVip(const v1::Cluster &c, const std::string &name)
{
    for (const auto &v : c.vip())
        if (v.name() == name)
            return &v;
    return nullptr;
}

Status checkBackend(const v1::Cluster &c, const std::string &pool, const std::string &backend)
{
    const v1::Pool *p = findPool(c, pool);
    if (!p)
        return fail("unknown pool " + q(pool));
    for (const auto &b : p->backend())
        if (b.name() == backend)
            return {};
    return fail("backend " + q(backend) + " is not in pool " + q(pool));
}

Status checkVip(const v1::Cluster &c, const std::string &node, const std::string &vip)
{
    const v1::Vip *v = findVip(c, vip);
    if (!v)
        return fail("unknown VIP " + q(vip));
    for (const auto &p : v->priority())
        if (p.node() == node)
            return {};
    return fail("node " + q(node) + " does not serve VIP " + q(vip));
}

v1::BackendOverride &backendOverride(v1::RuntimeState &state, const std::string &pool, const std::string &backend)
{
    for (auto &o : *state.mutable_backend())
        if (o.pool() == pool && o.backend() == backend)
            return o;
    auto *o = state.add_backend();
    o->set_pool(pool);
    o->set_backend(backend);
    return *o;
}

v1::VipOverride &vipOverride(v1::RuntimeState &state, const std::string &vip)
{
    for (auto &o : *state.mutable_vip())
        if (o.vip() == vip)
            return o;
    auto *o = state.add_vip();
    o->set_vip(vip);
    return *o;
}

// An override equal to "nothing overridden" is removed so the file stays small.
void compact(v1::RuntimeState &state)
{
    auto *b = state.mutable_backend();
    b->erase(std::remove_if(b->begin(), b->end(),
                            [](const v1::BackendOverride &o) { return !o.has_weight() && o.state() == v1::READY; }),
             b->end());
    auto *v = state.mutable_vip();
    v->erase(std::remove_if(v->begin(), v->end(),
                            [](const v1::VipOverride &o) { return !o.maintenance() && !o.force_master(); }),
             v->end());
}

} // namespace

const v1::Node *Snapshot::self() const
{
    for (const auto &n : cluster->node())
        if (n.name() == node)
            return &n;
    return nullptr;
}

const v1::Pool *Snapshot::pool(const std::string &name) const
{
    return findPool(*cluster, name);
}

const v1::Backend *Snapshot::backend(const std::string &poolName, const std::string &name) const
{
    if (const v1::Pool *p = pool(poolName))
        for (const auto &b : p->backend())
            if (b.name() == name)
                return &b;
    return nullptr;
}

const v1::Vip *Snapshot::vip(const std::string &name) const
{
    return findVip(*cluster, name);
}

uint32_t Snapshot::weight(const std::string &poolName, const v1::Backend &b) const
{
    for (const auto &o : overrides.backend())
        if (o.pool() == poolName && o.backend() == b.name() && o.has_weight())
            return o.weight();
    return weightOf(b);
}

v1::BackendState Snapshot::state(const std::string &poolName, const std::string &name) const
{
    for (const auto &o : overrides.backend())
        if (o.pool() == poolName && o.backend() == name)
            return o.state();
    return v1::READY;
}

v1::VipOverride Snapshot::vipOverride(const std::string &name) const
{
    for (const auto &o : overrides.vip())
        if (o.vip() == name)
            return o;
    v1::VipOverride none;
    none.set_vip(name);
    return none;
}

uint32_t Snapshot::priority(const v1::Vip &v) const
{
    for (const auto &p : v.priority())
        if (p.node() == node)
            return p.value();
    return 0;
}

Status setWeight(const v1::Cluster &c, v1::RuntimeState &state, const std::string &pool, const std::string &backend,
                 uint32_t weight)
{
    if (auto ok = checkBackend(c, pool, backend); !ok)
        return ok;
    if (weight > kMaxWeight)
        return fail("weight " + std::to_string(weight) + " is outside 0-1000");
    backendOverride(state, pool, backend).set_weight(weight);
    state.set_generation(state.generation() + 1);
    return {};
}

Status setBackendState(const v1::Cluster &c, v1::RuntimeState &state, const std::string &pool,
                       const std::string &backend, v1::BackendState value)
{
    if (auto ok = checkBackend(c, pool, backend); !ok)
        return ok;
    if (!v1::BackendState_IsValid(value))
        return fail("unknown backend state " + std::to_string(value));
    backendOverride(state, pool, backend).set_state(value);
    compact(state);
    state.set_generation(state.generation() + 1);
    return {};
}

Status setVipMaintenance(const v1::Cluster &c, const std::string &node, v1::RuntimeState &state, const std::string &vip,
                         bool on)
{
    if (auto ok = checkVip(c, node, vip); !ok)
        return ok;
    auto &o = vipOverride(state, vip);
    if (on && o.force_master())
        return fail("VIP " + q(vip) + " is forced master on " + q(node) + "; release it first");
    o.set_maintenance(on);
    compact(state);
    state.set_generation(state.generation() + 1);
    return {};
}

Status setVipForceMaster(const v1::Cluster &c, const std::string &node, v1::RuntimeState &state, const std::string &vip)
{
    if (auto ok = checkVip(c, node, vip); !ok)
        return ok;
    auto &o = vipOverride(state, vip);
    if (o.maintenance())
        return fail("VIP " + q(vip) + " is in maintenance on " + q(node) + "; turn maintenance off first");
    o.set_force_master(true);
    state.set_generation(state.generation() + 1);
    return {};
}

Status releaseVip(const v1::Cluster &c, const std::string &node, v1::RuntimeState &state, const std::string &vip)
{
    if (auto ok = checkVip(c, node, vip); !ok)
        return ok;
    auto &o = vipOverride(state, vip);
    o.set_force_master(false);
    o.set_maintenance(false);
    compact(state);
    state.set_generation(state.generation() + 1);
    return {};
}

int pruneOverrides(const v1::Cluster &c, v1::RuntimeState &state)
{
    const int before = state.backend_size() + state.vip_size();
    auto *b = state.mutable_backend();
    b->erase(std::remove_if(b->begin(), b->end(),
                            [&](const v1::BackendOverride &o) { return !checkBackend(c, o.pool(), o.backend()); }),
             b->end());
    auto *v = state.mutable_vip();
    v->erase(std::remove_if(v->begin(), v->end(), [&](const v1::VipOverride &o) { return !findVip(c, o.vip()); }),
             v->end());
    return before - (state.backend_size() + state.vip_size());
}

const char *stateName(v1::BackendState state)
{
    switch (state) {
    case v1::DRAIN:
        return "drain";
    case v1::MAINT:
        return "maint";
    default:
        return "ready";
    }
}

} // namespace hafront::config
