#include "metrics/scraperequest.h"

#include "http/headscan.h"
#include "http/httptext.h"
#include "http/tokens.h"
#include "metrics/exposition.h"

#include <algorithm>

namespace hafront::metrics {
using http::isFieldValue;
using http::isToken;
using http::isTokenChar;

namespace {

ScrapeRequest bad(int status, std::string reason)
{
    ScrapeRequest r;
    r.parse = ScrapeRequest::Parse::Bad;
    r.status = status;
    r.reason = std::move(reason);
    return r;
}

// "GET /metrics HTTP/1.1"
ScrapeRequest parseRequestLine(std::string_view line, bool &http11)
{
    const size_t sp1 = line.find(' ');
    const size_t sp2 = sp1 == std::string_view::npos ? sp1 : line.find(' ', sp1 + 1);
    if (sp2 == std::string_view::npos || line.find(' ', sp2 + 1) != std::string_view::npos)
        return bad(400, "malformed request line");
    ScrapeRequest r;
    r.method = std::string(line.substr(0, sp1));
    r.target = std::string(line.substr(sp1 + 1, sp2 - sp1 - 1));
    const std::string_view version = line.substr(sp2 + 1);
    if (!isToken(r.method))
        return bad(400, "malformed method");
    if (r.target.empty() || r.target[0] != '/')
        return bad(400, "request target must be a path starting with /");
    for (char c : r.target)
        if (static_cast<unsigned char>(c) <= 0x20 || static_cast<unsigned char>(c) >= 0x7f)
            return bad(400, "request target holds a character that needs escaping");
    if (version.size() != 8 || version.substr(0, 5) != "HTTP/" || version[6] != '.' || version[5] < '0' ||
        version[5] > '9' || version[7] < '0' || version[7] > '9')
        return bad(400, "malformed HTTP version");
    if (version != "HTTP/1.1" && version != "HTTP/1.0")
        return bad(505, "only HTTP/1.0 and HTTP/1.1 are served");
    http11 = version == "HTTP/1.1";
    return r;
}

std::string response(int status, std::string_view contentType, const std::string &body, bool withBody,
                     std::string_view extraHeaders = {})
{
    std::string out = "HTTP/1.1 " + std::to_string(status) + " " + http::reasonOf(status) + "\r\n";
    out += "Content-Type: ";
    out += contentType;
    out += "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n";
    out += extraHeaders;
    out += "Connection: close\r\n\r\n";
    if (withBody)
        out += body;
    return out;
}

} // namespace

ScrapeRequest ScrapeRequest::parseHead(std::string_view received, size_t maxHeadBytes)
{
    // Line endings a proxy in front of us could read differently (bare LF or
    // CR, obs-fold; RFC 9112 2.2) by the proxy's own rules: http::scanHead.
    const http::HeadScan scan = http::scanHead(received.substr(0, maxHeadBytes + 4), 0);
    if (scan.status == http::HeadScan::Status::Bad)
        return bad(400, scan.reason);
    const size_t end = scan.status == http::HeadScan::Status::Complete ? scan.end - 4 : std::string_view::npos;
    // Judge the method as soon as it arrives: TLS or other binary junk has no CRLF to wait for.
    const std::string_view method = received.substr(0, received.find(' '));
    for (char c : method.substr(0, std::min(method.size(), maxHeadBytes)))
        if (!isTokenChar(c) && c != '\r')
            return bad(400, "malformed method");
    const size_t lineEnd = received.find("\r\n");
    if (lineEnd == std::string_view::npos || lineEnd > maxHeadBytes)
        return received.size() > maxHeadBytes ? bad(414, "request line over " + std::to_string(maxHeadBytes) + " bytes")
                                              : ScrapeRequest{};
    bool http11 = false;
    ScrapeRequest request = parseRequestLine(received.substr(0, lineEnd), http11);
    if (request.parse == Parse::Bad)
        return request;
    if (end == std::string_view::npos || end + 4 > maxHeadBytes)
        return received.size() > maxHeadBytes ? bad(431, "request head over " + std::to_string(maxHeadBytes) + " bytes")
                                              : ScrapeRequest{};
    int hosts = 0;
    size_t at = lineEnd + 2;
    while (at < end + 2) {
        const size_t next = received.find("\r\n", at);
        const std::string_view line = received.substr(at, next - at);
        at = next + 2;
        const size_t colon = line.find(':');
        if (colon == std::string_view::npos || !isToken(line.substr(0, colon)))
            return bad(400, "malformed header line");
        if (!isFieldValue(line.substr(colon + 1)))
            return bad(400, "control character in a header value");
        hosts += http::equalsLower(line.substr(0, colon), "host") ? 1 : 0;
    }
    if (http11 && hosts != 1) // RFC 9112 3.2
        return bad(400, hosts ? "more than one Host header" : "HTTP/1.1 request without a Host header");
    request.parse = Parse::Ready;
    return request;
}

int ScrapeRequest::responseStatus() const
{
    if (parse == Parse::Bad)
        return status;
    const std::string_view path = std::string_view(target).substr(0, target.find('?'));
    if (path != "/metrics")
        return 404;
    return method == "GET" || method == "HEAD" ? 200 : 405;
}

std::string ScrapeRequest::respond(const std::function<std::string()> &renderMetrics) const
{
    const char *plain = "text/plain; charset=utf-8";
    switch (responseStatus()) {
    case 200:
        return response(200, Exposition::kContentType, renderMetrics(), method == "GET");
    case 404:
        return response(404, plain, "not found: metrics are at /metrics\n", true);
    case 405:
        return response(405, plain, "method not allowed: use GET\n", true, "Allow: GET, HEAD\r\n");
    default:
        return response(status, plain, reason + "\n", true);
    }
}

} // namespace hafront::metrics
