// ModelObserver: the console's ClusterObserver — reads ClusterModel (the state
// the main window shows) and sends through ClusterSession's links, so a drill
// keeps no second copy of the cluster. While open, the drill's nodes report
// every 50 ms.
#pragma once

#include "drill/clusterobserver.h"

#include "model/clustersession.h"

#include <QPointer>
#include <QStringList>

namespace hafront::drill {

class ModelObserver : public ClusterObserver {
public:
    // A session deleted first (the main window closing) reads as every node unreachable.
    explicit ModelObserver(model::ClusterSession &session);
    ~ModelObserver() override;

    void open(const std::vector<std::string> &nodes) override;
    void close() override;
    NodeView node(const std::string &name) const override;
    uint64_t latestSeq(const std::string &node) const override;
    std::vector<v1::Event> eventsSince(const std::string &node, uint64_t seq) const override;
    void send(const std::string &node, const v1::Command &command, int timeoutMs, Done done) override;

    static constexpr uint32_t kDrillStatusPeriodMs = 50; // fresh VIP states while waiting for a move

private:
    QPointer<model::ClusterSession> m_session;
    QStringList m_opened;
};

} // namespace hafront::drill
