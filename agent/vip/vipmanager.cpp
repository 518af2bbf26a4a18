// The VRRP adapter: one raw socket (IP protocol 112) per VIP, a poll loop on
// its own thread, and the pure vrrp::StateMachine deciding. This file only
// translates packets, timers, trackers and operator overrides into state
// machine inputs, and its actions into sendto(), netlink and GARP.
#include "vip/vipmanager.h"

#include "base/clock.h"
#include "base/log.h"
#include "base/threadname.h"
#include "config/address.h"
#include "config/defaults.h"
#include "vip/addresses.h"
#include "vip/garpsocket.h"
#include "vip/trackers.h"
#include "vrrp/packet.h"
#include "vrrp/statemachine.h"
#include "vrrp/viptiming.h"

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

// Gratuitous ARP on becoming master: 3 at once, then repeats spread over two
// seconds, because a neighbour ignores an update within its locktime (1 s by
// default on Linux) of the previous one, and a burst at one instant can be lost
// whole.
constexpr int kGarpBurst = 3;
constexpr int64_t kGarpRepeatsMicros[] = {50'000, 200'000, 500'000, 1'000'000, 2'000'000};
constexpr int64_t kSplitBrainEventEveryMicros = 10'000'000;
// A VIP address the kernel refused: the node gives the VIP up (FAULT, so a
// backup takes it) and tries again after 5 s, doubling up to 5 min: each try
// preempts the backup for a moment, so a lasting fault must not flap the VIP.
constexpr int64_t kAddressRetryFirstMicros = 5'000'000;
constexpr int64_t kAddressRetryMaxMicros = 300'000'000;

std::string errnoText(const std::string &what) { return what + ": " + std::strerror(errno); }

v1::VrrpState protoState(vrrp::State s, bool fault)
{
    if (fault && s != vrrp::State::Master)
        return v1::FAULT;
    switch (s) {
    case vrrp::State::Master: return v1::MASTER;
    case vrrp::State::Backup: return v1::BACKUP;
    default: return v1::INITIALIZE;
    }
}

uint32_t nodeIp(const v1::Cluster &cluster, const std::string &node)
{
    for (const auto &n : cluster.node())
        if (n.name() == node)
            return config::parseIPv4(n.address()).value_or(0);
    return 0;
}

// The senders whose priority-0 advert makes this node take over at once: those
// whose successor (vrrp/viptiming.h) this node is.
std::set<uint32_t> successorOf(const v1::Cluster &cluster, const v1::Vip &vip, const std::string &self)
{
    std::set<uint32_t> out;
    for (const auto &sender : vrrp::vipTiming(cluster, vip).nodes)
        if (sender.node != self && sender.successor == self)
            out.insert(sender.address);
    return out;
}

// What a router is built from, minus the priorities: a reload that only changes
// priorities is applied in place (no handover), anything else rebuilds it.
std::string definitionOf(const v1::Vip &vip, uint32_t selfIp, bool owner)
{
    v1::Vip shape = vip;
    shape.clear_priority();
    return shape.SerializeAsString() + "|" + std::to_string(selfIp) + (owner ? "|owner" : "");
}

} // namespace

struct Router {
    v1::Vip config;
    std::string definition;              // see definitionOf: rebuild when it changes
    vrrp::StateMachine machine;
    int fd = -1;
    int ifindex = 0;
    uint32_t selfIp = 0;
    uint32_t vipIp = 0;
    uint8_t prefixLength = 32;
    uint32_t configuredPriority = 0;
    std::vector<uint32_t> destinations;  // multicast group or unicast peers
    std::vector<std::unique_ptr<Tracker>> trackers;
    bool installed = false;
    bool forced = false;
    bool fault = false;
    int64_t addressFaultUntil = 0;       // the address could not be added; 0 = none
    int64_t addressRetryMicros = kAddressRetryFirstMicros;
    int64_t silentUntil = 0;             // crash drill
    int64_t garpRepeatAt = 0;            // next repeat; 0 = none
    int64_t garpStartedAt = 0;
    size_t garpRepeatIndex = 0;
    int64_t lastSplitBrainEvent = 0;
    uint64_t transitions = 0, sent = 0, received = 0;
    int64_t lastTransitionWall = 0;
    std::string lastTransitionReason;
    std::array<uint64_t, size_t(vrrp::Drop::Count)> dropped{};
    uint64_t otherVrid = 0;

