// The character classes of HTTP/1 syntax (RFC 9110 5.1, 5.5, 5.6.2), shared
// by every parser of heads: the response head, chunk extensions and the
// metrics endpoint's request head.
#pragma once

#include <string_view>

namespace hafront::http {

// tchar: what a method, a field name or a token may hold.
constexpr bool isTokenChar(char c)
{
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
        return true;
    return std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

constexpr bool isToken(std::string_view s)
{
    if (s.empty())
        return false;
    for (char c : s)
        if (!isTokenChar(c))
            return false;
    return true;
}

// A field value's bytes: VCHAR, obs-text, SP and HTAB; no other CTL, no DEL.
constexpr bool isFieldValueChar(char c)
{
    const auto u = static_cast<unsigned char>(c);
    return u == '\t' || (u >= 0x20 && u != 0x7f);
}

constexpr bool isFieldValue(std::string_view s)
{
    for (char c : s)
        if (!isFieldValueChar(c))
            return false;
    return true;
}

} // namespace hafront::http
