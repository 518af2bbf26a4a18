#include "tls/sni.h"

namespace hafront::tls {
namespace {

char lower(char c)
{
    return c >= 'A' && c <= 'Z' ? char(c + 32) : c;
}

bool sameName(std::string_view a, std::string_view b)
{
    if (a.size() != b.size())
        return false;
    for (size_t i = 0; i < a.size(); ++i)
        if (lower(a[i]) != lower(b[i]))
            return false;
    return true;
}

std::string_view withoutTrailingDot(std::string_view s)
{
    return !s.empty() && s.back() == '.' ? s.substr(0, s.size() - 1) : s;
}

} // namespace

bool nameCovers(std::string_view pattern, std::string_view host)
{
    pattern = withoutTrailingDot(pattern);
    host = withoutTrailingDot(host);
    if (host.empty() || pattern.empty())
        return false;
    if (pattern.size() > 2 && pattern[0] == '*' && pattern[1] == '.') {
        const size_t dot = host.find('.');
        // One whole leftmost label, and at least two labels left (no "*.com").
        if (dot == std::string_view::npos || dot == 0)
            return false;
        const std::string_view rest = pattern.substr(2);
        return rest.find('.') != std::string_view::npos && sameName(host.substr(dot + 1), rest);
    }
    return sameName(pattern, host);
}

size_t pickCertificate(const std::vector<std::vector<std::string>> &names, std::string_view serverName)
{
    if (serverName.empty())
        return 0;
    for (size_t i = 0; i < names.size(); ++i)
        for (const auto &n : names[i])
            if (n.find('*') == std::string::npos && nameCovers(n, serverName))
                return i;
    for (size_t i = 0; i < names.size(); ++i)
        for (const auto &n : names[i])
            if (nameCovers(n, serverName))
                return i;
    return 0;
}

bool anyCovers(const std::vector<std::vector<std::string>> &names, std::string_view host)
{
    for (const auto &group : names)
        for (const auto &n : group)
            if (nameCovers(n, host))
                return true;
    return false;
}

} // namespace hafront::tls
