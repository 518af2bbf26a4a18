// RateMeter: events per second from a monotonically growing counter, over a
// window of at least `windowMicros` (1 s) between two readings. Pure: the
// caller passes the counter and `now`; the first reading only sets the start.
#pragma once

#include <cstdint>

namespace hafront::stats {

class RateMeter {
public:
    explicit RateMeter(int64_t windowMicros = 1'000'000) : m_windowMicros(windowMicros) {}

    // Takes a reading; returns the rate over the last full window (0 until one has passed).
    double update(uint64_t count, int64_t nowMicros);
    double perSecond() const { return m_perSecond; }

private:
    int64_t m_windowMicros;
    uint64_t m_count = 0;
    int64_t m_at = 0;
    bool m_started = false;
    double m_perSecond = 0;
};

} // namespace hafront::stats
