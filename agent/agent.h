// Agent: one front node's daemon. Owns the snapshot store, the event log, the
// data plane, VRRP and the control server, and runs the main event loop.
#pragma once

#include <string>

namespace hafront::agent {

struct AgentOptions {
    std::string configPath;
    std::string node;
    std::string stateDir;   // empty = from the config (default /var/lib/hafront)
    std::string socketPath; // empty = the node's control_socket
};

// Runs until SIGTERM/SIGINT; returns the process exit code.
int runAgent(const AgentOptions &options);

} // namespace hafront::agent
