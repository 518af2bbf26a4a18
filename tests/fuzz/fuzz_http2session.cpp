// The HTTP/2 request path through the real session (nghttp2), exchange and
// upstream connection code (tests/fuzz/proxyharness.h): fuzzed client frames,
// split into reads of a fuzzed size, against backends that answer with
// fuzzed bytes. Properties: no crash or sanitizer report; the loop comes to
// rest; the server's first frame is its SETTINGS; nghttp2's memory for the
// connection stays under its cap.
#include "fuzzcheck.h"
#include "proxyharness.h"

#include <string>
#include <string_view>
#include <vector>

namespace {

const char *kConfig = R"(name: "fuzz"
node { name: "n1" address: "127.0.0.1" }
pool { name: "app" backend { name: "a" address: "127.0.0.1:2" } backend { name: "b" address: "127.0.0.1:3" } }
listener { name: "web" bind: "127.0.0.1:1" max_body_bytes: 100000
  http2 { enabled: true max_concurrent_streams: 8 max_header_list_bytes: 4096 }
  route { path_prefix: "/static/" static_root: "/usr/share/common-licenses" }
  route { path_prefix: "/" pool: "app" } }
)";

const std::string kPreface = std::string("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n") + std::string("\0\0\0\4\0\0\0\0\0", 9);

} // namespace

// Input: byte 0 the read size (1-256, times 16 when flags bit 2), byte 1
// flags (bit 0: the client closes after its bytes; bit 1: the client
// preface and an empty SETTINGS are prepended), then the client's bytes and
// the backends' answers separated by "\n~~\n" as in fuzz_http1session.
extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    using namespace hafront::proxy::testing;
    if (size < 2)
        return 0;
    const size_t readSize = (size_t(data[0]) + 1) * (data[1] & 4 ? 16 : 1);
    const bool endAfter = data[1] & 1;
    const std::string_view rest(reinterpret_cast<const char *>(data) + 2, size - 2);
    std::vector<std::string> parts;
    for (size_t at = 0;;) {
        const size_t sep = rest.find("\n~~\n", at);
        parts.emplace_back(rest.substr(at, sep == std::string_view::npos ? std::string_view::npos : sep - at));
        if (sep == std::string_view::npos || parts.size() == 8)
            break;
        at = sep + 4;
    }
    ProxyHarness h(kConfig);
    FUZZ_CHECK(h.ok(), "the harness config loads");
    std::deque<std::string> first, second;
    for (size_t i = 1; i < parts.size(); ++i)
        (i <= 3 ? first : second).push_back(parts[i]);
    h.responses.push_back(std::move(first));
    h.responses.push_back(std::move(second));
    auto *session = h.connect2((data[1] & 2 ? kPreface : std::string()) + parts[0], readSize, endAfter);
    const int turns = h.run(20000, 100'000);
    FUZZ_CHECK(turns < 20000, "the session comes to rest");
    FUZZ_CHECK(session->memoryInUse() <= hafront::proxy::Http2Session::kMemoryCap, "nghttp2 memory under its cap");
    const std::string &out = h.client().written;
    FUZZ_CHECK(out.size() >= 9 && out[3] == 4, "the server's first frame is SETTINGS");
    return 0;
}
