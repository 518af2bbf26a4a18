// Clock reads for adapters. Pure cores never call these: they take `now`.
#pragma once

#include <chrono>
#include <cstdint>

namespace hafront {

using MonoClock = std::chrono::steady_clock;
using MonoTime = MonoClock::time_point;

inline int64_t wallMicros()
{
    return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

inline int64_t monoMicros()
{
    return std::chrono::duration_cast<std::chrono::microseconds>(MonoClock::now().time_since_epoch()).count();
}

} // namespace hafront
