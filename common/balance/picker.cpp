#include "balance/picker.h"

#include <algorithm>

namespace hafront::balance {

int SmoothWeightedRoundRobin::pick(const std::vector<Choice> &choices)
{
    if (m_current.size() != choices.size())
        m_current.assign(choices.size(), 0);
    int64_t total = 0;
    int best = kNone;
    for (size_t i = 0; i < choices.size(); ++i) {
        if (!choices[i].usable || choices[i].weight == 0)
            continue;
        m_current[i] += choices[i].weight;
        total += choices[i].weight;
        if (best == kNone || m_current[i] > m_current[static_cast<size_t>(best)])
            best = static_cast<int>(i);
    }
    if (best != kNone)
        m_current[static_cast<size_t>(best)] -= total;
    return best;
}

int LeastConnections::pick(const std::vector<Choice> &choices)
{
    int best = kNone;
    const size_t n = choices.size();
    const size_t start = n ? m_rotate++ % n : 0;
    for (size_t k = 0; k < n; ++k) {
        const size_t i = (start + k) % n;
        const Choice &c = choices[i];
        if (!c.usable || c.weight == 0)
            continue;
        if (best == kNone) {
            best = static_cast<int>(i);
            continue;
        }
        const Choice &b = choices[static_cast<size_t>(best)];
        // active/weight smaller wins, compared without division.
        if (uint64_t(c.active) * b.weight < uint64_t(b.active) * c.weight)
            best = static_cast<int>(i);
    }
    return best;
}

uint64_t hashKey(const std::string &key)
{
    uint64_t h = 1469598103934665603ull;
    for (unsigned char c : key) {
        h ^= c;
        h *= 1099511628211ull;
    }
    // splitmix64 finaliser: spreads nearby keys around the ring.
    h ^= h >> 30;
    h *= 0xbf58476d1ce4e5b9ull;
    h ^= h >> 27;
    h *= 0x94d049bb133111ebull;
    h ^= h >> 31;
    return h;
}

void ConsistentHashRing::build(const std::vector<std::string> &names, const std::vector<uint32_t> &weights)
{
    m_points.clear();
    for (size_t i = 0; i < names.size(); ++i) {
        const uint32_t vnodes = 160 * std::max<uint32_t>(1, std::min<uint32_t>(weights[i], 100));
        for (uint32_t v = 0; v < vnodes; ++v)
            m_points.push_back({hashKey(names[i] + "#" + std::to_string(v)), static_cast<int>(i)});
    }
    std::sort(m_points.begin(), m_points.end(), [](const Point &a, const Point &b) { return a.hash < b.hash; });
}

int ConsistentHashRing::pick(uint64_t keyHash, const std::vector<Choice> &choices) const
{
    if (m_points.empty())
        return kNone;
    auto it = std::lower_bound(m_points.begin(), m_points.end(), keyHash,
                               [](const Point &p, uint64_t h) { return p.hash < h; });
    for (size_t k = 0; k < m_points.size(); ++k, ++it) {
        if (it == m_points.end())
            it = m_points.begin();
        const auto i = static_cast<size_t>(it->index);
        if (i < choices.size() && choices[i].usable && choices[i].weight > 0)
            return it->index;
    }
    return kNone;
}

} // namespace hafront::balance
