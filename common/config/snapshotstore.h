// Holds the current Snapshot and swaps in new ones atomically (RCU style):
// readers never block and never see a half-applied change.
#pragma once

#include "config/snapshot.h"

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

namespace hafront::config {

class SnapshotStore {
public:
    explicit SnapshotStore(std::shared_ptr<const Snapshot> initial);

    std::shared_ptr<const Snapshot> current() const;
    // Cheap to poll on a hot path: changes whenever a new snapshot is swapped in.
    uint64_t generation() const { return m_generation.load(std::memory_order_acquire); }

    // Applies `edit` to a copy of the current overrides; on success swaps in the
    // new snapshot and tells the observers. Writers are serialized.
    Result<std::shared_ptr<const Snapshot>>
    updateOverrides(const std::function<Status(const v1::Cluster &, v1::RuntimeState &)> &edit);
    // A reloaded config: overrides that no longer fit are pruned.
    std::shared_ptr<const Snapshot> replaceCluster(std::shared_ptr<const v1::Cluster> cluster);

    // Called (on the writer's thread) after every swap.
    void addObserver(std::function<void(const std::shared_ptr<const Snapshot> &)> observer);

private:
    void publish(std::shared_ptr<const Snapshot> next);

    mutable std::mutex m_writeMutex;
    std::shared_ptr<const Snapshot> m_current; // accessed with std::atomic_load/store
    std::atomic<uint64_t> m_generation{0};
    std::vector<std::function<void(const std::shared_ptr<const Snapshot> &)>> m_observers;
};

} // namespace hafront::config
