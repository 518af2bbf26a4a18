#include "vrrp/virtualrouter.h"

#include "vrrp/viptiming.h"

#include <algorithm>
#include <iterator>

namespace hafront::vrrp {

void VirtualRouter::start(const PriorityInputs &inputs, int64_t now)
{
    m_inputs = inputs;
    applyPriority(now);
    m_machine.start(m_machine.priority(), now);
    collect(now);
}

void VirtualRouter::setInputs(const PriorityInputs &inputs, int64_t now)
{
    m_inputs = inputs;
    if (m_silentUntil)
        return;
    applyPriority(now);
    collect(now);
}

void VirtualRouter::applyPriority(int64_t now)
{
    const bool maintenance = m_inputs.maintenance || fault();
    const bool started = m_machine.state() != State::Initialize;
    if (m_inputs.forceMaster && !maintenance) {
        const uint8_t top = m_inputs.configured == 255 ? 255 : 254;
        if (!m_forced && started)
            m_machine.forceMaster(top, now);
        else
            m_machine.setPriority(top, now);
        m_forced = true;
        return;
    }
    m_forced = false;
    m_machine.setMaintenance(maintenance, now);
    m_machine.setPriority(m_inputs.tracked, now);
}

void VirtualRouter::advertReceived(const config::Address &srcIp, uint8_t priority, uint16_t intervalCs, int64_t now)
{
    if (m_silentUntil || srcIp == m_machine.config().primaryIp)
        return;
    m_machine.advertReceived(srcIp, priority, intervalCs, now);
    collect(now);
}

void VirtualRouter::addressAdded()
{
    m_addressRetryMicros = kAddressRetryFirstMicros;
}

int64_t VirtualRouter::addressFailed(int64_t now)
{
    const int64_t wait = m_addressRetryMicros;
    m_addressFaultUntil = now + wait;
    m_addressRetryMicros = std::min(m_addressRetryMicros * 2, kAddressRetryMaxMicros);
    std::erase_if(m_actions, [](const RouterAction &a) { return a.kind == RouterAction::Kind::Announce; });
    const size_t before = m_actions.size();
    applyPriority(now); // fault: maintenance, priority-0 advert, back to backup
    collect(now);
    // The address never went on: nothing to remove.
    m_actions.erase(std::remove_if(m_actions.begin() + ptrdiff_t(before), m_actions.end(),
                                   [](const RouterAction &a) { return a.kind == RouterAction::Kind::RemoveAddress; }),
                    m_actions.end());
    return wait;
}

void VirtualRouter::simulateCrash(int64_t durationMicros, int64_t now)
{
    m_machine.goSilent(now);
    m_silentUntil = now + std::max<int64_t>(durationMicros, 1);
    m_announceRepeatAt = 0;
    collect(now);
}

void VirtualRouter::shutdown(int64_t now)
{
    m_machine.shutdown(now);
    m_announceRepeatAt = 0;
    collect(now);
}

void VirtualRouter::goSilent(int64_t now)
{
    m_machine.goSilent(now);
    m_announceRepeatAt = 0;
    collect(now);
}

void VirtualRouter::timersDue(int64_t now)
{
    if (m_silentUntil) {
        if (now < m_silentUntil)
            return;
        m_silentUntil = 0;
        applyPriority(now);
        m_machine.start(m_machine.priority(), now);
        collect(now);
    }
    if (m_addressFaultUntil && now >= m_addressFaultUntil) {
        m_addressFaultUntil = 0;
        m_actions.push_back({RouterAction::Kind::AddressRetry});
        applyPriority(now);
        collect(now);
    }
    if (m_announceRepeatAt && now >= m_announceRepeatAt) {
        const size_t next = ++m_announceRepeatIndex;
        m_announceRepeatAt =
            next < std::size(kAnnounceRepeatsMicros) ? m_announceStartedAt + kAnnounceRepeatsMicros[next] : 0;
        if (m_machine.state() == State::Master) {
            RouterAction a{RouterAction::Kind::Announce};
            a.count = 1;
            m_actions.push_back(std::move(a));
        } else {
            m_announceRepeatAt = 0;
        }
    }
    if (const int64_t due = m_machine.nextDeadline(); due && now >= due)
        m_machine.timersDue(now);
    collect(now);
}

int64_t VirtualRouter::nextDeadline() const
{
    if (m_silentUntil)
        return m_silentUntil;
    int64_t next = 0;
    for (int64_t t : {m_announceRepeatAt, m_addressFaultUntil, m_machine.nextDeadline()})
        if (t > 0 && (next == 0 || t < next))
            next = t;
    return next;
}

std::optional<RouterAction> VirtualRouter::nextAction()
{
    if (m_actions.empty())
        return std::nullopt;
    RouterAction a = std::move(m_actions.front());
    m_actions.pop_front();
    return a;
}

std::vector<RouterAction> VirtualRouter::takeActions()
{
    std::vector<RouterAction> out(std::make_move_iterator(m_actions.begin()), std::make_move_iterator(m_actions.end()));
    m_actions.clear();
    return out;
}

void VirtualRouter::collect(int64_t now)
{
    for (auto &a : m_machine.takeActions()) {
        switch (a.kind) {
        case Action::Kind::SendAdvert: {
            RouterAction out{RouterAction::Kind::SendAdvert};
            out.priority = a.priority;
            m_actions.push_back(std::move(out));
            break;
        }
        case Action::Kind::AddAddress:
            m_actions.push_back({RouterAction::Kind::AddAddress});
            break;
        case Action::Kind::RemoveAddress:
            m_announceRepeatAt = 0;
            m_actions.push_back({RouterAction::Kind::RemoveAddress});
            break;
        case Action::Kind::SendGarp: {
            m_announceStartedAt = now;
            m_announceRepeatIndex = 0;
            m_announceRepeatAt = now + kAnnounceRepeatsMicros[0];
            RouterAction out{RouterAction::Kind::Announce};
            out.count = kAnnounceBurst;
            m_actions.push_back(std::move(out));
            break;
        }
        case Action::Kind::Transition: {
            RouterAction out{RouterAction::Kind::Transition};
            out.from = a.from;
            out.to = a.to;
            out.reason = std::move(a.reason);
            m_actions.push_back(std::move(out));
            break;
        }
        case Action::Kind::SplitBrain:
            // After a partition heals, or while a forced node takes over, a master
            // hears another; the lower one yields at once (its Transition follows).
            // One event per 10 s so a flapping link cannot flood the log.
            if (m_lastSplitBrainEvent && now - m_lastSplitBrainEvent < kSplitBrainEventEveryMicros)
                break;
            m_lastSplitBrainEvent = now;
            RouterAction out{RouterAction::Kind::SplitBrain};
            out.reason = std::move(a.reason);
            out.otherIp = a.otherIp;
            m_actions.push_back(std::move(out));
            break;
        }
    }
}

std::set<config::Address> handoverSenders(const v1::Cluster &cluster, const v1::Vip &vip, const std::string &self)
{
    std::set<config::Address> out;
    for (const auto &sender : vipTiming(cluster, vip).nodes)
        if (sender.node != self && sender.successor == self)
            if (!sender.address.unspecified())
                out.insert(sender.address);
    return out;
}

bool successorOfEveryone(const v1::Cluster &cluster, const v1::Vip &vip, const std::string &self)
{
    const auto timing = vipTiming(cluster, vip);
    bool any = false;
    for (const auto &sender : timing.nodes) {
        if (sender.node == self)
            continue;
        if (sender.successor != self)
            return false;
        any = true;
    }
    return any;
}

std::string routerDefinition(const v1::Vip &vip, const std::string &selfAddress, bool addressOwner)
{
    v1::Vip shape = vip;
    shape.clear_priority();
    return shape.SerializeAsString() + "|" + selfAddress + (addressOwner ? "|owner" : "");
}

} // namespace hafront::vrrp
