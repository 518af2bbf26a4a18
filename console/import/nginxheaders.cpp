// What a backend sees: nginx sends Host: $proxy_host and Connection: close
// over HTTP/1.0 plus what proxy_set_header adds (the nearest level that sets
// any header, nothing inherited past it); hafront passes the client's Host,
// talks HTTP/1.1 keep-alive and adds X-Forwarded-For, X-Real-IP and
// X-Forwarded-Proto. Each difference is named on the proxy_pass line.
#include "import/nginxplan.h"

#include <algorithm>
#include <cctype>

namespace hafront::import {
namespace {

std::string lower(std::string s)
{
    for (auto &c : s)
        c = char(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

enum class Verdict { Same, Differs, NotSent };

// Whether hafront's own handling of header `name` gives what `value` asks.
Verdict judge(const std::string &name, const std::string &value, bool tls, std::string &why)
{
    if (name == "host") {
        if (value == "$http_host")
            return Verdict::Same;
        if (value == "$host") {
            why = "Host is passed as the client sent it (with any port), where nginx sends $host (no port)";
            return Verdict::Differs;
        }
        why = "Host is passed as the client sent it, where nginx sends '" + value + "'";
        return Verdict::Differs;
    }
    if (name == "x-real-ip" && value == "$remote_addr")
        return Verdict::Same;
    if (name == "x-forwarded-for" && value == "$proxy_add_x_forwarded_for")
        return Verdict::Same;
    if (name == "x-forwarded-for" && value == "$remote_addr") {
        why = "X-Forwarded-For gets the client appended to the one received, where nginx sends only the client";
        return Verdict::Differs;
    }
    if (name == "x-forwarded-proto" && (value == "$scheme" || value == (tls ? "https" : "http")))
        return Verdict::Same;
    if (name == "upgrade" && value == "$http_upgrade")
        return Verdict::Same;
    if (name == "connection" &&
        (value.empty() || value == "upgrade" || value == "$connection_upgrade" || value == "keep-alive"))
        return Verdict::Same;
    if (value.empty()) {
        why = name + " from the client is passed on, where nginx removes it";
        return Verdict::Differs;
    }
    why = name + ": " + value + " is not sent (hafront sets no custom request headers)";
    return Verdict::NotSent;
}

} // namespace

void judgeHeaders(NginxContext &ctx, const Scope &scope, const Directive &proxyPass, const std::string &proxyHost,
                  bool tls)
{
    std::vector<std::string> differences;
    std::vector<std::string> set;
    for (const Directive *h : scope.setHeaders) {
        if (h->args.size() != 2) {
            if (ctx.judged.insert(h).second)
                ctx.report.unsupported(*h, "proxy_set_header takes NAME VALUE");
            continue;
        }
        const std::string name = lower(h->args[0]);
        set.push_back(name);
        std::string why;
        const Verdict v = judge(name, h->args[1], tls, why);
        if (v != Verdict::Same && why.compare(0, name.size(), name) == 0)
            why.replace(0, name.size(), h->args[0]); // the header as the file writes it
        if (v != Verdict::Same)
            differences.push_back(why);
        if (!ctx.judged.insert(h).second)
            continue;
        if (v == Verdict::Same)
            ctx.report.mapped(*h, "hafront does this for every request");
        else if (v == Verdict::Differs)
            ctx.report.approximated(*h, why);
        else
            ctx.report.unsupported(*h, why);
    }
    const auto isSet = [&](const char *n) { return std::find(set.begin(), set.end(), n) != set.end(); };
    if (!isSet("host"))
        differences.push_back("Host is passed as the client sent it, where nginx sends '" + proxyHost + "'");
    if (!isSet("x-forwarded-for"))
        differences.push_back("X-Forwarded-For gets the client address appended (nginx passes it unchanged)");
    if (!isSet("x-real-ip"))
        differences.push_back("X-Real-IP is set to the client address (nginx does not add it here)");
    if (!isSet("x-forwarded-proto"))
        differences.push_back(std::string("X-Forwarded-Proto: ") + (tls ? "https" : "http") +
                              " is added (nginx does not add it here)");
    if (!scope.httpVersion || scope.httpVersion->argText() != "1.1")
        differences.push_back("the request goes over HTTP/1.1 keep-alive (nginx: HTTP/1.0, Connection: close)");
    if (differences.empty())
        return ctx.report.mapped(proxyPass, "the backend sees the same forwarding headers as from nginx", "route");
    std::string text = "the backend sees hafront's forwarding headers:";
    for (size_t i = 0; i < differences.size(); ++i)
        text += (i ? "; " : " ") + differences[i];
    ctx.report.approximated(proxyPass, text, "route");
}

} // namespace hafront::import
