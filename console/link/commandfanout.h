// fanOut: the one way a client sends a command to several nodes — each node's
// link gets it, and `done` is called once with every node's answer (done,
// refused with the agent's reason, or unreachable), in the order given. Used
// by the console (ClusterSession), `hafrontctl --cluster` (NodeFanout) and
// the drill's observers (LinkObserver, ModelObserver).
#pragma once

#include "hafront/v1/control.pb.h"
#include "link/agentlink.h"

#include <functional>
#include <string>
#include <vector>

namespace hafront::link {

struct NodeAnswer {
    std::string node;
    enum class Kind { Done, Refused, Unreachable } kind = Kind::Done;
    std::string text; // the agent's message when done, else why not
    v1::CommandResult result;
};

// A null link is a node without one: answered Unreachable with `noLinkReason`.
struct FanoutTarget {
    std::string node;
    AgentLink *link = nullptr;
};

using FanoutDone = std::function<void(const std::vector<NodeAnswer> &answers)>;

void fanOut(const std::vector<FanoutTarget> &targets, const v1::Command &command, int timeoutMs, FanoutDone done,
            const std::string &noLinkReason = "not a node of this cluster");

} // namespace hafront::link
