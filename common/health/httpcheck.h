// The verdict of an active HTTP health check from the bytes a backend has
// answered so far. Pure: the health checker's socket loop feeds it.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace hafront::health {

struct HttpCheckVerdict {
    bool done = false; // false: wait for more bytes
    bool ok = false;   // done: the final status is the expected one
    int status = 0;    // the final status, 0 if none was read
    std::string what;  // for last_check and the event: "200", "503 (expected 200)", why it failed
};

// `ended`: the backend closed the connection (or it failed), no more bytes
// will come. Interim 1xx answers (RFC 9110 15.2) are skipped; they and the
// final head together are bounded by http::ResponseHead::kMaxHeadBytes.
HttpCheckVerdict judgeHttpCheck(std::string_view received, bool ended, uint32_t expectStatus);

} // namespace hafront::health
