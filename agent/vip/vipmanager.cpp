// The VRRP adapter: one raw socket (vip/vrrpsocket.h, per family) per VIP, a poll loop on
// its own thread, and the pure vrrp::VirtualRouter deciding (state machine,
// fault and force-master priority, retry backoff, announcement schedule,
// throttles). This file only translates packets, timers, trackers and operator
// overrides into its inputs, and its actions into adverts, netlink and GARP
// (IPv4) or unsolicited NA (IPv6).
#include "vip/vipmanager.h"

#include "base/clock.h"
#include "base/log.h"
#include "base/threadname.h"
#include "config/address.h"
#include "config/defaults.h"
#include "vip/addresses.h"
#include "vip/garpsocket.h"
#include "vip/nasocket.h"
#include "vip/vrrpsocket.h"
#include "vip/trackers.h"
#include "vrrp/packet.h"
#include "vrrp/packet6.h"
#include "vrrp/virtualrouter.h"

#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <deque>
#include <mutex>
#include <thread>

namespace hafront::vip {
namespace {

std::string errnoText(const std::string &what)
{
    return what + ": " + std::strerror(errno);
}

v1::VrrpState protoState(vrrp::State s, bool fault)
{
    if (fault && s != vrrp::State::Master)
        return v1::FAULT;
    switch (s) {
    case vrrp::State::Master:
        return v1::MASTER;
    case vrrp::State::Backup:
        return v1::BACKUP;
    default:
        return v1::INITIALIZE;
    }
}

const v1::Node *findNode(const v1::Cluster &cluster, const std::string &node)
{
    for (const auto &n : cluster.node())
        if (n.name() == node)
            return &n;
    return nullptr;
}

// A node's addresses as configured: a change rebuilds its routers.
std::string nodeAddresses(const v1::Cluster &cluster, const std::string &node)
{
    const v1::Node *n = findNode(cluster, node);
    return n ? n->address() + "|" + n->address6() : std::string();
}

// The address this node's adverts come from: the node address (IPv4); for
// IPv6 the interface's link-local address (RFC 5798 5.1.2.1), or address6
// towards unicast peers.
Result<config::Address> sourceAddress(const v1::Node &node, const v1::Vip &vip, bool v6, int ifindex)
{
    if (!v6) {
        const auto ip = config::parseIPv4(node.address());
        if (!ip)
            return fail("bad node address " + node.address());
        return config::Address(*ip);
    }
    if (!vip.unicast_peer().empty()) {
        const auto ip6 = config::parseIPv6(node.address6());
        if (!ip6)
            return fail("node " + node.name() + " has no address6 for IPv6 unicast VRRP");
        return config::Address(*ip6);
    }
    auto installed = listAddresses();
    if (!installed)
        return fail(installed.error());
    for (const auto &a : *installed)
        if (a.ifindex == ifindex && a.ip.v6 && config::isLinkLocal(a.ip.ip6))
            return a.ip;
    return fail("no IPv6 link-local address on interface " + vip.interface());
}

} // namespace

struct Router {
    v1::Vip config;
    std::string definition; // see vrrp::routerDefinition: rebuild when it changes
    vrrp::VirtualRouter router;
    std::unique_ptr<VrrpSocket> socket;
    int ifindex = 0;
    config::Address selfIp; // the adverts' source (vip/vrrpsocket.h)
    config::Address vipIp;
    uint8_t prefixLength = 32;
    uint32_t configuredPriority = 0;
    std::vector<std::unique_ptr<Tracker>> trackers;
    bool installed = false;
    uint64_t transitions = 0, sent = 0, received = 0;
    int64_t lastTransitionWall = 0;
    std::string lastTransitionReason;
    std::array<uint64_t, size_t(vrrp::Drop::Count)> dropped{};
    uint64_t otherVrid = 0;

    explicit Router(vrrp::RouterConfig rc) : router(std::move(rc)) {}
};

struct VipManager::Impl {
    config::SnapshotStore &store;
    events::EventLog &events;
    std::function<bool()> proxyCanServe;

    std::shared_ptr<const config::Snapshot> snapshot;
    std::vector<std::unique_ptr<Router>> routers;
    std::unique_ptr<GarpSocket> garp; // opened at start, never per event: see garpsocket.h
    std::unique_ptr<NaSocket> na;     // the same for IPv6 VIPs
    Heartbeat *heartbeat = nullptr;   // beaten once per turn of run()
    std::thread thread;
    int wakeFd = -1;

