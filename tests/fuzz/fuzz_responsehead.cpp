// HTTP/1 response heads (http::ResponseHead) and the active health check
// verdict built on them (health::judgeHttpCheck), on bytes as a backend may
// send them, in any split. Properties: Bad is final, Ready does not change
// with more bytes, a Ready head is exactly headLength bytes ending in CRLF CRLF.
#include "fuzzcheck.h"
#include "health/httpcheck.h"
#include "http/responsehead.h"

#include <string>

using hafront::http::ResponseHead;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    // Byte 0: a small head limit now and then; byte 1: where a first read ended.
    const size_t limit = data[0] < 16 ? 32 + size_t(data[0]) * 16 : ResponseHead::kMaxHeadBytes;
    const std::string copy(reinterpret_cast<const char *>(data) + 2, size - 2);
    const std::string_view received(copy);
    const size_t cut = received.empty() ? 0 : data[1] % (received.size() + 1);

    using P = ResponseHead::Parse;
    const ResponseHead full = ResponseHead::parseHead(received, limit);
    const ResponseHead prefix = ResponseHead::parseHead(received.substr(0, cut), limit);
    if (prefix.parse == P::Bad)
        FUZZ_CHECK(full.parse == P::Bad, "Bad is final");
    if (prefix.parse == P::Ready)
        FUZZ_CHECK(full.parse == P::Ready && full.headLength == prefix.headLength && full.status == prefix.status &&
                       full.headers == prefix.headers,
                   "bytes after a head do not change it");
    switch (full.parse) {
    case P::Ready: {
        FUZZ_CHECK(full.status >= 100 && full.status <= 599, "status is 100-599");
        FUZZ_CHECK(full.headLength >= 16 && full.headLength <= limit && full.headLength <= received.size(),
                   "the head is within the bytes and the limit");
        FUZZ_CHECK(received.substr(full.headLength - 4, 4) == "\r\n\r\n", "the head ends with the blank line");
        FUZZ_CHECK(received.substr(0, full.headLength - 4).find("\r\n\r\n") == std::string_view::npos,
                   "at the first blank line");
        const ResponseHead exact = ResponseHead::parseHead(received.substr(0, full.headLength), limit);
        FUZZ_CHECK(exact.parse == P::Ready && exact.headers == full.headers, "the head alone is the same head");
        for (const auto &[name, value] : full.headers) {
            FUZZ_CHECK(!name.empty(), "no empty field name");
            FUZZ_CHECK(value.find_first_of("\r\n") == std::string::npos, "no line break in a value");
            FUZZ_CHECK(value.empty() || (value.front() != ' ' && value.back() != ' '), "values are trimmed");
        }
        break;
    }
    case P::Bad:
        FUZZ_CHECK(!full.why.empty(), "Bad says why");
        break;
    case P::NeedMore:
        FUZZ_CHECK(received.size() < limit, "waiting for more is bounded");
        FUZZ_CHECK(received.find("\r\n\r\n") == std::string_view::npos, "a complete head is never NeedMore");
        break;
    }

    // The health check on the same bytes, as if the backend then closed.
    const auto verdict = hafront::health::judgeHttpCheck(received, true, 200);
    FUZZ_CHECK(verdict.done, "a closed connection always gives a verdict");
    FUZZ_CHECK(!verdict.what.empty(), "the verdict says why");
    FUZZ_CHECK(!verdict.ok || verdict.status == 200, "only the expected status passes");
    return 0;
}
