// ScrapeRequest: the pure HTTP/1.x side of the metrics endpoint — parses one
// request head from the bytes received so far (bounded, strict, no bare LF,
// no obs-fold) and turns it into the full response bytes. No sockets here.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

namespace hafront::metrics {

struct ScrapeRequest {
    enum class Parse { NeedMore, Ready, Bad };

    Parse parse = Parse::NeedMore;
    int status = 0;     // Bad: the status to answer (400, 414, 431, 505)
    std::string reason; // Bad: why, for the log and the response body
    std::string method;
    std::string target;

    static constexpr size_t kMaxHeadBytes = 8192;

    // Looks at everything received on the connection so far.
    static ScrapeRequest parseHead(std::string_view received, size_t maxHeadBytes = kMaxHeadBytes);

    // The complete response (status line, headers, body; Connection: close).
    // GET /metrics renders the metrics, HEAD /metrics the same without a body,
    // other methods on /metrics get 405, other paths 404, Bad requests their status.
    std::string respond(const std::function<std::string()> &renderMetrics) const;
    int responseStatus() const;
};

} // namespace hafront::metrics
