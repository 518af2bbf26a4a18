// The metrics endpoint's request head (metrics::ScrapeRequest), as the socket
// adapter calls it on every read: bounded, strict, and a verdict on a prefix
// of the bytes is never contradicted by more bytes.
#include "fuzzcheck.h"
#include "metrics/scraperequest.h"

#include <string_view>

using hafront::metrics::ScrapeRequest;

namespace {

void checkResponse(const ScrapeRequest &r)
{
    const std::string out = r.respond([] { return std::string("hafront_up 1\n"); });
    const int status = r.responseStatus();
    FUZZ_CHECK(out.rfind("HTTP/1.1 " + std::to_string(status) + " ", 0) == 0, "the response starts with its status");
    const size_t end = out.find("\r\n\r\n");
    FUZZ_CHECK(end != std::string::npos, "the response has a whole head");
    const std::string head = out.substr(0, end + 4);
    const size_t cl = head.find("\r\nContent-Length: ");
    FUZZ_CHECK(cl != std::string::npos, "the response says its length");
    const size_t length = std::stoul(head.substr(cl + 18));
    const bool headOnly = status == 200 && r.method == "HEAD";
    FUZZ_CHECK(out.size() - head.size() == (headOnly ? 0 : length), "Content-Length is the body's length");
    for (size_t i = 0; i < head.size(); ++i)
        FUZZ_CHECK(head[i] != '\n' || (i > 0 && head[i - 1] == '\r'), "no request byte breaks the response head");
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    // Byte 0: a small head limit now and then, so the 414/431 paths are reached;
    // byte 1: where the connection's first read ended.
    const size_t limit = data[0] < 32 ? 16 + size_t(data[0]) * 4 : ScrapeRequest::kMaxHeadBytes;
    const std::string_view received(reinterpret_cast<const char *>(data) + 2, size - 2);
    const size_t cut = received.empty() ? 0 : data[1] % (received.size() + 1);

    const ScrapeRequest full = ScrapeRequest::parseHead(received, limit);
    const ScrapeRequest prefix = ScrapeRequest::parseHead(received.substr(0, cut), limit);
    using P = ScrapeRequest::Parse;
    if (prefix.parse == P::Bad)
        FUZZ_CHECK(full.parse == P::Bad, "a request refused early stays refused");
    if (prefix.parse == P::Ready)
        FUZZ_CHECK(full.parse == P::Ready && full.method == prefix.method && full.target == prefix.target,
                   "bytes after a complete head do not change it");
    if (full.parse == P::Bad) {
        const int s = full.status;
        FUZZ_CHECK(s == 400 || s == 414 || s == 431 || s == 505, "a refusal has one of the documented statuses");
        FUZZ_CHECK(!full.reason.empty(), "a refusal says why");
    }
    if (full.parse == P::Ready) {
        FUZZ_CHECK(!full.method.empty() && !full.target.empty() && full.target[0] == '/', "a request has a path");
    }
    if (full.parse == P::NeedMore)
        FUZZ_CHECK(received.size() <= limit + 4, "waiting for more is bounded by the head limit");
    if (full.parse != P::NeedMore)
        checkResponse(full);
    return 0;
}
