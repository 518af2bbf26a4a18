// NodeMetrics: the Prometheus view of one agent, rendered from the same
// NodeStatus the control socket streams (no second copy of any counter).
#pragma once

#include "hafront/v1/control.pb.h"

#include <cstdint>
#include <string>
#include <vector>

namespace hafront::metrics {

class NodeMetrics {
public:
    // The `le` bounds of hafront_backend_latency_seconds, in µs: powers of two,
    // which are exact edges of the agent's log-linear histogram buckets, so
    // every cumulative count is exact rather than interpolated.
    static std::vector<uint64_t> latencyBoundsMicros();

    // Text exposition 0.0.4 of `status`; `startTimeSeconds` is the agent's
    // start as Unix time.
    static std::string render(const v1::NodeStatus &status, double startTimeSeconds);
};

} // namespace hafront::metrics
