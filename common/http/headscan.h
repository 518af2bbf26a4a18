// scanHead: finds where an HTTP/1 request head ends in the bytes buffered so
// far, and refuses line endings a backend could read differently (RFC 9112
// 2.2): a bare LF, a CR not followed by LF, obs-fold (a line starting with
// SP or HTAB). Incremental: a caller that has not got the whole head resumes
// where the last scan stopped, so a head that trickles in byte by byte is
// scanned once, and a CR and its LF may arrive in different reads.
#pragma once

#include <cstddef>
#include <string_view>

namespace hafront::http {

struct HeadScan {
    enum class Status { Incomplete, Complete, Bad };
    Status status = Status::Incomplete;
    size_t end = 0;          // Complete: the head's length, blank line included
    size_t resume = 0;       // Incomplete: pass it as `from` when more bytes arrived
    const char *reason = ""; // Bad
};

// `buffered` starts at the head's first byte; `from` is the last scan's `resume` (0 at first).
HeadScan scanHead(std::string_view buffered, size_t from);

} // namespace hafront::http
