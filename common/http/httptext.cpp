#include "http/httptext.h"

#include <cctype>

#include <cstdio>
#include <cstring>

namespace hafront::http {

namespace {
// ASCII only, whatever the process locale: HTTP names and tokens are ASCII.
constexpr char asciiLower(char c)
{
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c + ('a' - 'A')) : c;
}

bool equalsIgnoreCase(std::string_view a, std::string_view b)
{
    if (a.size() != b.size())
        return false;
    for (size_t i = 0; i < a.size(); ++i)
        if (asciiLower(a[i]) != asciiLower(b[i]))
            return false;
    return true;
}
} // namespace

bool equalsLower(std::string_view name, std::string_view lower)
{
    if (name.size() != lower.size())
        return false;
    for (size_t i = 0; i < name.size(); ++i)
        if (asciiLower(name[i]) != lower[i])
            return false;
    return true;
}

std::string lowerCopy(std::string_view s)
{
    std::string out(s);
    for (auto &c : out)
        c = asciiLower(c);
    return out;
}

std::string_view hostWithoutPort(std::string_view host)
{
    if (!host.empty() && host[0] == '[')
        return host.substr(0, host.find(']') + 1);
    return host.substr(0, host.find(':'));
}

std::optional<std::pair<std::string, std::string>> splitAbsoluteForm(std::string_view url)
{
    const auto scheme = url.find("://");
    if (scheme == std::string_view::npos || url[0] == '/')
        return std::nullopt;
    const std::string_view rest = url.substr(scheme + 3);
    const auto slash = rest.find_first_of("/?");
    std::string path = slash == std::string_view::npos ? "/" : std::string(rest.substr(slash));
    if (path[0] == '?')
        path = "/" + path;
    return std::make_pair(lowerCopy(rest.substr(0, slash)), path);
}

bool isHopByHop(std::string_view name, const std::string *connection)
{
    // Connection, Keep-Alive, Proxy-Connection, TE, Transfer-Encoding, Upgrade
    // (RFC 9110 7.6.1; Trailer is end-to-end: it announces the trailer fields
    // a chunked response ends with, which are forwarded): told apart by length
    // first, as this runs for every header of every request and response.
    switch (name.size()) {
    case 2:
        if (equalsLower(name, "te"))
            return true;
        break;
    case 7:
        if (equalsLower(name, "upgrade"))
            return true;
        break;
    case 10:
        if (equalsLower(name, "connection") || equalsLower(name, "keep-alive"))
            return true;
        break;
    case 16:
        if (equalsLower(name, "proxy-connection"))
            return true;
        break;
    case 17:
        if (equalsLower(name, "transfer-encoding"))
            return true;
        break;
    default:
        break;
    }
    if (!connection)
        return false;
    // Tokens named in Connection are hop-by-hop too.
    std::string_view list(*connection);
    while (!list.empty()) {
        const auto comma = list.find(',');
        std::string_view token = list.substr(0, comma);
        while (!token.empty() && (token.front() == ' ' || token.front() == '\t'))
            token.remove_prefix(1);
        while (!token.empty() && (token.back() == ' ' || token.back() == '\t'))
            token.remove_suffix(1);
        if (!token.empty() && equalsIgnoreCase(name, token))
            return true;
        if (comma == std::string_view::npos)
            break;
        list.remove_prefix(comma + 1);
    }
    return false;
}

bool isForwardableTrailer(std::string_view name, const std::string *connection)
{
    // RFC 9110 6.5.1's categories, each with the fields 9110 defines for it:
    // a recipient needs them before the content, so as trailers they would be
    // too late or misread (Transfer-Encoding and TE are hop-by-hop already).
    // Runs only for trailer fields (rare): a plain scan.
    static constexpr std::string_view kNotInTrailers[] = {
        // framing, routing
        "content-length",
        "host",
        "trailer",
        // request controls and conditionals
        "cache-control",
        "expect",
        "max-forwards",
        "pragma",
        "range",
        "if-match",
        "if-none-match",
        "if-modified-since",
        "if-unmodified-since",
        "if-range",
        // authentication
        "authorization",
        "proxy-authorization",
        "www-authenticate",
        "proxy-authenticate",
        "cookie",
        "set-cookie",
        // response controls
        "age",
        "date",
        "expires",
        "location",
        "retry-after",
        "vary",
        "warning",
        // content format
        "content-encoding",
        "content-type",
        "content-range",
    };
    if (name.empty() || name.front() == ':' || isHopByHop(name, connection))
        return false;
    for (const std::string_view forbidden : kNotInTrailers)
        if (equalsLower(name, forbidden))
            return false;
    return true;
}

