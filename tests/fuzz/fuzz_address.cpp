// The address forms of the config (config/address.h): "A.B.C.D",
// "A.B.C.D:port", "A.B.C.D/len". Accepted text has exactly one meaning, and
// formatting it back gives text with the same meaning.
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
    if (const auto ep = parseEndpoint(text)) {
        FUZZ_CHECK(ep->port != 0, "port 0 is refused");
        const auto again = parseEndpoint(formatIPv4(ep->ip) + ":" + std::to_string(ep->port));
        FUZZ_CHECK(again && again->ip == ep->ip && again->port == ep->port, "an endpoint formats back");
    }
    if (const auto prefix = parsePrefix(text)) {
        FUZZ_CHECK(prefix->length <= 32, "a prefix length is 0-32");
        const auto again = parsePrefix(formatIPv4(prefix->ip) + "/" + std::to_string(prefix->length));
        FUZZ_CHECK(again && again->ip == prefix->ip && again->length == prefix->length, "a prefix formats back");
    }
    return 0;
}
