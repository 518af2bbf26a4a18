// VRRP advertisements as the raw socket hands them over (IPv4 header first):
// vrrp::decode must never read outside the packet, and whatever it accepts
// must survive encode -> decode unchanged (the state machine sees the same
// advert whichever side built it).
#include "fuzzcheck.h"
#include "vrrp/packet.h"

#include <cstring>

using namespace hafront;

namespace {
std::vector<uint8_t> ipPacket(const std::vector<uint8_t> &vrrp, uint32_t src, uint32_t dst)
{
    std::vector<uint8_t> p(20 + vrrp.size());
    p[0] = 0x45;
    p[2] = uint8_t(p.size() >> 8);
    p[3] = uint8_t(p.size());
    p[8] = 255;
    p[9] = vrrp::kProtocol;
    for (int i = 0; i < 4; ++i) {
        p[12 + i] = uint8_t(src >> (24 - 8 * i));
        p[16 + i] = uint8_t(dst >> (24 - 8 * i));
    }
    std::memcpy(p.data() + 20, vrrp.data(), vrrp.size());
    return p;
}
} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    // An exact-size heap copy, so ASan sees a read one byte past the packet.
    std::vector<uint8_t> packet(data, data + size);
    vrrp::Received got;
    const vrrp::Drop drop = vrrp::decode(packet.data(), packet.size(), got);
    FUZZ_CHECK(drop < vrrp::Drop::Count, "decode returns a named reason");
    FUZZ_CHECK(vrrp::dropName(drop) != std::string("other"), "every reason has a name");
    if (drop != vrrp::Drop::None)
        return 0;

    const vrrp::Advert &a = got.advert;
    FUZZ_CHECK(!a.addresses.empty() && a.addresses.size() <= 255, "address count is 1-255");
    FUZZ_CHECK(a.maxAdvertIntervalCs > 0 && a.maxAdvertIntervalCs <= 0x0fff, "interval is 12 bits, not 0");

    const auto again = ipPacket(vrrp::encode(a, got.srcIp, got.dstIp), got.srcIp, got.dstIp);
    vrrp::Received round;
    FUZZ_CHECK(vrrp::decode(again.data(), again.size(), round) == vrrp::Drop::None, "an encoded advert decodes");
    FUZZ_CHECK(round.advert.vrid == a.vrid && round.advert.priority == a.priority &&
                   round.advert.maxAdvertIntervalCs == a.maxAdvertIntervalCs && round.advert.addresses == a.addresses &&
                   round.srcIp == got.srcIp && round.dstIp == got.dstIp,
               "encode -> decode keeps the advert");
    return 0;
}