const char *reasonOf(int status)
{
    switch (status) {
    case 100:
        return "Continue";
    case 101:
        return "Switching Protocols";
    case 200:
        return "OK";
    case 204:
        return "No Content";
    case 206:
        return "Partial Content";
    case 301:
        return "Moved Permanently";
    case 302:
        return "Found";
    case 303:
        return "See Other";
    case 304:
        return "Not Modified";
    case 307:
        return "Temporary Redirect";
    case 308:
        return "Permanent Redirect";
    case 400:
        return "Bad Request";
    case 403:
        return "Forbidden";
    case 404:
        return "Not Found";
    case 405:
        return "Method Not Allowed";
    case 408:
        return "Request Timeout";
    case 410:
        return "Gone";
    case 413:
        return "Content Too Large";
    case 416:
        return "Range Not Satisfiable";
    case 431:
        return "Request Header Fields Too Large";
    case 500:
        return "Internal Server Error";
    case 502:
        return "Bad Gateway";
    case 503:
        return "Service Unavailable";
    case 504:
        return "Gateway Timeout";
    default:
        return "Status";
    }
}

std::string chunkHeader(size_t size)
{
    char buf[32];
    std::snprintf(buf, sizeof buf, "%zx\r\n", size);
    return buf;
}

bool isIdempotent(int m)
{
    return m == HTTP_GET || m == HTTP_HEAD || m == HTTP_PUT || m == HTTP_DELETE || m == HTTP_OPTIONS || m == HTTP_TRACE;
}

// Both scans jump from one CR or LF to the next (memchr) instead of testing
// every byte: they run on every request head.
bool hasBareLineEnding(std::string_view head)
{
    const auto end = head.find("\r\n\r\n");
    const size_t limit = end == std::string_view::npos ? head.size() : end + 2;
    if (limit == 0)
        return false;
    const char *const begin = head.data();
    for (const char *p = begin; (p = static_cast<const char *>(std::memchr(p, '\n', limit - size_t(p - begin)))); ++p)
        if (p == begin || p[-1] != '\r')
            return true;
    for (const char *p = begin; (p = static_cast<const char *>(std::memchr(p, '\r', limit - size_t(p - begin)))); ++p)
        if (size_t(p - begin) + 1 < head.size() && p[1] != '\n')
            return true;
    return false;
}

bool hasObsFold(std::string_view head)
{
    const auto end = head.find("\r\n\r\n");
    const size_t limit = end == std::string_view::npos ? head.size() : end + 2;
    if (limit < 2)
        return false;
    const char *const begin = head.data();
    const size_t last = limit - 1; // the LF of an obs-fold is before the last byte
    for (const char *p = begin; (p = static_cast<const char *>(std::memchr(p, '\n', last - size_t(p - begin)))); ++p)
        if (p[1] == ' ' || p[1] == '\t')
            return true;
    return false;
}

std::string cookieValue(std::string_view header, std::string_view name)
{
    while (!header.empty()) {
        const auto semi = header.find(';');
        std::string_view pair = header.substr(0, semi);
        while (!pair.empty() && pair.front() == ' ')
            pair.remove_prefix(1);
        const auto eq = pair.find('=');
        if (eq != std::string_view::npos && pair.substr(0, eq) == name)
            return std::string(pair.substr(eq + 1));
        if (semi == std::string_view::npos)
            break;
        header.remove_prefix(semi + 1);
    }
    return {};
}

namespace {
int hexValue(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = asciiLower(c);
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}
} // namespace

