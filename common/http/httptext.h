// HTTP text helpers, pure: header names, hop-by-hop rules (RFC 9110 7.6.1),
// trailer fields that may be forwarded (RFC 9110 6.5.1),
// absolute-form targets, request-path normalisation for static roots, MIME types.
#pragma once

#include "base/result.h"

#include <llhttp.h>

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace hafront::http {

bool equalsLower(std::string_view name, std::string_view lower); // ASCII case-insensitive
std::string lowerCopy(std::string_view s);
std::string_view hostWithoutPort(std::string_view host);
// "http://h:1/p?q" -> {"h:1", "/p?q"}; nullopt when not absolute-form.
std::optional<std::pair<std::string, std::string>> splitAbsoluteForm(std::string_view url);
// Connection, Keep-Alive, TE, ..., and every header the Connection header names.
bool isHopByHop(std::string_view name, const std::string *connectionHeader);
// A trailer field a proxy passes on: not hop-by-hop, not a pseudo-header and
// none of what RFC 9110 6.5.1 keeps out of trailers (framing, routing,
// request modifiers, authentication, response controls, content format).
bool isForwardableTrailer(std::string_view name, const std::string *connectionHeader);
const char *reasonOf(int status);
std::string chunkHeader(size_t size);
bool isIdempotent(int llhttpMethod);
// A lone CR or LF in a request head (up to its blank line): RFC 9112 2.2 lets a
// recipient accept bare LF, but a proxy that does so can be desynchronised.
bool hasBareLineEnding(std::string_view head);
// True if a header line of the head is continued by obs-fold (RFC 9112 5.2).
bool hasObsFold(std::string_view head);

// A fixed response's Location or body with nginx's variables filled in:
// $scheme (the client's: http or https), $host (Host without port, lower case), $http_host (as
// sent), $request_uri (the target), $uri (its path), $args / $query_string
// (its query), $is_args ("?" when there is a query). Others stay as written.
std::string expandResponseText(std::string_view text, std::string_view scheme, std::string_view hostHeader,
                               std::string_view target);

// The consistent-hash key of a request: "client_ip", "header:NAME", "cookie:NAME".
template <class Head> std::string hashKeyOf(const std::string &spec, const Head &head, const std::string &clientIp);

// Maps a request target under `prefix` to a path relative to the static root.
// Refuses (403) "..", encoded slashes or dots that climb, NUL, and bad escapes.
struct StaticPath {
    int status = 0;       // 0 = ok
    std::string relative; // decoded, no leading slash
};
StaticPath normaliseStaticPath(std::string_view target, std::string_view prefix);

std::string_view mimeTypeOf(std::string_view path);

// ---- template body ----
std::string cookieValue(std::string_view cookieHeader, std::string_view name);

template <class Head> std::string hashKeyOf(const std::string &spec, const Head &head, const std::string &clientIp)
{
    if (spec.rfind("header:", 0) == 0) {
        const auto *v = head.find(lowerCopy(spec.substr(7)));
        return v ? *v : std::string();
    }
    if (spec.rfind("cookie:", 0) == 0) {
        const auto *v = head.find("cookie");
        return v ? cookieValue(*v, spec.substr(7)) : std::string();
    }
    return clientIp;
}

} // namespace hafront::http
