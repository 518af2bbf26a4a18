// Placeholder until VRRP lands (issue #5): holds no VIP.
#include "vip/vipmanager.h"

namespace hafront::vip {

struct VipManager::Impl {};

VipManager::VipManager(config::SnapshotStore &, events::EventLog &, std::function<bool()>) : m_impl(new Impl) {}
VipManager::~VipManager() = default;
Status VipManager::start() { return {}; }
void VipManager::stop(bool) {}
void VipManager::fillStatus(v1::NodeStatus &) const {}
Status VipManager::simulateCrash(const std::string &, std::chrono::milliseconds)
{
    return fail("VRRP is not built yet");
}
Status VipManager::cleanup(const v1::Cluster &, const std::string &) { return {}; }

} // namespace hafront::vip
