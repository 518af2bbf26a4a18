// TLS and HTTP/2 directives of nginx. A listen with ssl (or the old "ssl on;")
// makes the address a listener with tls { }; ssl_certificate and
// ssl_certificate_key pair up in order (nginx's rule) and are inherited from
// http{} unless the server sets its own; ssl_protocols gives min_version.
// proxy_ssl_* (TLS to backends) give the pool of an https:// proxy_pass its
// tls { }. Each directive is judged once, where it is written.
#include "import/nginxmapper.h"
#include "import/nginxplan.h"
#include "import/units.h"

#include "config/address.h"

#include <algorithm>
#include <cctype>

namespace hafront::import {

bool isTlsDirective(const std::string &name)
{
    return name == "ssl" || name.rfind("ssl_", 0) == 0 || name == "http2" || name == "http3" || name == "proxy_ssl" ||
           name.rfind("proxy_ssl_", 0) == 0;
}

void reportTls(Report &report, const Directive &d)
{
    if (d.name.rfind("proxy_ssl", 0) == 0)
        return report.unsupported(d, "TLS to backends is for HTTP pools in hafront: a TCP pool passes the bytes "
                                     "through");
    report.unsupported(d, "TLS in nginx's stream{} or main context is not carried: hafront terminates TLS on "
                          "HTTP listeners only");
}

namespace {

bool isTlsScopeDirective(const std::string &name)
{
    return name == "ssl_certificate" || name == "ssl_certificate_key" || name == "ssl_protocols" ||
           name == "ssl_session_ticket_key" || name == "ssl" || name == "http2";
}

std::string lower(std::string s)
{
    for (auto &c : s)
        c = char(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

// What an ssl_protocols or proxy_ssl_protocols list asks for.
struct Protocols {
    bool v12 = false, v13 = false, old = false;
    std::string unknown; // a name that is not a protocol
};

Protocols readProtocols(const std::vector<std::string> &args)
{
    Protocols p;
    for (const auto &a : args) {
        if (a == "TLSv1.2")
            p.v12 = true;
        else if (a == "TLSv1.3")
            p.v13 = true;
        else if (a == "TLSv1" || a == "TLSv1.1" || a == "SSLv2" || a == "SSLv3")
            p.old = true;
        else
            p.unknown = a;
    }
    return p;
}

// nginx resolves a relative certificate path against its configuration
// prefix: the folder of nginx.conf.
std::string certificatePath(const NginxContext &ctx, const std::string &path)
{
    if (path.empty() || path[0] == '/' || ctx.options.confDir.empty())
        return path;
    return joinPath(ctx.options.confDir, path);
}

void judgeFile(NginxContext &ctx, const Directive &d, const std::string &what)
{
    if (d.args.size() != 1)
        return ctx.report.unsupported(d, "takes one path");
    const std::string &a = d.args[0];
    if (a.find('$') != std::string::npos)
        return ctx.report.unsupported(d, "a path with variables is loaded per handshake by nginx; hafront loads "
                                         "its certificates at start and on SIGHUP" +
                                             placeholderNote(a));
    if (a.rfind("data:", 0) == 0 || a.rfind("engine:", 0) == 0)
        return ctx.report.unsupported(d, "hafront reads " + what + " from a PEM file only");
    const std::string path = certificatePath(ctx, a);
    std::string note = what + " " + path;
    if (path != a)
        note += " (relative paths resolve against nginx's configuration folder " + ctx.options.confDir + ")";
    if (ctx.options.fileExists && !ctx.options.fileExists(path))
        return ctx.report.approximated(d, note + "; the file is not on this machine: --check-config reads it, so "
                                                 "the written config passes only where it exists");
    ctx.report.mapped(d, note);
}

// True when a path directive can be a file in the config (judgeFile says why not).
bool usablePath(const Directive &d)
{
    return d.args.size() == 1 && d.args[0].find('$') == std::string::npos && d.args[0].rfind("data:", 0) != 0 &&
           d.args[0].rfind("engine:", 0) != 0;
}

// hafront offers TLS 1.2 and 1.3 to every backend (no version setting per pool).
void judgeProxySslProtocols(Report &r, const Directive &d)
{
    const auto [v12, v13, old, unknown] = readProtocols(d.args);
    if (!unknown.empty())
        return r.unsupported(d, "cannot read the protocol '" + unknown + "'" + placeholderNote(unknown));
    if (!v12 && !v13)
        return r.unsupported(d, "hafront talks TLS 1.2 and 1.3 to backends; none of " + d.argText() + " is one");
    if (old)
        return r.approximated(d, "hafront never offers TLSv1, TLSv1.1 or SSL to backends: one that only speaks "
                                 "those fails the handshake");
    if (!v12 || !v13)
        return r.approximated(d, std::string("hafront offers TLS 1.2 and 1.3 to backends (a pool has no "
                                             "version setting), not ") +
                                     (v12 ? "TLS 1.2" : "TLS 1.3") + " only");
    return r.mapped(d, "hafront offers TLS 1.2 and 1.3 to backends");
}

// The verdict on one proxy_ssl_* directive where it is written (http{},
// server{} or location{}); what the settings in force together give a pool
// is reported on each https proxy_pass (planPoolTls).
void judgeProxySsl(NginxContext &ctx, const Directive &d)
{
    Report &r = ctx.report;
    const std::string &n = d.name;
    const std::string a = d.argText();
    const bool onOff = d.args.size() == 1 && (a == "on" || a == "off");
    if ((n == "proxy_ssl_verify" || n == "proxy_ssl_server_name" || n == "proxy_ssl_session_reuse") && !onOff)
        return r.unsupported(d, "takes on or off" + placeholderNote(a));
    if (n == "proxy_ssl_verify")
        return a == "on" ? r.approximated(d, "verify: true; hafront accepts chains up to OpenSSL's limit (100) "
                                             "to its CA, where nginx stops at proxy_ssl_verify_depth (default 1)")
                         : r.mapped(d, "verify: false (nginx's default): backend certificates are not checked");
    if (n == "proxy_ssl_trusted_certificate")
        return judgeFile(ctx, d, "ca_file");
    if (n == "proxy_ssl_certificate")
        return judgeFile(ctx, d, "client certificate cert_file");
    if (n == "proxy_ssl_certificate_key")
        return judgeFile(ctx, d, "client certificate key_file");
    if (n == "proxy_ssl_name") {
        if (d.args.size() != 1)
            return r.unsupported(d, "takes one name");
        if (a == "$proxy_host")
            return r.mapped(d, "server_name: the proxy_pass host, nginx's default");
        if (a.find('$') != std::string::npos)
            return r.unsupported(d, "a name with variables is per request in nginx; hafront has one server_name per "
                                    "pool: the proxy_pass host ($proxy_host) is used" +
                                        placeholderNote(a));
        const std::string name = a.substr(0, a.find(':'));
        return r.mapped(d, "server_name " + name + (name != a ? " (nginx drops the port)" : "") +
                               ": sent or verified only where proxy_ssl_server_name or proxy_ssl_verify is on, as "
                               "in nginx");
    }
    if (n == "proxy_ssl_server_name")
        return r.mapped(d, a == "on" ? "server_name is sent as SNI"
                                     : "no SNI (nginx's default), unless verification needs server_name");
    if (n == "proxy_ssl_protocols")
        return judgeProxySslProtocols(r, d);
    if (n == "proxy_ssl_ciphers")
        return a == "DEFAULT" ? r.mapped(d, "OpenSSL's default cipher list, which hafront uses to backends")
                              : r.approximated(d, "hafront uses OpenSSL's default cipher list to backends; '" + a +
                                                      "' is not applied");
    if (n == "proxy_ssl_session_reuse")
        return a == "on" ? r.mapped(d, "hafront resumes backend TLS sessions")
                         : r.approximated(d, "hafront always resumes backend TLS sessions (the last one per backend "
                                             "and worker); it cannot be turned off");
    if (n == "proxy_ssl_verify_depth")
        return r.approximated(d, "hafront does not limit the chain length to a backend's CA (OpenSSL's limit, "
                                 "100); nginx stops at " +
                                     a);
    if (n == "proxy_ssl_crl")
        return r.unsupported(d, "hafront does not check backend certificates against a CRL");
    if (n == "proxy_ssl_password_file")
        return r.unsupported(d, "hafront reads client keys without a passphrase only");
    if (n == "proxy_ssl_conf_command")
        return r.unsupported(d, "hafront takes no OpenSSL configuration commands");
    r.unsupported(d, "this TLS-to-backend setting is not in hafront");
}

} // namespace

// The verdict on one TLS directive where it is written (http{} or server{}).
void judgeTls(NginxContext &ctx, const Directive &d)
{
    Report &r = ctx.report;
    const std::string &n = d.name;
    if (isProxySslDirective(n))
        return judgeProxySsl(ctx, d);
    if (n == "ssl") {
        if (d.argText() == "on")
            return r.mapped(
                d, "the old spelling of 'listen ... ssl': the addresses of the servers it applies to get tls { }");
        return r.mapped(d, "off: plain HTTP");
    }
    if (n == "ssl_certificate")
        return judgeFile(ctx, d, "certificate cert_file");
    if (n == "ssl_certificate_key")
        return judgeFile(ctx, d, "certificate key_file");
    if (n == "ssl_protocols") {
        const auto [v12, v13, old, unknown] = readProtocols(d.args);
        if (!unknown.empty())
            return r.unsupported(d, "cannot read the protocol '" + unknown + "'" + placeholderNote(unknown));
        if (!v12 && !v13)
            return r.unsupported(d, "hafront offers TLS 1.2 and 1.3 only; none of " + d.argText() + " is one");
        const std::string version = v12 ? "TLS1_2" : "TLS1_3";
        if (old)
            return r.approximated(d, "min_version " + version +
                                         ": hafront never offers TLSv1, TLSv1.1 or SSL; "
                                         "clients that only speak those fail the handshake");
        if (v12 && !v13)
            return r.approximated(d, "min_version TLS1_2: hafront offers TLS 1.3 as well (no max version)");
        return r.mapped(d, "min_version " + version);
    }
    if (n == "ssl_session_ticket_key") {
        if (d.args.size() != 1 || d.args[0].find('$') != std::string::npos)
            return r.unsupported(d, "takes one path" + placeholderNote(d.argText()));
        return r.approximated(d, "session_ticket_secret_file " + certificatePath(ctx, d.args[0]) +
                                     ": a different format: hafront derives its ticket keys from the whole file "
                                     "(at least 32 bytes) by HKDF and rotates them every ticket_rotation_s, where "
                                     "nginx uses the file's 48 or 80 bytes as the key; tickets nginx issued do not "
                                     "resume on hafront; only the first such directive is used");
    }
    if (n == "ssl_session_tickets")
        return d.argText() == "off"
                   ? r.approximated(d, "hafront always issues session tickets (keys from session_ticket_secret_file "
                                       "or random per process); they cannot be turned off")
                   : r.mapped(d, "hafront issues session tickets");
    if (n == "ssl_ciphers")
        return r.approximated(d, "hafront's cipher list is fixed: TLS 1.2 ECDHE with AES-GCM or ChaCha20-Poly1305, "
                                 "and TLS 1.3's suites; '" +
                                     d.argText() + "' is not applied");
    if (n == "ssl_prefer_server_ciphers")
        return r.approximated(d, "hafront's order of its fixed cipher list is used, whatever this says");
    if (n == "ssl_session_cache")
        return r.approximated(d, "hafront has no server-side session cache (off): sessions resume by tickets only");
    if (n == "ssl_session_timeout")
        return r.approximated(d, "a ticket is valid while its key is (ticket_rotation_s, default 12 h, plus the "
                                 "previous period), not for this timeout");
    if (n == "ssl_ecdh_curve")
        return r.approximated(d, "hafront's groups are fixed: X25519, P-256, P-384");
    if (n == "ssl_dhparam")
        return r.approximated(d, "not needed: hafront has no finite-field DHE suites, only ECDHE");
    if (n.rfind("ssl_stapling", 0) == 0)
        return r.unsupported(d, "OCSP stapling is not in hafront: clients ask the CA themselves");
    if (n == "ssl_trusted_certificate" || n == "ssl_client_certificate" || n == "ssl_verify_client" ||
        n == "ssl_verify_depth" || n == "ssl_crl")
        return r.unsupported(d, "client certificates (and their trust store) are not in hafront");
    if (n == "ssl_early_data")
        return d.argText() == "off" ? r.mapped(d, "hafront never accepts 0-RTT")
                                    : r.unsupported(d, "hafront never accepts 0-RTT early data (replayable)");
    if (n == "ssl_buffer_size")
        return r.approximated(d, "hafront sizes its TLS records itself");
    if (n == "http2") {
        if (d.argText() == "on")
            return r.mapped(d, "HTTP/2: ALPN h2 on TLS listeners, prior knowledge (h2c) on cleartext ones");
        return r.mapped(d, "off");
    }
    if (n == "http3")
        return r.unsupported(d, "HTTP/3 (QUIC) is not in hafront");
    r.unsupported(d, "this TLS setting is not in hafront");
}

// The TLS settings a level passes down: a level that sets a name replaces the
// parent's directives of that name (ssl_certificate is an array in nginx).
TlsScope enterTlsScope(NginxContext &ctx, const TlsScope &parent, const std::vector<Directive> &children)
{
    TlsScope s = parent;
    std::set<std::string> set;
    for (const auto &c : children) {
        if (!isTlsScopeDirective(c.name))
            continue;
        if (set.insert(c.name).second)
            s.byName[c.name].clear();
        s.byName[c.name].push_back(&c);
    }
    for (const auto &c : children)
        if (isTlsDirective(c.name) && c.name != "ssl" && c.name != "http2" && ctx.judged.insert(&c).second)
            judgeTls(ctx, c);
    return s;
}

// add_header Strict-Transport-Security on a TLS server: the listener's hsts.
// false: not that header (the caller judges the add_header).
bool mapHsts(NginxContext &ctx, const Directive &d, ServerPlan &plan)
{
    if (d.args.size() < 2 || lower(d.args[0]) != "strict-transport-security")
        return false;
    Report &r = ctx.report;
    const bool always = d.args.size() == 3 && d.args[2] == "always";
    if (d.args.size() > 3 || (d.args.size() == 3 && !always))
        return r.unsupported(d, "add_header takes NAME VALUE [always]"), true;
    v1::Hsts hsts;
    bool hasAge = false;
    const std::string &value = d.args[1];
    for (size_t start = 0; start <= value.size();) {
        size_t end = value.find(';', start);
        if (end == std::string::npos)
            end = value.size();
        std::string part = value.substr(start, end - start);
        part.erase(0, part.find_first_not_of(" \t"));
        part.erase(part.find_last_not_of(" \t") + 1);
        const std::string key = lower(part);
        if (key.rfind("max-age=", 0) == 0) {
            const auto age = parseInteger(part.substr(8));
            if (!age || *age < 0 || *age > 0xffffffffLL)
                return r.unsupported(d, "cannot read '" + part + "'" + placeholderNote(part)), true;
            hsts.set_max_age_s(uint32_t(*age));
            hasAge = true;
        } else if (key == "includesubdomains") {
            hsts.set_include_subdomains(true);
        } else if (key == "preload") {
            hsts.set_preload(true);
        } else if (!key.empty()) {
            return r.unsupported(d, "cannot read '" + part + "' in Strict-Transport-Security"), true;
        }
        start = end + 1;
    }
    if (!hasAge)
        return r.unsupported(d, "Strict-Transport-Security without max-age"), true;
    plan.hsts = hsts;
    plan.hstsFrom = &d;
    const std::string note = "tls.hsts max_age_s " + std::to_string(hsts.max_age_s()) +
                             (hsts.include_subdomains() ? " include_subdomains" : "") +
                             (hsts.preload() ? " preload" : "");
    if (!always)
        r.approximated(d, note + ": hafront sends it on every response; nginx without 'always' only on 2xx and 3xx");
    else
        r.mapped(d, note);
    return true;
}

// What a TLS server's listener gets: certificate pairs, min_version, the
// ticket secret.
void planTls(NginxContext &ctx, ServerPlan &plan)
{
    const auto get = [&](const char *name) {
        const auto it = plan.tls.byName.find(name);
        return it == plan.tls.byName.end() ? std::vector<const Directive *>{} : it->second;
    };
    const auto certs = get("ssl_certificate"), keys = get("ssl_certificate_key");
    const auto usable = [](const Directive *d) { return usablePath(*d); };
    if (certs.empty()) {
        ctx.report.unsupported(*plan.server, "a TLS server without ssl_certificate (nginx refuses its handshakes): "
                                             "no certificate for its listener");
    } else if (certs.size() != keys.size()) {
        ctx.report.unsupported(*plan.server, std::to_string(certs.size()) + " ssl_certificate but " +
                                                 std::to_string(keys.size()) +
                                                 " ssl_certificate_key (nginx pairs "
                                                 "them in order and refuses this)");
    } else {
        for (size_t i = 0; i < certs.size(); ++i)
            if (usable(certs[i]) && usable(keys[i]))
                plan.certificates.push_back(
                    {certificatePath(ctx, certs[i]->args[0]), certificatePath(ctx, keys[i]->args[0])});
    }
    const auto protocols = get("ssl_protocols");
    if (!protocols.empty()) {
        const auto &a = protocols.back()->args;
        const bool v12 = std::find(a.begin(), a.end(), "TLSv1.2") != a.end();
        const bool v13 = std::find(a.begin(), a.end(), "TLSv1.3") != a.end();
        plan.minVersion = !v12 && v13 ? v1::TLS1_3 : v1::TLS1_2;
    }
    const auto tickets = get("ssl_session_ticket_key");
    if (!tickets.empty() && usable(tickets.front()))
        plan.ticketSecretFile = certificatePath(ctx, tickets.front()->args[0]);
}

std::string poolTlsText(const v1::PoolTls &tls)
{
    std::string text = std::string("tls { verify: ") + (tls.verify() ? "true" : "false");
    for (const auto &[field, value] : {std::pair{"server_name", tls.server_name()}, std::pair{"ca_file", tls.ca_file()},
                                       std::pair{"cert_file", tls.cert_file()}})
        if (!value.empty())
            text += std::string(" ") + field + " " + value;
    return text + " }";
}

// Where a pool's tls { } behaves otherwise than nginx would with the same
// proxy_ssl_*, said on the proxy_pass. Verification off is reported although
// it is nginx's default too: the operator should see it beside the pool.
void reportPoolTls(Report &r, const Directive &proxyPass, const v1::PoolTls &tls, bool sni, const std::string &pool)
{
    const std::string target = "pool:" + pool;
    const std::string &name = tls.server_name();
    const std::string what = "pool '" + pool + "' gets " + poolTlsText(tls);
    if (!tls.verify())
        r.approximated(proxyPass,
                       what + ": backend certificates are not verified, as with nginx's default proxy_ssl_verify "
                              "off; to verify, set proxy_ssl_verify on and proxy_ssl_trusted_certificate (ca_file)",
                       target);
    else if (config::parseIPv4(name))
        r.approximated(proxyPass,
                       what + ": hafront checks " + name +
                           " against the certificate's IP addresses (IP SAN); nginx checks it as a host name",
                       target);
    else if (!sni)
        r.approximated(proxyPass,
                       what + ": hafront also sends " + name +
                           " as SNI (the name it verifies); nginx with proxy_ssl_server_name off sends none",
                       target);
    else
        r.mapped(proxyPass, what, target);
}

// nginx's defaults: proxy_ssl_verify off, proxy_ssl_server_name off (no SNI),
// proxy_ssl_name $proxy_host without its port. hafront's server_name is both
// the SNI and the name verified, so it is set when nginx sends SNI or checks
// the name, and left empty (no SNI, nothing checked) when it does neither.
std::optional<v1::PoolTls> planPoolTls(NginxContext &ctx, const Scope &scope, const Directive &proxyPass,
                                       const std::string &proxyHost, const std::string &pool)
{
    Report &r = ctx.report;
    const auto in = [&](const char *name) -> const Directive * {
        const auto it = scope.proxySsl.find(name);
        return it == scope.proxySsl.end() ? nullptr : it->second;
    };
    const auto on = [&](const char *name) { return in(name) && in(name)->argText() == "on"; };
    const auto path = [&](const Directive *d) { return d && usablePath(*d) ? certificatePath(ctx, d->args[0]) : ""; };
    const Directive *ca = in("proxy_ssl_trusted_certificate");
    const Directive *cert = in("proxy_ssl_certificate"), *key = in("proxy_ssl_certificate_key");
    const bool verify = on("proxy_ssl_verify"), sni = on("proxy_ssl_server_name");
    v1::PoolTls tls;
    tls.set_verify(verify);
    tls.set_ca_file(path(ca));
    if (verify && !ca)
        return r.unsupported(proxyPass, "proxy_ssl_verify on without proxy_ssl_trusted_certificate: nginx refuses to "
                                        "start (\"no proxy_ssl_trusted_certificate for proxy_ssl_verify\"); no CA "
                                        "is assumed: this route is not carried"),
               std::nullopt;
    if (verify && tls.ca_file().empty())
        return r.unsupported(proxyPass, "the proxy_ssl_trusted_certificate in force (line " + std::to_string(ca->line) +
                                            ") cannot be a ca_file: backends cannot be verified, this route is not "
                                            "carried"),
               std::nullopt;
    if (cert && !key)
        return r.unsupported(proxyPass, "proxy_ssl_certificate without proxy_ssl_certificate_key: nginx refuses to "
                                        "start; this route is not carried"),
               std::nullopt;
    if (cert && (path(cert).empty() || path(key).empty()))
        return r.unsupported(proxyPass, "the client certificate in force (line " + std::to_string(cert->line) +
                                            ") cannot be carried: this route is not carried"),
               std::nullopt;
    if (cert) {
        tls.set_cert_file(path(cert));
        tls.set_key_file(path(key));
    }
    const Directive *named = in("proxy_ssl_name");
    std::string name =
        named && named->args.size() == 1 && named->args[0].find('$') == std::string::npos ? named->args[0] : proxyHost;
    name = name.substr(0, name.find(':')); // nginx strips a port ($proxy_host may have one)
    if (sni || verify)
        tls.set_server_name(name);
    reportPoolTls(r, proxyPass, tls, sni, pool);
    return tls;
}

} // namespace hafront::import
