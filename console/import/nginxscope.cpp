// nginx's inheritance of the settings hafront has a place for, and the
// verdict on each of those directives where it is written.
#include "import/nginxplan.h"
#include "import/units.h"

#include <algorithm>
#include <cctype>
#include <set>

namespace hafront::import {
namespace {

void reportSize(Report &report, const Directive &d, const char *field)
{
    const auto v = d.args.size() == 1 ? parseNginxSize(d.args[0]) : std::nullopt;
    if (!v)
        report.unsupported(d, "cannot read the size '" + d.argText() + "'" + placeholderNote(d.argText()));
    else if (*v == 0 && d.name == "client_max_body_size")
        report.mapped(d, "0 (no limit): max_body_bytes is set to the largest value hafront holds");
    else
        report.mapped(d, std::string(field) + " " + std::to_string(*v));
}

void reportTime(Report &report, const Directive &d, const char *field)
{
    const auto v = d.args.empty() ? std::nullopt : parseNginxTimeMs(d.args[0]);
    if (!v) {
        report.unsupported(d, "cannot read the time '" + d.argText() + "'" + placeholderNote(d.argText()));
        return;
    }
    if (d.name == "keepalive_timeout" && *v == 0)
        report.approximated(d, "0 turns keep-alive off in nginx; hafront keeps connections open, so idle_timeout_ms "
                               "is 1 ms: an idle connection is closed at once");
    else if (d.name == "keepalive_timeout" && d.args.size() > 1)
        report.approximated(d, "idle_timeout_ms " + std::to_string(*v) +
                                   "; the second value (the Keep-Alive: timeout= response header) is not sent");
    else
        report.mapped(d, std::string(field) + " " + std::to_string(*v));
}

void reportAccessLog(Report &report, const Directive &d)
{
    if (d.args.empty()) {
        report.unsupported(d, "access_log without a path");
    } else if (d.args[0] == "off") {
        report.mapped(d, "no access log");
    } else if (d.args[0].rfind("syslog:", 0) == 0) {
        report.unsupported(d, "hafront writes access logs to files only, not to syslog");
    } else if (d.args.size() > 1 && d.args[1] != "combined") {
        report.approximated(d, "written to " + d.args[0] + " in the combined format; hafront has no log_format '" +
                                   d.args[1] + "' (it writes combined or JSON)");
    } else if (d.args.size() > 2) {
        report.approximated(d, "written to " + d.args[0] + " in the combined format; the options " +
                                   d.argText().substr(d.args[0].size() + d.args[1].size() + 2) +
                                   " (buffer=, flush=, gzip, if=) are not in hafront");
    } else {
        report.mapped(d, "access_log { path: \"" + d.args[0] + "\" } (combined)");
    }
}

void reportNextUpstream(Report &report, const Directive &d)
{
    std::set<std::string> plain = {"error", "timeout"};
    bool extra = false;
    for (const auto &a : d.args)
        extra |= !plain.count(a) && a != "off";
    if (d.args.size() == 1 && d.args[0] == "off")
        report.mapped(d, "retries: 0");
    else if (extra)
        report.approximated(d, "hafront retries the next backend on connection failures and timeouts of "
                               "idempotent requests only, not on '" +
                                   d.argText() + "'");
    else
        report.mapped(d, "retries on the next backend after an error or timeout");
}

void reportOne(Report &report, const Directive &d)
{
    const std::string &n = d.name;
    if (n == "root" || n == "index")
        return; // reported with the routes that use them (nginxserver.cpp)
    if (n == "client_max_body_size")
        return reportSize(report, d, "max_body_bytes");
    if (n == "large_client_header_buffers") {
        const auto count = d.args.size() == 2 ? parseInteger(d.args[0]) : std::nullopt;
        const auto size = d.args.size() == 2 ? parseNginxSize(d.args[1]) : std::nullopt;
        if (!count || !size || *count <= 0)
            return report.unsupported(d, "cannot read '" + d.argText() + "'" + placeholderNote(d.argText()));
        return report.approximated(d, "max_header_bytes " + std::to_string(uint64_t(*count) * *size) +
                                          " for the whole request head; nginx also limits each line to " + d.args[1]);
    }
    if (n == "keepalive_timeout")
        return reportTime(report, d, "idle_timeout_ms");
    if (n == "proxy_connect_timeout")
        return reportTime(report, d, "connect_timeout_ms of the pool");
    if (n == "proxy_read_timeout")
        return reportTime(report, d, "read_timeout_ms of the pool");
    if (n == "proxy_send_timeout")
        return reportTime(report, d, "send_timeout_ms of the pool");
    if (n == "access_log")
        return reportAccessLog(report, d);
    if (n == "proxy_http_version") {
        if (d.argText() == "1.1")
            return report.mapped(d, "hafront talks HTTP/1.1 to backends");
        return report.approximated(d, "hafront always talks HTTP/1.1 with keep-alive to backends");
    }
    if (n == "proxy_next_upstream")
        return reportNextUpstream(report, d);
    if (n == "proxy_next_upstream_tries") {
        const auto v = d.args.size() == 1 ? parseInteger(d.args[0]) : std::nullopt;
        if (!v || *v < 0)
            return report.unsupported(d, "cannot read '" + d.argText() + "'");
        return report.mapped(d, *v == 0 ? "every backend is tried" : "retries " + std::to_string(*v - 1));
    }
    // proxy_set_header: judged per location where the effective set is known.
}

} // namespace

bool isScopeDirective(const std::string &n)
{
    static const std::set<std::string> names = {"root",
                                                "index",
                                                "client_max_body_size",
                                                "keepalive_timeout",
                                                "large_client_header_buffers",
                                                "access_log",
                                                "proxy_connect_timeout",
                                                "proxy_read_timeout",
                                                "proxy_send_timeout",
                                                "proxy_http_version",
                                                "proxy_next_upstream",
                                                "proxy_next_upstream_tries",
                                                "proxy_set_header"};
    return names.count(n) > 0;
}

Scope enterScope(const Scope &parent, const std::vector<Directive> &children, Report &report)
{
    Scope s = parent;
    std::vector<const Directive *> headers;
    const Directive *firstLog = nullptr;
    for (const auto &d : children) {
        if (isProxySslDirective(d.name))
            s.proxySsl[d.name] = &d; // judged where written (nginxtls.cpp)
        if (!isScopeDirective(d.name))
            continue;
        reportOne(report, d);
        const std::string &n = d.name;
        if (n == "root")
            s.root = &d;
        else if (n == "index")
            s.index = &d;
        else if (n == "client_max_body_size")
            s.clientMaxBodySize = &d;
        else if (n == "keepalive_timeout")
            s.keepaliveTimeout = &d;
        else if (n == "large_client_header_buffers")
            s.largeHeaderBuffers = &d;
        else if (n == "proxy_connect_timeout")
            s.connectTimeout = &d;
        else if (n == "proxy_read_timeout")
            s.readTimeout = &d;
        else if (n == "proxy_send_timeout")
            s.sendTimeout = &d;
        else if (n == "proxy_http_version")
            s.httpVersion = &d;
        else if (n == "proxy_next_upstream")
            s.nextUpstream = &d;
        else if (n == "proxy_next_upstream_tries")
            s.nextUpstreamTries = &d;
        else if (n == "proxy_set_header")
            headers.push_back(&d);
        else if (n == "access_log") {
            if (firstLog)
                report.approximated(d, "hafront writes one access log per listener: " + firstLog->argText() +
                                           " is kept, this one is not");
            else
                s.accessLog = firstLog = &d;
        }
    }
    if (!headers.empty())
        s.setHeaders = headers; // nginx: a level with any proxy_set_header inherits none
    return s;
}

} // namespace hafront::import
