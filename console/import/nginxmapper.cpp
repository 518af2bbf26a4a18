#include "import/nginxmapper.h"

#include "import/nginxplan.h"
#include "import/units.h"

#include <algorithm>
#include <set>
#include <tuple>

namespace hafront::import {
namespace {

void mapStreamServer(NginxContext &ctx, const Directive &server)
{
    std::vector<std::string> binds;
    const Directive *pass = nullptr;
    for (const auto &c : server.children) {
        if (c.name == "listen") {
            const bool udp = c.argText().find("udp") != std::string::npos;
            const auto port = c.args.empty() ? std::nullopt : parseInteger(c.args[0].substr(c.args[0].rfind(':') + 1));
            const std::string host = c.args.empty() || c.args[0].find(':') == std::string::npos
                                         ? "0.0.0.0"
                                         : c.args[0].substr(0, c.args[0].rfind(':'));
            if (udp)
                ctx.report.unsupported(c, "UDP is not in hafront");
            else if (c.argText().find("ssl") != std::string::npos)
                reportTls(ctx.report, c);
            else if (!port || *port < 1 || *port > 65535 || host.find_first_not_of("0123456789.*") != std::string::npos)
                ctx.report.unsupported(c,
                                       "cannot read the address '" + c.argText() + "'" + placeholderNote(c.argText()));
            else
                binds.push_back((host == "*" ? "0.0.0.0" : host) + ":" + std::to_string(*port)),
                    ctx.report.mapped(c, "TCP listener on " + binds.back());
        } else if (c.name == "proxy_pass") {
            pass = &c;
        } else if (c.name != "proxy_timeout" && c.name != "proxy_connect_timeout") {
            isTlsDirective(c.name) ? reportTls(ctx.report, c) : classifyOther(ctx.report, c, "stream");
        }
    }
    if (!pass)
        return ctx.report.unsupported(server, "a stream server without proxy_pass is not carried");
    if (binds.empty())
        return ctx.report.unsupported(server, "no address hafront can bind: this stream server is not carried");
    ctx.report.mapped(server, "TCP listeners");
    std::string pool;
    const std::string target = pass->argText();
    if (const auto it = ctx.streamUpstreams.find(target); it != ctx.streamUpstreams.end())
        pool = it->second.pool;
    else if (!target.empty() && target.find('$') == std::string::npos)
        pool = directPool(ctx, *pass, target, true);
    if (pool.empty())
        return ctx.report.unsupported(*pass, "no pool for '" + target + "': this stream server is not carried");
    ctx.report.mapped(*pass, "TCP pool '" + pool + "'");
    v1::Pool *p = findPool(ctx.cluster, pool);
    for (const auto &c : server.children) {
        const auto ms = c.args.empty() ? std::nullopt : parseNginxTimeMs(c.args[0]);
        if ((c.name == "proxy_timeout" || c.name == "proxy_connect_timeout") && (!ms || !p)) {
            ctx.report.unsupported(c, "cannot read '" + c.argText() + "'");
        } else if (c.name == "proxy_timeout") {
            p->set_idle_timeout_ms(uint32_t(std::min<uint64_t>(*ms, UINT32_MAX)));
            ctx.report.mapped(c, "idle_timeout_ms of pool '" + pool + "'");
        } else if (c.name == "proxy_connect_timeout") {
            p->set_connect_timeout_ms(uint32_t(std::min<uint64_t>(*ms, UINT32_MAX)));
            ctx.report.mapped(c, "connect_timeout_ms of pool '" + pool + "'");
        }
    }
    if (p && !p->connect_timeout_ms())
        p->set_connect_timeout_ms(60000); // nginx's stream proxy_connect_timeout default
    for (const auto &b : binds) {
        v1::Listener l;
        l.set_name("tcp-" + b.substr(b.rfind(':') + 1));
        l.set_bind(b);
        l.set_protocol(v1::TCP);
        l.set_pool(pool);
        ctx.spans["listener:" + l.name()].push_back(spanOf(server));
        *ctx.cluster.add_listener() = l;
    }
}

void mapStream(NginxContext &ctx, const Directive &stream)
{
    ctx.report.mapped(stream, "TCP listeners and pools");
    for (const auto &c : stream.children)
        if (c.name == "upstream")
            mapUpstream(ctx, c, true);
    for (const auto &c : stream.children)
        if (c.name == "server")
            mapStreamServer(ctx, c);
        else if (c.name != "upstream")
            isTlsDirective(c.name) ? reportTls(ctx.report, c) : classifyOther(ctx.report, c, "stream");
}

// The pools http:// proxy_passes reach, read before any route is planned so
// that an https:// proxy_pass to one of them gets the POOL-tls copy whichever
// comes first in the file.
void notePlainPools(NginxContext &ctx, const std::vector<Directive> &list)
{
    for (const auto &d : list) {
        if (d.name == "proxy_pass" && d.args.size() == 1 && d.args[0].rfind("http://", 0) == 0) {
            const std::string rest = d.args[0].substr(7);
            if (const auto pool = poolNameOf(ctx, rest.substr(0, rest.find('/')), 80); !pool.empty())
                ctx.plainPools.insert(pool);
        }
        notePlainPools(ctx, d.children);
    }
}

void mapHttp(NginxContext &ctx, const Directive &http)
{
    ctx.report.mapped(http, "HTTP listeners, routes and pools");
    ctx.report.approximated(http, "error responses hafront makes itself (404, 413, 502, 503, 504) carry a "
                                  "one-line text body, not nginx's HTML page");
    for (const auto &c : http.children)
        if (c.name == "upstream")
            mapUpstream(ctx, c, false);
    notePlainPools(ctx, http.children);
    const Scope scope = enterScope(Scope{}, http.children, ctx.report);
    const TlsScope tls = enterTlsScope(ctx, TlsScope{}, http.children);
    std::vector<ServerPlan> servers;
    for (const auto &c : http.children) {
        if (c.name == "server")
            servers.push_back(planServer(ctx, c, scope, tls));
        else if (c.name == "upstream" || isScopeDirective(c.name))
            continue;
        else if (c.name == "ssl" || c.name == "http2")
            judgeTls(ctx, c);
        else if (isTlsDirective(c.name))
            continue; // judged by enterTlsScope
        else
            classifyOther(ctx.report, c, "http");
    }
    buildListeners(ctx, servers);
}

void workerProcesses(NginxContext &ctx, const Directive &d)
{
    if (d.argText() == "auto")
        return ctx.report.mapped(d, "hafront runs one proxy worker thread per core by default");
    const auto n = d.args.size() == 1 ? parseInteger(d.args[0]) : std::nullopt;
    if (!n || *n < 1 || *n > 1024)
        return ctx.report.unsupported(d, "cannot read '" + d.argText() + "'");
    ctx.cluster.mutable_settings()->set_workers(uint32_t(*n));
    ctx.report.approximated(d, "settings.workers " + d.args[0] + ": threads in one process, not processes");
}

void sweep(const std::vector<Directive> &list, const std::set<std::tuple<std::string, int, std::string>> &seen,
           const std::set<std::tuple<std::string, int, std::string>> &unsupported, Report &report, const char *why)
{
    for (const auto &d : list) {
        const auto key = std::make_tuple(d.file, d.line, d.name);
        if (!seen.count(key)) {
            if (isScopeDirective(d.name))
                report.mapped(d, "no route here uses it");
            else
                report.unsupported(d, why);
        }
        if (!unsupported.count(key) && d.name != "types")
            sweep(d.children, seen, unsupported, report, why);
    }
}

} // namespace

void accountForAll(const std::vector<Directive> &directives, Report &report, const char *why)
{
    std::set<std::tuple<std::string, int, std::string>> seen, unsupported;
    for (const auto &e : report.entries()) {
        seen.emplace(e.file, e.line, e.directive);
        if (e.kind == Kind::Unsupported)
            unsupported.emplace(e.file, e.line, e.directive);
    }
    sweep(directives, seen, unsupported, report, why);
}

void mapNginx(const std::vector<Directive> &directives, const NginxOptions &options, v1::Cluster &cluster,
              Report &report, std::map<std::string, std::vector<Span>> &spans)
{
    NginxContext ctx{options, cluster, report, {}, {}, {}, {}, spans};
    // A conf.d/ or sites-enabled/ file holds what nginx.conf includes inside
    // http{}: read it so, and say so.
    const bool bare =
        std::none_of(directives.begin(), directives.end(),
                     [](const Directive &d) { return d.name == "http" || d.name == "events" || d.name == "stream"; }) &&
        std::any_of(directives.begin(), directives.end(),
                    [](const Directive &d) { return d.name == "server" || d.name == "upstream"; });
    if (bare) {
        Directive http{"http", {}, directives.front().file, directives.front().line, true, directives, {}};
        report.approximated(http, "this file has no http{} block; it is read as if nginx.conf included it inside "
                                  "http{} (import the main nginx.conf to carry its settings too)");
        mapHttp(ctx, http);
        accountForAll(http.children, report, "not carried: the importer has no rule for it in this place");
        return;
    }
    for (const auto &d : directives) {
        if (d.name == "http")
            mapHttp(ctx, d);
        else if (d.name == "stream")
            mapStream(ctx, d);
        else if (d.name == "worker_processes")
            workerProcesses(ctx, d);
        else if (d.name == "events") {
            report.mapped(d, "hafront's workers are epoll loops");
            for (const auto &c : d.children)
                classifyOther(report, c, "events");
        } else if (d.name == "server" || d.name == "location" || d.name == "upstream")
            report.unsupported(d, "'" + d.name +
                                      "' outside http{} (is this a file nginx includes from http{}? "
                                      "import the main nginx.conf)");
        else
            isTlsDirective(d.name) ? reportTls(report, d) : classifyOther(report, d, "main");
    }
    accountForAll(directives, report, "not carried: the importer has no rule for it in this place");
}

} // namespace hafront::import
