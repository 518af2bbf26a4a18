#include "config/tlsvalidator.h"

#include "tls/sni.h"

#include <ctime>

namespace hafront::config {
namespace {

std::string at(const std::string &base, const char *field, int index = -1)
{
    std::string p = base.empty() ? field : base + "." + field;
    return index < 0 ? p : p + "[" + std::to_string(index) + "]";
}

std::string q(const std::string &s)
{
    return "'" + s + "'";
}

} // namespace

void checkListenerTls(const v1::Listener &l, const std::string &path, const ValidateOptions &options,
                      std::vector<Finding> &out)
{
    const std::string tlsPath = at(path, "tls");
    auto error = [&](std::string p, std::string m) { out.push_back({std::move(p), std::move(m), false}); };
    auto warn = [&](std::string p, std::string m) { out.push_back({std::move(p), std::move(m), true}); };
    const v1::Tls &tls = l.tls();
    if (l.protocol() != v1::HTTP)
        error(tlsPath, "TLS is for HTTP listeners (a TCP listener passes bytes through)");
    if (tls.certificate_size() == 0)
        error(tlsPath, "tls needs at least one certificate { cert_file key_file }");
    std::vector<std::vector<std::string>> names;
    const int64_t now = options.now ? options.now() : int64_t(std::time(nullptr));
    for (int i = 0; i < tls.certificate_size(); ++i) {
        const v1::Certificate &c = tls.certificate(i);
        const std::string certPath = at(tlsPath, "certificate", i);
        if (c.cert_file().empty() || c.key_file().empty()) {
            error(certPath, "a certificate needs cert_file and key_file");
            continue;
        }
        auto info = options.loadCertificate ? options.loadCertificate(c.cert_file(), c.key_file())
                                            : tls::loadCertificate(c.cert_file(), c.key_file());
        if (!info) {
            const bool aboutKey = info.error().rfind("key ", 0) == 0;
            error(at(certPath, aboutKey ? "key_file" : "cert_file"), info.error());
            continue;
        }
        if (info->notAfter && info->notAfter < now)
            warn(at(certPath, "cert_file"), "certificate " + q(c.cert_file()) + " expired " +
                                                std::to_string((now - info->notAfter) / 86400) + " days ago");
        names.push_back(info->names);
    }
    for (int i = 0; i < l.route_size(); ++i) {
        const std::string &host = l.route(i).host();
        if (!host.empty() && !names.empty() && !tls::anyCovers(names, host))
            error(at(at(path, "route", i), "host"), "no certificate of listener " + q(l.name()) + " covers " + q(host));
    }
    for (int i = 0; i < tls.alpn_size(); ++i)
        if (tls.alpn(i) != "http/1.1" && tls.alpn(i) != "h2")
            error(at(tlsPath, "alpn", i), "ALPN " + q(tls.alpn(i)) + " is not one of \"h2\", \"http/1.1\"");
    if (!tls.session_ticket_secret_file().empty()) {
        auto secret = options.loadTicketSecret ? options.loadTicketSecret(tls.session_ticket_secret_file())
                                               : tls::loadTicketSecret(tls.session_ticket_secret_file());
        if (!secret)
            error(at(tlsPath, "session_ticket_secret_file"), secret.error());
    }
    if (tls.ticket_rotation_s() && tls.ticket_rotation_s() < 60)
        error(at(tlsPath, "ticket_rotation_s"), "ticket_rotation_s below 60 s");
}

void checkPoolTls(const v1::Pool &p, const std::string &path, const ValidateOptions &options, std::vector<Finding> &out)
{
    const std::string tlsPath = at(path, "tls");
    auto error = [&](std::string where, std::string m) { out.push_back({std::move(where), std::move(m), false}); };
    const v1::PoolTls &tls = p.tls();
    if (p.protocol() != v1::HTTP)
        error(tlsPath, "TLS to backends is for HTTP pools (a TCP pool passes the client's bytes through)");
    if (!tls.ca_file().empty()) {
        auto count = options.loadCaBundle ? options.loadCaBundle(tls.ca_file()) : tls::loadCaBundle(tls.ca_file());
        if (!count)
            error(at(tlsPath, "ca_file"), count.error());
    }
    if (tls.has_verify() && !tls.verify())
        out.push_back({at(tlsPath, "verify"),
                       "verify: false: any certificate is accepted from the backends of pool " + q(p.name()), true});
    if (tls.cert_file().empty() != tls.key_file().empty()) {
        error(at(tlsPath, tls.cert_file().empty() ? "key_file" : "cert_file"),
              "a client certificate needs both cert_file and key_file");
    } else if (!tls.cert_file().empty()) {
        auto info = options.loadCertificate ? options.loadCertificate(tls.cert_file(), tls.key_file())
                                            : tls::loadCertificate(tls.cert_file(), tls.key_file());
        if (!info)
            error(at(tlsPath, info.error().rfind("key ", 0) == 0 ? "key_file" : "cert_file"), info.error());
    }
}

void checkRedirect(const v1::Redirect &r, const std::string &path, std::vector<Finding> &out)
{
    const uint32_t s = r.status();
    if (s && s != 301 && s != 302 && s != 303 && s != 307 && s != 308)
        out.push_back(
            {at(path, "status"), "redirect status " + std::to_string(s) + " is not 301, 302, 303, 307 or 308", false});
    if (!r.scheme().empty() && r.scheme() != "http" && r.scheme() != "https")
        out.push_back({at(path, "scheme"), "redirect scheme " + q(r.scheme()) + " is not http or https", false});
    if (r.port() > 65535)
        out.push_back({at(path, "port"), "redirect port " + std::to_string(r.port()) + " is outside 1-65535", false});
    if (!r.path().empty() && r.path()[0] != '/')
        out.push_back({at(path, "path"), "redirect path must start with '/'", false});
    for (char c : r.host() + r.path())
        if (c <= ' ' || c == 0x7f) {
            out.push_back({at(path, r.path().find(c) != std::string::npos ? "path" : "host"),
                           "redirect target has a space or control character", false});
            break;
        }
}

} // namespace hafront::config
