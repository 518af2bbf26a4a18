#include "stats/ratemeter.h"

namespace hafront::stats {

double RateMeter::update(uint64_t count, int64_t nowMicros)
{
    if (!m_started || count < m_count) {
        // First reading, or the counter started over (a new runtime): a new window.
        if (m_started)
            m_perSecond = 0;
        m_started = true;
        m_count = count;
        m_at = nowMicros;
        return m_perSecond;
    }
    if (nowMicros - m_at >= m_windowMicros) {
        m_perSecond = double(count - m_count) * 1e6 / double(nowMicros - m_at);
        m_count = count;
        m_at = nowMicros;
    }
    return m_perSecond;
}

} // namespace hafront::stats
