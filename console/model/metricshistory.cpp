#include "model/metricshistory.h"

#include <algorithm>
#include <map>

namespace hafront::model {

void SampleRing::add(const MetricSample &sample)
{
    if (!m_samples.empty()) {
        MetricSample &last = m_samples[(m_head + m_samples.size() - 1) % m_samples.size()];
        if (sample.second == last.second) {
            last = sample;
            return;
        }
        if (sample.second < last.second)
            return;
    }
    if (m_samples.size() < m_capacity) {
        m_samples.push_back(sample);
        return;
    }
    m_samples[m_head] = sample;
    m_head = (m_head + 1) % m_capacity;
}

void MetricsHistory::reset(size_t backends, size_t nodes)
{
    m_nodes = nodes;
    m_rings.assign(backends, std::vector<SampleRing>(nodes, SampleRing(kSeconds)));
    m_newestSecond = 0;
}

void MetricsHistory::addBackend()
{
    m_rings.emplace_back(m_nodes, SampleRing(kSeconds));
}

void MetricsHistory::record(size_t backendRow, size_t nodeRow, const MetricSample &sample)
{
    if (backendRow >= m_rings.size() || nodeRow >= m_nodes)
        return;
    m_rings[backendRow][nodeRow].add(sample);
    m_newestSecond = std::max(m_newestSecond, sample.second);
}

const SampleRing *MetricsHistory::ring(size_t backendRow, size_t nodeRow) const
{
    if (backendRow >= m_rings.size() || nodeRow >= m_nodes)
        return nullptr;
    return &m_rings[backendRow][nodeRow];
}

std::vector<MetricSample> MetricsHistory::series(size_t backendRow, int nodeRow) const
{
    std::vector<MetricSample> out;
    if (backendRow >= m_rings.size())
        return out;
    if (nodeRow >= 0) {
        const SampleRing *r = ring(backendRow, size_t(nodeRow));
        if (r)
            for (size_t i = 0; i < r->size(); ++i)
                out.push_back(r->at(i));
        return out;
    }
    std::map<int64_t, MetricSample> bySecond;
    for (const SampleRing &r : m_rings[backendRow])
        for (size_t i = 0; i < r.size(); ++i) {
            const MetricSample &s = r.at(i);
            MetricSample &sum = bySecond[s.second];
            sum.second = s.second;
            sum.requestsPerSecond += s.requestsPerSecond;
            sum.p99Ms = std::max(sum.p99Ms, s.p99Ms);
        }
    out.reserve(bySecond.size());
    for (const auto &[second, s] : bySecond)
        out.push_back(s);
    return out;
}

} // namespace hafront::model
