#include "vrrp/packet6.h"

#include <algorithm>
#include <cstring>

namespace hafront::vrrp {

uint32_t pseudoHeaderSum6(const IPv6 &src, const IPv6 &dst, size_t length, uint8_t nextHeader)
{
    uint32_t sum = 0;
    for (size_t i = 0; i < 16; i += 2)
        sum += (uint32_t(src[i]) << 8 | src[i + 1]) + (uint32_t(dst[i]) << 8 | dst[i + 1]);
    sum += uint32_t(length >> 16) + uint32_t(length & 0xffff) + nextHeader;
    return sum;
}

std::vector<uint8_t> encode6(const Advert6 &a, const IPv6 &src, const IPv6 &dst)
{
    std::vector<uint8_t> out(8 + 16 * a.addresses.size());
    out[0] = 0x31; // version 3, type 1 (ADVERTISEMENT)
    out[1] = a.vrid;
    out[2] = a.priority;
    out[3] = static_cast<uint8_t>(a.addresses.size()); // "IPvX Addr Count"
    out[4] = static_cast<uint8_t>((a.maxAdvertIntervalCs >> 8) & 0x0f);
    out[5] = static_cast<uint8_t>(a.maxAdvertIntervalCs & 0xff);
    for (size_t i = 0; i < a.addresses.size(); ++i)
        std::memcpy(out.data() + 8 + 16 * i, a.addresses[i].data(), 16);
    const uint16_t sum = internetChecksum(out.data(), out.size(), pseudoHeaderSum6(src, dst, out.size(), kProtocol));
    out[6] = uint8_t(sum >> 8);
    out[7] = uint8_t(sum);
    return out;
}

Drop decode6(const uint8_t *v, size_t size, const IPv6 &src, const IPv6 &dst, int hopLimit, Received6 &out)
{
    if (size < 8)
        return Drop::TooShort;
    if (hopLimit != 255)
        return Drop::BadTtl; // RFC 5798 7.1: hop limit 255, so it came from the link
    if ((v[0] >> 4) != 3)
        return Drop::BadVersion;
    if ((v[0] & 0x0f) != 1)
        return Drop::BadType;
    const uint8_t count = v[3];
    const size_t length = 8 + 16 * size_t(count);
    if (count == 0 || size < length)
        return Drop::BadAddressCount;
    if (internetChecksum(v, length, pseudoHeaderSum6(src, dst, length, kProtocol)) != 0)
        return Drop::BadChecksum;
    out.src = src;
    out.dst = dst;
    out.advert.vrid = v[1];
    out.advert.priority = v[2];
    out.advert.maxAdvertIntervalCs = static_cast<uint16_t>((v[4] & 0x0f) << 8 | v[5]);
    if (out.advert.maxAdvertIntervalCs == 0)
        return Drop::BadInterval;
    out.advert.addresses.assign(count, IPv6{});
    for (size_t i = 0; i < count; ++i)
        std::memcpy(out.advert.addresses[i].data(), v + 8 + 16 * i, 16);
    return Drop::None;
}

} // namespace hafront::vrrp
