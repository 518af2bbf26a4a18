#include "control/commandhandler.h"

#include "base/clock.h"
#include "base/log.h"
#include "vip/vipmanager.h"

namespace hafront::control {
namespace {
v1::CommandResult ok(std::string message)
{
    v1::CommandResult r;
    r.set_ok(true);
    r.set_message(std::move(message));
    return r;
}
v1::CommandResult refused(std::string error)
{
    v1::CommandResult r;
    r.set_ok(false);
    r.set_error(std::move(error));
    return r;
}
} // namespace

Status CommandHandler::editOverrides(const std::function<Status(const v1::Cluster &, v1::RuntimeState &)> &edit,
                                     const std::function<void()> &announce)
{
    // Applied at once, so the data plane and the subscribers see the change
    // now; acknowledged only once the state file holds it (the command's
    // result waits for the fsync), and rolled back, saying so, if it cannot be
    // saved. A crash before the save loses only a change nobody was told of.
    v1::RuntimeState before;
    auto applied = m_s.store.updateOverrides([&](const v1::Cluster &c, v1::RuntimeState &s) -> Status {
        before = s;
        return edit(c, s);
    });
    if (!applied)
        return fail(applied.error());
    announce();
    if (auto saved = m_s.stateFile.save(applied.value()->overrides); !saved) {
        [[maybe_unused]] auto restored =
            m_s.store.updateOverrides([&](const v1::Cluster &, v1::RuntimeState &s) -> Status {
                s = before;
                return {};
            });
        m_s.events.record(v1::COMMAND, "state", "change rolled back: cannot save the state file: " + saved.error(),
                          {{"error", saved.error()}}, wallMicros(), monoMicros());
        return fail("not applied: " + saved.error());
    }
    return {};
}

v1::CommandResult CommandHandler::run(const v1::Command &command, const Peer &peer)
{
    const auto snap = m_s.store.current();
    const std::string &node = snap->node;
    auto record = [&](v1::EventKind kind, const std::string &subject, const std::string &message,
                      std::map<std::string, std::string> fields) {
        fields["user"] = peer.user;
        m_s.events.record(kind, subject, message + " user=" + log::quote(peer.user), std::move(fields), wallMicros(),
                          monoMicros());
    };
    switch (command.action_case()) {
    case v1::Command::kSetWeight: {
        const auto &c = command.set_weight();
        const v1::Backend *b = snap->backend(c.pool(), c.backend());
        const uint32_t before = b ? snap->weight(c.pool(), *b) : 0;
        const std::string what = "pool=" + c.pool() + " backend=" + c.backend() +
                                 " weight=" + std::to_string(c.weight()) + " was=" + std::to_string(before);
        if (auto done = editOverrides(
                [&](const v1::Cluster &cl, v1::RuntimeState &s) {
                    return config::setWeight(cl, s, c.pool(), c.backend(), c.weight());
                },
                [&] {
                    record(v1::BACKEND_CHANGE, "pool " + c.pool() + " backend " + c.backend(), "weight set " + what,
                           {{"pool", c.pool()},
                            {"backend", c.backend()},
                            {"weight", std::to_string(c.weight())},
                            {"was", std::to_string(before)}});
                });
            !done)
            return refused(done.error());
        return ok("weight of " + c.pool() + "/" + c.backend() + " set to " + std::to_string(c.weight()) + " (was " +
                  std::to_string(before) + ")");
    }
    case v1::Command::kSetBackendState: {
        const auto &c = command.set_backend_state();
        const std::string state = config::stateName(c.state());
        if (auto done = editOverrides(
                [&](const v1::Cluster &cl, v1::RuntimeState &s) {
                    return config::setBackendState(cl, s, c.pool(), c.backend(), c.state());
                },
                [&] {
                    record(v1::BACKEND_CHANGE, "pool " + c.pool() + " backend " + c.backend(),
                           "state set pool=" + c.pool() + " backend=" + c.backend() + " state=" + state,
                           {{"pool", c.pool()}, {"backend", c.backend()}, {"state", state}});
                });
            !done)
            return refused(done.error());
        return ok("state of " + c.pool() + "/" + c.backend() + " set to " + state);
    }
    case v1::Command::kVipMaintenance: {
        const auto &c = command.vip_maintenance();
        const std::string on = c.on() ? "on" : "off";
        if (auto done = editOverrides(
                [&](const v1::Cluster &cl, v1::RuntimeState &s) {
                    return config::setVipMaintenance(cl, node, s, c.vip(), c.on());
                },
                [&] {
                    record(v1::VIP_OVERRIDE, "vip " + c.vip(), "maintenance " + on + " vip=" + c.vip(),
                           {{"vip", c.vip()}, {"maintenance", on}});
                });
            !done)
            return refused(done.error());
        return ok("VIP " + c.vip() + " maintenance " + on + " on " + node);
    }
    case v1::Command::kVipForceMaster: {
        const auto &c = command.vip_force_master();
        if (auto done =
                editOverrides([&](const v1::Cluster &cl,
                                  v1::RuntimeState &s) { return config::setVipForceMaster(cl, node, s, c.vip()); },
                              [&] {
                                  record(v1::VIP_OVERRIDE, "vip " + c.vip(), "force-master vip=" + c.vip(),
                                         {{"vip", c.vip()}, {"force_master", "on"}});
                              });
            !done)
            return refused(done.error());
        return ok("VIP " + c.vip() + " forced master on " + node);
    }
    case v1::Command::kVipRelease: {
        const auto &c = command.vip_release();
        if (auto done = editOverrides(
                [&](const v1::Cluster &cl, v1::RuntimeState &s) { return config::releaseVip(cl, node, s, c.vip()); },
                [&] {
                    record(v1::VIP_OVERRIDE, "vip " + c.vip(), "release vip=" + c.vip(),
                           {{"vip", c.vip()}, {"release", "on"}});
                });
            !done)
            return refused(done.error());
        return ok("VIP " + c.vip() + " released on " + node + ": configured priorities apply");
    }
    case v1::Command::kVipSimulateCrash: {
        const auto &c = command.vip_simulate_crash();
        if (c.duration_ms() == 0 || c.duration_ms() > 60000)
            return refused("crash duration must be within 1-60000 ms");
        if (auto done = m_s.vips.simulateCrash(c.vip(), std::chrono::milliseconds(c.duration_ms())); !done)
            return refused(done.error());
        return ok("VIP " + c.vip() + " silent on " + node + " for " + std::to_string(c.duration_ms()) + " ms");
    }
    case v1::Command::kEventHistory: {
        auto r = ok("");
        for (const auto &e : m_s.events.last(command.event_history().last() ? command.event_history().last() : 100))
            *r.add_events() = e;
        r.set_message(std::to_string(r.events_size()) + " events");
        return r;
    }
    case v1::Command::kPing:
        return ok("pong");
    case v1::Command::kGetStatus: {
        auto r = ok("status");
        *r.mutable_status() = m_s.status();
        return r;
    }
    case v1::Command::ACTION_NOT_SET:
        break;
    }
    return refused("unknown command");
}

v1::CommandResult CommandHandler::execute(const v1::Command &command, const Peer &peer)
{
    v1::CommandResult result = run(command, peer);
    result.set_id(command.id());
    result.set_agent_wall_time_us(wallMicros());
    result.set_agent_mono_time_us(monoMicros());
    const bool readOnly = command.has_ping() || command.has_get_status() || command.has_event_history();
    if (!readOnly) {
        if (auto audited = m_s.audit.append(result.agent_wall_time_us(), peer, command, result); !audited)
            log::error("control", "audit failed: " + audited.error());
    }
    return result;
}

} // namespace hafront::control
