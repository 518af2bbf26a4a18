// Parsing of the address forms the config uses: "A.B.C.D", "A.B.C.D/len",
// "A.B.C.D:port" and their IPv6 forms "2001:db8::1", "2001:db8::1/64",
// "[2001:db8::1]:port". IPv4 values are in host byte order, IPv6 values are
// the 16 bytes in network order. The read* functions say why text is refused.
#pragma once

#include "base/result.h"

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace hafront::config {

using IPv6 = std::array<uint8_t, 16>;

// One address of either family. Ordered as RFC 5798 compares primary
// addresses within a family (as unsigned numbers); IPv4 before IPv6.
struct Address {
    bool v6 = false;
    uint32_t ip = 0; // IPv4
    IPv6 ip6{};      // IPv6

    Address() = default;
    Address(uint32_t v4) : ip(v4) {} // implicit: an IPv4 address in host order
    explicit Address(const IPv6 &a) : v6(true), ip6(a) {}
    bool unspecified() const { return v6 ? ip6 == IPv6{} : ip == 0; }
    bool operator==(const Address &) const = default;
    auto operator<=>(const Address &) const = default;
};

struct Endpoint {
    uint32_t ip = 0; // IPv4
    uint16_t port = 0;
    bool v6 = false;
    IPv6 ip6{}; // IPv6
    Address address() const { return v6 ? Address(ip6) : Address(ip); }
};

struct Prefix {
    uint32_t ip = 0; // IPv4
    uint8_t length = 32;
    bool v6 = false;
    IPv6 ip6{}; // IPv6
    Address address() const { return v6 ? Address(ip6) : Address(ip); }
};

std::optional<uint32_t> parseIPv4(std::string_view text);
std::optional<IPv6> parseIPv6(std::string_view text); // no brackets, no zone id
std::optional<Endpoint> parseEndpoint(std::string_view text);
std::optional<Prefix> parsePrefix(std::string_view text); // "/len" optional: /32 or /128
std::optional<Address> parseAddress(std::string_view text);
std::string formatIPv4(uint32_t ip);
std::string formatIPv6(const IPv6 &ip);        // RFC 5952: lowercase, longest zero run as ::
std::string formatAddress(const Address &a);   // bare, no brackets
std::string formatHost(const Address &a);      // A.B.C.D or [IPV6]: as in a URL or a Host header
std::string formatEndpoint(const Endpoint &e); // A.B.C.D:PORT or [IPV6]:PORT

// The same with the reason for a refusal ("a zone id ... is not allowed").
Result<Address> readAddress(std::string_view text);
Result<Endpoint> readEndpoint(std::string_view text);
Result<Prefix> readPrefix(std::string_view text);

// The host address of an endpoint ("A.B.C.D:port", "[v6]:port"), a prefix
// ("A.B.C.D/len", "v6/len") or a bare address, whichever the text is.
std::optional<Address> hostAddress(std::string_view text);

// fe80::/10: only valid on one link, so never a VIP nor a unicast peer.
bool isLinkLocal(const IPv6 &ip);

} // namespace hafront::config
