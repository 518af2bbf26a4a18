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

} // namespace hafront::stats
