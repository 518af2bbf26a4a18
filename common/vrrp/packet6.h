// VRRPv3 advertisements for IPv6 (RFC 5798 section 5.1.2), pure. A raw IPv6
// socket hands over the VRRP part only; the source, destination and hop limit
// come beside it (recvmsg name, IPV6_PKTINFO, IPV6_HOPLIMIT) and are checked
// here with the rest, with the checksum over the IPv6 pseudo-header (RFC 8200 8.1).
#pragma once

#include "vrrp/packet.h"

#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace hafront::vrrp {

using IPv6 = std::array<uint8_t, 16>;

inline constexpr IPv6 kMulticastGroup6 = {0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x12}; // ff02::12

struct Advert6 {
    uint8_t vrid = 0;
    uint8_t priority = 0;
    uint16_t maxAdvertIntervalCs = 100; // centiseconds, 12 bits
    std::vector<IPv6> addresses;
};

struct Received6 {
    Advert6 advert;
    IPv6 src{};
    IPv6 dst{};
};

// The VRRP part, checksummed for src -> dst.
std::vector<uint8_t> encode6(const Advert6 &advert, const IPv6 &src, const IPv6 &dst);

// Decodes the VRRP part of a packet from src to dst that arrived with `hopLimit`.
Drop decode6(const uint8_t *vrrp, size_t size, const IPv6 &src, const IPv6 &dst, int hopLimit, Received6 &out);

// The sum of the IPv6 pseudo-header (source, destination, upper-layer length,
// next header) to start internetChecksum with.
uint32_t pseudoHeaderSum6(const IPv6 &src, const IPv6 &dst, size_t length, uint8_t nextHeader);

} // namespace hafront::vrrp
