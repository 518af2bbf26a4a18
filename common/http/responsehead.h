// ResponseHead: an HTTP/1.x response head (status line and header fields) cut
// from the bytes received so far. Pure and strict: CRLF only, no obs-fold, a
// status of exactly three digits in 100-599, token field names, bounded size.
// It judges syntax only; message framing (Content-Length, Transfer-Encoding)
// is the caller's.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace hafront::http {

struct ResponseHead {
    enum class Parse { NeedMore, Ready, Bad };

    Parse parse = Parse::NeedMore;
    int status = 0;
    int minorVersion = 0; // HTTP/1.0 or HTTP/1.1
    std::string reason;   // may be empty
    // Names as sent; values without the optional whitespace around them.
    std::vector<std::pair<std::string, std::string>> headers;
    size_t headLength = 0; // Ready: bytes up to and including the blank line
    std::string why;       // Bad: what is wrong, for the log

    // 64 KiB, as the proxy allows for an upstream head (nginx refuses heads
    // over proxy_buffer_size, 4-8 KiB by default).
    static constexpr size_t kMaxHeadBytes = 64u << 10;

    // Looks at everything received so far. Bad is final: more bytes cannot
    // make it good. NeedMore once `maxHeadBytes` have arrived without the blank
    // line is Bad instead, so a caller's buffer stays bounded.
    static ResponseHead parseHead(std::string_view received, size_t maxHeadBytes = kMaxHeadBytes);

    // The first value of a field, by its lower-case name; nullptr if absent.
    const std::string *find(std::string_view lowerName) const;
};

} // namespace hafront::http
