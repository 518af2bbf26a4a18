#include "health/httpcheck.h"

#include "http/responsehead.h"

namespace hafront::health {

HttpCheckVerdict judgeHttpCheck(std::string_view received, bool ended, uint32_t expectStatus)
{
    using http::ResponseHead;
    HttpCheckVerdict v;
    size_t offset = 0;
    // Each pass consumes a whole head (at least 16 bytes), so this ends.
    for (;;) {
        const ResponseHead head =
            ResponseHead::parseHead(received.substr(offset), ResponseHead::kMaxHeadBytes - offset);
        if (head.parse == ResponseHead::Parse::Bad) {
            v.done = true;
            v.what = "bad response head: " + head.why;
            return v;
        }
        if (head.parse == ResponseHead::Parse::NeedMore) {
            if (ended) {
                v.done = true;
                v.what = received.empty() ? "no HTTP status line" : "connection closed inside the response head";
            }
            return v;
        }
        // 101 ends HTTP on the connection: it is final, and not what a health check wants.
        if (head.status >= 200 || head.status == 101) {
            v.done = true;
            v.status = head.status;
            v.ok = uint32_t(head.status) == expectStatus;
            v.what = std::to_string(head.status) + (v.ok ? "" : " (expected " + std::to_string(expectStatus) + ")");
            return v;
        }
        offset += head.headLength;
    }
}

} // namespace hafront::health