    // Inputs from other threads.
    std::mutex inputMutex;
    bool stopRequested = false;
    bool stopGraceful = true;
    bool snapshotChanged = false;
    std::deque<std::pair<std::string, int64_t>> crashRequests; // vip, duration µs

    // Output for fillStatus.
    mutable std::mutex statusMutex;
    std::vector<v1::VipStatus> status;

    Impl(config::SnapshotStore &s, events::EventLog &e, std::function<bool()> f)
        : store(s), events(e), proxyCanServe(std::move(f))
    {
    }

    void wake()
    {
        const uint64_t one = 1;
        if (wakeFd >= 0) [[maybe_unused]]
            auto n = ::write(wakeFd, &one, sizeof one);
    }

    void record(v1::EventKind kind, const Router &r, const std::string &message,
                std::map<std::string, std::string> fields)
    {
        fields["vip"] = r.config.name();
        events.record(kind, "vip " + r.config.name(), message, std::move(fields), wallMicros(), monoMicros());
    }

    Result<std::unique_ptr<Router>> makeRouter(const v1::Vip &vip);
    void buildRouters();
    vrrp::PriorityInputs priorityInputs(const Router &r) const;
    void carryOut(Router &r, int64_t now);
    void receive(Router &r, int64_t now);
    void sendAdvert(Router &r, uint8_t priority);
    void publishStatus();
    void run();
    void stopRouters(bool graceful);
};

Result<std::unique_ptr<Router>> VipManager::Impl::makeRouter(const v1::Vip &vip)
{
    const auto &snap = *snapshot;
    const auto prefix = config::parsePrefix(vip.address());
    if (!prefix)
        return fail("vip " + vip.name() + ": bad address " + vip.address());
    const v1::Node *node = findNode(*snap.cluster, snap.node);
    if (!node)
        return fail("vip " + vip.name() + ": node " + snap.node + " is not in the cluster");
    auto index = interfaceIndex(vip.interface());
    if (!index)
        return fail("vip " + vip.name() + ": " + index.error());
    auto self = sourceAddress(*node, vip, prefix->v6, *index);
    if (!self)
        return fail("vip " + vip.name() + ": " + self.error());
    vrrp::RouterConfig rc;
    rc.vrid = uint8_t(vip.vrid());
    rc.primaryIp = *self;
    rc.advertIntervalCs = uint16_t(config::advertIntervalMs(vip) / 10);
    rc.preempt = config::preemptOf(vip);
    rc.preemptDelayMicros = int64_t(vip.preempt_delay_ms()) * 1000;
    rc.addressOwner = snap.priority(vip) == 255;
    rc.successorOf = vrrp::handoverSenders(*snap.cluster, vip, snap.node);
    // IPv6 multicast: the senders are link-local addresses the config does not name.
    rc.successorOfEveryone =
        prefix->v6 && vip.unicast_peer().empty() && vrrp::successorOfEveryone(*snap.cluster, vip, snap.node);
    auto r = std::make_unique<Router>(std::move(rc));
    r->config = vip;
    r->selfIp = *self;
    r->ifindex = *index;
    r->configuredPriority = snap.priority(vip);
    r->definition = vrrp::routerDefinition(vip, nodeAddresses(*snap.cluster, snap.node), r->configuredPriority == 255);
    r->vipIp = prefix->address();
    r->prefixLength = prefix->length;
    VrrpSocket::Setup setup;
    setup.interface = vip.interface();
    setup.ifindex = r->ifindex;
    setup.self = r->selfIp;
    if (vip.unicast_peer().empty())
        setup.destinations.push_back(prefix->v6 ? config::Address(vrrp::kMulticastGroup6)
                                                : config::Address(vrrp::kMulticastGroup));
    for (const auto &peer : vip.unicast_peer())
        if (auto ip = config::parseAddress(peer); ip && ip->v6 == prefix->v6)
            setup.destinations.push_back(*ip);
    if (!prefix->v6) {
        // The node address must be there to send from it.
        auto installed = listAddresses();
        if (!installed)
            return fail(installed.error());
        const bool onInterface = std::any_of(installed->begin(), installed->end(), [&](const InstalledAddress &a) {
            return a.ifindex == r->ifindex && a.ip == r->selfIp;
        });
        if (!onInterface)
            return fail("vip " + vip.name() + ": node address " + config::formatAddress(r->selfIp) +
                        " is not on interface " + vip.interface());
    }
    auto socket = VrrpSocket::open(setup);
    if (!socket)
        return fail("vip " + vip.name() + ": " + socket.error());
    r->socket = std::move(socket.value());
    r->trackers = makeTrackers(vip, proxyCanServe);
    return r;
}

void VipManager::Impl::buildRouters()
{
    // Keep routers whose definition did not change; stop the others gracefully.
    std::vector<std::unique_ptr<Router>> next;
    const int64_t now = monoMicros();
    for (const auto &vip : snapshot->cluster->vip()) {
        if (snapshot->priority(vip) == 0)
            continue; // this node does not serve the VIP
        auto existing = std::find_if(routers.begin(), routers.end(),
                                     [&](const auto &r) { return r && r->config.name() == vip.name(); });
        if (existing != routers.end()) {
            const uint32_t priority = snapshot->priority(vip);
            const std::string definition =
                vrrp::routerDefinition(vip, nodeAddresses(*snapshot->cluster, snapshot->node), priority == 255);
            if ((*existing)->definition == definition) {
                Router &kept = **existing;
                if (kept.configuredPriority != priority)
                    log::info("vip", "vip " + vip.name() + ": configured priority " +
                                         std::to_string(kept.configuredPriority) + " -> " + std::to_string(priority));
                kept.config = vip;
                kept.configuredPriority = priority;
                kept.router.setSuccessorOf(vrrp::handoverSenders(*snapshot->cluster, vip, snapshot->node),
                                           kept.vipIp.v6 && vip.unicast_peer().empty() &&
                                               vrrp::successorOfEveryone(*snapshot->cluster, vip, snapshot->node));
                next.push_back(std::move(*existing));
                continue;
            }
        }
        auto made = makeRouter(vip);
        if (!made) {
            log::error("vip", made.error());
            events.record(v1::VIP_STATE, "vip " + vip.name(), made.error(), {{"vip", vip.name()}}, wallMicros(), now);
            continue;
        }
        auto r = std::move(made.value());
        r->router.start(priorityInputs(*r), now);
        carryOut(*r, now);
        next.push_back(std::move(r));
    }
    for (auto &old : routers)
        if (old) {
            old->router.shutdown(now);
            carryOut(*old, now);
        }
    routers = std::move(next);
}

vrrp::PriorityInputs VipManager::Impl::priorityInputs(const Router &r) const
{
    const v1::VipOverride ov = snapshot->vipOverride(r.config.name());
    vrrp::PriorityInputs in;
    in.configured = uint8_t(r.configuredPriority);
    in.tracked = effectivePriority(r.configuredPriority, r.trackers);
    in.trackerFault = anyFault(r.trackers);
    in.maintenance = ov.maintenance();
    in.forceMaster = ov.force_master();
    return in;
}

void VipManager::Impl::sendAdvert(Router &r, uint8_t priority)
{
    std::string error;
    const int sent = r.socket->send(uint8_t(r.config.vrid()), priority,
                                    uint16_t(config::advertIntervalMs(r.config) / 10), r.vipIp, error);
    r.sent += uint64_t(sent);
    if (!error.empty())
        log::warning("vip", "vip " + r.config.name() + ": " + error);
}

void VipManager::Impl::carryOut(Router &r, int64_t now)
{
    const std::string vipText = config::formatAddress(r.vipIp) + "/" + std::to_string(r.prefixLength);
    using Kind = vrrp::RouterAction::Kind;
    while (auto next = r.router.nextAction()) {
        const vrrp::RouterAction &a = *next;
        switch (a.kind) {
        case Kind::SendAdvert:
            sendAdvert(r, a.priority);
            break;
        case Kind::AddAddress:
            if (auto ok = addAddress(r.ifindex, r.vipIp, r.prefixLength, markerLabel(r.config.interface())); !ok) {
                // Master without the address would hold the VIP and serve
                // nothing: the router gives it up so a backup takes it.
                const int64_t retry = r.router.addressFailed(now);
                log::error("vip", "vip " + r.config.name() + ": " + ok.error());
                record(v1::VIP_ADDRESS, r,
                       "cannot add " + vipText + ": " + ok.error() + "; giving the VIP up (FAULT), retry in " +
                           std::to_string(retry / 1'000'000) + " s",
                       {{"error", ok.error()}, {"action", "add"}});
                r.lastTransitionReason = "cannot add the VIP address: " + ok.error();
            } else {
                r.installed = true;
                r.router.addressAdded();
                record(v1::VIP_ADDRESS, r, "added " + vipText + " on " + r.config.interface(),
                       {{"address", vipText}, {"interface", r.config.interface()}, {"action", "add"}});
            }
            break;
        case Kind::RemoveAddress:
            if (auto ok = removeAddress(r.ifindex, r.vipIp, r.prefixLength); !ok) {
                log::error("vip", "vip " + r.config.name() + ": " + ok.error());
                record(v1::VIP_ADDRESS, r, "cannot remove " + vipText + ": " + ok.error(), {{"error", ok.error()}});
            } else {
                r.installed = false;
                record(v1::VIP_ADDRESS, r, "removed " + vipText + " from " + r.config.interface(),
                       {{"address", vipText}, {"interface", r.config.interface()}, {"action", "remove"}});
            }
            break;
        case Kind::Announce:
            for (int i = 0; i < a.count; ++i)
                if (auto ok = r.vipIp.v6 ? na->send(r.ifindex, r.vipIp.ip6) : garp->send(r.ifindex, r.vipIp.ip); !ok)
                    log::warning("vip", "vip " + r.config.name() + ": " + ok.error());
            break;
        case Kind::Transition:
            ++r.transitions;
            r.lastTransitionWall = wallMicros();
            r.lastTransitionReason = a.reason;
            record(v1::VIP_STATE, r,
                   std::string(vrrp::stateName(a.from)) + " -> " + vrrp::stateName(a.to) + ": " + a.reason,
                   {{"from", vrrp::stateName(a.from)}, {"to", vrrp::stateName(a.to)}, {"reason", a.reason}});
            break;
        case Kind::SplitBrain:
            record(v1::SPLIT_BRAIN, r, a.reason,
                   {{"self", config::formatAddress(r.selfIp)}, {"other", config::formatAddress(a.otherIp)}});
            break;
        case Kind::AddressRetry:
            record(v1::VIP_ADDRESS, r, "retrying the VIP address", {{"action", "retry"}});
            break;
        }
    }
}

void VipManager::Impl::receive(Router &r, int64_t now)
{
    ReceivedAdvert packet;
    vrrp::Drop drop = vrrp::Drop::None;
    while (r.socket->receive(packet, drop)) {
        if (drop != vrrp::Drop::None) {
            ++r.dropped[size_t(drop)];
            continue;
        }
        if (packet.vrid != r.config.vrid()) {
            ++r.otherVrid;
            continue;
        }
        if (packet.src == r.selfIp || r.router.silent())
            continue;
        ++r.received;
        r.router.advertReceived(packet.src, packet.priority, packet.intervalCs, now);
        carryOut(r, now);
    }
}

void VipManager::Impl::publishStatus()
{
    std::vector<v1::VipStatus> out;
    for (const auto &rp : routers) {
        const Router &r = *rp;
        v1::VipStatus s;
        s.set_name(r.config.name());
        s.set_vrid(r.config.vrid());
        s.set_address(r.config.address());
        s.set_interface(r.config.interface());
        s.set_state(protoState(r.router.machine().state(), r.router.fault()));
        s.set_configured_priority(r.configuredPriority);
        s.set_effective_priority(r.router.machine().priority());
        if (!r.router.machine().masterIp().unspecified())
            s.set_master_address(config::formatAddress(r.router.machine().masterIp()));
        const v1::VipOverride ov = snapshot->vipOverride(r.config.name());
        s.set_maintenance(ov.maintenance());
        s.set_force_master(ov.force_master());
        s.set_address_installed(r.installed);
        s.set_advert_interval_ms(config::advertIntervalMs(r.config));
        s.set_master_advert_interval_ms(uint32_t(r.router.machine().masterAdvertIntervalCs()) * 10);
        for (const auto &t : r.trackers)
            t->fill(*s.add_trackers());
        s.set_transitions(r.transitions);
        s.set_last_transition_wall_us(r.lastTransitionWall);
        s.set_last_transition_reason(r.lastTransitionReason);
        s.set_adverts_sent(r.sent);
        s.set_adverts_received(r.received);
        for (size_t i = 1; i < r.dropped.size(); ++i)
            if (r.dropped[i]) {
                auto *c = s.add_dropped();
                c->set_name(vrrp::dropName(vrrp::Drop(i)));
                c->set_value(r.dropped[i]);
            }
        s.set_simulating_crash(r.router.silent());
        out.push_back(std::move(s));
    }
    std::lock_guard lock(statusMutex);
    status = std::move(out);
}

void VipManager::Impl::stopRouters(bool graceful)
{
    const int64_t now = monoMicros();
    for (auto &r : routers) {
        if (graceful)
            r->router.shutdown(now);
        else
            r->router.goSilent(now);
        carryOut(*r, now);
    }
}

void VipManager::Impl::run()
{
    for (;;) {
        bool changed = false;
        std::deque<std::pair<std::string, int64_t>> crashes;
        {
            std::lock_guard lock(inputMutex);
            if (stopRequested)
                break;
            changed = std::exchange(snapshotChanged, false);
            crashes.swap(crashRequests);
        }
        int64_t now = monoMicros();
        if (heartbeat)
            heartbeat->beat(now);
        if (changed) {
            auto next = store.current();
            const bool clusterChanged = next->cluster != snapshot->cluster;
            snapshot = std::move(next);
            if (clusterChanged)
                buildRouters();
            for (auto &r : routers) {
                r->router.setInputs(priorityInputs(*r), now);
                carryOut(*r, now);
            }
        }
        for (const auto &[name, micros] : crashes)
            for (auto &r : routers)
                if (r->config.name() == name) {
                    r->router.simulateCrash(micros, now);
                    carryOut(*r, now);
                }

        // Timers: trackers' here, the router's (state machine, announcements,
        // address retry, crash drill) in vrrp::VirtualRouter.
        for (auto &r : routers) {
            bool trackerChanged = false;
            for (auto &t : r->trackers)
                if (t->nextDueMicros() <= now && t->poll(now)) {
                    trackerChanged = true;
                    v1::TrackerStatus ts;
                    t->fill(ts);
                    record(v1::TRACKER, *r,
                           "tracker " + t->name() +
                               (t->ok()      ? " ok"
                                : t->fault() ? " failed: fault"
                                             : " failed") +
                               ", priority delta " + std::to_string(t->delta()) + " (" + ts.last_result() + ")",
                           {{"tracker", t->name()},
                            {"ok", t->ok() ? "true" : "false"},
                            {"delta", std::to_string(t->delta())}});
                }
            if (trackerChanged)
                r->router.setInputs(priorityInputs(*r), now);
            r->router.timersDue(now);
            carryOut(*r, now);
        }
        publishStatus();

        // Sleep until the earliest deadline or a packet or a wake-up.
        int64_t next = now + 1'000'000;
        std::vector<pollfd> fds{{wakeFd, POLLIN, 0}};
        for (auto &r : routers) {
            fds.push_back({r->socket->fd(), POLLIN, 0});
            auto consider = [&](int64_t t) {
                if (t > 0)
                    next = std::min(next, t);
            };
            consider(r->router.nextDeadline());
            for (const auto &t : r->trackers)
                consider(t->nextDueMicros());
        }
        const int64_t waitMicros = std::max<int64_t>(0, next - monoMicros());
        ::poll(fds.data(), fds.size(), int((waitMicros + 999) / 1000));
        if (fds[0].revents & POLLIN) {
            uint64_t count;
            [[maybe_unused]] auto n = ::read(wakeFd, &count, sizeof count);
        }
        now = monoMicros();
        for (size_t i = 0; i < routers.size(); ++i)
            if (fds[i + 1].revents & POLLIN)
                receive(*routers[i], now);
    }
    bool graceful;
    {
        std::lock_guard lock(inputMutex);
        graceful = stopGraceful;
    }
    stopRouters(graceful);
    publishStatus();
}

VipManager::VipManager(config::SnapshotStore &store, events::EventLog &events, std::function<bool()> proxyCanServe)
    : m_impl(new Impl(store, events, std::move(proxyCanServe)))
{
}

VipManager::~VipManager()
{
    stop(false);
    if (m_impl->wakeFd >= 0)
        ::close(m_impl->wakeFd);
}

Status VipManager::start(Liveness *liveness)
{
    Impl &d = *m_impl;
    d.snapshot = d.store.current();
    bool anyVip = false;
    for (const auto &vip : d.snapshot->cluster->vip())
        anyVip = anyVip || d.snapshot->priority(vip) > 0;
    if (!anyVip)
        return {}; // this node serves no VIP: no sockets, no thread
    if (auto ok = cleanup(*d.snapshot->cluster, d.snapshot->node); !ok)
        return ok;
    d.wakeFd = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (d.wakeFd < 0)
        return fail(errnoText("eventfd"));
    auto garp = GarpSocket::open();
    if (!garp)
        return fail(garp.error());
    d.garp = std::move(garp.value());
    auto na = NaSocket::open();
    if (!na)
        return fail(na.error());
    d.na = std::move(na.value());
    for (const auto &vip : d.snapshot->cluster->vip()) {
        if (d.snapshot->priority(vip) == 0)
            continue;
        auto made = d.makeRouter(vip);
        if (!made)
            return fail(made.error());
        d.routers.push_back(std::move(made.value()));
    }
    const int64_t now = monoMicros();
    for (auto &r : d.routers) {
        r->router.start(d.priorityInputs(*r), now);
        d.carryOut(*r, now);
    }
    d.publishStatus();
    d.store.addObserver([impl = m_impl.get()](const std::shared_ptr<const config::Snapshot> &) {
        {
            std::lock_guard lock(impl->inputMutex);
            impl->snapshotChanged = true;
        }
        impl->wake();
    });
    if (liveness)
        d.heartbeat = &liveness->add("hf-vrrp", Heartbeat::Role::Control, monoMicros());
    d.thread = std::thread([impl = m_impl.get()] {
        nameThisThread("hf-vrrp");
        impl->run();
    });
    return {};
}

void VipManager::stop(bool graceful)
{
    Impl &d = *m_impl;
    if (!d.thread.joinable())
        return;
    {
        std::lock_guard lock(d.inputMutex);
        d.stopRequested = true;
        d.stopGraceful = graceful;
    }
    d.wake();
    d.thread.join();
}

void VipManager::fillStatus(v1::NodeStatus &status) const
{
    std::lock_guard lock(m_impl->statusMutex);
    for (const auto &s : m_impl->status)
        *status.add_vips() = s;
}

Status VipManager::simulateCrash(const std::string &vip, std::chrono::milliseconds duration)
{
    Impl &d = *m_impl;
    {
        std::lock_guard lock(d.statusMutex);
        const bool served =
            std::any_of(d.status.begin(), d.status.end(), [&](const auto &s) { return s.name() == vip; });
        if (!served)
            return fail("VIP '" + vip + "' is not served by this node");
    }
    {
        std::lock_guard lock(d.inputMutex);
        d.crashRequests.emplace_back(vip, int64_t(duration.count()) * 1000);
    }
    d.wake();
    return {};
}

Status VipManager::cleanup(const v1::Cluster &cluster, const std::string &node)
{
    (void)node;
    auto installed = listAddresses();
    if (!installed)
        return fail(installed.error());
    std::string problems;
    for (const auto &a : *installed) {
        char name[IF_NAMESIZE] = {};
        if (!if_indextoname(unsigned(a.ifindex), name) || !isOurs(a, name))
            continue;
        // Ours by marker; say whether the config still knows it.
        std::string which = "unknown VIP";
        for (const auto &vip : cluster.vip())
            if (auto p = config::parsePrefix(vip.address()); p && p->address() == a.ip)
                which = "vip " + vip.name();
        if (auto ok = removeAddress(a.ifindex, a.ip, a.prefixLength); !ok) {
            problems += (problems.empty() ? "" : "; ") + ok.error();
            continue;
        }
        log::info("vip", "removed " + config::formatAddress(a.ip) + "/" + std::to_string(a.prefixLength) + " (" +
                             which + ") left on " + name + " by an earlier run");
    }
    if (!problems.empty())
        return fail("cleanup: " + problems);
    return {};
}

} // namespace hafront::vip
