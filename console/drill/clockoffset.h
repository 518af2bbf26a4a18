// Clock offset of an agent against the runner, NTP style, from Ping round
// trips: offset = agent_time - (t_send + t_recv) / 2, keeping the sample with
// the smallest round trip. Pure: the caller passes the times.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

namespace hafront::drill {

struct PingSample {
    int64_t sendMonoUs = 0;  // runner's monotonic clock when the Ping left
    int64_t recvMonoUs = 0;  // ... when the result arrived
    int64_t sendWallUs = 0;  // runner's wall clock when the Ping left
    int64_t agentMonoUs = 0; // CommandResult.agent_mono_time_us
    int64_t agentWallUs = 0; // CommandResult.agent_wall_time_us
};

struct ClockOffset {
    int64_t monoOffsetUs = 0; // agent mono - runner mono
    int64_t wallOffsetUs = 0; // agent wall - runner wall
    int64_t rttUs = 0;        // of the sample used: the error is at most rtt / 2
    int samples = 0;
};

std::optional<ClockOffset> estimateClockOffset(const std::vector<PingSample> &samples);

} // namespace hafront::drill
