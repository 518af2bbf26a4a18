// LatencyHistogram: log-linear buckets (8 per power of two, from 1 µs to
// ~1 h), recorded with relaxed atomics from any thread, so percentiles are
// computed rather than averaged.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <vector>

namespace hafront::stats {

class LatencyHistogram {
public:
    static constexpr int kSubBuckets = 8;
    static constexpr int kOctaves = 32;
    static constexpr int kBuckets = kSubBuckets * kOctaves;

    void record(uint64_t micros);
    uint64_t total() const;
    uint64_t sumMicros() const { return m_sumMicros.load(std::memory_order_relaxed); }
    // Upper bound in µs of the bucket holding the q-quantile (0 < q <= 1); 0 when empty.
    double quantileMicros(double q) const;
    std::vector<uint64_t> snapshot() const;
    static int bucketOf(uint64_t micros);
    static uint64_t upperBoundMicros(int bucket);
    static double quantileOf(const std::vector<uint64_t> &counts, double q);

private:
    std::array<std::atomic<uint64_t>, kBuckets> m_counts{};
    std::atomic<uint64_t> m_sumMicros{0}; // exact, for Prometheus' _sum (rate(_sum)/rate(_count) = mean)
};

} // namespace hafront::stats
