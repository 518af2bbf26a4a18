// ClusterObserver: what a drill reads about the cluster and asks of it — each
// node's link and last status, the events a node reported after a seq, a
// command to one node with its answer. The console implements it over
// ClusterModel/ClusterSession (ModelObserver), `hafrontctl drill` with links of
// its own (LinkObserver), tests with recorded answers. No Qt, no I/O here.
#pragma once

#include "drill/precheck.h"
#include "hafront/v1/control.pb.h"

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace hafront::drill {

struct CommandAnswer {
    bool ok = false;
    std::string error;        // why not, verbatim: the agent's refusal or the link's reason
    v1::CommandResult result; // the agent's result (its clocks, for clock-offset pings)
};

class ClusterObserver {
public:
    virtual ~ClusterObserver() = default;

    // The drill is about to talk to these nodes (the VIP's): connect, ask for fresh status.
    virtual void open(const std::vector<std::string> &nodes) = 0;
    // The drill is over: what open() asked for is no longer needed.
    virtual void close() = 0;

    // reachable = connected and a status arrived; else the link's reason.
    virtual NodeView node(const std::string &name) const = 0;
    // The newest seq of NODE's events seen so far (0: none), and NODE's events after `seq`, oldest first.
    virtual uint64_t latestSeq(const std::string &node) const = 0;
    virtual std::vector<v1::Event> eventsSince(const std::string &node, uint64_t seq) const = 0;

    using Done = std::function<void(const CommandAnswer &answer)>;
    // Calls `done` exactly once, possibly before returning.
    virtual void send(const std::string &node, const v1::Command &command, int timeoutMs, Done done) = 0;
};

} // namespace hafront::drill
