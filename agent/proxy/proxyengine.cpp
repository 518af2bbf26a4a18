// Placeholder until the data plane lands (issue #4): starts nothing, serves nothing.
#include "proxy/proxyengine.h"

namespace hafront::proxy {

struct ProxyEngine::Impl {
    config::SnapshotStore &store;
};

ProxyEngine::ProxyEngine(config::SnapshotStore &store, events::EventLog &) : m_impl(new Impl{store}) {}
ProxyEngine::~ProxyEngine() = default;
Status ProxyEngine::start() { return {}; }
void ProxyEngine::stop(std::chrono::milliseconds) {}
void ProxyEngine::fillStatus(v1::NodeStatus &) const {}
bool ProxyEngine::canServe() const { return false; }
void ProxyEngine::reopenLogs() {}

} // namespace hafront::proxy
