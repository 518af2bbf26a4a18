// VRRP advertisements over IPv6 as the adapter hands them to vrrp::decode6:
// the input is the hop limit (1 byte), source and destination (16 bytes each)
// from recvmsg, then the VRRP part. decode6 must never read outside the
// packet, and whatever it accepts must survive encode6 -> decode6 unchanged.
#include "fuzzcheck.h"
#include "vrrp/packet6.h"

#include <cstring>

using namespace hafront;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 33)
        return 0;
    vrrp::IPv6 src, dst;
    std::memcpy(src.data(), data + 1, 16);
    std::memcpy(dst.data(), data + 17, 16);
    // An exact-size heap copy, so ASan sees a read one byte past the packet.
    std::vector<uint8_t> packet(data + 33, data + size);
    vrrp::Received6 got;
    const vrrp::Drop drop = vrrp::decode6(packet.data(), packet.size(), src, dst, data[0], got);
    FUZZ_CHECK(drop < vrrp::Drop::Count, "decode6 returns a named reason");
    FUZZ_CHECK(vrrp::dropName(drop) != std::string("other"), "every reason has a name");
    if (drop != vrrp::Drop::None)
        return 0;
    FUZZ_CHECK(data[0] == 255, "only hop limit 255 is accepted");

    const vrrp::Advert6 &a = got.advert;
    FUZZ_CHECK(!a.addresses.empty() && a.addresses.size() <= 255, "address count is 1-255");
    FUZZ_CHECK(a.maxAdvertIntervalCs > 0 && a.maxAdvertIntervalCs <= 0x0fff, "interval is 12 bits, not 0");

    const auto again = vrrp::encode6(a, src, dst);
    vrrp::Received6 round;
    FUZZ_CHECK(vrrp::decode6(again.data(), again.size(), src, dst, 255, round) == vrrp::Drop::None,
               "an encoded advert decodes");
    FUZZ_CHECK(round.advert.vrid == a.vrid && round.advert.priority == a.priority &&
                   round.advert.maxAdvertIntervalCs == a.maxAdvertIntervalCs && round.advert.addresses == a.addresses &&
                   round.src == src && round.dst == dst,
               "encode6 -> decode6 keeps the advert");
    return 0;
}
