// NodeFanout: runs one hafrontctl command against one agent or every node of
// a cluster (link::fanOut), and reports per node — never claiming a node that
// did not confirm.
#pragma once

#include "base/result.h"
#include "hafront/v1/control.pb.h"
#include "link/agentlink.h"

#include <memory>
#include <string>
#include <vector>

namespace hafront::ctl {

struct Targeting {
    std::string socketPath;
    std::string ssh;
    std::string clusterFile;
    std::string node; // with --cluster: only this node
    bool acceptNewHostKey = false;
    bool verbose = false; // say how each node was reached
    int timeoutMs = 5000;
};

// Per-node outcome of one command, and the exit code they add up to.
struct NodeOutcome {
    std::string node;
    enum class Kind { Done, Refused, Unreachable } kind = Kind::Done;
    std::string text;
};
int exitCodeOf(const std::vector<NodeOutcome> &outcomes);        // 0 done, 1 refused, 3 unreachable
std::string summaryOf(const std::vector<NodeOutcome> &outcomes); // "applied on 2/3 nodes"

class NodeFanout {
public:
    explicit NodeFanout(Targeting targeting) : m_t(std::move(targeting)) {}

    Status resolve();
    int run(const std::vector<std::string> &command, bool json);

private:
    std::vector<std::unique_ptr<link::AgentLink>> connect(bool subscribe);
    std::vector<NodeOutcome> sendAll(const std::vector<link::AgentLink *> &links, const v1::Command &command,
                                     std::vector<v1::CommandResult> *results = nullptr);
    int runStatus(const std::vector<std::string> &args, bool json);
    int runEvents(const std::vector<std::string> &args, bool json);
    int runChange(const std::vector<std::string> &args, bool json);

    Targeting m_t;
    std::vector<link::AgentLink::Options> m_targets;
    bool m_clusterMode = false;
};

} // namespace hafront::ctl