    explicit Router(vrrp::RouterConfig rc) : machine(std::move(rc)) {}
    ~Router()
    {
        if (fd >= 0)
            ::close(fd);
    }
};

struct VipManager::Impl {
    config::SnapshotStore &store;
    events::EventLog &events;
    std::function<bool()> proxyCanServe;

    std::shared_ptr<const config::Snapshot> snapshot;
    std::vector<std::unique_ptr<Router>> routers;
    std::unique_ptr<GarpSocket> garp;   // opened at start, never per event: see garpsocket.h
    Heartbeat *heartbeat = nullptr;     // beaten once per turn of run()
    std::thread thread;
    int wakeFd = -1;

    // Inputs from other threads.
    std::mutex inputMutex;
    bool stopRequested = false;
    bool stopGraceful = true;
    bool snapshotChanged = false;
    std::deque<std::pair<std::string, int64_t>> crashRequests;   // vip, duration µs

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
        if (wakeFd >= 0)
            [[maybe_unused]] auto n = ::write(wakeFd, &one, sizeof one);
    }

    void record(v1::EventKind kind, const Router &r, const std::string &message, std::map<std::string, std::string> fields)
    {
        fields["vip"] = r.config.name();
        events.record(kind, "vip " + r.config.name(), message, std::move(fields), wallMicros(), monoMicros());
    }

    Result<std::unique_ptr<Router>> makeRouter(const v1::Vip &vip);
    Status openSocket(Router &r);
    void buildRouters();
    void applyPriority(Router &r, int64_t now);
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
    vrrp::RouterConfig rc;
    rc.vrid = uint8_t(vip.vrid());
    rc.primaryIp = nodeIp(*snap.cluster, snap.node);
    rc.advertIntervalCs = uint16_t(config::advertIntervalMs(vip) / 10);
    rc.preempt = config::preemptOf(vip);
    rc.preemptDelayMicros = int64_t(vip.preempt_delay_ms()) * 1000;
    rc.addressOwner = snap.priority(vip) == 255;
    rc.successorOf = successorOf(*snap.cluster, vip, snap.node);
    auto r = std::make_unique<Router>(std::move(rc));
    r->config = vip;
    r->selfIp = r->machine.config().primaryIp;
    r->configuredPriority = snap.priority(vip);
    r->definition = definitionOf(vip, r->selfIp, r->configuredPriority == 255);
    const auto prefix = config::parsePrefix(vip.address());
    if (!prefix)
        return fail("vip " + vip.name() + ": bad address " + vip.address());
    r->vipIp = prefix->ip;
    r->prefixLength = prefix->length;
    if (vip.unicast_peer().empty()) {
        r->destinations.push_back(vrrp::kMulticastGroup);
    } else {
        for (const auto &peer : vip.unicast_peer())
            if (auto ip = config::parseIPv4(peer))
                r->destinations.push_back(*ip);
    }
    auto index = interfaceIndex(vip.interface());
    if (!index)
        return fail("vip " + vip.name() + ": " + index.error());
    r->ifindex = *index;
    r->trackers = makeTrackers(vip, proxyCanServe);
    if (auto ok = openSocket(*r); !ok)
        return fail("vip " + vip.name() + ": " + ok.error());
    return r;
}

