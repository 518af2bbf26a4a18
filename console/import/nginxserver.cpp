// One nginx server{}: its listen addresses, exact names and locations as
// route plans. nginx picks a location by: exact (=) first, then the longest
// prefix (^~ stops there), then regexes in file order, else that prefix.
#include "import/nginxmapper.h"
#include "import/nginxplan.h"
#include "import/units.h"

#include "config/address.h"

namespace hafront::import {
namespace {

constexpr int kMaxLocationDepth = 16;

const char *kRegexRule = "nginx picks a location by exact match (=), then the longest prefix (^~ stops the search), "
                         "then regexes in file order; hafront matches exact and prefix routes only, so URIs this "
                         "regex would take go to the longest prefix route";

std::optional<Bind> parseListen(NginxContext &ctx, const Directive &d)
{
    Report &r = ctx.report;
    if (d.args.empty())
        return r.unsupported(d, "listen without an address"), std::nullopt;
    const std::string &a = d.args[0];
    if (a.rfind("unix:", 0) == 0)
        return r.unsupported(d, "unix socket listeners are not in hafront"), std::nullopt;
    if (a[0] == '[')
        return r.unsupported(d, "IPv6 listeners are not in this build"), std::nullopt;
    std::string host = "0.0.0.0", port = "80";
    const auto colon = a.rfind(':');
    if (colon != std::string::npos)
        host = a.substr(0, colon), port = a.substr(colon + 1);
    else if (parseInteger(a))
        port = a;
    else
        host = a;
    if (host == "*")
        host = "0.0.0.0";
    const auto p = parseInteger(port);
    if (!config::parseIPv4(host) || !p || *p < 1 || *p > 65535)
        return r.unsupported(d, "cannot read the address '" + a +
                                    "' (hafront binds A.B.C.D:PORT; host names are "
                                    "not resolved)" +
                                    placeholderNote(a)),
               std::nullopt;
    Bind bind{host + ":" + std::to_string(*p), false, false, false, &d};
    std::vector<std::string> approximations;
    for (size_t i = 1; i < d.args.size(); ++i) {
        const std::string &o = d.args[i];
        if (o == "default_server" || o == "default") {
            bind.defaultServer = true;
        } else if (o == "ssl") {
            bind.tls = true;
        } else if (o == "quic" || o == "http3") {
            return r.unsupported(d, "HTTP/3 (QUIC) is not in hafront"), std::nullopt;
        } else if (o == "proxy_protocol") {
            return r.unsupported(d, "the PROXY protocol is not in hafront"), std::nullopt;
        } else if (o == "http2") {
            bind.http2 = true;
        } else if (o == "spdy") {
            approximations.push_back("SPDY is not in hafront: clients get HTTP/1.1");
        } else if (o == "reuseport" || o == "deferred" || o == "bind" || o.rfind("backlog=", 0) == 0 ||
                   o.rfind("rcvbuf=", 0) == 0 || o.rfind("sndbuf=", 0) == 0 || o.rfind("fastopen=", 0) == 0 ||
                   o.rfind("so_keepalive=", 0) == 0 || o.rfind("ipv6only=", 0) == 0 ||
                   o.rfind("accept_filter=", 0) == 0 || o.rfind("setfib=", 0) == 0) {
            if (o != "reuseport")
                approximations.push_back("'" + o + "': hafront sets its own socket options");
        } else {
            return r.unsupported(d, "nginx refuses the listen parameter '" + o +
                                        "' (a missing ';' before it?): "
                                        "not carried"),
                   std::nullopt;
        }
    }
    std::string note =
        "binds " + bind.address + (bind.defaultServer ? " (default server)" : "") + (bind.tls ? "; tls { }" : "") +
        (bind.http2 ? bind.tls ? "; HTTP/2 by ALPN h2 (hafront's default on TLS)"
                               : "; HTTP/2 with prior knowledge (h2c, nginx 1.22): http2 { enabled: true }"
                    : "");
    if (a == "default" || (d.args.size() > 1 && d.argText().find(" default") != std::string::npos &&
                           d.argText().find("default_server") == std::string::npos))
        note += "; 'default' is the old spelling of default_server";
    if (approximations.empty())
        r.mapped(d, note);
    for (const auto &x : approximations)
        r.approximated(d, note + "; " + x);
    return bind;
}

void serverNames(NginxContext &ctx, const Directive &d, ServerPlan &plan)
{
    std::vector<std::string> skipped;
    for (const auto &n : d.args) {
        if (n == "_" || n.empty() || n == "\"\"")
            continue;
        if (n[0] == '~' || n.find('*') != std::string::npos || n[0] == '$' || hasPlaceholder(n)) {
            skipped.push_back(n);
            continue;
        }
        if (n[0] == '.') {
            plan.names.push_back(n.substr(1));
            ctx.report.approximated(d, "'" + n + "' is taken as " + n.substr(1) +
                                           " only: hafront matches exact host names, not subdomains");
            continue;
        }
        plan.names.push_back(n);
    }
    if (!skipped.empty()) {
        std::string list;
        for (const auto &s : skipped)
            list += (list.empty() ? "" : ", ") + s;
        ctx.report.unsupported(d, "hafront routes on exact host names; " + list +
                                      " (wildcard, regex or placeholder) not matched: such requests go to the "
                                      "default server of the address");
    }
    if (skipped.empty())
        ctx.report.mapped(d, plan.names.empty() ? "no name: only the default server's role" : "route host names");
}

struct Handlers;

class LocationPlanner {
public:
    LocationPlanner(NginxContext &ctx, ServerPlan &plan) : m_ctx(ctx), m_plan(plan) {}

