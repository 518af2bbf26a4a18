#include "drill/timeline.h"

#include <algorithm>

namespace hafront::drill {

std::vector<TimelineEntry> probeTransitions(int64_t zeroMonoUs, const std::vector<ProbeResult> &probes)
{
    std::vector<const ProbeResult *> sorted;
    for (const auto &p : probes)
        sorted.push_back(&p);
    std::stable_sort(sorted.begin(), sorted.end(),
                     [](const ProbeResult *a, const ProbeResult *b) { return a->sendUs < b->sendUs; });
    std::vector<TimelineEntry> out;
    bool known = false, up = false;
    std::string servedBy;
    for (const ProbeResult *p : sorted) {
        const double at = double(p->sendUs - zeroMonoUs) / 1000.0;
        if (!known || p->ok != up) {
            if (p->ok)
                out.push_back({at, "probe", "probe_up",
                               "probes succeed" + (p->servedBy.empty() ? "" : " (served by " + p->servedBy + ")")});
            else
                out.push_back({at, "probe", "probe_down", "probes fail: " + p->error});
            known = true;
            up = p->ok;
        }
        if (p->ok && !p->servedBy.empty() && p->servedBy != servedBy) {
            if (!servedBy.empty())
                out.push_back({at, "probe", "served_by", "now served by " + p->servedBy + " (was " + servedBy + ")"});
            servedBy = p->servedBy;
        }
    }
    return out;
}

std::vector<TimelineEntry> alignTimeline(int64_t zeroMonoUs, const std::vector<RunnerAction> &actions,
                                         const std::vector<AgentEvent> &events,
                                         const std::map<std::string, ClockOffset> &offsets,
                                         const std::vector<ProbeResult> &probes)
{
    std::vector<TimelineEntry> out;
    for (const auto &a : actions)
        out.push_back({double(a.monoUs - zeroMonoUs) / 1000.0, "runner", "action", a.text});
    for (const auto &e : events) {
        const auto it = offsets.find(e.node);
        const int64_t offset = it == offsets.end() ? 0 : it->second.monoOffsetUs;
        out.push_back({double(e.monoUs - offset - zeroMonoUs) / 1000.0, e.node, e.kind, e.text});
    }
    for (auto &t : probeTransitions(zeroMonoUs, probes))
        out.push_back(std::move(t));
    std::stable_sort(out.begin(), out.end(),
                     [](const TimelineEntry &a, const TimelineEntry &b) { return a.atMs < b.atMs; });
    return out;
}

} // namespace hafront::drill