Status VipManager::Impl::openSocket(Router &r)
{
    r.fd = ::socket(AF_INET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, vrrp::kProtocol);
    if (r.fd < 0)
        return fail(errno == EPERM ? "VRRP needs CAP_NET_RAW (run hafront-agent as root)" : errnoText("raw socket"));
    const std::string &ifname = r.config.interface();
    if (::setsockopt(r.fd, SOL_SOCKET, SO_BINDTODEVICE, ifname.c_str(), socklen_t(ifname.size())) < 0)
        return fail(errnoText("bind to device " + ifname));
    // Not bound to the node address: a bound raw socket would only see packets
    // sent to that address, not to 224.0.0.18. The source goes in IP_PKTINFO.
    auto installed = listAddresses();
    if (!installed)
        return fail(installed.error());
    const bool onInterface = std::any_of(installed->begin(), installed->end(), [&](const InstalledAddress &a) {
        return a.ifindex == r.ifindex && a.ip == r.selfIp;
    });
    if (!onInterface)
        return fail("node address " + config::formatIPv4(r.selfIp) + " is not on interface " + ifname);
    const int ttl = 255, off = 0;
    ::setsockopt(r.fd, IPPROTO_IP, IP_TTL, &ttl, sizeof ttl);
    ::setsockopt(r.fd, IPPROTO_IP, IP_MULTICAST_TTL, &ttl, sizeof ttl);
    ::setsockopt(r.fd, IPPROTO_IP, IP_MULTICAST_LOOP, &off, sizeof off);
    ip_mreqn mreq{};
    mreq.imr_multiaddr.s_addr = htonl(vrrp::kMulticastGroup);
    mreq.imr_address.s_addr = htonl(r.selfIp);
    mreq.imr_ifindex = r.ifindex;
    if (::setsockopt(r.fd, IPPROTO_IP, IP_MULTICAST_IF, &mreq, sizeof mreq) < 0)
        return fail(errnoText("multicast interface " + ifname));
    if (::setsockopt(r.fd, IPPROTO_IP, IP_ADD_MEMBERSHIP, &mreq, sizeof mreq) < 0)
        return fail(errnoText("join 224.0.0.18 on " + ifname));
    return {};
}

