#include "base/liveness.h"

namespace hafront {

Heartbeat &Liveness::add(std::string name, Heartbeat::Role role, int64_t now)
{
    std::lock_guard lock(m_mutex);
    m_stalled.push_back(false);
    return m_beats.emplace_back(std::move(name), role, now);
}

std::vector<Liveness::Change> Liveness::check(int64_t now, int64_t limitMicros)
{
    std::lock_guard lock(m_mutex);
    std::vector<Change> changes;
    for (size_t i = 0; i < m_beats.size(); ++i) {
        const Heartbeat &b = m_beats[i];
        const int64_t silent = now - b.last();
        const bool stalled = silent > limitMicros;
        if (stalled != m_stalled[i]) {
            m_stalled[i] = stalled;
            changes.push_back({b.name(), b.role(), stalled, silent});
        }
    }
    return changes;
}

bool Liveness::allLive() const
{
    std::lock_guard lock(m_mutex);
    for (bool s : m_stalled)
        if (s)
            return false;
    return true;
}

bool Liveness::servingLive() const
{
    std::lock_guard lock(m_mutex);
    for (size_t i = 0; i < m_beats.size(); ++i)
        if (m_stalled[i] && m_beats[i].role() == Heartbeat::Role::Serving)
            return false;
    return true;
}

std::vector<Liveness::ThreadState> Liveness::states(int64_t now) const
{
    std::lock_guard lock(m_mutex);
    std::vector<ThreadState> out;
    for (size_t i = 0; i < m_beats.size(); ++i) {
        const Heartbeat &b = m_beats[i];
        out.push_back({b.name(), b.role(), now - b.last(), b.maxGap(), b.longGaps(), m_stalled[i]});
    }
    return out;
}

} // namespace hafront
