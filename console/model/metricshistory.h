// MetricsHistory: the last five minutes of req/s and p99 per backend and node,
// one sample a second in bounded rings; ClusterModel records into it and the
// charts read it (all nodes added up, or one node). No I/O, no clock.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace hafront::model {

struct MetricSample {
    int64_t second = 0; // the agent's wall clock, whole seconds
    float requestsPerSecond = 0;
    float p99Ms = 0;
};

// Oldest samples fall out once `capacity` seconds are held.
class SampleRing {
public:
    explicit SampleRing(size_t capacity = 300) : m_capacity(capacity ? capacity : 1) {}

    // A sample in the newest sample's second replaces it (4 Hz status, 1 Hz
    // history); one older than the newest is dropped (a late replay).
    void add(const MetricSample &sample);
    size_t size() const { return m_samples.size(); }
    size_t capacity() const { return m_capacity; }
    bool empty() const { return m_samples.empty(); }
    const MetricSample &at(size_t i) const { return m_samples[(m_head + i) % m_samples.size()]; } // 0 = oldest
    const MetricSample &newest() const { return at(size() - 1); }

private:
    size_t m_capacity;
    size_t m_head = 0; // index of the oldest sample once the ring is full
    std::vector<MetricSample> m_samples;
};

class MetricsHistory {
public:
    static constexpr size_t kSeconds = 300;

    void reset(size_t backends, size_t nodes);
    void addBackend();
    void record(size_t backendRow, size_t nodeRow, const MetricSample &sample);
    const SampleRing *ring(size_t backendRow, size_t nodeRow) const;
    // nodeRow < 0: every node — req/s added up, p99 the worst node's, per second.
    std::vector<MetricSample> series(size_t backendRow, int nodeRow) const;
    int64_t newestSecond() const { return m_newestSecond; }

private:
    size_t m_nodes = 0;
    std::vector<std::vector<SampleRing>> m_rings; // [backend row][node row]
    int64_t m_newestSecond = 0;
};

} // namespace hafront::model
