// DrillReport: what a drill measured — downtime per phase next to the
// prediction, probes, who was master, the aligned timeline and clock offsets —
// and its two exports: JSON and a single-file HTML page with an inline SVG chart.
#pragma once

#include "drill/clockoffset.h"
#include "drill/downtime.h"
#include "drill/precheck.h"
#include "drill/timeline.h"

#include <QJsonObject>

#include <map>
#include <string>
#include <vector>

namespace hafront::drill {

struct DrillReport {
    std::string cluster;
    std::string vip;
    Mode mode = Mode::Graceful;
    std::string probeUrl;
    double rateHz = 0;
    int64_t startedWallUs = 0;
    int64_t zeroMonoUs = 0; // the time axis' zero (runner mono): probing started
    std::string oldMaster;
    std::string newMaster;
    std::string finalMaster; // after failback (or abort)
    bool failback = true;
    bool completed = false;  // all steps done, nothing aborted
    std::string abortReason; // why it stopped early
    uint32_t advertMs = 0;
    uint32_t successorPriority = 0;
    double downtimeMs = 0; // the failover phase
    double predictedMs = 0;
    int probesTotal = 0; // whole drill
    int probesFailed = 0;
    std::vector<PhaseStats> phases;
    std::vector<TimelineEntry> timeline;
    std::map<std::string, ClockOffset> offsets;
    std::vector<Check> checks;
    std::vector<ProbeResult> probes;
};

// `withProbes` adds every probe (for re-analysis); off by default.
QJsonObject toJson(const DrillReport &report, bool withProbes = false);
std::string toHtml(const DrillReport &report);
// The inline SVG chart alone: latency of each probe, failures, the moves.
std::string chartSvg(const DrillReport &report, int width = 900, int height = 260);

} // namespace hafront::drill
