// Liveness: which threads make progress. Each watched thread beats once per
// turn of its loop (two relaxed atomic stores); a watcher checks them against
// the stall limit and reports what changed. A proxy worker stuck in a loop
// once left the listener bound, the VIP claimed and the systemd watchdog fed
// by the main thread, on a node that served nothing.
#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <vector>

namespace hafront {

class Heartbeat {
public:
    enum class Role {
        Serving, // proxy workers, health checks: a stall fails self-tracking (the VIP moves)
        Control, // VRRP: a stall stops the watchdog pings (systemd restarts the agent)
    };
    static constexpr int64_t kLongGapMicros = 100'000;

    Heartbeat(std::string name, Role role, int64_t now) : m_name(std::move(name)), m_role(role), m_last(now) {}

    // Called by the thread itself only.
    void beat(int64_t now)
    {
        const int64_t gap = now - m_last.load(std::memory_order_relaxed);
        if (gap > m_maxGap.load(std::memory_order_relaxed))
            m_maxGap.store(gap, std::memory_order_relaxed);
        if (gap > kLongGapMicros)
            m_longGaps.fetch_add(1, std::memory_order_relaxed);
        m_last.store(now, std::memory_order_relaxed);
    }

    const std::string &name() const { return m_name; }
    Role role() const { return m_role; }
    int64_t last() const { return m_last.load(std::memory_order_relaxed); }
    int64_t maxGap() const { return m_maxGap.load(std::memory_order_relaxed); }
    uint64_t longGaps() const { return m_longGaps.load(std::memory_order_relaxed); }

private:
    std::string m_name;
    Role m_role;
    std::atomic<int64_t> m_last;
    std::atomic<int64_t> m_maxGap{0};
    std::atomic<uint64_t> m_longGaps{0};
};

class Liveness {
public:
    struct Change {
        std::string thread;
        Heartbeat::Role role;
        bool stalled;         // false: it made progress again
        int64_t silentMicros; // since its last beat, when checked
    };
    struct ThreadState {
        std::string name;
        Heartbeat::Role role;
        int64_t sinceBeatMicros;
        int64_t maxGapMicros;
        uint64_t longGaps;
        bool stalled;
    };

    // The returned heartbeat lives as long as the Liveness (threads keep a reference).
    Heartbeat &add(std::string name, Heartbeat::Role role, int64_t now);
    // A thread silent for longer than `limitMicros` is stalled; a stalled one that beat again is not.
    std::vector<Change> check(int64_t now, int64_t limitMicros);
    // As of the last check.
    bool allLive() const;
    bool servingLive() const;
    std::vector<ThreadState> states(int64_t now) const;

private:
    mutable std::mutex m_mutex;
    std::deque<Heartbeat> m_beats; // deque: references stay valid as threads are added
    std::vector<bool> m_stalled;
};

} // namespace hafront
