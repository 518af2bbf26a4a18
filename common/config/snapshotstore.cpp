#include "config/snapshotstore.h"

namespace hafront::config {

SnapshotStore::SnapshotStore(std::shared_ptr<const Snapshot> initial) : m_current(std::move(initial))
{
    m_generation.store(m_current->generation, std::memory_order_release);
}

std::shared_ptr<const Snapshot> SnapshotStore::current() const
{
    return std::atomic_load(&m_current);
}

Result<std::shared_ptr<const Snapshot>>
SnapshotStore::updateOverrides(const std::function<Status(const v1::Cluster &, v1::RuntimeState &)> &edit)
{
    std::lock_guard lock(m_writeMutex);
    const auto now = std::atomic_load(&m_current);
    auto next = std::make_shared<Snapshot>(*now);
    if (auto ok = edit(*next->cluster, next->overrides); !ok)
        return Error{ok.error()};
    next->generation = now->generation + 1;
    std::shared_ptr<const Snapshot> frozen = std::move(next);
    publish(frozen);
    return frozen;
}

std::shared_ptr<const Snapshot> SnapshotStore::replaceCluster(std::shared_ptr<const v1::Cluster> cluster)
{
    std::lock_guard lock(m_writeMutex);
    const auto now = std::atomic_load(&m_current);
    auto next = std::make_shared<Snapshot>(*now);
    next->cluster = std::move(cluster);
    pruneOverrides(*next->cluster, next->overrides);
    next->generation = now->generation + 1;
    std::shared_ptr<const Snapshot> frozen = std::move(next);
    publish(frozen);
    return frozen;
}

void SnapshotStore::addObserver(std::function<void(const std::shared_ptr<const Snapshot> &)> observer)
{
    std::lock_guard lock(m_writeMutex);
    m_observers.push_back(std::move(observer));
}

void SnapshotStore::publish(std::shared_ptr<const Snapshot> next)
{
    std::atomic_store(&m_current, next);
    m_generation.store(next->generation, std::memory_order_release);
    for (const auto &observer : m_observers)
        observer(next);
}

} // namespace hafront::config
