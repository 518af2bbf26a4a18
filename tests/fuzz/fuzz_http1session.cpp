// The HTTP/1 request path through the real session, exchange and upstream
// connection code (tests/fuzz/proxyharness.h): fuzzed client bytes, split into
// reads of a fuzzed size, against backends that answer with fuzzed bytes.
// Properties: no crash or sanitizer report; the loop comes to rest (a session
// that keeps turning without input is the stall class of issue 15, and the
// per-input timeout catches one that spins inside a call); every response
// the client got starts with a status line.
#include "fuzzcheck.h"
#include "proxyharness.h"

#include <string>
#include <string_view>
#include <vector>

namespace {

const char *kConfig = R"(name: "fuzz"
node { name: "n1" address: "127.0.0.1" }
pool { name: "app" backend { name: "a" address: "127.0.0.1:2" } backend { name: "b" address: "127.0.0.1:3" } }
listener { name: "web" bind: "127.0.0.1:1" max_body_bytes: 100000 max_header_bytes: 4096
  route { path_prefix: "/static/" static_root: "/usr/share/common-licenses" }
  route { path_prefix: "/" pool: "app" } }
)";

} // namespace

// Input: byte 0 the read size (1-256), byte 1 flags (bit 0: the client
// closes after its bytes), then the client's bytes and the backends' answers
// separated by "\n~~\n" (the first answers go to the first connection, one
// per request, up to three; the rest to the second).
extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    using namespace hafront::proxy::testing;
    if (size < 2)
        return 0;
    const size_t readSize = size_t(data[0]) + 1;
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
    h.connect(parts[0], readSize, endAfter);
    const int turns = h.run(20000, 100'000);
    FUZZ_CHECK(turns < 20000, "the session comes to rest");
    const std::string &out = h.client().written;
    FUZZ_CHECK(out.empty() || out.rfind("HTTP/1.1 ", 0) == 0, "the client's bytes start with a status line");
    return 0;
}
