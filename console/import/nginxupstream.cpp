// nginx upstream{} blocks and proxy_pass straight to an address, as hafront
// pools; nginx's defaults (max_fails 1, fail_timeout 10s, port 80, 60 s
// timeouts, every server tried once) written out so the pool behaves alike.
#include "import/nginxmapper.h"
#include "import/nginxplan.h"
#include "import/units.h"

#include "config/address.h"
#include "config/defaults.h"

#include <algorithm>

namespace hafront::import {
namespace {

constexpr uint64_t kNginxTimeoutMs = 60000; // proxy_*_timeout defaults

struct ServerParams {
    uint32_t maxFails = 1;
    uint64_t failTimeoutMs = 10000;
};

// "A.B.C.D[:PORT]" -> "A.B.C.D:PORT"; empty with a reason otherwise.
std::string endpointOf(const std::string &text, bool portRequired, std::string &why, int defaultPort = 80)
{
    if (text.rfind("unix:", 0) == 0) {
        why = "unix sockets are not hafront backends (it connects over TCP)";
        return {};
    }
    if (!text.empty() && text[0] == '[') {
        why = "IPv6 backends are not in this build";
        return {};
    }
    const auto colon = text.rfind(':');
    std::string host = colon == std::string::npos ? text : text.substr(0, colon);
    if (host == "localhost") {
        host = "127.0.0.1"; // what /etc/hosts says first; nginx may resolve it to ::1 as well
        why = "localhost is taken as 127.0.0.1 (nginx resolves it at start, where /etc/hosts may add ::1 too)";
    }
    const std::string port = colon == std::string::npos ? "" : text.substr(colon + 1);
    if (!config::parseIPv4(host)) {
        why = "'" + host + "' is not an IPv4 address; nginx resolves host names once at start, hafront does not" +
              " resolve them: write the address" + placeholderNote(text);
        return {};
    }
    if (port.empty() && portRequired) {
        why = "no port (stream servers need one)";
        return {};
    }
    const auto p = port.empty() ? std::optional<int64_t>(defaultPort) : parseInteger(port);
    if (!p || *p < 1 || *p > 65535) {
        why = "bad port '" + port + "'";
        return {};
    }
    return host + ":" + std::to_string(*p);
}

std::string directName(std::string address)
{
    std::replace(address.begin(), address.end(), ':', '-');
    return "direct-" + address;
}

std::string uniqueName(const v1::Pool &pool, const std::string &base)
{
    std::string name = base;
    for (int n = 2;; ++n) {
        const bool taken = std::any_of(pool.backend().begin(), pool.backend().end(),
                                       [&](const v1::Backend &b) { return b.name() == name; });
        if (!taken)
            return name;
        name = base + "-" + std::to_string(n);
    }
}

bool serverParam(Report &report, const Directive &d, const std::string &param, v1::Backend &b, ServerParams &sp)
{
    const auto eq = param.find('=');
    const std::string key = param.substr(0, eq), value = eq == std::string::npos ? "" : param.substr(eq + 1);
    if (key == "weight") {
        const auto w = parseInteger(value);
        if (!w || *w < 1)
            return report.unsupported(d, "bad weight '" + value + "'"), false;
        if (*w > config::kMaxWeight)
            report.approximated(d, "weight " + value + " is above hafront's maximum; 1000 is used");
        b.set_weight(uint32_t(std::min<int64_t>(*w, config::kMaxWeight)));
    } else if (key == "max_fails") {
        const auto v = parseInteger(value);
        if (!v || *v < 0)
            return report.unsupported(d, "bad max_fails '" + value + "'"), false;
        sp.maxFails = uint32_t(*v);
    } else if (key == "fail_timeout") {
        const auto v = parseNginxTimeMs(value);
        if (!v)
            return report.unsupported(d, "bad fail_timeout '" + value + "'"), false;
        sp.failTimeoutMs = *v;
    } else if (key == "backup") {
        b.set_backup(true);
    } else if (key == "down") {
        b.set_weight(0); // weight 0 = no new traffic, what "down" means
    } else if (key == "max_conns") {
        const auto v = parseInteger(value);
        if (!v || *v < 0)
            return report.unsupported(d, "bad max_conns '" + value + "'"), false;
        b.set_max_connections(uint32_t(*v));
    } else {
        report.unsupported(d, "the parameter '" + param + "' is not in hafront (it is ignored)");
    }
    return true;
}

void addServer(NginxContext &ctx, const Directive &d, v1::Pool &pool, bool stream, std::vector<ServerParams> &params)
{
    if (d.args.empty()) {
        ctx.report.unsupported(d, "server without an address");
        return;
    }
    std::string why;
    const std::string address = endpointOf(d.args[0], stream, why);
    if (address.empty()) {
        ctx.report.unsupported(d, why + "; this server is not carried", "pool:" + pool.name());
        return;
    }
    if (!why.empty())
        ctx.report.approximated(d, why, "pool:" + pool.name());
    v1::Backend b;
    b.set_address(address);
    b.set_name(uniqueName(pool, address));
    ServerParams sp;
    for (size_t i = 1; i < d.args.size(); ++i)
        if (!serverParam(ctx.report, d, d.args[i], b, sp))
            return;
    *pool.add_backend() = b;
    params.push_back(sp);
    std::string note = "backend " + b.name();
    if (b.has_weight())
        note += b.weight() == 0 ? " weight 0 (down: no new traffic)" : " weight " + std::to_string(b.weight());
    ctx.report.mapped(d, note + (b.backup() ? " backup" : ""), "pool:" + pool.name());
}

void hashKey(NginxContext &ctx, const Directive &d, v1::Pool &pool)
{
    const std::string target = "pool:" + pool.name();
    const std::string key = d.args.empty() ? "" : d.args[0];
    const bool consistent = d.args.size() > 1 && d.args[1] == "consistent";
    std::string hafrontKey;
    if (key == "$remote_addr" || key == "$binary_remote_addr")
        hafrontKey = "client_ip";
    else if (key.rfind("$http_", 0) == 0 && key.size() > 6)
        hafrontKey = "header:" + key.substr(6);
    else if (key.rfind("$cookie_", 0) == 0 && key.size() > 8)
        hafrontKey = "cookie:" + key.substr(8);
    if (hafrontKey.empty() || (pool.protocol() == v1::TCP && hafrontKey != "client_ip")) {
        ctx.report.unsupported(d,
                               "hafront hashes on the client address, a header or a cookie, not on '" + key +
                                   "'; the pool balances round robin",
                               target);
        return;
    }
    pool.set_balance(v1::CONSISTENT_HASH);
    pool.set_hash_key(hafrontKey);
    ctx.report.approximated(d,
                            std::string("consistent hash on ") + hafrontKey +
                                ": a key keeps to one backend, but hafront's ring places keys differently from " +
                                (consistent ? "nginx's ketama points" : "nginx's plain (non-consistent) hash") +
                                ", so which backend differs",
                            target);
}

void balanceDirective(NginxContext &ctx, const Directive &d, v1::Pool &pool)
{
    const std::string target = "pool:" + pool.name();
    if (d.name == "least_conn") {
        pool.set_balance(v1::LEAST_CONN);
        ctx.report.mapped(d, "balance: LEAST_CONN", target);
    } else if (d.name == "ip_hash") {
        pool.set_balance(v1::CONSISTENT_HASH);
        pool.set_hash_key("client_ip");
        ctx.report.approximated(d,
                                "consistent hash on client_ip: a client keeps to one backend, but nginx hashes "
                                "the first three octets with its own function, so which backend differs",
                                target);
    } else if (d.name == "hash") {
        hashKey(ctx, d, pool);
    } else if (d.name == "random") {
        ctx.report.approximated(d, "hafront has no random balancing; the pool uses smooth weighted round robin",
                                target);
    } else if (d.name == "keepalive") {
        const auto v = d.args.size() == 1 ? parseInteger(d.args[0]) : std::nullopt;
        if (!v || *v < 1)
            return ctx.report.unsupported(d, "cannot read '" + d.argText() + "'", target);
        pool.set_keepalive(uint32_t(*v));
        ctx.report.mapped(d, "keepalive " + d.args[0] + " idle connections per worker", target);
    } else if (d.name == "zone") {
        ctx.report.mapped(d, "hafront's workers share backend state without a zone", target);
    } else if (d.name == "keepalive_timeout" || d.name == "keepalive_requests" || d.name == "keepalive_time") {
        ctx.report.approximated(d, "hafront keeps idle backend connections until the backend closes them", target);
    } else {
        ctx.report.unsupported(d,
                               "not an upstream setting hafront has (sticky, ntlm, queue and resolve are "
                               "NGINX Plus or third-party)",
                               target);
    }
}

void passiveHealth(NginxContext &ctx, const Directive &block, v1::Pool &pool, const std::vector<ServerParams> &ps)
{
    const std::string target = "pool:" + pool.name();
    if (ps.size() == 1) {
        // ngx_http_upstream_round_robin: a single peer is never marked down.
        ctx.report.mapped(block, "one server: nginx never marks it down, so passive health stays off", target);
        return;
    }
    const ServerParams &first = ps.front();
    const bool same = std::all_of(ps.begin(), ps.end(), [&](const ServerParams &p) {
        return p.maxFails == first.maxFails && p.failTimeoutMs == first.failTimeoutMs;
    });
    if (!same)
        ctx.report.approximated(block,
                                "servers have different max_fails/fail_timeout; hafront sets them per pool "
                                "and uses the first server's",
                                target);
    if (first.maxFails == 0)
        return;
    auto *passive = pool.mutable_passive();
    passive->set_max_fails(first.maxFails);
    passive->set_fail_window_ms(uint32_t(std::min<uint64_t>(first.failTimeoutMs, UINT32_MAX)));
    passive->set_fail_timeout_ms(uint32_t(std::min<uint64_t>(first.failTimeoutMs, UINT32_MAX)));
}

} // namespace

v1::Pool *findPool(v1::Cluster &cluster, const std::string &name)
{
    for (auto &p : *cluster.mutable_pool())
        if (p.name() == name)
            return &p;
    return nullptr;
}

void mapUpstream(NginxContext &ctx, const Directive &block, bool stream)
{
    auto &table = stream ? ctx.streamUpstreams : ctx.upstreams;
    if (block.args.size() != 1) {
        ctx.report.unsupported(block, "an upstream block needs exactly one name");
        return;
    }
    std::string name = block.args[0];
    if (findPool(ctx.cluster, name))
        name += stream ? "-tcp" : "-http";
    v1::Pool pool;
    pool.set_name(name);
    pool.set_protocol(stream ? v1::TCP : v1::HTTP);
    std::vector<ServerParams> params;
    for (const auto &d : block.children)
        d.name == "server" ? addServer(ctx, d, pool, stream, params) : balanceDirective(ctx, d, pool);
    table[block.args[0]] = UpstreamPlan{name, &block, false, {}, {}};
    if (pool.backend_size() == 0 ||
        std::none_of(pool.backend().begin(), pool.backend().end(), [](const v1::Backend &b) { return !b.backup(); })) {
        ctx.report.unsupported(block, "no server of upstream '" + block.args[0] +
                                          "' could be carried (or all are backups): nothing routes to it");
        table[block.args[0]].pool.clear();
        return;
    }
    ctx.spans["pool:" + name].push_back(spanOf(block));
    passiveHealth(ctx, block, pool, params);
    pool.set_retries(uint32_t(pool.backend_size() - 1)); // nginx tries each server once (error timeout)
    ctx.report.mapped(block, "pool '" + name + "'" + (stream ? " (TCP)" : ""), "pool:" + name);
    *ctx.cluster.add_pool() = pool;
}

std::string directPool(NginxContext &ctx, const Directive &proxyPass, const std::string &hostPort, bool stream,
                       int defaultPort)
{
    std::string why;
    const std::string address = endpointOf(hostPort, stream, why, defaultPort);
    if (address.empty()) {
        ctx.report.unsupported(proxyPass, why + "; this route is not carried");
        return {};
    }
    if (!why.empty())
        ctx.report.approximated(proxyPass, why);
    const std::string name = directName(address);
    if (!findPool(ctx.cluster, name)) {
        v1::Pool pool;
        pool.set_name(name);
        pool.set_protocol(stream ? v1::TCP : v1::HTTP);
        auto *b = pool.add_backend();
        b->set_name(address);
        b->set_address(address);
        pool.set_retries(0);
        *ctx.cluster.add_pool() = pool;
        (stream ? ctx.streamUpstreams : ctx.upstreams)["direct:" + address] =
            UpstreamPlan{name, nullptr, false, {}, {}};
    }
    return name;
}

std::string poolNameOf(const NginxContext &ctx, const std::string &hostPort, int defaultPort)
{
    if (const auto it = ctx.upstreams.find(hostPort); it != ctx.upstreams.end())
        return it->second.pool;
    std::string why;
    const std::string address = endpointOf(hostPort, false, why, defaultPort);
    return address.empty() ? std::string() : directName(address);
}

// One pool cannot be both: hafront's tls { } is per pool and applies to every
// connection to its backends. A copy keeps both routes (nginx allows the mix,
// often during a move to HTTPS backends) where refusing one would drop it.
std::string tlsPoolName(const NginxContext &ctx, const std::string &pool)
{
    if (!ctx.plainPools.count(pool))
        return pool;
    if (const auto it = ctx.upstreams.find("tls:" + pool); it != ctx.upstreams.end())
        return it->second.pool;
    std::string name = pool + "-tls"; // an upstream may have that name already
    for (int n = 2; findPool(ctx.cluster, name); ++n)
        name = pool + "-tls-" + std::to_string(n);
    return name;
}

void applyPoolTls(NginxContext &ctx, const v1::PoolTls &tls, const Directive &proxyPass, const std::string &base,
                  const std::string &poolName)
{
    if (poolName != base && !findPool(ctx.cluster, poolName)) {
        const v1::Pool *from = findPool(ctx.cluster, base);
        if (!from)
            return;
        v1::Pool copy = *from;
        copy.set_name(poolName);
        *ctx.cluster.add_pool() = copy;
        if (const auto spans = ctx.spans.find("pool:" + base); spans != ctx.spans.end())
            ctx.spans["pool:" + poolName] = spans->second;
        const auto it = std::find_if(ctx.upstreams.begin(), ctx.upstreams.end(),
                                     [&](const auto &u) { return u.second.pool == base; });
        const Directive *block = it == ctx.upstreams.end() ? nullptr : it->second.block;
        ctx.upstreams["tls:" + base] = UpstreamPlan{poolName, block, false, {}, {}};
        ctx.report.mapped(proxyPass,
                          "pool '" + poolName + "': a copy of '" + base +
                              "' with tls { } (an http:// proxy_pass uses '" + base + "'; tls { } is per pool)",
                          "pool:" + poolName);
    }
    v1::Pool *pool = findPool(ctx.cluster, poolName);
    UpstreamPlan *plan = nullptr;
    for (auto &[key, p] : ctx.upstreams)
        if (p.pool == poolName)
            plan = &p;
    if (!pool || !plan)
        return;
    if (plan->tlsFrom.empty()) {
        *pool->mutable_tls() = tls;
        plan->tlsFrom = proxyPass.file + ":" + std::to_string(proxyPass.line);
    } else if (pool->tls().SerializeAsString() != tls.SerializeAsString()) {
        ctx.report.approximated(proxyPass,
                                "pool '" + poolName + "' keeps the " + poolTlsText(pool->tls()) + " of " +
                                    plan->tlsFrom + ", not the " + poolTlsText(tls) +
                                    " the proxy_ssl_* here give: hafront sets tls per pool, nginx per location",
                                "pool:" + poolName);
    }
}

void applyProxyScope(NginxContext &ctx, const Scope &scope, const Directive &proxyPass, const std::string &poolName)
{
    v1::Pool *pool = findPool(ctx.cluster, poolName);
    if (!pool)
        return;
    auto ms = [](const Directive *d) {
        const auto v = d && !d->args.empty() ? parseNginxTimeMs(d->args[0]) : std::nullopt;
        return uint32_t(std::min<uint64_t>(v.value_or(kNginxTimeoutMs), UINT32_MAX));
    };
    const uint32_t connect = ms(scope.connectTimeout), read = ms(scope.readTimeout), send = ms(scope.sendTimeout);
    uint32_t retries = uint32_t(pool->backend_size() - 1);
    if (scope.nextUpstream && scope.nextUpstream->argText() == "off")
        retries = 0;
    if (const auto tries = scope.nextUpstreamTries ? parseInteger(scope.nextUpstreamTries->argText()) : std::nullopt;
        tries && *tries > 0)
        retries = std::min<uint32_t>(retries, uint32_t(*tries - 1));
    const std::string at = proxyPass.file + ":" + std::to_string(proxyPass.line);
    UpstreamPlan *plan = nullptr;
    for (auto *table : {&ctx.upstreams, &ctx.streamUpstreams})
        for (auto &[key, p] : *table)
            if (p.pool == poolName)
                plan = &p;
    if (plan && plan->timeoutsSet) {
        if (pool->connect_timeout_ms() != connect || pool->read_timeout_ms() != read ||
            pool->send_timeout_ms() != send || pool->retries() != retries)
            ctx.report.approximated(proxyPass,
                                    "pool '" + poolName + "' keeps the timeouts and retries of " + plan->timeoutsFrom +
                                        "; hafront sets them per pool, nginx per location",
                                    "pool:" + poolName);
        return;
    }
    pool->set_connect_timeout_ms(connect);
    pool->set_read_timeout_ms(read);
    pool->set_send_timeout_ms(send);
    pool->set_retries(retries);
    if (plan) {
        plan->timeoutsSet = true;
        plan->timeoutsFrom = at;
    }
}

} // namespace hafront::import
