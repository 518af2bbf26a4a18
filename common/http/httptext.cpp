#include "http/httptext.h"

#include <cctype>
#include <cstdio>

namespace hafront::http {

bool equalsLower(std::string_view name, std::string_view lower)
{
    if (name.size() != lower.size())
        return false;
    for (size_t i = 0; i < name.size(); ++i)
        if (std::tolower(static_cast<unsigned char>(name[i])) != lower[i])
            return false;
    return true;
}

std::string lowerCopy(std::string_view s)
{
    std::string out(s);
    for (auto &c : out)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
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
    static const char *const fixed[] = {"connection", "keep-alive", "proxy-connection", "te", "trailer",
                                        "transfer-encoding", "upgrade"};
    for (const char *f : fixed)
        if (equalsLower(name, f))
            return true;
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
        if (!token.empty() && equalsLower(name, lowerCopy(token)))
            return true;
        if (comma == std::string_view::npos)
            break;
        list.remove_prefix(comma + 1);
    }
    return false;
}

const char *reasonOf(int status)
{
    switch (status) {
    case 100: return "Continue";
    case 101: return "Switching Protocols";
    case 200: return "OK";
    case 204: return "No Content";
    case 206: return "Partial Content";
    case 301: return "Moved Permanently";
    case 304: return "Not Modified";
    case 400: return "Bad Request";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 413: return "Content Too Large";
    case 416: return "Range Not Satisfiable";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    default: return "Status";
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
    return m == HTTP_GET || m == HTTP_HEAD || m == HTTP_PUT || m == HTTP_DELETE || m == HTTP_OPTIONS ||
           m == HTTP_TRACE;
}

bool hasBareLineEnding(std::string_view head)
{
    const auto end = head.find("\r\n\r\n");
    const size_t limit = end == std::string_view::npos ? head.size() : end + 2;
    for (size_t i = 0; i < limit; ++i) {
        if (head[i] == '\n' && (i == 0 || head[i - 1] != '\r'))
            return true;
        if (head[i] == '\r' && i + 1 < head.size() && head[i + 1] != '\n')
            return true;
    }
    return false;
}

bool hasObsFold(std::string_view head)
{
    const auto end = head.find("\r\n\r\n");
    const size_t limit = end == std::string_view::npos ? head.size() : end + 2;
    for (size_t i = 0; i + 1 < limit; ++i)
        if (head[i] == '\n' && (head[i + 1] == ' ' || head[i + 1] == '\t'))
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
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
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
            return {403, {}};   // encoded separators and NUL never reach the filesystem
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
        {".html", "text/html; charset=utf-8"}, {".htm", "text/html; charset=utf-8"},
        {".css", "text/css; charset=utf-8"},   {".js", "text/javascript; charset=utf-8"},
        {".mjs", "text/javascript; charset=utf-8"}, {".json", "application/json"},
        {".txt", "text/plain; charset=utf-8"}, {".xml", "application/xml"},
        {".svg", "image/svg+xml"},             {".png", "image/png"},
        {".jpg", "image/jpeg"},                {".jpeg", "image/jpeg"},
        {".gif", "image/gif"},                 {".webp", "image/webp"},
        {".ico", "image/vnd.microsoft.icon"},  {".woff", "font/woff"},
        {".woff2", "font/woff2"},              {".ttf", "font/ttf"},
        {".pdf", "application/pdf"},           {".wasm", "application/wasm"},
        {".mp4", "video/mp4"},                 {".webm", "video/webm"},
        {".mp3", "audio/mpeg"},                {".zip", "application/zip"},
        {".gz", "application/gzip"},           {".map", "application/json"},
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

} // namespace hafront::http
