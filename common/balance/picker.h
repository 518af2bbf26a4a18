// Backend pickers, pure: smooth weighted round robin (nginx's algorithm),
// weighted least connections, and a consistent-hash ring. They see weights,
// usability and load; they never touch sockets or clocks.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace hafront::balance {

struct Choice {
    uint32_t weight = 1; // effective weight now; 0 = no new traffic
    uint32_t active = 0; // connections in flight (least-conn)
    bool usable = true;  // healthy, ready, below max connections, not excluded
};

inline constexpr int kNone = -1;

// nginx's smooth weighted round robin: {5,1,1} picks a a b a c a a.
// One instance per pool per thread; `current` survives weight changes.
class SmoothWeightedRoundRobin {
public:
    int pick(const std::vector<Choice> &choices);
    void reset() { m_current.clear(); }

private:
    std::vector<int64_t> m_current;
};

// Fewest active connections relative to weight; ties rotate.
class LeastConnections {
public:
    int pick(const std::vector<Choice> &choices);

private:
    uint32_t m_rotate = 0;
};

// Ketama-style ring with virtual nodes proportional to weight; when a backend
// leaves, only its keys move.
class ConsistentHashRing {
public:
    void build(const std::vector<std::string> &names, const std::vector<uint32_t> &weights);
    // The first usable backend clockwise from the key's hash.
    int pick(uint64_t keyHash, const std::vector<Choice> &choices) const;
    bool empty() const { return m_points.empty(); }

private:
    struct Point {
        uint64_t hash;
        int index;
    };
    std::vector<Point> m_points;
};

uint64_t hashKey(const std::string &key); // 64-bit FNV-1a then a mixer

} // namespace hafront::balance
