// VipManager: VRRPv3 for every VIP this node serves — raw-socket adverts,
// netlink address changes, gratuitous ARP, trackers — on its own thread.
#pragma once

#include "base/liveness.h"
#include "base/result.h"
#include "config/snapshotstore.h"
#include "events/eventlog.h"
#include "hafront/v1/control.pb.h"

#include <chrono>
#include <functional>
#include <memory>
#include <string>

namespace hafront::vip {

class VipManager {
public:
    // `proxyCanServe` feeds self-tracking; it is called from the VRRP thread.
    VipManager(config::SnapshotStore &store, events::EventLog &events, std::function<bool()> proxyCanServe);
    ~VipManager();

    // Removes VIPs a crashed agent left behind, opens the sockets, starts the
    // thread (with a heartbeat in `liveness` when given).
    Status start(Liveness *liveness = nullptr);
    // graceful: priority-0 adverts so a backup takes over at once; VIPs removed either way.
    void stop(bool graceful);

    void fillStatus(v1::NodeStatus &status) const;
    // Drill crash mode: silent for `duration` (no adverts, VIP dropped), then back.
    Status simulateCrash(const std::string &vip, std::chrono::milliseconds duration);

    // `hafront-agent --cleanup`: remove every VIP address marked as ours.
    static Status cleanup(const v1::Cluster &cluster, const std::string &node);

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

} // namespace hafront::vip
