// The address forms of the config (config/address.h): "A.B.C.D",
// "A.B.C.D:port", "A.B.C.D/len" and the IPv6 forms "ADDR", "[ADDR]:port",
// "ADDR/len". Accepted text has exactly one meaning, formatting it back gives
// text with the same meaning, and a refusal always says why.
#include "config/address.h"
#include "fuzzcheck.h"

#include <string>

using namespace hafront::config;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    // An exact-size heap copy, so ASan sees a read past the end of the text.
    const std::string copy(reinterpret_cast<const char *>(data), size);
    const std::string_view text(copy);

    if (const auto ip = parseIPv4(text)) {
        // Dotted quad without leading zeros: one spelling per address.
        FUZZ_CHECK(formatIPv4(*ip) == text, "an accepted IPv4 address is in its only spelling");
    }
    if (const auto ip6 = parseIPv6(text)) {
        const auto again = parseIPv6(formatIPv6(*ip6));
        FUZZ_CHECK(again && *again == *ip6, "an IPv6 address formats back");
        FUZZ_CHECK(formatIPv6(*again) == formatIPv6(*ip6), "the RFC 5952 spelling is stable");
        FUZZ_CHECK(text.find('%') == std::string_view::npos, "zone ids are refused");
    }
    if (const auto a = readAddress(text)) {
        const auto again = parseAddress(formatAddress(*a));
        FUZZ_CHECK(again && *again == *a, "an address formats back");
    } else {
        FUZZ_CHECK(!a.error().empty(), "a refused address says why");
    }
    if (const auto ep = readEndpoint(text)) {
        FUZZ_CHECK(ep->port != 0, "port 0 is refused");
        FUZZ_CHECK(!ep->v6 || text.front() == '[', "an IPv6 endpoint has brackets");
        const auto again = parseEndpoint(formatEndpoint(*ep));
        FUZZ_CHECK(again && again->address() == ep->address() && again->port == ep->port, "an endpoint formats back");
    } else {
        FUZZ_CHECK(!ep.error().empty(), "a refused endpoint says why");
    }
    if (const auto prefix = readPrefix(text)) {
        FUZZ_CHECK(prefix->length <= (prefix->v6 ? 128 : 32), "a prefix length is 0-32 or 0-128");
        const auto again = parsePrefix(formatAddress(prefix->address()) + "/" + std::to_string(prefix->length));
        FUZZ_CHECK(again && again->address() == prefix->address() && again->length == prefix->length,
                   "a prefix formats back");
    } else {
        FUZZ_CHECK(!prefix.error().empty(), "a refused prefix says why");
    }
    return 0;
}
