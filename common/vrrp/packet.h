// VRRPv3 advertisements for IPv4 (RFC 5798 section 5), pure: encode with the
// pseudo-header checksum, decode an IP packet with every check the RFC asks
// for, and name the reason when a packet is dropped.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace hafront::vrrp {

inline constexpr uint8_t kProtocol = 112;
inline constexpr uint32_t kMulticastGroup = 0xE0000012; // 224.0.0.18

struct Advert {
    uint8_t vrid = 0;
    uint8_t priority = 0;
    uint16_t maxAdvertIntervalCs = 100; // centiseconds, 12 bits
    std::vector<uint32_t> addresses;    // host byte order
};

// The VRRP part (no IP header), checksummed for src -> dst.
std::vector<uint8_t> encode(const Advert &advert, uint32_t srcIp, uint32_t dstIp);

enum class Drop {
    None,
    TooShort,
    NotVrrp, // IP protocol is not 112
    BadTtl,  // TTL must be 255
    BadVersion,
    BadType,
    BadChecksum,
    BadAddressCount, // count does not match the length, or zero
    BadInterval,     // interval 0
    Count
};
const char *dropName(Drop reason);

struct Received {
    Advert advert;
    uint32_t srcIp = 0;
    uint32_t dstIp = 0;
};

// Decodes a whole IPv4 packet as a raw socket hands it over.
Drop decode(const uint8_t *packet, size_t size, Received &out);

uint16_t internetChecksum(const uint8_t *data, size_t size, uint32_t initial = 0);

} // namespace hafront::vrrp
