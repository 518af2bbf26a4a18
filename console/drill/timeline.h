// One time axis for a drill: the runner's actions, the agents' events
// (moved onto the runner's monotonic clock with each agent's offset) and the
// probe outcomes (only where they change). Pure.
#pragma once

#include "drill/clockoffset.h"
#include "drill/probe.h"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace hafront::drill {

struct TimelineEntry {
    double atMs = 0;    // since the drill's zero (runner mono)
    std::string source; // "runner", "probe", or the node name
    std::string kind;   // "action", "vip_state", "probe_down", "probe_up", ...
    std::string text;
};

struct AgentEvent {
    std::string node;
    int64_t monoUs = 0; // the agent's monotonic clock
    int64_t wallUs = 0;
    std::string kind;
    std::string text;
};

struct RunnerAction {
    int64_t monoUs = 0; // runner's monotonic clock
    std::string text;
};

// Agents without an offset are taken as sharing the runner's clock (same host).
std::vector<TimelineEntry> alignTimeline(int64_t zeroMonoUs, const std::vector<RunnerAction> &actions,
                                         const std::vector<AgentEvent> &events,
                                         const std::map<std::string, ClockOffset> &offsets,
                                         const std::vector<ProbeResult> &probes);

// Where the answering node changes and where probes start/stop failing.
std::vector<TimelineEntry> probeTransitions(int64_t zeroMonoUs, const std::vector<ProbeResult> &probes);

} // namespace hafront::drill