void VipManager::Impl::buildRouters()
{
    // Keep routers whose definition did not change; stop the others gracefully.
    std::vector<std::unique_ptr<Router>> next;
    const int64_t now = monoMicros();
    for (const auto &vip : snapshot->cluster->vip()) {
        if (snapshot->priority(vip) == 0)
            continue;   // this node does not serve the VIP
        auto existing = std::find_if(routers.begin(), routers.end(),
                                     [&](const auto &r) { return r && r->config.name() == vip.name(); });
        if (existing != routers.end()) {
            const uint32_t priority = snapshot->priority(vip);
            const std::string definition =
                definitionOf(vip, nodeIp(*snapshot->cluster, snapshot->node), priority == 255);
            if ((*existing)->definition == definition) {
                Router &kept = **existing;
                if (kept.configuredPriority != priority)
                    log::info("vip", "vip " + vip.name() + ": configured priority " +
                                         std::to_string(kept.configuredPriority) + " -> " + std::to_string(priority));
                kept.config = vip;
                kept.configuredPriority = priority;
                kept.machine.setSuccessorOf(successorOf(*snapshot->cluster, vip, snapshot->node));
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
        applyPriority(*r, now);
        r->machine.start(r->machine.priority(), now);
        carryOut(*r, now);
        next.push_back(std::move(r));
    }
    for (auto &old : routers)
        if (old) {
            old->machine.shutdown(now);
            carryOut(*old, now);
        }
    routers = std::move(next);
}

void VipManager::Impl::applyPriority(Router &r, int64_t now)
{
    const v1::VipOverride ov = snapshot->vipOverride(r.config.name());
    r.fault = anyFault(r.trackers) || r.addressFaultUntil != 0;
    const bool maintenance = ov.maintenance() || r.fault;
    const bool started = r.machine.state() != vrrp::State::Initialize;
    if (ov.force_master() && !maintenance) {
        const uint8_t top = r.configuredPriority == 255 ? 255 : 254;
        if (!r.forced && started)
            r.machine.forceMaster(top, now);
        else
            r.machine.setPriority(top, now);
        r.forced = true;
        return;
    }
    r.forced = false;
    r.machine.setMaintenance(maintenance, now);
    r.machine.setPriority(effectivePriority(r.configuredPriority, r.trackers), now);
}

void VipManager::Impl::sendAdvert(Router &r, uint8_t priority)
{
    vrrp::Advert advert;
    advert.vrid = uint8_t(r.config.vrid());
    advert.priority = priority;
    advert.maxAdvertIntervalCs = uint16_t(config::advertIntervalMs(r.config) / 10);
    advert.addresses = {r.vipIp};
    for (uint32_t dst : r.destinations) {
        const auto bytes = vrrp::encode(advert, r.selfIp, dst);
        sockaddr_in to{};
        to.sin_family = AF_INET;
        to.sin_addr.s_addr = htonl(dst);
        iovec iov{const_cast<uint8_t *>(bytes.data()), bytes.size()};
        alignas(cmsghdr) char control[CMSG_SPACE(sizeof(in_pktinfo))] = {};
        msghdr msg{};
        msg.msg_name = &to;
        msg.msg_namelen = sizeof to;
        msg.msg_iov = &iov;
        msg.msg_iovlen = 1;
        msg.msg_control = control;
        msg.msg_controllen = sizeof control;
        cmsghdr *cmsg = CMSG_FIRSTHDR(&msg);
        cmsg->cmsg_level = IPPROTO_IP;
        cmsg->cmsg_type = IP_PKTINFO;
        cmsg->cmsg_len = CMSG_LEN(sizeof(in_pktinfo));
        in_pktinfo info{};
        info.ipi_ifindex = r.ifindex;
        info.ipi_spec_dst.s_addr = htonl(r.selfIp);
        std::memcpy(CMSG_DATA(cmsg), &info, sizeof info);
        if (::sendmsg(r.fd, &msg, 0) < 0)
            log::warning("vip", errnoText("vip " + r.config.name() + ": send advert to " + config::formatIPv4(dst)));
        else
            ++r.sent;
    }
}

void VipManager::Impl::carryOut(Router &r, int64_t now)
{
    const std::string vipText = config::formatIPv4(r.vipIp) + "/" + std::to_string(r.prefixLength);
    bool addressFailed = false;
    for (auto &a : r.machine.takeActions()) {
        switch (a.kind) {
        case vrrp::Action::Kind::SendAdvert:
            sendAdvert(r, a.priority);
            break;
        case vrrp::Action::Kind::AddAddress:
            if (auto ok = addAddress(r.ifindex, r.vipIp, r.prefixLength, markerLabel(r.config.interface())); !ok) {
                // Master without the address would hold the VIP and serve
                // nothing: give it up so a backup takes it, and retry later.
                log::error("vip", "vip " + r.config.name() + ": " + ok.error());
                record(v1::VIP_ADDRESS, r,
                       "cannot add " + vipText + ": " + ok.error() + "; giving the VIP up (FAULT), retry in " +
                           std::to_string(r.addressRetryMicros / 1'000'000) + " s",
                       {{"error", ok.error()}, {"action", "add"}});
                r.addressFaultUntil = now + r.addressRetryMicros;
                r.addressRetryMicros = std::min(r.addressRetryMicros * 2, kAddressRetryMaxMicros);
                r.lastTransitionReason = "cannot add the VIP address: " + ok.error();
                addressFailed = true;
            } else {
                r.installed = true;
                r.addressRetryMicros = kAddressRetryFirstMicros;
                record(v1::VIP_ADDRESS, r, "added " + vipText + " on " + r.config.interface(),
                       {{"address", vipText}, {"interface", r.config.interface()}, {"action", "add"}});
            }
            break;
        case vrrp::Action::Kind::RemoveAddress:
            if (auto ok = removeAddress(r.ifindex, r.vipIp, r.prefixLength); !ok) {
                log::error("vip", "vip " + r.config.name() + ": " + ok.error());
                record(v1::VIP_ADDRESS, r, "cannot remove " + vipText + ": " + ok.error(), {{"error", ok.error()}});
            } else {
                r.installed = false;
                record(v1::VIP_ADDRESS, r, "removed " + vipText + " from " + r.config.interface(),
                       {{"address", vipText}, {"interface", r.config.interface()}, {"action", "remove"}});
            }
            break;
        case vrrp::Action::Kind::SendGarp:
            for (int i = 0; i < kGarpBurst; ++i)
                if (auto ok = garp->send(r.ifindex, r.vipIp); !ok)
                    log::warning("vip", "vip " + r.config.name() + ": " + ok.error());
            r.garpStartedAt = now;
            r.garpRepeatIndex = 0;
            r.garpRepeatAt = now + kGarpRepeatsMicros[0];
            break;
        case vrrp::Action::Kind::Transition:
            ++r.transitions;
            r.lastTransitionWall = wallMicros();
            r.lastTransitionReason = a.reason;
            record(v1::VIP_STATE, r,
                   std::string(vrrp::stateName(a.from)) + " -> " + vrrp::stateName(a.to) + ": " + a.reason,
                   {{"from", vrrp::stateName(a.from)}, {"to", vrrp::stateName(a.to)}, {"reason", a.reason}});
            break;
        case vrrp::Action::Kind::SplitBrain:
            // A master hearing another master: after a partition heals, or while
            // a forced node takes over. The lower one yields at once (next action);
            // one event per 10 s so a flapping link cannot flood the log.
            if (now - r.lastSplitBrainEvent >= kSplitBrainEventEveryMicros || !r.lastSplitBrainEvent) {
                r.lastSplitBrainEvent = now;
                record(v1::SPLIT_BRAIN, r, a.reason,
                       {{"self", config::formatIPv4(r.selfIp)}, {"other", config::formatIPv4(a.otherIp)}});
            }
            break;
        }
    }
    if (addressFailed) {
        applyPriority(r, now); // fault: maintenance, priority 0 advert, back to backup
        carryOut(r, now);
    }
}

void VipManager::Impl::receive(Router &r, int64_t now)
{
    alignas(8) uint8_t buffer[2048];
    for (;;) {
        sockaddr_in from{};
        socklen_t fromLength = sizeof from;
        const ssize_t n = ::recvfrom(r.fd, buffer, sizeof buffer, 0, reinterpret_cast<sockaddr *>(&from), &fromLength);
        if (n < 0)
            return;   // EAGAIN: drained
        vrrp::Received packet;
        const vrrp::Drop drop = vrrp::decode(buffer, size_t(n), packet);
        if (drop != vrrp::Drop::None) {
            ++r.dropped[size_t(drop)];
            continue;
        }
        if (packet.advert.vrid != r.config.vrid()) {
            ++r.otherVrid;
            continue;
        }
        if (packet.srcIp == r.selfIp || r.silentUntil)
            continue;
        ++r.received;
        r.machine.advertReceived(packet.srcIp, packet.advert.priority, packet.advert.maxAdvertIntervalCs, now);
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
        s.set_state(protoState(r.machine.state(), r.fault));
        s.set_configured_priority(r.configuredPriority);
        s.set_effective_priority(r.machine.priority());
        if (r.machine.masterIp())
            s.set_master_address(config::formatIPv4(r.machine.masterIp()));
        const v1::VipOverride ov = snapshot->vipOverride(r.config.name());
        s.set_maintenance(ov.maintenance());
        s.set_force_master(ov.force_master());
        s.set_address_installed(r.installed);
        s.set_advert_interval_ms(config::advertIntervalMs(r.config));
        s.set_master_advert_interval_ms(uint32_t(r.machine.masterAdvertIntervalCs()) * 10);
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
        s.set_simulating_crash(r.silentUntil != 0);
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
            r->machine.shutdown(now);
        else
            r->machine.goSilent(now);
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
                if (!r->silentUntil)
                    applyPriority(*r, now);
                carryOut(*r, now);
            }
        }
        for (const auto &[name, micros] : crashes)
            for (auto &r : routers)
                if (r->config.name() == name) {
                    r->machine.goSilent(now);
                    r->silentUntil = now + micros;
                    carryOut(*r, now);
                }

        // Timers: the state machine's, trackers', the GARP repeat, the crash drill's end.
        for (auto &r : routers) {
            if (r->silentUntil) {
                if (now < r->silentUntil)
                    continue;
                r->silentUntil = 0;
                applyPriority(*r, now);
                r->machine.start(r->machine.priority(), now);
                carryOut(*r, now);
            }
            bool trackerChanged = false;
            for (auto &t : r->trackers)
                if (t->nextDueMicros() <= now && t->poll(now)) {
                    trackerChanged = true;
                    v1::TrackerStatus ts;
                    t->fill(ts);
                    record(v1::TRACKER, *r,
                           "tracker " + t->name() + (t->ok() ? " ok" : t->fault() ? " failed: fault" : " failed") +
                               ", priority delta " + std::to_string(t->delta()) + " (" + ts.last_result() + ")",
                           {{"tracker", t->name()}, {"ok", t->ok() ? "true" : "false"},
                            {"delta", std::to_string(t->delta())}});
                }
            if (r->addressFaultUntil && now >= r->addressFaultUntil) {
                r->addressFaultUntil = 0;
                record(v1::VIP_ADDRESS, *r, "retrying the VIP address", {{"action", "retry"}});
                trackerChanged = true;
            }
            if (trackerChanged)
                applyPriority(*r, now);
            if (r->garpRepeatAt && now >= r->garpRepeatAt) {
                const size_t next = ++r->garpRepeatIndex;
                r->garpRepeatAt = next < std::size(kGarpRepeatsMicros) ? r->garpStartedAt + kGarpRepeatsMicros[next] : 0;
                if (r->machine.state() == vrrp::State::Master)
                    (void)garp->send(r->ifindex, r->vipIp);
                else
                    r->garpRepeatAt = 0;
            }
            if (const int64_t due = r->machine.nextDeadline(); due && now >= due)
                r->machine.timersDue(now);
            carryOut(*r, now);
        }
        publishStatus();

        // Sleep until the earliest deadline or a packet or a wake-up.
        int64_t next = now + 1'000'000;
        std::vector<pollfd> fds{{wakeFd, POLLIN, 0}};
        for (auto &r : routers) {
            fds.push_back({r->fd, POLLIN, 0});
            auto consider = [&](int64_t t) {
                if (t > 0)
                    next = std::min(next, t);
            };
            consider(r->silentUntil);
            consider(r->garpRepeatAt);
            consider(r->addressFaultUntil);
            if (!r->silentUntil)
                consider(r->machine.nextDeadline());
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
        return {};   // this node serves no VIP: no sockets, no thread
    if (auto ok = cleanup(*d.snapshot->cluster, d.snapshot->node); !ok)
        return ok;
    d.wakeFd = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (d.wakeFd < 0)
        return fail(errnoText("eventfd"));
    auto garp = GarpSocket::open();
    if (!garp)
        return fail(garp.error());
    d.garp = std::move(garp.value());
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
        d.applyPriority(*r, now);
        r->machine.start(r->machine.priority(), now);
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
        const bool served = std::any_of(d.status.begin(), d.status.end(), [&](const auto &s) { return s.name() == vip; });
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
            if (auto p = config::parsePrefix(vip.address()); p && p->ip == a.ip)
                which = "vip " + vip.name();
        if (auto ok = removeAddress(a.ifindex, a.ip, a.prefixLength); !ok) {
            problems += (problems.empty() ? "" : "; ") + ok.error();
            continue;
        }
        log::info("vip", "removed " + config::formatIPv4(a.ip) + "/" + std::to_string(a.prefixLength) + " (" + which +
                             ") left on " + name + " by an earlier run");
    }
    if (!problems.empty())
        return fail("cleanup: " + problems);
    return {};
}

} // namespace hafront::vip
