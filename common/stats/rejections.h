// The statuses the proxy answers itself (it refused the request or no backend
// could), one index each: the listener's counters, the status fields and the
// metric labels all come from this one list.
#pragma once

#include <array>
#include <cstddef>

namespace hafront::stats {

inline constexpr std::array<int, 11> kRejectStatuses = {400, 403, 404, 405, 408, 413, 431, 502, 503, 504, 505};
inline constexpr size_t kRejectKinds = kRejectStatuses.size();

// The index of `status` in kRejectStatuses; kRejectKinds when it is not one.
constexpr size_t rejectIndex(int status)
{
    for (size_t i = 0; i < kRejectKinds; ++i)
        if (kRejectStatuses[i] == status)
            return i;
    return kRejectKinds;
}

// Why an HTTP/2 connection was sent a GOAWAY: one counter each per listener,
// named like this in status (h2_goaway_sent) and /metrics (reason label).
enum class Goaway : size_t {
    Drain,        // the agent stops (SIGTERM) or the worker drains
    Idle,         // no stream and no frame for the idle timeout, or a stalled window
    Protocol,     // nghttp2 found a connection error (bad frame, bad preface)
    RapidReset,   // streams reset faster than the budget (CVE-2023-44487)
    Continuation, // a header block in too many CONTINUATION frames (2024)
    ControlFlood, // PING / SETTINGS / empty DATA / refused streams beyond the budget
    HeaderList,   // a header list over max_header_list_bytes (HPACK bomb)
    Memory,       // the connection's nghttp2 memory over its cap
};
inline constexpr std::array<const char *, 8> kGoawayReasons = {
    "drain", "idle", "protocol", "rapid_reset", "continuation", "control_flood", "header_list", "memory"};
inline constexpr size_t kGoawayKinds = kGoawayReasons.size();

} // namespace hafront::stats
