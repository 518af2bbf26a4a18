#include "http/requestcheck.h"

#include "http/httptext.h"

#include <llhttp.h>

#include <array>

namespace hafront::http {
namespace {

// unreserved / sub-delims of RFC 3986, one table lookup per character (this
// runs for every request).
constexpr auto kRegNameChars = [] {
    std::array<bool, 256> t{};
    for (int c = 'a'; c <= 'z'; ++c)
        t[size_t(c)] = true;
    for (int c = 'A'; c <= 'Z'; ++c)
        t[size_t(c)] = true;
    for (int c = '0'; c <= '9'; ++c)
        t[size_t(c)] = true;
    for (char c : std::string_view("-._~!$&'()*+,;="))
        t[size_t(static_cast<unsigned char>(c))] = true;
    return t;
}();

bool isUnreservedOrSubDelim(char c)
{
    return kRegNameChars[static_cast<unsigned char>(c)];
}

bool isHex(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

RequestVerdict refuse(int status, std::string_view reason)
{
    RequestVerdict v;
    v.status = status;
    v.reason = reason;
    return v;
}

} // namespace

bool hasUnderscore(std::string_view name)
{
    return name.find('_') != std::string_view::npos;
}

bool isValidHost(std::string_view host)
{
    if (host.empty())
        return false;
    std::string_view name = host, port;
    if (host[0] == '[') {
        const auto close = host.find(']');
        if (close == std::string_view::npos || close < 2)
            return false;
        for (char c : host.substr(1, close - 1))
            if (!isHex(c) && c != ':' && c != '.')
                return false;
        name = {};
        port = host.substr(close + 1);
        if (!port.empty() && port[0] != ':')
            return false;
    } else {
        const auto colon = host.rfind(':');
        if (colon != std::string_view::npos) {
            name = host.substr(0, colon);
            port = host.substr(colon);
        }
        if (name.empty())
            return false;
        for (size_t i = 0; i < name.size(); ++i) {
            if (name[i] == '%') {
                if (i + 2 >= name.size() || !isHex(name[i + 1]) || !isHex(name[i + 2]))
                    return false;
                i += 2;
            } else if (!isUnreservedOrSubDelim(name[i])) {
                return false;
            }
        }
    }
    if (!port.empty()) { // ":" digits (an empty port is allowed by RFC 3986)
        if (port.size() > 6)
            return false;
        for (char c : port.substr(1))
            if (c < '0' || c > '9')
                return false;
    }
    return true;
}

RequestVerdict checkRequestHead(const RequestFacts &f, const RequestLimits &limits)
{
    const ParsedHead &head = *f.head;
    if (f.versionMajor == 0)
        return refuse(400, "HTTP/0.9 request line (no version)");
    if (f.versionMajor != 1)
        return refuse(505, "HTTP version not supported on this listener");
    // One pass over the fields: this runs for every request.
    int hosts = 0;
    bool transferEncoding = false;
    RequestVerdict v;
    for (const auto &[name, value] : head.headers) {
        if (name.empty())
            return refuse(400, "header field with an empty name");
        for (char ch : value)
            if (ch == '\r' || ch == '\n' || ch == '\0')
                return refuse(400, "control character in a header value"); // obs-fold or a smuggled line
        if (name.size() == 4 && equalsLower(name, "host")) {
            ++hosts;
            v.host = value;
        } else if (name.size() == 17 && equalsLower(name, "transfer-encoding")) {
            transferEncoding = true;
        } else if (name.size() == 6 && equalsLower(name, "expect")) {
            v.expectContinue = equalsLower(value, "100-continue");
        }
        v.underscores = v.underscores || hasUnderscore(name);
    }
    // A Transfer-Encoding other than chunked-last leaves the body length
    // unknown (RFC 9112 6.3 item 4); in HTTP/1.0 it is a smuggling vector (6.1).
    if (transferEncoding && (!f.chunked || f.versionMinor == 0))
        return refuse(400, "Transfer-Encoding that does not end in chunked, or in HTTP/1.0");
    if (hosts > 1 || (f.versionMinor == 1 && hosts != 1))
        return refuse(400, hosts > 1 ? "more than one Host" : "HTTP/1.1 request without Host");
    if (hosts && !isValidHost(v.host))
        return refuse(400, "invalid Host");
    if (f.methodCode == HTTP_CONNECT)
        return refuse(405, "CONNECT is not proxied");
    const std::string_view url = head.url;
    v.target = url;
    if (!url.empty() && url[0] != '/' && url != "*") {
        // absolute-form (RFC 9112 3.2.2): the authority must be the Host.
        const auto scheme = url.find("://");
        if (scheme == std::string_view::npos)
            return refuse(400, "request target is neither origin-form nor absolute-form");
        const std::string_view rest = url.substr(scheme + 3);
        const auto end = rest.find_first_of("/?");
        const std::string_view authority = rest.substr(0, end);
        if (!hosts || lowerCopy(authority) != lowerCopy(v.host))
            return refuse(400, "absolute-form target with a different Host");
        if (end == std::string_view::npos)
            v.rewritten = "/";
        else if (rest[end] == '?')
            v.rewritten = "/" + std::string(rest.substr(end));
        v.target = v.rewritten.empty() ? rest.substr(end) : std::string_view();
    }
    const std::string_view target = v.forwardTarget();
    if (target.empty() || (target[0] != '/' && !(f.methodCode == HTTP_OPTIONS && target == "*")))
        return refuse(400, "bad request target");
    if (f.hasContentLength && f.contentLength > limits.maxBodyBytes)
        return refuse(413, "body over the listener's max_body_bytes");
    return v;
}

} // namespace hafront::http
