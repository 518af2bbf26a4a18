#include "vrrp/neighboradvert.h"

#include <cstring>

namespace hafront::vrrp {

std::vector<uint8_t> neighborAdvert(const IPv6 &target, const Mac &mac)
{
    constexpr size_t kIcmpLength = 24 + 8;
    std::vector<uint8_t> out(40 + kIcmpLength, 0);
    out[0] = 0x60; // version 6, traffic class 0, flow label 0
    out[4] = 0;
    out[5] = uint8_t(kIcmpLength); // payload length
    out[6] = kIcmpv6;              // next header
    out[7] = 255;                  // hop limit: receivers drop anything else (RFC 4861 7.1.2)
    std::memcpy(out.data() + 8, target.data(), 16);
    std::memcpy(out.data() + 24, kAllNodes.data(), 16);
    uint8_t *icmp = out.data() + 40;
    icmp[0] = kNeighborAdvertisement;
    icmp[1] = 0;    // code
    icmp[4] = 0x20; // R=0 S=0 O=1: replace the cached link-layer address
    std::memcpy(icmp + 8, target.data(), 16);
    icmp[24] = 2; // option: Target Link-Layer Address
    icmp[25] = 1; // length in units of 8 bytes
    std::memcpy(icmp + 26, mac.data(), 6);
    const uint16_t sum = internetChecksum(icmp, kIcmpLength, pseudoHeaderSum6(target, kAllNodes, kIcmpLength, kIcmpv6));
    icmp[2] = uint8_t(sum >> 8);
    icmp[3] = uint8_t(sum);
    return out;
}

} // namespace hafront::vrrp
