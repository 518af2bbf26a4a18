// TLS and HTTP/2 directives of nginx. A listen with ssl (or the old "ssl on;")
// makes the address a listener with tls { }; ssl_certificate and
// ssl_certificate_key pair up in order (nginx's rule) and are inherited from
// http{} unless the server sets its own; ssl_protocols gives min_version.
// Each directive is judged once, where it is written.
#include "import/nginxmapper.h"
#include "import/nginxplan.h"
#include "import/units.h"

#include <algorithm>
#include <cctype>

namespace hafront::import {

// hafront has pool { tls { } }; the import does not write it yet.
constexpr const char *kProxySslNote =
    "TLS to backends is not carried by the import yet: give the pool tls { ca_file server_name } by hand";

bool isTlsDirective(const std::string &name)
{
    return name == "ssl" || name.rfind("ssl_", 0) == 0 || name == "http2" || name == "http3" || name == "proxy_ssl" ||
           name.rfind("proxy_ssl_", 0) == 0;
}

void reportTls(Report &report, const Directive &d)
{
    if (d.name.rfind("proxy_ssl", 0) == 0)
        return report.unsupported(d, kProxySslNote);
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

} // namespace

// The verdict on one TLS directive where it is written (http{} or server{}).
void judgeTls(NginxContext &ctx, const Directive &d)
{
    Report &r = ctx.report;
    const std::string &n = d.name;
    if (n.rfind("proxy_ssl", 0) == 0)
        return r.unsupported(d, kProxySslNote);
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
        bool v12 = false, v13 = false, old = false;
        std::string unknown;
        for (const auto &a : d.args) {
            if (a == "TLSv1.2")
                v12 = true;
            else if (a == "TLSv1.3")
                v13 = true;
            else if (a == "TLSv1" || a == "TLSv1.1" || a == "SSLv2" || a == "SSLv3")
                old = true;
            else
                unknown = a;
        }
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
    const auto usable = [](const Directive *d) {
        return d->args.size() == 1 && d->args[0].find('$') == std::string::npos && d->args[0].rfind("data:", 0) != 0 &&
               d->args[0].rfind("engine:", 0) != 0;
    };
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

} // namespace hafront::import
