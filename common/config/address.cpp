#include "config/address.h"

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
            return std::nullopt;   // no octal-looking forms
        const auto octet = parseNumber(piece, 255);
        if (!octet)
            return std::nullopt;
        ip = (ip << 8) | *octet;
        if (part < 3)
            text.remove_prefix(dot + 1);
    }
    return ip;
}

std::optional<Endpoint> parseEndpoint(std::string_view text)
{
    const auto colon = text.rfind(':');
    if (colon == std::string_view::npos)
        return std::nullopt;
    const auto ip = parseIPv4(text.substr(0, colon));
    const auto port = parseNumber(text.substr(colon + 1), 65535);
    if (!ip || !port || *port == 0)
        return std::nullopt;
    return Endpoint{*ip, static_cast<uint16_t>(*port)};
}

std::optional<Prefix> parsePrefix(std::string_view text)
{
    const auto slash = text.find('/');
    const auto ip = parseIPv4(text.substr(0, slash));
    if (!ip)
        return std::nullopt;
    if (slash == std::string_view::npos)
        return Prefix{*ip, 32};
    const auto length = parseNumber(text.substr(slash + 1), 32);
    if (!length)
        return std::nullopt;
    return Prefix{*ip, static_cast<uint8_t>(*length)};
}

std::string formatIPv4(uint32_t ip)
{
    return std::to_string(ip >> 24) + "." + std::to_string((ip >> 16) & 255) + "." +
           std::to_string((ip >> 8) & 255) + "." + std::to_string(ip & 255);
}

} // namespace hafront::config
