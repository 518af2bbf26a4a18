// Servers sharing an address become one hafront listener. nginx first picks
// the server by Host (else the address's default server), then a location in
// it; hafront matches routes of all hosts at once, longest prefix first. So a
// named server gets, for every prefix of the default server it lacks, a route
// of its own that gives what nginx would: its best match for that prefix.
#include "import/nginxplan.h"
#include "import/units.h"

#include <algorithm>
#include <limits>
#include <set>

namespace hafront::import {
namespace {

constexpr uint64_t kNginxBodyLimit = 1 << 20;    // client_max_body_size 1m
constexpr uint64_t kNginxHeaderLimit = 4 * 8192; // large_client_header_buffers 4 8k
constexpr uint64_t kNginxKeepaliveMs = 75000;    // keepalive_timeout 75s

struct Member {
    const ServerPlan *server;
    Bind bind;
};

// The route of `routes` nginx would use for `path` (exact if asked, else the
// longest prefix), nullptr when none matches (nginx: 404 from that server).
const RoutePlan *bestFor(const std::vector<RoutePlan> &routes, const std::string &path, bool exact)
{
    if (exact)
        for (const auto &r : routes)
            if (r.exact && r.prefix == path)
                return &r;
    const RoutePlan *best = nullptr;
    for (const auto &r : routes)
        if (!r.exact && path.rfind(r.prefix, 0) == 0 && (!best || r.prefix.size() > best->prefix.size()))
            best = &r;
    return best;
}

// `target`'s behaviour moved to `prefix` (a longer path under target's prefix).
RoutePlan rebased(const RoutePlan &target, const std::string &prefix, bool exact)
{
    RoutePlan r = target;
    const std::string rest = prefix.substr(target.prefix.size());
    r.prefix = prefix;
    r.exact = exact;
    if (r.action == RoutePlan::Action::Static) {
        std::string file = joinPath(target.staticRoot, "./" + rest);
        if (exact && prefix.back() != '/') {
            r.index = file.substr(file.rfind('/') + 1);
            file = dirName(file);
        }
        r.staticRoot = file;
    } else if (r.action == RoutePlan::Action::Proxy && !r.replacePrefix.empty()) {
        r.replacePrefix += rest;
    }
    return r;
}

void addRoute(v1::Listener &l, const RoutePlan &p, const std::string &host)
{
    auto *r = l.add_route();
    r->set_host(host);
    r->set_path_prefix(p.prefix);
    if (p.exact)
        r->set_exact(true);
    switch (p.action) {
    case RoutePlan::Action::Static:
        r->set_static_root(p.staticRoot);
        if (!p.index.empty())
            r->set_index(p.index);
        break;
    case RoutePlan::Action::Proxy:
        r->set_pool(p.pool);
        if (!p.replacePrefix.empty())
            r->set_replace_prefix(p.replacePrefix);
        break;
    case RoutePlan::Action::Respond:
        r->mutable_respond()->set_status(p.status);
        if (!p.location.empty())
            r->mutable_respond()->set_location(p.location);
        if (!p.body.empty())
            r->mutable_respond()->set_body(p.body);
        break;
    }
}

void namedServerRoutes(NginxContext &ctx, v1::Listener &l, const ServerPlan &named, const ServerPlan &def)
{
    std::vector<std::string> lost;
    for (const auto &name : named.names) {
        for (const auto &r : named.routes)
            addRoute(l, r, name);
        for (const auto &d : def.routes) {
            const bool own = std::any_of(named.routes.begin(), named.routes.end(), [&](const RoutePlan &r) {
                return r.prefix == d.prefix && r.exact == d.exact;
            });
            if (own)
                continue;
            if (const RoutePlan *t = bestFor(named.routes, d.prefix, d.exact))
                addRoute(l, rebased(*t, d.prefix, d.exact), name);
            else if (std::find(lost.begin(), lost.end(), d.prefix) == lost.end())
                lost.push_back(d.prefix);
        }
    }
    for (const auto &prefix : lost)
        ctx.report.approximated(*named.server,
                                "requests for this server's names under " + prefix +
                                    " reach the default server's route there; nginx answers 404 "
                                    "from this server, which has no location for them",
                                "listener:" + l.name());
}

template <class Parse> uint64_t valueOf(const Directive *d, uint64_t fallback, Parse parse)
{
    const auto v = d && !d->args.empty() ? parse(d->args[0]) : std::nullopt;
    return v ? *v : fallback;
}

void listenerSettings(NginxContext &ctx, v1::Listener &l, const std::vector<Member> &members, const ServerPlan &def)
{
    const Scope &s = def.scope;
    uint64_t body = valueOf(s.clientMaxBodySize, kNginxBodyLimit, parseNginxSize);
    l.set_max_body_bytes(body == 0 ? std::numeric_limits<uint64_t>::max() : body);
    uint64_t header = kNginxHeaderLimit;
    if (s.largeHeaderBuffers && s.largeHeaderBuffers->args.size() == 2) {
        const auto n = parseInteger(s.largeHeaderBuffers->args[0]);
        const auto size = parseNginxSize(s.largeHeaderBuffers->args[1]);
        if (n && size && *n > 0)
            header = uint64_t(*n) * *size;
    }
    l.set_max_header_bytes(uint32_t(std::min<uint64_t>(header, std::numeric_limits<uint32_t>::max())));
    const uint64_t idle = valueOf(s.keepaliveTimeout, kNginxKeepaliveMs, parseNginxTimeMs);
    l.set_idle_timeout_ms(uint32_t(std::clamp<uint64_t>(idle, 1, std::numeric_limits<uint32_t>::max())));
    if (s.accessLog && !s.accessLog->args.empty() && s.accessLog->args[0] != "off" &&
        s.accessLog->args[0].rfind("syslog:", 0) != 0)
        l.mutable_access_log()->set_path(s.accessLog->args[0]);
    for (const auto &m : members) {
        const Scope &o = m.server->scope;
        if (m.server != &def &&
            (o.clientMaxBodySize != s.clientMaxBodySize || o.keepaliveTimeout != s.keepaliveTimeout ||
             o.largeHeaderBuffers != s.largeHeaderBuffers || o.accessLog != s.accessLog))
            ctx.report.approximated(*m.server->server,
                                    "this server's body, header, keep-alive or log settings "
                                    "differ from the default server's; hafront sets them per "
                                    "listener and uses the default server's",
                                    "listener:" + l.name());
    }
}

// nginx makes an address TLS when any of its listens says ssl; SNI picks
// the certificate by name, the default server's first (hafront's default).
bool tlsSettings(NginxContext &ctx, v1::Listener &l, const std::vector<Member> &members, const Member &def)
{
    std::vector<const Member *> order{&def};
    for (const auto &m : members)
        if (&m != &def)
            order.push_back(&m);
    v1::Tls &tls = *l.mutable_tls();
    std::set<std::string> seen;
    for (const Member *m : order) {
        if (!m->bind.tls)
            ctx.report.approximated(*m->bind.listen,
                                    "another server's listen on " + l.bind() +
                                        " says ssl, which makes the whole address TLS in nginx too",
                                    "listener:" + l.name());
        for (const auto &[cert, key] : m->server->certificates)
            if (seen.insert(cert + "\n" + key).second) {
                auto *c = tls.add_certificate();
                c->set_cert_file(cert);
                c->set_key_file(key);
            }
    }
    const ServerPlan &d = *def.server;
    tls.set_min_version(d.minVersion);
    if (!d.ticketSecretFile.empty())
        tls.set_session_ticket_secret_file(d.ticketSecretFile);
    if (d.hsts)
        *tls.mutable_hsts() = *d.hsts;
    const auto hstsText = [](const std::optional<v1::Hsts> &h) { return h ? h->SerializeAsString() : "none"; };
    for (const Member *m : order)
        if (m != &def && hstsText(m->server->hsts) != hstsText(d.hsts))
            ctx.report.approximated(m->server->hstsFrom ? *m->server->hstsFrom : *m->server->server,
                                    std::string("hafront sends one Strict-Transport-Security per listener, ") +
                                        (d.hsts ? "the default server's" : "none (the default server sets none)") +
                                        ", for this server's names too",
                                    "listener:" + l.name());
    for (const Member *m : order)
        if (m != &def && (m->server->minVersion != d.minVersion || m->server->ticketSecretFile != d.ticketSecretFile))
            ctx.report.approximated(*m->server->server,
                                    "this server's ssl_protocols or ssl_session_ticket_key "
                                    "differ from the default server's; hafront sets them per "
                                    "listener and uses the default server's",
                                    "listener:" + l.name());
    if (tls.certificate_size() == 0) {
        ctx.report.unsupported(*d.server, "no server on " + l.bind() +
                                              " has a certificate hafront can load: no "
                                              "listener for it");
        return false;
    }
    return true;
}

std::string listenerName(const v1::Cluster &c, const std::string &bind, const char *kind)
{
    const auto colon = bind.rfind(':');
    const std::string host = bind.substr(0, colon), port = bind.substr(colon + 1);
    std::string name = std::string(kind) + "-" + (host == "0.0.0.0" ? port : host + "-" + port);
    const auto taken = [&](const std::string &n) {
        return std::any_of(c.listener().begin(), c.listener().end(),
                           [&](const v1::Listener &l) { return l.name() == n; });
    };
    for (int i = 2; taken(name); ++i)
        name = std::string(kind) + "-" + port + "-" + std::to_string(i);
    return name;
}

} // namespace

void buildListeners(NginxContext &ctx, const std::vector<ServerPlan> &servers)
{
    std::vector<std::pair<std::string, std::vector<Member>>> groups;
    for (const auto &s : servers)
        for (const auto &b : s.binds) {
            auto it = std::find_if(groups.begin(), groups.end(), [&](const auto &g) { return g.first == b.address; });
            if (it == groups.end())
                it = groups.insert(groups.end(), {b.address, {}});
            it->second.push_back({&s, b});
        }
    for (const auto &[bind, members] : groups) {
        const std::string port = bind.substr(bind.rfind(':') + 1);
        const bool wildcardToo =
            bind.rfind("0.0.0.0:", 0) != 0 &&
            std::any_of(groups.begin(), groups.end(), [&](const auto &g) { return g.first == "0.0.0.0:" + port; });
        if (wildcardToo) {
            for (const auto &m : members)
                ctx.report.unsupported(*m.bind.listen, "hafront cannot bind " + bind + " beside 0.0.0.0:" + port +
                                                           " (nginx binds the wildcard and sorts by address): this "
                                                           "server is not carried on " +
                                                           bind);
            continue;
        }
        const Member *def = nullptr;
        for (const auto &m : members)
            if (m.bind.defaultServer) {
                if (def)
                    ctx.report.unsupported(*m.bind.listen,
                                           "a second default server for " + bind + " (nginx refuses this)");
                else
                    def = &m;
            }
        if (!def)
            def = &members.front();
        const bool tls = std::any_of(members.begin(), members.end(), [](const Member &m) { return m.bind.tls; });
        const bool http2 = std::any_of(members.begin(), members.end(), [](const Member &m) { return m.bind.http2; });
        v1::Listener l;
        l.set_name(listenerName(ctx.cluster, bind, tls ? "https" : "http"));
        l.set_bind(bind);
        l.set_protocol(v1::HTTP);
        if (tls && !tlsSettings(ctx, l, members, *def))
            continue;
        if (http2 && !tls)
            l.mutable_http2()->set_enabled(true);
        for (const auto &r : def->server->routes)
            addRoute(l, r, "");
        for (const auto &m : members)
            if (&m != def)
                namedServerRoutes(ctx, l, *m.server, *def->server);
        listenerSettings(ctx, l, members, *def->server);
        for (const auto &m : members)
            ctx.spans["listener:" + l.name()].push_back(spanOf(*m.server->server));
        if (l.route_size() == 0) {
            ctx.report.unsupported(*def->server->server,
                                   "no route of the servers on " + bind + " could be carried: no listener for it");
            continue;
        }
        *ctx.cluster.add_listener() = l;
    }
}

} // namespace hafront::import
