#include "vrrp/packet.h"

#include <algorithm>

namespace hafront::vrrp {

uint16_t internetChecksum(const uint8_t *data, size_t size, uint32_t sum)
{
    for (size_t i = 0; i + 1 < size; i += 2)
        sum += uint32_t(data[i]) << 8 | data[i + 1];
    if (size & 1)
        sum += uint32_t(data[size - 1]) << 8;
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return static_cast<uint16_t>(~sum);
}

namespace {
uint32_t pseudoHeaderSum(uint32_t src, uint32_t dst, size_t length)
{
    return (src >> 16) + (src & 0xffff) + (dst >> 16) + (dst & 0xffff) + kProtocol + uint32_t(length);
}
} // namespace

std::vector<uint8_t> encode(const Advert &a, uint32_t src, uint32_t dst)
{
    std::vector<uint8_t> out(8 + 4 * a.addresses.size());
    out[0] = 0x31; // version 3, type 1 (ADVERTISEMENT)
    out[1] = a.vrid;
    out[2] = a.priority;
    out[3] = static_cast<uint8_t>(a.addresses.size());
    out[4] = static_cast<uint8_t>((a.maxAdvertIntervalCs >> 8) & 0x0f); // 4 reserved bits zero
    out[5] = static_cast<uint8_t>(a.maxAdvertIntervalCs & 0xff);
    for (size_t i = 0; i < a.addresses.size(); ++i) {
        const uint32_t ip = a.addresses[i];
        out[8 + 4 * i] = uint8_t(ip >> 24);
        out[9 + 4 * i] = uint8_t(ip >> 16);
        out[10 + 4 * i] = uint8_t(ip >> 8);
        out[11 + 4 * i] = uint8_t(ip);
    }
    const uint16_t sum = internetChecksum(out.data(), out.size(), pseudoHeaderSum(src, dst, out.size()));
    out[6] = uint8_t(sum >> 8);
    out[7] = uint8_t(sum);
    return out;
}

Drop decode(const uint8_t *p, size_t size, Received &out)
{
    if (size < 20)
        return Drop::TooShort;
    const size_t ihl = size_t(p[0] & 0x0f) * 4;
    if ((p[0] >> 4) != 4 || ihl < 20 || size < ihl + 8)
        return Drop::TooShort;
    if (p[9] != kProtocol)
        return Drop::NotVrrp;
    if (p[8] != 255)
        return Drop::BadTtl; // RFC 5798 7.1: must be 255, so it came from the link
    out.srcIp = uint32_t(p[12]) << 24 | uint32_t(p[13]) << 16 | uint32_t(p[14]) << 8 | p[15];
    out.dstIp = uint32_t(p[16]) << 24 | uint32_t(p[17]) << 16 | uint32_t(p[18]) << 8 | p[19];
    const size_t total = std::min<size_t>(size, size_t(p[2]) << 8 | p[3]);
    if (total < ihl + 8)
        return Drop::TooShort;
    const uint8_t *v = p + ihl;
    const size_t length = total - ihl;
    if ((v[0] >> 4) != 3)
        return Drop::BadVersion;
    if ((v[0] & 0x0f) != 1)
        return Drop::BadType;
    const uint8_t count = v[3];
    if (count == 0 || length < 8 + 4 * size_t(count))
        return Drop::BadAddressCount;
    if (internetChecksum(v, 8 + 4 * size_t(count), pseudoHeaderSum(out.srcIp, out.dstIp, 8 + 4 * size_t(count))) != 0)
        return Drop::BadChecksum;
    out.advert.vrid = v[1];
    out.advert.priority = v[2];
    out.advert.maxAdvertIntervalCs = static_cast<uint16_t>((v[4] & 0x0f) << 8 | v[5]);
    if (out.advert.maxAdvertIntervalCs == 0)
        return Drop::BadInterval;
    out.advert.addresses.clear();
    for (size_t i = 0; i < count; ++i) {
        const uint8_t *a = v + 8 + 4 * i;
        out.advert.addresses.push_back(uint32_t(a[0]) << 24 | uint32_t(a[1]) << 16 | uint32_t(a[2]) << 8 | a[3]);
    }
    return Drop::None;
}

const char *dropName(Drop reason)
{
    switch (reason) {
    case Drop::None:
        return "none";
    case Drop::TooShort:
        return "too_short";
    case Drop::NotVrrp:
        return "not_vrrp";
    case Drop::BadTtl:
        return "bad_ttl";
    case Drop::BadVersion:
        return "bad_version";
    case Drop::BadType:
        return "bad_type";
    case Drop::BadChecksum:
        return "bad_checksum";
    case Drop::BadAddressCount:
        return "bad_address_count";
    case Drop::BadInterval:
        return "bad_interval";
    default:
        return "other";
    }
}

} // namespace hafront::vrrp
