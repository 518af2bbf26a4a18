#include "proxy/poolview.h"

#include "config/defaults.h"

#include <algorithm>
#include <cctype>

namespace hafront::proxy {

bool PoolView::usable(const BackendView &b, int64_t now) const
{
    return b.state == v1::READY && b.rt->healthState() != HealthState::Down &&
           b.rt->passiveDownUntilMicros.load(std::memory_order_relaxed) <= now &&
           (b.maxConnections == 0 || b.rt->active.load(std::memory_order_relaxed) < b.maxConnections);
}

bool PoolView::hasUsable(int64_t now) const
{
    return std::any_of(backends.begin(), backends.end(),
                       [&](const BackendView &b) { return b.weight > 0 && usable(b, now); });
}

int PoolView::pick(uint64_t keyHash, const std::vector<int> &excluded, int64_t now)
{
    auto choose = [&](bool backups) {
        std::vector<balance::Choice> &choices = scratch; // reused: no allocation per pick
        choices.assign(backends.size(), balance::Choice{});
        bool any = false;
        for (size_t i = 0; i < backends.size(); ++i) {
            const BackendView &b = backends[i];
            const bool tried = std::find(excluded.begin(), excluded.end(), int(i)) != excluded.end();
            uint32_t w = b.weight;
            if (slowStartMs && w > 1) {
                const int64_t since = b.rt->upSinceMicros.load(std::memory_order_relaxed);
                if (since > 0)
                    w = health::slowStartWeight(w, std::chrono::milliseconds((now - since) / 1000),
                                                std::chrono::milliseconds(slowStartMs));
            }
            choices[i] = {w, b.rt->active.load(std::memory_order_relaxed),
                          b.backup == backups && !tried && usable(b, now)};
            any |= choices[i].usable && w > 0;
        }
        if (!any)
            return balance::kNone;
        switch (config->balance()) {
        case v1::LEAST_CONN:
            return leastConn.pick(choices);
        case v1::CONSISTENT_HASH:
            return ring.pick(keyHash, choices);
        default:
            return (backups ? rrBackup : rr).pick(choices);
        }
    };
    const int primary = choose(false);
    return primary != balance::kNone ? primary : choose(true);
}

std::unique_ptr<ClusterView> ClusterView::build(std::shared_ptr<const config::Snapshot> snapshot,
                                                RuntimeRegistry &registry)
{
    auto view = std::make_unique<ClusterView>();
    view->snapshot = snapshot;
    view->yieldWhenBusy = config::yieldWhenBusy(*snapshot->cluster);
    view->balanceConnections = config::balanceConnections(*snapshot->cluster);
    for (const auto &p : snapshot->cluster->pool()) {
        auto pv = std::make_unique<PoolView>();
        pv->config = &p;
        pv->slowStartMs = p.slow_start_ms();
        std::vector<std::string> names;
        std::vector<uint32_t> weights;
        for (const auto &b : p.backend()) {
            BackendView bv;
            bv.rt = &registry.backend(p.name(), b.name(), b.address());
            bv.weight = snapshot->weight(p.name(), b);
            bv.state = snapshot->state(p.name(), b.name());
            bv.backup = b.backup();
            bv.maxConnections = b.max_connections();
            pv->backends.push_back(bv);
            names.push_back(b.name());
            weights.push_back(bv.weight);
        }
        if (p.balance() == v1::CONSISTENT_HASH)
            pv->ring.build(names, weights);
        view->pools.push_back(std::move(pv));
    }
    for (const auto &l : snapshot->cluster->listener()) {
        ListenerView lv;
        lv.config = &l;
        lv.rt = &registry.listener(l.name(), l.bind());
        lv.pool = view->pool(l.pool());
        if (!l.access_log().path().empty())
            lv.accessLog = registry.accessLog(l.access_log().path(), l.access_log().format() == v1::AccessLog::JSON
                                                                         ? AccessLogFile::Format::Json
                                                                         : AccessLogFile::Format::Combined);
        for (const auto &r : l.route())
            lv.routes.push_back({r.host(), r.path_prefix(), view->pool(r.pool()), r.static_root(), config::indexOf(r),
                                 r.exact(), r.replace_prefix(), r.has_respond() ? &r.respond() : nullptr,
                                 r.has_redirect() ? &r.redirect() : nullptr});
        std::stable_sort(lv.routes.begin(), lv.routes.end(),
                         [](const RouteView &a, const RouteView &b) { return a.prefix.size() > b.prefix.size(); });
        if (l.has_tls() && l.tls().hsts().max_age_s()) {
            const auto &h = l.tls().hsts();
            lv.hsts = "Strict-Transport-Security: max-age=" + std::to_string(h.max_age_s()) +
                      (h.include_subdomains() ? "; includeSubDomains" : "") + (h.preload() ? "; preload" : "") + "\r\n";
        }
        view->listeners.push_back(lv);
    }
    return view;
}

PoolView *ClusterView::pool(const std::string &name)
{
    for (auto &p : pools)
        if (p->config->name() == name)
            return p.get();
    return nullptr;
}

const RouteView *matchRoute(const std::vector<RouteView> &routes, std::string_view host, std::string_view path)
{
    // Routes are sorted longest prefix first. The longest matching prefix wins;
    // at equal length a route for this host beats an any-host route. Host
    // names compare case-insensitively.
    const auto sameHost = [host](const std::string &h) {
        return h.size() == host.size() && std::equal(h.begin(), h.end(), host.begin(), [](char a, char b) {
                   return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
               });
    };
    const RouteView *best = nullptr;
    for (const auto &r : routes)
        if (r.exact && path == r.prefix && (r.host.empty() ? !best : sameHost(r.host))) {
            best = &r;
            if (!r.host.empty())
                return best;
        }
    if (best)
        return best;
    for (const auto &r : routes) {
        if (r.exact || path.substr(0, r.prefix.size()) != r.prefix || (!r.host.empty() && !sameHost(r.host)))
            continue;
        if (best && best->prefix.size() > r.prefix.size())
            break;
        if (!best || !r.host.empty())
            best = &r;
    }
    return best;
}

} // namespace hafront::proxy
