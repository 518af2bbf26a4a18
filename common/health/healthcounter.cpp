#include "health/healthcounter.h"

#include <algorithm>

namespace hafront::health {

bool RiseFall::record(bool success)
{
    const State before = m_state;
    if (success) {
        m_failures = 0;
        if (++m_successes >= m_rise)
            m_state = State::Up;
    } else {
        m_successes = 0;
        if (++m_failures >= m_fall)
            m_state = State::Down;
    }
    return m_state != before;
}

bool PassiveWindow::recordFailure(Clock::time_point now)
{
    if (m_maxFails == 0)
        return false;
    m_failures.push_back(now);
    while (!m_failures.empty() && now - m_failures.front() > m_window)
        m_failures.pop_front();
    if (m_failures.size() >= m_maxFails && now >= m_downUntil) {
        m_downUntil = now + m_downFor;
        m_failures.clear();
        return true;
    }
    return false;
}

uint32_t slowStartWeight(uint32_t weight, std::chrono::milliseconds elapsed, std::chrono::milliseconds slowStart)
{
    if (weight == 0 || slowStart.count() <= 0 || elapsed >= slowStart)
        return weight;
    const auto ramp = uint64_t(weight) * uint64_t(std::max<int64_t>(0, elapsed.count())) / uint64_t(slowStart.count());
    return std::max<uint32_t>(1, static_cast<uint32_t>(ramp));
}

} // namespace hafront::health
