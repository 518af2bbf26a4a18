#include "config/address.h"

#include <arpa/inet.h>

#include <charconv>

namespace hafront::config {
namespace {
std::optional<uint32_t> parseNumber(std::string_view text, uint32_t max)
{
    if (text.empty() || text.size() > 10)
        return std::nullopt;
    uint32_t value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size() || value > max)
        return std::nullopt;
    return value;
}

std::string quoted(std::string_view text)
{
    return "'" + std::string(text) + "'";
}

// inet_pton wants a NUL-terminated string and refuses nothing we would accept.
std::optional<IPv6> pton6(std::string_view text)
{
    if (text.empty() || text.size() > 45 || text.find('\0') != std::string_view::npos)
        return std::nullopt;
    const std::string copy(text);
    IPv6 out{};
    if (::inet_pton(AF_INET6, copy.c_str(), out.data()) != 1)
        return std::nullopt;
    return out;
}
} // namespace

std::optional<uint32_t> parseIPv4(std::string_view text)
{
    uint32_t ip = 0;
    for (int part = 0; part < 4; ++part) {
        const auto dot = text.find('.');
        const std::string_view piece = part < 3 ? text.substr(0, dot) : text;
        if ((part < 3 && dot == std::string_view::npos) || piece.size() > 3)
            return std::nullopt;
        if (piece.size() > 1 && piece[0] == '0')
            return std::nullopt; // no octal-looking forms
        const auto octet = parseNumber(piece, 255);
        if (!octet)
            return std::nullopt;
        ip = (ip << 8) | *octet;
        if (part < 3)
            text.remove_prefix(dot + 1);
    }
    return ip;
}

std::optional<IPv6> parseIPv6(std::string_view text)
{
    if (text.find_first_of("%[]") != std::string_view::npos)
        return std::nullopt;
    return pton6(text);
}

Result<Address> readAddress(std::string_view text)
{
    if (auto ip = parseIPv4(text))
        return Address(*ip);
    if (text.find(':') == std::string_view::npos)
        return fail("cannot parse address " + quoted(text) + " (expected A.B.C.D or an IPv6 address)");
    if (const auto percent = text.find('%'); percent != std::string_view::npos)
        return fail("address " + quoted(text) + " has a zone id (" + std::string(text.substr(percent)) +
                    "); the interface is named by the VIP's interface field");
    if (!text.empty() && text.front() == '[')
        return fail("address " + quoted(text) + " has brackets; they belong only around an address with a port");
    if (auto ip6 = parseIPv6(text))
        return Address(*ip6);
    return fail("cannot parse IPv6 address " + quoted(text));
}

std::optional<Address> parseAddress(std::string_view text)
{
    auto a = readAddress(text);
    return a ? std::optional<Address>(*a) : std::nullopt;
}

Result<Endpoint> readEndpoint(std::string_view text)
{
    const auto colon = text.rfind(':');
    if (colon == std::string_view::npos)
        return fail("cannot parse address " + quoted(text) + " (expected A.B.C.D:PORT or [IPV6]:PORT)");
    std::string_view host = text.substr(0, colon);
    const std::string_view portText = text.substr(colon + 1);
    Endpoint e;
    if (!host.empty() && host.front() == '[') {
        if (host.size() < 2 || host.back() != ']')
            return fail("cannot parse address " + quoted(text) + " (expected [IPV6]:PORT)");
        host = host.substr(1, host.size() - 2);
        if (const auto percent = host.find('%'); percent != std::string_view::npos)
            return fail("address " + quoted(text) + " has a zone id (" + std::string(host.substr(percent)) +
                        "); link-local addresses are not supported here");
        auto ip6 = parseIPv6(host);
        if (!ip6)
            return fail("cannot parse IPv6 address " + quoted(host) + " in " + quoted(text));
        e.v6 = true;
        e.ip6 = *ip6;
    } else if (host.find(':') != std::string_view::npos || pton6(text)) {
        return fail("address " + quoted(text) + " needs brackets around the IPv6 address: [ADDRESS]:PORT");
    } else if (auto ip = parseIPv4(host)) {
        e.ip = *ip;
    } else {
        return fail("cannot parse address " + quoted(text) + " (expected A.B.C.D:PORT or [IPV6]:PORT)");
    }
    const auto port = parseNumber(portText, 65535);
    if (!port || *port == 0)
        return fail("cannot parse address " + quoted(text) + " (expected A.B.C.D:PORT or [IPV6]:PORT)");
    e.port = uint16_t(*port);
    return e;
}

std::optional<Endpoint> parseEndpoint(std::string_view text)
{
    auto e = readEndpoint(text);
    return e ? std::optional<Endpoint>(*e) : std::nullopt;
}

Result<Prefix> readPrefix(std::string_view text)
{
    const auto slash = text.find('/');
    const auto address = readAddress(text.substr(0, slash));
    if (!address) {
        if (text.find(':') == std::string_view::npos)
            return fail("cannot parse address " + quoted(text) + " (expected A.B.C.D/LEN or IPV6/LEN)");
        return fail(address.error());
    }
    const uint32_t max = address->v6 ? 128 : 32;
    Prefix p;
    p.v6 = address->v6;
    p.ip = address->ip;
    p.ip6 = address->ip6;
    p.length = uint8_t(max);
    if (slash == std::string_view::npos)
        return p;
    const std::string_view lengthText = text.substr(slash + 1);
    const auto length = parseNumber(lengthText, 255);
    if (!length || *length > max)
        return fail("prefix length " + quoted(lengthText) + " in " + quoted(text) + " is outside 0-" +
                    std::to_string(max) + (p.v6 ? " (IPv6)" : " (IPv4)"));
    p.length = uint8_t(*length);
    return p;
}

std::optional<Prefix> parsePrefix(std::string_view text)
{
    auto p = readPrefix(text);
    return p ? std::optional<Prefix>(*p) : std::nullopt;
}

std::optional<Address> hostAddress(std::string_view text)
{
    if (auto e = parseEndpoint(text))
        return e->address();
    if (auto p = parsePrefix(text))
        return p->address();
    return std::nullopt; // parsePrefix takes bare addresses too
}

std::string formatIPv4(uint32_t ip)
{
    return std::to_string(ip >> 24) + "." + std::to_string((ip >> 16) & 255) + "." + std::to_string((ip >> 8) & 255) +
           "." + std::to_string(ip & 255);
}

std::string formatIPv6(const IPv6 &ip)
{
    char text[INET6_ADDRSTRLEN] = {};
    ::inet_ntop(AF_INET6, ip.data(), text, sizeof text);
    return text;
}

std::string formatAddress(const Address &a)
{
    return a.v6 ? formatIPv6(a.ip6) : formatIPv4(a.ip);
}

std::string formatHost(const Address &a)
{
    return a.v6 ? "[" + formatAddress(a) + "]" : formatAddress(a);
}

std::string formatEndpoint(const Endpoint &e)
{
    return formatHost(e.address()) + ":" + std::to_string(e.port);
}

bool isLinkLocal(const IPv6 &ip)
{
    return ip[0] == 0xfe && (ip[1] & 0xc0) == 0x80;
}

} // namespace hafront::config
