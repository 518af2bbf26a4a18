// CommandHandler: carries out one operator command against the snapshot
// store, persists the overrides, audits it, and always returns a result.
#pragma once

#include "config/snapshotstore.h"
#include "control/auditlog.h"
#include "control/statefile.h"
#include "events/eventlog.h"
#include "hafront/v1/control.pb.h"

#include <functional>

namespace hafront::vip {
class VipManager;
}

namespace hafront::control {

class CommandHandler {
public:
    struct Services {
        config::SnapshotStore &store;
        events::EventLog &events;
        vip::VipManager &vips;
        StateFile &stateFile;
        AuditLog &audit;
        std::function<v1::NodeStatus()> status;
    };

    explicit CommandHandler(Services services) : m_s(services) {}

    // Never throws, never leaves a command unanswered. The audit line is on
    // disk before this returns.
    v1::CommandResult execute(const v1::Command &command, const Peer &peer);

private:
    v1::CommandResult run(const v1::Command &command, const Peer &peer);
    // Applies `edit`, then `announce` (the event), then makes it durable;
    // rolls it back if the state file cannot be written.
    Status editOverrides(const std::function<Status(const v1::Cluster &, v1::RuntimeState &)> &edit,
                         const std::function<void()> &announce);

    Services m_s;
};

} // namespace hafront::control
