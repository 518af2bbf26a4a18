// Drill maths on probe results: the interruption of one phase (longest gap
// between successful probes) and what the VRRP timers predict. Pure: no clock.
#pragma once

#include "drill/probe.h"

#include <cstdint>
#include <string>
#include <vector>

namespace hafront::drill {

enum class Mode { Graceful, Crash };

struct PhaseStats {
    std::string name;            // "failover", "failback"
    int64_t startUs = 0;         // when the runner made the move
    int64_t endUs = 0;           // next phase or end of probing
    double downtimeMs = 0;       // longest gap between successes (send times)
    int64_t lastOkBeforeUs = -1; // start of that gap; -1: no success before it
    int64_t firstOkAfterUs = -1; // end of that gap; -1: not recovered
    int probesTotal = 0;
    int probesFailed = 0;
    bool recovered = true; // a success came after the last failure
    double predictedMs = 0;
};

// Probes sorted by send time are split at the phase starts; a gap belongs to
// the phase in which it ends (or, when nothing recovers, to the phase that
// ends the probing). The first gap of a phase starts at the last success
// before the phase (the last success before the move).
PhaseStats computePhase(const std::vector<ProbeResult> &probes, int64_t startUs, int64_t endUs);

// Downtime the protocol predicts. Graceful (planned handover): no interruption
// but the probe interval. Crash: Master_Down_Interval of the backup, RFC 5798
// 6.1: 3 x advert + Skew_Time, Skew_Time = (256 - priority) x advert / 256.
double masterDownIntervalMs(uint32_t advertMs, uint32_t backupPriority);
double predictedMs(Mode mode, uint32_t advertMs, uint32_t backupPriority, double rateHz);

const char *modeName(Mode mode); // "graceful" | "crash"

} // namespace hafront::drill
