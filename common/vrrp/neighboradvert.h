// Unsolicited Neighbor Advertisement (RFC 4861 sections 4.4 and 7.2.6), pure:
// the IPv6 packet (header + ICMPv6) a new master sends for each IPv6 VIP so
// the link's neighbour caches point at its MAC — IPv6's gratuitous ARP. Sent
// to all-nodes (ff02::1) from the VIP itself, hop limit 255, Override set,
// Solicited clear, with the Target Link-Layer Address option.
#pragma once

#include "vrrp/packet6.h"

#include <array>
#include <cstdint>
#include <vector>

namespace hafront::vrrp {

using Mac = std::array<uint8_t, 6>;

inline constexpr IPv6 kAllNodes = {0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01}; // ff02::1
inline constexpr Mac kAllNodesMac = {0x33, 0x33, 0, 0, 0, 0x01}; // RFC 2464 7: 33:33 + low 32 bits
inline constexpr uint8_t kIcmpv6 = 58;
inline constexpr uint8_t kNeighborAdvertisement = 136;

// 40-byte IPv6 header, 24-byte NA, 8-byte option: 72 bytes.
std::vector<uint8_t> neighborAdvert(const IPv6 &target, const Mac &mac);

} // namespace hafront::vrrp
