// LinkObserver: the ClusterObserver of `hafrontctl drill` — its own AgentLink
// to each of the drill's nodes (fresh status every 50 ms), the events they
// send, commands through link::fanOut. The console uses ModelObserver instead.
#pragma once

#include "drill/clusterobserver.h"
#include "link/agentlink.h"

#include <map>
#include <memory>
#include <vector>

namespace hafront::drill {

class LinkObserver : public ClusterObserver {
public:
    explicit LinkObserver(v1::Cluster cluster);
    ~LinkObserver() override;

    void open(const std::vector<std::string> &nodes) override;
    void close() override;
    NodeView node(const std::string &name) const override;
    uint64_t latestSeq(const std::string &node) const override;
    std::vector<v1::Event> eventsSince(const std::string &node, uint64_t seq) const override;
    void send(const std::string &node, const v1::Command &command, int timeoutMs, Done done) override;

private:
    link::AgentLink *linkOf(const std::string &node) const;

    v1::Cluster m_cluster;
    std::vector<std::unique_ptr<link::AgentLink>> m_links;
    std::map<std::string, std::vector<v1::Event>> m_events; // per node, as received
};

} // namespace hafront::drill