StaticPath normaliseStaticPath(std::string_view target, std::string_view prefix)
{
    StaticPath out;
    std::string_view path = target.substr(0, target.find_first_of("?#"));
    if (path.substr(0, prefix.size()) != prefix)
        return {404, {}};
    path.remove_prefix(prefix.size());
    std::string decoded;
    for (size_t i = 0; i < path.size(); ++i) {
        if (path[i] != '%') {
            decoded += path[i];
            continue;
        }
        const int hi = i + 1 < path.size() ? hexValue(path[i + 1]) : -1;
        const int lo = i + 2 < path.size() ? hexValue(path[i + 2]) : -1;
        if (hi < 0 || lo < 0)
            return {400, {}};
        const char c = static_cast<char>(hi * 16 + lo);
        if (c == '/' || c == '\\' || c == '\0')
            return {403, {}}; // encoded separators and NUL never reach the filesystem
        decoded += c;
        i += 2;
    }
    // Walk the segments: "." is dropped, ".." is refused outright.
    std::string clean;
    size_t pos = 0;
    while (pos <= decoded.size()) {
        const auto slash = decoded.find('/', pos);
        const std::string segment = decoded.substr(pos, slash == std::string::npos ? std::string::npos : slash - pos);
        if (segment == "..")
            return {403, {}};
        if (segment.find('\0') != std::string::npos || segment.find('\\') != std::string::npos)
            return {403, {}};
        if (!segment.empty() && segment != ".")
            clean += (clean.empty() ? "" : "/") + segment;
        if (slash == std::string::npos)
            break;
        pos = slash + 1;
    }
    if (!decoded.empty() && decoded.back() == '/')
        clean += clean.empty() ? "" : "/";
    out.relative = clean;
    return out;
}

std::string_view mimeTypeOf(std::string_view path)
{
    static const std::pair<const char *, const char *> table[] = {
        {".html", "text/html; charset=utf-8"},
        {".htm", "text/html; charset=utf-8"},
        {".css", "text/css; charset=utf-8"},
        {".js", "text/javascript; charset=utf-8"},
        {".mjs", "text/javascript; charset=utf-8"},
        {".json", "application/json"},
        {".txt", "text/plain; charset=utf-8"},
        {".xml", "application/xml"},
        {".svg", "image/svg+xml"},
        {".png", "image/png"},
        {".jpg", "image/jpeg"},
        {".jpeg", "image/jpeg"},
        {".gif", "image/gif"},
        {".webp", "image/webp"},
        {".ico", "image/vnd.microsoft.icon"},
        {".woff", "font/woff"},
        {".woff2", "font/woff2"},
        {".ttf", "font/ttf"},
        {".pdf", "application/pdf"},
        {".wasm", "application/wasm"},
        {".mp4", "video/mp4"},
        {".webm", "video/webm"},
        {".mp3", "audio/mpeg"},
        {".zip", "application/zip"},
        {".gz", "application/gzip"},
        {".map", "application/json"},
    };
    const auto dot = path.rfind('.');
    if (dot != std::string_view::npos && path.find('/', dot) == std::string_view::npos) {
        const std::string ext = lowerCopy(path.substr(dot));
        for (const auto &[e, type] : table)
            if (ext == e)
                return type;
    }
    return "application/octet-stream";
}

std::string expandResponseText(std::string_view text, std::string_view scheme, std::string_view hostHeader,
                               std::string_view target)
{
    const size_t q = target.find('?');
    const std::string_view path = target.substr(0, q);
    const std::string_view args = q == std::string_view::npos ? std::string_view() : target.substr(q + 1);
    const std::pair<std::string_view, std::string> vars[] = {
        // Longest names first so "$http_host" is not read as "$host" and "$is_args" not as "$args".
        {"$query_string", std::string(args)},
        {"$request_uri", std::string(target)},
        {"$http_host", std::string(hostHeader)},
        {"$is_args", q == std::string_view::npos ? "" : "?"},
        {"$scheme", std::string(scheme)},
        {"$host", lowerCopy(hostWithoutPort(hostHeader))},
        {"$args", std::string(args)},
        {"$uri", std::string(path)},
    };
    std::string out;
    for (size_t i = 0; i < text.size();) {
        bool replaced = false;
        if (text[i] == '$')
            for (const auto &[name, value] : vars) {
                const size_t end = i + name.size();
                const bool whole =
                    end >= text.size() || !(std::isalnum(static_cast<unsigned char>(text[end])) || text[end] == '_');
                if (text.substr(i, name.size()) == name && whole) {
                    out += value;
                    i = end;
                    replaced = true;
                    break;
                }
            }
        if (!replaced)
            out += text[i++];
    }
    return out;
}

} // namespace hafront::http
