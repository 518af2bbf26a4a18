// The drill's --probe URL (drill::ProbeTarget::parse): what it accepts goes
// verbatim into the probe's request line and Host header, so it must not carry
// bytes that break them, and url() must name the same target.
#include "drill/prober.h"
#include "fuzzcheck.h"

using hafront::drill::ProbeTarget;

namespace {
bool fitsARequestLine(const std::string &s)
{
    for (char c : s) {
        const auto u = static_cast<unsigned char>(c);
        if (u <= 0x20 || u >= 0x7f)
            return false;
    }
    return true;
}
} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const std::string url(reinterpret_cast<const char *>(data), size);
    const auto parsed = ProbeTarget::parse(url);
    if (!parsed) {
        FUZZ_CHECK(!parsed.error().empty(), "a refusal says why");
        return 0;
    }
    const ProbeTarget &t = parsed.value();
    FUZZ_CHECK(t.port != 0, "port 0 is refused");
    FUZZ_CHECK(!t.path.empty() && t.path[0] == '/', "the path starts with /");
    FUZZ_CHECK(fitsARequestLine(t.path), "the path fits a request line");
    FUZZ_CHECK(fitsARequestLine(t.hostHeader), "the Host header is one token");
    const auto again = ProbeTarget::parse(t.url());
    FUZZ_CHECK(again.ok(), "url() parses");
    FUZZ_CHECK(again->http == t.http && again->address == t.address && again->port == t.port &&
                   (!t.http || again->path == t.path),
               "url() names the same target");
    return 0;
}