    void location(const Directive &d, const Scope &scope, const std::string &parentPrefix, int depth);
    bool respond(const Directive &d, RoutePlan &route, const Scope &scope);
    bool rewrite(const Directive &d, RoutePlan &route);
    void implicitRoot();

private:
    bool proxy(const Directive &d, RoutePlan &route, const Scope &scope);
    bool staticRoute(RoutePlan &route, const Scope &scope, const Directive *alias, const Directive *tryFiles);
    void listenerWide(const Scope &scope);
    Handlers collect(const Directive &d, const Scope &s, const std::string &prefix, int depth);
    bool choose(Handlers &h, RoutePlan &route, const Scope &s);

    NginxContext &m_ctx;
    ServerPlan &m_plan;
};

// Variables hafront's fixed responses expand (agent/proxy respond route).
std::string unknownVariable(const std::string &text)
{
    static const char *known[] = {"$scheme", "$host", "$http_host", "$request_uri",
                                  "$uri",    "$args", "$is_args",   "$query_string"};
    for (size_t i = text.find('$'); i != std::string::npos; i = text.find('$', i + 1)) {
        bool ok = false;
        for (const char *k : known) {
            const size_t n = std::char_traits<char>::length(k);
            const char next = i + n < text.size() ? text[i + n] : '\0';
            ok |= text.compare(i, n, k) == 0 && !(std::isalnum(static_cast<unsigned char>(next)) || next == '_');
        }
        if (!ok) {
            size_t end = i + 1;
            while (end < text.size() && (std::isalnum(static_cast<unsigned char>(text[end])) || text[end] == '_' ||
                                         text[end] == '{' || text[end] == '}'))
                ++end;
            return text.substr(i, end - i);
        }
    }
    return {};
}

bool LocationPlanner::respond(const Directive &d, RoutePlan &route, const Scope &)
{
    Report &r = m_ctx.report;
    if (d.args.empty() || d.args.size() > 2)
        return r.unsupported(d, "return takes CODE [TEXT|URL] or URL"), false;
    auto code = parseInteger(d.args[0]);
    std::string text = d.args.size() == 2 ? d.args[1] : "";
    if (!code && d.args.size() == 1) // "return URL": 302
        code = 302, text = d.args[0];
    if (!code || *code < 200 || *code > 599)
        return r.unsupported(d, "cannot read the status '" + d.args[0] + "'" + placeholderNote(d.argText())), false;
    if (*code == 444)
        return r.unsupported(d, "444 (close the connection without a response) is not in hafront"), false;
    if (const auto var = unknownVariable(text); !var.empty())
        return r.unsupported(d, "hafront's fixed responses expand $scheme, $host, $http_host, $request_uri, $uri, "
                                "$args and $is_args, not " +
                                    var),
               false;
    route.action = RoutePlan::Action::Respond;
    route.status = uint32_t(*code);
    const bool redirect = *code == 301 || *code == 302 || *code == 303 || *code == 307 || *code == 308;
    (redirect ? route.location : route.body) = text;
    // nginx makes a relative redirect absolute (absolute_redirect on, with the
    // Host and the listen port unless 80); hafront sends it as written.
    const std::string relative = redirect && !text.empty() && text[0] == '/'
                                     ? "; nginx makes this relative Location absolute (http://HOST[:PORT]" + text +
                                           "), hafront sends it as written"
                                     : "";
    if (redirect || text.empty())
        r.approximated(d,
                       "answered by hafront with status " + std::to_string(*code) +
                           (redirect ? " and Location " + text : "") + relative +
                           "; the body is hafront's one-line text, not nginx's HTML page",
                       "route");
    else
        r.mapped(d, "answered by hafront: status " + d.args[0] + " with this text");
    return true;
}

// Only a rewrite that takes every URI and redirects is a fixed response.
bool LocationPlanner::rewrite(const Directive &d, RoutePlan &route)
{
    Report &r = m_ctx.report;
    const std::string flag = d.args.size() == 3 ? d.args[2] : "";
    if (d.args.size() < 2 || (flag != "permanent" && flag != "redirect"))
        return r.unsupported(d, "hafront does not rewrite URIs; only 'rewrite ^ URL permanent|redirect' (a "
                                "redirect of every URI) is carried"),
               false;
    const std::string &re = d.args[0];
    std::string url = d.args[1];
    std::string capture;
    if (re == "^(.*)$" || re == "^(.*)" || re == "(.*)")
        capture = "$uri";
    else if (re == "^/(.*)$" || re == "^/(.*)")
        capture = "$uri"; // "$1" follows a written "/": "/$1" is the URI
    else if (re != "^" && re != "^.*$" && re != ".*" && re != "^.*")
        return r.unsupported(d, "the regex '" + re + "' does not match every URI; hafront has no regex rewrites"),
               false;
    if (!capture.empty()) {
        const std::string one = re.rfind("^/", 0) == 0 ? "/$1" : "$1";
        for (size_t at; (at = url.find(one)) != std::string::npos;)
            url.replace(at, one.size(), capture);
    }
    if (url.find('$') != std::string::npos && !unknownVariable(url).empty())
        return r.unsupported(d, "the replacement uses " + unknownVariable(url) + ", which hafront cannot expand"),
               false;
    if (!url.empty() && url.back() == '?')
        url.pop_back(); // nginx: a trailing '?' drops the request's arguments
    else if (url.find('?') == std::string::npos)
        url += "$is_args$args"; // nginx appends the request's arguments
    else
        return r.unsupported(d, "a replacement with its own arguments gets the request's appended; not in hafront"),
               false;
    route.action = RoutePlan::Action::Respond;
    route.status = flag == "permanent" ? 301 : 302;
    route.location = url;
    r.approximated(d,
                   "answered by hafront with status " + std::to_string(route.status) + " and Location " + url +
                       "; the body is hafront's one-line text, not nginx's HTML page",
                   "route");
    return true;
}

bool LocationPlanner::proxy(const Directive &d, RoutePlan &route, const Scope &scope)
{
    Report &r = m_ctx.report;
    const std::string url = d.args.size() == 1 ? d.args[0] : "";
    const bool https = url.rfind("https://", 0) == 0;
    if (!https && url.rfind("http://", 0) != 0)
        return r.unsupported(d, "cannot read the URL '" + d.argText() + "'" + placeholderNote(d.argText())), false;
    if (url.find('$') != std::string::npos && !hasPlaceholder(url))
        return r.unsupported(d, "a proxy_pass with variables is resolved per request by nginx; hafront needs a "
                                "fixed pool"),
               false;
    const std::string rest = url.substr(https ? 8 : 7);
    const auto slash = rest.find('/');
    const std::string hostPort = rest.substr(0, slash);
    const std::string uri = slash == std::string::npos ? "" : rest.substr(slash);
    std::string proxyHost = hostPort;
    const std::string defaultPort = https ? ":443" : ":80";
    if (proxyHost.size() > defaultPort.size() &&
        proxyHost.compare(proxyHost.size() - defaultPort.size(), defaultPort.size(), defaultPort) == 0)
        proxyHost.resize(proxyHost.size() - defaultPort.size()); // $proxy_host drops the default port
    // The TLS settings first: a route nginx would refuse makes no pool.
    std::optional<v1::PoolTls> tls;
    if (const std::string named = https ? poolNameOf(m_ctx, hostPort, 443) : ""; !named.empty())
        if (!(tls = planPoolTls(m_ctx, scope, d, proxyHost, tlsPoolName(m_ctx, named))))
            return false;
    std::string pool;
    if (const auto it = m_ctx.upstreams.find(hostPort); it != m_ctx.upstreams.end()) {
        pool = it->second.pool;
        if (pool.empty())
            return r.unsupported(d, "upstream '" + hostPort + "' has no server hafront could carry"), false;
    } else {
        pool = directPool(m_ctx, d, hostPort, false, https ? 443 : 80);
        if (pool.empty())
            return false;
    }
    if (tls) {
        const std::string base = pool;
        pool = tlsPoolName(m_ctx, base);
        applyPoolTls(m_ctx, *tls, d, base, pool);
    }
    route.action = RoutePlan::Action::Proxy;
    route.pool = pool;
    route.replacePrefix = uri;
    applyProxyScope(m_ctx, scope, d, pool);
    if (!uri.empty())
        r.mapped(d, "pool '" + pool + "'; the matched prefix " + route.prefix + " is replaced by " + uri, "route");
    judgeHeaders(m_ctx, scope, d, proxyHost, m_plan.isTls);
    return true;
}

std::string firstIndex(NginxContext &ctx, const Scope &scope)
{
    if (!scope.index)
        return {};
    const Directive &d = *scope.index;
    std::string first;
    for (const auto &a : d.args)
        if (first.empty() && a.find('$') == std::string::npos)
            first = a;
    if (ctx.judged.insert(&d).second) {
        if (first.empty())
            ctx.report.unsupported(d, "index files with variables are not in hafront; index.html is used");
        else if (d.args.size() > 1)
            ctx.report.approximated(d, "hafront tries one index file: " + first + " (nginx tries " + d.argText() + ")");
        else
            ctx.report.mapped(d, "index " + first);
    }
    return first == "index.html" ? std::string() : first;
}

bool LocationPlanner::staticRoute(RoutePlan &route, const Scope &scope, const Directive *alias,
                                  const Directive *tryFiles)
{
    Report &r = m_ctx.report;
    const Directive *source = alias ? alias : scope.root;
    std::string dir = source ? source->argText() : "html"; // nginx's compiled-in default root
    const bool hasVariable = dir.find('$') != std::string::npos;
    if (source && (source->args.size() != 1 || hasVariable)) {
        if (m_ctx.judged.insert(source).second)
            r.unsupported(*source, hasVariable ? "a path with variables is per request in nginx; hafront serves "
                                                 "one folder" +
                                                     placeholderNote(dir)
                                               : "takes one path");
        return false;
    }
    if (dir[0] != '/') {
        if (m_ctx.options.prefix.empty()) {
            const Directive &at = source ? *source : *m_plan.server;
            if (!source || m_ctx.judged.insert(source).second)
                r.unsupported(at, std::string(source ? "" : "no root: nginx's default is ") + "the relative path '" +
                                      dir +
                                      "' under nginx's prefix, which is not known here (give --nginx-prefix "
                                      "DIR): the static route for " +
                                      route.prefix + " is not carried");
            return false;
        }
        dir = joinPath(m_ctx.options.prefix, dir);
    }
    if (!alias && route.prefix != "/")
        dir = joinPath(dir, "." + route.prefix);
    while (dir.size() > 1 && dir.back() == '/')
        dir.pop_back();
    route.action = RoutePlan::Action::Static;
    route.staticRoot = dir;
    route.index = firstIndex(m_ctx, scope);
    if (route.exact && route.prefix.back() != '/') {
        // An exact file: its folder as the root and the file as the index of
        // the empty rest, so the route serves exactly that file.
        route.index = dir.substr(dir.rfind('/') + 1);
        route.staticRoot = dirName(dir);
    }
    if (source && m_ctx.judged.insert(source).second)
        r.approximated(*source, "static files from " + source->argText() +
                                    "; a folder asked for without its trailing slash is served its index (nginx "
                                    "redirects to add the slash)");
    if (!source)
        r.mapped(*m_plan.server, "no root: nginx's default root html under the prefix, " + dir);
    if (tryFiles) {
        const std::string t = tryFiles->argText();
        if (t == "$uri $uri/ =404" || t == "$uri $uri/index.html =404")
            r.mapped(*tryFiles, "hafront serves the file or the folder's index, else 404");
        else if (t == "$uri =404")
            r.approximated(*tryFiles, "hafront also serves a folder's index file where nginx answers 404");
        else
            r.unsupported(*tryFiles, "hafront has no fallback URI or named location: a missing file is 404, not " +
                                         tryFiles->args.back());
    }
    return true;
}

// Settings hafront keeps per listener that this location changes.
void LocationPlanner::listenerWide(const Scope &s)
{
    const Scope &server = m_plan.scope;
    for (const auto &[mine, theirs] :
         {std::pair{s.clientMaxBodySize, server.clientMaxBodySize},
          std::pair{s.keepaliveTimeout, server.keepaliveTimeout}, std::pair{s.accessLog, server.accessLog}})
        if (mine && mine != theirs && m_ctx.judged.insert(mine).second)
            m_ctx.report.approximated(*mine, "hafront sets this per listener, not per location: the server's value "
                                             "applies here");
}

struct LocationKey {
    std::string prefix;
    bool exact = false;
    std::string unsupported; // why, when the location cannot be a route
};

LocationKey locationKey(const Directive &d)
{
    const auto &a = d.args;
    if (a.empty() || a.size() > 2)
        return {{}, false, "location takes [=|^~|~|~*] URI"};
    std::string mod = a.size() == 2 ? a[0] : "", uri = a.back();
    if (a.size() == 1 && uri.size() > 1 && uri[0] == '=')
        mod = "=", uri = uri.substr(1);
    else if (a.size() == 1 && uri.rfind("^~", 0) == 0 && uri.size() > 2)
        mod = "^~", uri = uri.substr(2);
    else if (a.size() == 1 && uri[0] == '~')
        mod = "~";
    if (mod == "~" || mod == "~*")
        return {{}, false, std::string("regex location: ") + kRegexRule};
    if (!uri.empty() && uri[0] == '@')
        return {{},
                false,
                "named locations are reached only through try_files or error_page, which hafront does "
                "not do"};
    if (mod != "" && mod != "=" && mod != "^~")
        return {{}, false, "unknown location modifier '" + mod + "'"};
    if (uri.empty() || uri[0] != '/')
        return {{}, false, "cannot read the location '" + d.argText() + "'" + placeholderNote(d.argText())};
    return {uri, mod == "=", {}};
}

bool isOtherHandler(const std::string &n)
{
    return n == "fastcgi_pass" || n == "uwsgi_pass" || n == "scgi_pass" || n == "grpc_pass" || n == "memcached_pass" ||
           n == "stub_status" || n == "empty_gif" || n == "content_by_lua_block" || n == "content_by_lua" ||
           n == "content_by_lua_file";
}

// A location's content directives; nested locations are planned on the way.
struct Handlers {
    const Directive *ret = nullptr, *pass = nullptr, *alias = nullptr, *tryFiles = nullptr, *other = nullptr;
    std::vector<const Directive *> rewrites, unreached;
};

Handlers LocationPlanner::collect(const Directive &d, const Scope &s, const std::string &prefix, int depth)
{
    Report &r = m_ctx.report;
    Handlers h;
    for (const auto &c : d.children) {
        const std::string &n = c.name;
        if (n == "location")
            location(c, s, prefix, depth + 1);
        else if (n == "return")
            (h.ret ? h.unreached.push_back(&c) : void(h.ret = &c));
        else if (n == "rewrite")
            h.rewrites.push_back(&c);
        else if (n == "proxy_pass")
            h.pass = &c;
        else if (n == "alias")
            h.alias = &c;
        else if (n == "try_files")
            h.tryFiles = &c;
        else if (isOtherHandler(n))
            h.other = &c, r.unsupported(c, "hafront proxies HTTP only (no FastCGI, uwsgi, SCGI, gRPC, memcached or "
                                           "module handlers): " +
                                               prefix + " gets no route");
        else if (isProxySslDirective(n))
            judgeTls(m_ctx, c); // inherited through the scope (nginxscope.cpp)
        else if (isTlsDirective(n))
            reportTls(r, c);
        else if (!isScopeDirective(n))
            classifyOther(r, c, "location");
    }
    return h;
}

// nginx's order: return and rewrite (rewrite phase) before the content
// handler; proxy_pass, else another handler, else static files.
bool LocationPlanner::choose(Handlers &h, RoutePlan &route, const Scope &s)
{
    Report &r = m_ctx.report;
    bool ok = false;
    if (h.ret) {
        ok = respond(*h.ret, route, s);
        h.unreached.insert(h.unreached.end(), h.rewrites.begin(), h.rewrites.end());
        h.rewrites.clear();
    }
    for (size_t i = 0; i < h.rewrites.size(); ++i)
        if (i > 0 || ok)
            r.unsupported(*h.rewrites[i], "a second rewrite: hafront carries one redirect per location");
        else
            ok = rewrite(*h.rewrites[i], route);
    if (!ok && h.pass)
        ok = proxy(*h.pass, route, s);
    else if (h.pass)
        h.unreached.push_back(h.pass);
    if (!ok && !h.pass && !h.other)
        ok = staticRoute(route, s, h.alias, h.tryFiles);
    else
        for (const auto *x : {h.alias, h.tryFiles})
            if (x)
                h.unreached.push_back(x);
    const char *first = h.ret ? "return" : h.pass ? "proxy_pass" : h.other ? h.other->name.c_str() : "rewrite";
    for (const auto *x : h.unreached)
        r.mapped(*x, "not used: the location answers with " + std::string(first) + " first, as in nginx");
    return ok;
}

void LocationPlanner::location(const Directive &d, const Scope &parent, const std::string &parentPrefix, int depth)
{
    Report &r = m_ctx.report;
    const LocationKey key = locationKey(d);
    if (!key.unsupported.empty())
        return r.unsupported(d, key.unsupported + (d.children.empty() ? ""
                                                                      : "; its " + std::to_string(d.children.size()) +
                                                                            " directive(s) are not carried"));
    if (depth > kMaxLocationDepth || key.prefix.rfind(parentPrefix, 0) != 0)
        return r.unsupported(d, "location " + key.prefix + " is outside its parent " + parentPrefix +
                                    " (nginx refuses this)");
    for (const auto &existing : m_plan.routes)
        if (existing.prefix == key.prefix && existing.exact == key.exact && existing.source != m_plan.server)
            return r.unsupported(d, "duplicate location " + key.prefix + " (nginx refuses this)");
    const Scope s = enterScope(parent, d.children, r);
    Handlers h = collect(d, s, key.prefix, depth);
    RoutePlan route;
    route.prefix = key.prefix;
    route.exact = key.exact;
    route.source = &d;
    if (!choose(h, route, s))
        return r.unsupported(d, "no route for " + key.prefix + ": what it does is not carried (see the lines inside)");
    r.mapped(d, std::string(key.exact ? "exact route " : "route ") + key.prefix);
    m_plan.routes.push_back(route);
    listenerWide(s);
}

// nginx serves a URI no location matches as a static file of the server's root.
void LocationPlanner::implicitRoot()
{
    RoutePlan route;
    route.prefix = "/";
    route.source = m_plan.server;
    if (!staticRoute(route, m_plan.scope, nullptr, nullptr))
        return;
    m_ctx.report.mapped(*m_plan.server, "URIs no location matches are static files of the server's root, as in nginx");
    m_plan.routes.push_back(route);
}

// A return or an every-URI redirect at server level answers before any location.
bool serverWideAnswer(NginxContext &ctx, LocationPlanner &planner, ServerPlan &plan, const Scope &scope)
{
    const Directive &server = *plan.server;
    for (const auto &c : server.children) {
        if (c.name != "return" && c.name != "rewrite")
            continue;
        RoutePlan route;
        route.prefix = "/";
        route.source = &server;
        const bool ok = c.name == "return" ? planner.respond(c, route, scope) : planner.rewrite(c, route);
        if (!ok)
            continue;
        plan.routes.push_back(route);
        for (const auto &other : server.children)
            if (other.name == "location" || (&other != &c && (other.name == "return" || other.name == "rewrite")))
                ctx.report.mapped(other, "not reached: the server's " + c.name + " at line " + std::to_string(c.line) +
                                             " answers every request first, as in nginx");
        return true;
    }
    return false;
}

} // namespace

ServerPlan planServer(NginxContext &ctx, const Directive &server, const Scope &http, const TlsScope &httpTls)
{
    ServerPlan plan;
    plan.server = &server;
    plan.scope = enterScope(http, server.children, ctx.report);
    plan.tls = enterTlsScope(ctx, httpTls, server.children);
    LocationPlanner planner(ctx, plan);
    bool anyListen = false;
    // "ssl on" (the old spelling of "listen ... ssl") and nginx 1.25's
    // "http2 on", from this server or inherited from http{}.
    const auto isOn = [&](const char *name) {
        const auto it = plan.tls.byName.find(name);
        return it != plan.tls.byName.end() && !it->second.empty() && it->second.back()->argText() == "on";
    };
    const bool sslOn = isOn("ssl"), http2On = isOn("http2");
    for (const auto &c : server.children) {
        if (c.name == "listen") {
            anyListen = true;
            if (auto bind = parseListen(ctx, c))
                plan.binds.push_back(*bind);
        } else if (c.name == "server_name") {
            serverNames(ctx, c, plan);
        } else if (c.name == "ssl" || c.name == "http2") {
            judgeTls(ctx, c);
        }
    }
    if (!anyListen) {
        plan.binds.push_back({"0.0.0.0:80", false, false, false, &server});
        ctx.report.approximated(server, "no listen: nginx listens on *:80 when started as root (*:8000 otherwise); "
                                        "hafront binds 0.0.0.0:80");
    }
    bool anyTls = false;
    for (auto &b : plan.binds) {
        b.tls |= sslOn;
        b.http2 |= http2On;
        anyTls |= b.tls;
    }
    plan.isTls = anyTls;
    if (anyTls)
        planTls(ctx, plan);
    std::string binds;
    for (const auto &b : plan.binds)
        binds += (binds.empty() ? "" : ", ") + b.address;
    ctx.report.mapped(server, binds.empty() ? "no address hafront can bind" : "routes on " + binds);
    const bool answered = serverWideAnswer(ctx, planner, plan, plan.scope);
    for (const auto &c : server.children) {
        const std::string &n = c.name;
        if (n == "listen" || n == "server_name" || isScopeDirective(n) || isTlsDirective(n) ||
            (answered && (n == "location" || n == "return" || n == "rewrite")))
            continue;
        if (n == "location")
            planner.location(c, plan.scope, "", 1);
        else if (n == "return" || n == "rewrite")
            ctx.report.unsupported(c, "only a return or a redirect of every URI is carried at server level");
        else if (n == "add_header" && anyTls && mapHsts(ctx, c, plan))
            continue;
        else
            classifyOther(ctx.report, c, "server");
    }
    const bool hasRoot = std::any_of(plan.routes.begin(), plan.routes.end(),
                                     [](const RoutePlan &r) { return r.prefix == "/" && !r.exact; });
    if (!hasRoot && !answered)
        planner.implicitRoot();
    return plan;
}

} // namespace hafront::import
