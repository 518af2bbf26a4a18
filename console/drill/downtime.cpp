#include "drill/downtime.h"

#include "vrrp/statemachine.h"

#include <algorithm>

namespace hafront::drill {

PhaseStats computePhase(const std::vector<ProbeResult> &probes, int64_t startUs, int64_t endUs)
{
    PhaseStats s;
    s.startUs = startUs;
    s.endUs = endUs;
    std::vector<const ProbeResult *> sorted;
    for (const auto &p : probes)
        sorted.push_back(&p);
    std::stable_sort(sorted.begin(), sorted.end(),
                     [](const ProbeResult *a, const ProbeResult *b) { return a->sendUs < b->sendUs; });
    int64_t lastOk = -1; // last success seen so far (also before the phase)
    bool failedSinceOk = false;
    double longest = -1;
    for (const ProbeResult *p : sorted) {
        if (p->sendUs >= endUs)
            break;
        const bool inPhase = p->sendUs >= startUs;
        if (inPhase) {
            ++s.probesTotal;
            s.probesFailed += p->ok ? 0 : 1;
        }
        if (!p->ok) {
            failedSinceOk |= inPhase;
            continue;
        }
        if (inPhase) {
            const int64_t from = lastOk >= 0 ? lastOk : startUs;
            const double gap = double(p->sendUs - from) / 1000.0;
            if (gap > longest) {
                longest = gap;
                s.lastOkBeforeUs = lastOk;
                s.firstOkAfterUs = p->sendUs;
            }
        }
        lastOk = p->sendUs;
        failedSinceOk = false;
    }
    if (failedSinceOk) {
        // Never recovered within the phase: the gap runs to its end.
        s.recovered = false;
        const int64_t from = lastOk >= 0 ? lastOk : startUs;
        const double gap = double(endUs - from) / 1000.0;
        if (gap > longest) {
            longest = gap;
            s.lastOkBeforeUs = lastOk;
            s.firstOkAfterUs = -1;
        }
    }
    s.downtimeMs = std::max(0.0, longest);
    return s;
}

double masterDownIntervalMs(uint32_t advertMs, uint32_t backupPriority)
{
    const auto priority = uint8_t(std::min<uint32_t>(backupPriority, 255));
    return double(vrrp::StateMachine::masterDownMicros(priority, uint16_t(advertMs / 10))) / 1000.0;
}

double predictedMs(Mode mode, uint32_t advertMs, uint32_t backupPriority, double rateHz)
{
    const double probeInterval = rateHz > 0 ? 1000.0 / rateHz : 0;
    if (mode == Mode::Graceful)
        return probeInterval;
    return masterDownIntervalMs(advertMs, backupPriority);
}

const char *modeName(Mode mode)
{
    return mode == Mode::Graceful ? "graceful" : "crash";
}

} // namespace hafront::drill
