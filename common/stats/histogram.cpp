#include "stats/histogram.h"

#include <bit>

namespace hafront::stats {

int LatencyHistogram::bucketOf(uint64_t micros)
{
    if (micros < kSubBuckets)
        return static_cast<int>(micros);
    const int octave = 63 - std::countl_zero(micros); // >= 3
    const int shift = octave - 3;                     // 8 sub-buckets = 3 bits
    const int sub = static_cast<int>((micros >> shift) & (kSubBuckets - 1));
    const int bucket = (octave - 2) * kSubBuckets + sub;
    return bucket < kBuckets ? bucket : kBuckets - 1;
}

uint64_t LatencyHistogram::upperBoundMicros(int bucket)
{
    if (bucket < kSubBuckets)
        return static_cast<uint64_t>(bucket) + 1;
    const int octave = bucket / kSubBuckets + 2;
    const int sub = bucket % kSubBuckets;
    const int shift = octave - 3;
    return ((uint64_t(kSubBuckets) + uint64_t(sub) + 1) << shift);
}

void LatencyHistogram::record(uint64_t micros)
{
    m_counts[static_cast<size_t>(bucketOf(micros))].fetch_add(1, std::memory_order_relaxed);
    m_sumMicros.fetch_add(micros, std::memory_order_relaxed);
}

uint64_t LatencyHistogram::total() const
{
    uint64_t n = 0;
    for (const auto &c : m_counts)
        n += c.load(std::memory_order_relaxed);
    return n;
}

std::vector<uint64_t> LatencyHistogram::snapshot() const
{
    std::vector<uint64_t> out(kBuckets);
    for (int i = 0; i < kBuckets; ++i)
        out[static_cast<size_t>(i)] = m_counts[static_cast<size_t>(i)].load(std::memory_order_relaxed);
    return out;
}

double LatencyHistogram::quantileOf(const std::vector<uint64_t> &counts, double q)
{
    uint64_t total = 0;
    for (auto c : counts)
        total += c;
    if (total == 0)
        return 0;
    const auto rank = static_cast<uint64_t>(q * double(total) + 0.999999);
    uint64_t seen = 0;
    for (size_t i = 0; i < counts.size(); ++i) {
        seen += counts[i];
        if (seen >= rank)
            return double(upperBoundMicros(static_cast<int>(i)));
    }
    return double(upperBoundMicros(kBuckets - 1));
}

double LatencyHistogram::quantileMicros(double q) const
{
    return quantileOf(snapshot(), q);
}

} // namespace hafront::stats
