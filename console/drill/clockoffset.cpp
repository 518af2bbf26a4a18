#include "drill/clockoffset.h"

namespace hafront::drill {

std::optional<ClockOffset> estimateClockOffset(const std::vector<PingSample> &samples)
{
    const PingSample *best = nullptr;
    int valid = 0;
    for (const auto &s : samples) {
        if (s.recvMonoUs < s.sendMonoUs)
            continue; // not a round trip: ignore rather than guess
        ++valid;
        if (!best || s.recvMonoUs - s.sendMonoUs < best->recvMonoUs - best->sendMonoUs)
            best = &s;
    }
    if (!best)
        return std::nullopt;
    ClockOffset o;
    o.rttUs = best->recvMonoUs - best->sendMonoUs;
    // Integer halves: floor((send + recv) / 2) without overflow.
    const int64_t midMono = best->sendMonoUs + o.rttUs / 2;
    o.monoOffsetUs = best->agentMonoUs - midMono;
    o.wallOffsetUs = best->agentWallUs - (best->sendWallUs + o.rttUs / 2);
    o.samples = valid;
    return o;
}

} // namespace hafront::drill
