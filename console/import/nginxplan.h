// Internal to the nginx mapper: the settings a level inherits (nginx's merge
// rules), and the plan of each server before servers sharing an address are
// folded into one hafront listener.
#pragma once

#include "import/directive.h"
#include "import/report.h"
#include "import/sourcereader.h"

#include "hafront/v1/cluster.pb.h"

#include <map>
#include <set>
#include <optional>
#include <string>
#include <vector>

namespace hafront::import {

struct NginxOptions;

// What a level passes down. Pointers name the directive in force (nullptr:
// nginx's default). proxy_set_header is all-or-nothing: a level that sets
// any header inherits none.
struct Scope {
    const Directive *root = nullptr;
    const Directive *index = nullptr;
    const Directive *clientMaxBodySize = nullptr;
    const Directive *keepaliveTimeout = nullptr;
    const Directive *largeHeaderBuffers = nullptr;
    const Directive *accessLog = nullptr;
    const Directive *connectTimeout = nullptr;
    const Directive *readTimeout = nullptr;
    const Directive *sendTimeout = nullptr;
    const Directive *httpVersion = nullptr;
    const Directive *nextUpstream = nullptr;
    const Directive *nextUpstreamTries = nullptr;
    std::vector<const Directive *> setHeaders;
    // proxy_ssl_* by name: each inherited on its own, as nginx merges them.
    std::map<std::string, const Directive *> proxySsl;
};

// A level's inheritable directives applied over its parent's scope; each is
// reported once, here, where it is written.
Scope enterScope(const Scope &parent, const std::vector<Directive> &children, Report &report);
bool isScopeDirective(const std::string &name);

struct RoutePlan {
    enum class Action { Static, Proxy, Respond };
    std::string prefix;
    bool exact = false;
    Action action = Action::Static;
    std::string staticRoot;
    std::string index;
    std::string pool;
    std::string replacePrefix; // proxy_pass with a URI part
    uint32_t status = 0;       // Respond
    std::string location;      // Respond: redirect target
    std::string body;          // Respond: text
    const Directive *source = nullptr;
};

struct Bind {
    std::string address; // "A.B.C.D:PORT"
    bool defaultServer = false;
    bool tls = false;   // listen ... ssl, or ssl on;
    bool http2 = false; // listen ... http2, or http2 on;
    const Directive *listen = nullptr;
};

// TLS directives in force at a level, by name (ssl_certificate may repeat).
struct TlsScope {
    std::map<std::string, std::vector<const Directive *>> byName;
};

struct ServerPlan {
    const Directive *server = nullptr;
    std::vector<Bind> binds;
    std::vector<std::string> names; // exact names only
    std::vector<RoutePlan> routes;
    Scope scope;                                                   // the server level's settings
    bool isTls = false;                                            // any of its addresses is TLS
    TlsScope tls;                                                  // the TLS directives in force
    std::vector<std::pair<std::string, std::string>> certificates; // cert, key (nginx's order)
    v1::TlsVersion minVersion = v1::TLS1_2;
    std::string ticketSecretFile;
    std::optional<v1::Hsts> hsts; // add_header Strict-Transport-Security
    const Directive *hstsFrom = nullptr;
};

struct UpstreamPlan {
    std::string pool;                 // hafront pool name
    const Directive *block = nullptr; // nullptr for a proxy_pass straight to an address
    bool timeoutsSet = false;
    std::string timeoutsFrom; // "FILE:LINE" of the location that set them
    std::string tlsFrom;      // "FILE:LINE" of the https proxy_pass that gave the pool tls { }
};

// Shared state of one nginx import.
struct NginxContext {
    const NginxOptions &options;
    v1::Cluster &cluster;
    Report &report;
    std::map<std::string, UpstreamPlan> upstreams;       // http{} upstream name -> pool
    std::map<std::string, UpstreamPlan> streamUpstreams; // stream{} upstream name -> pool
    std::set<const Directive *> judged;                  // inherited directives already reported
    std::set<std::string> plainPools;                    // pools an http:// proxy_pass uses
    std::map<std::string, std::vector<Span>> &spans;     // "listener:NAME" -> the blocks it came from
};

// nginxupstream.cpp
void mapUpstream(NginxContext &ctx, const Directive &block, bool stream);
// The pool for "http://ADDRESS[:PORT]" written straight in proxy_pass; empty
// (and reported) when the address is not an IPv4 address. defaultPort: 443
// for https://.
std::string directPool(NginxContext &ctx, const Directive &proxyPass, const std::string &hostPort, bool stream,
                       int defaultPort = 80);
// The name of the pool "http[s]://HOST[:PORT]" reaches (an upstream's or a
// direct one's); empty when there is none.
std::string poolNameOf(const NginxContext &ctx, const std::string &hostPort, int defaultPort);
// The pool an https:// proxy_pass to `pool` uses: `pool` itself, or its copy
// POOL-tls when an http:// proxy_pass uses `pool` too.
std::string tlsPoolName(const NginxContext &ctx, const std::string &pool);
// Gives the pool tls { } (making the POOL-tls copy of `base` first); a pool
// that has other tls { } from another location keeps those, reported.
void applyPoolTls(NginxContext &ctx, const v1::PoolTls &tls, const Directive &proxyPass, const std::string &base,
                  const std::string &pool);
v1::Pool *findPool(v1::Cluster &cluster, const std::string &name);
// A location's timeouts and retry policy onto its pool (the first location wins).
void applyProxyScope(NginxContext &ctx, const Scope &scope, const Directive &proxyPass, const std::string &pool);

// nginxserver.cpp
ServerPlan planServer(NginxContext &ctx, const Directive &server, const Scope &http, const TlsScope &httpTls);

// nginxlisteners.cpp
void buildListeners(NginxContext &ctx, const std::vector<ServerPlan> &servers);

// nginxheaders.cpp: what the backend sees from hafront vs nginx for one
// proxy_pass, reported on it; each proxy_set_header judged once.
// tls: the server is HTTPS (hafront sends X-Forwarded-Proto https).
void judgeHeaders(NginxContext &ctx, const Scope &scope, const Directive &proxyPass, const std::string &proxyHost,
                  bool tls);

// nginxtls.cpp: what TLS and HTTP/2 directives become.
bool isTlsDirective(const std::string &name);
// TLS where hafront has none (stream{}, main): reported.
void reportTls(Report &report, const Directive &d);
void judgeTls(NginxContext &ctx, const Directive &d);
// Applies a level's TLS directives over the parent's, judging each once.
TlsScope enterTlsScope(NginxContext &ctx, const TlsScope &parent, const std::vector<Directive> &children);
// A TLS server's certificates, min_version and ticket secret from plan.tls.
void planTls(NginxContext &ctx, ServerPlan &plan);
inline bool isProxySslDirective(const std::string &name)
{
    return name.rfind("proxy_ssl_", 0) == 0;
}
// The tls { } of the pool an https:// proxy_pass reaches, from the
// proxy_ssl_* in force; nullopt (reported) when nginx would refuse them.
// proxyHost: nginx's $proxy_host, the default proxy_ssl_name.
std::optional<v1::PoolTls> planPoolTls(NginxContext &ctx, const Scope &scope, const Directive &proxyPass,
                                       const std::string &proxyHost, const std::string &pool);
// "tls { verify: false server_name a.example }" for report lines.
std::string poolTlsText(const v1::PoolTls &tls);
bool mapHsts(NginxContext &ctx, const Directive &d, ServerPlan &plan);

// nginxdirectives.cpp: the verdict on a directive no other part maps.
void classifyOther(Report &report, const Directive &d, const char *context);
bool hasPlaceholder(const std::string &text);
std::string placeholderNote(const std::string &text);

} // namespace hafront::import
