// One VIP's whole VRRP policy, pure: the RFC state machine plus what the agent
// decides around it — fault and force-master priority, the address-retry
// backoff, the announcement (GARP / unsolicited NA) repeat schedule, the
// split-brain event throttle and the crash drill's silence. Inputs carry `now`
// (monotonic µs); outputs are RouterActions the adapter turns into system calls.
#pragma once

#include "vrrp/statemachine.h"

#include "hafront/v1/cluster.pb.h"

#include <cstdint>
#include <deque>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace hafront::vrrp {

// Announcements on becoming master: 3 at once, then repeats spread over two
// seconds, because a neighbour ignores an update within its locktime (1 s by
// default on Linux) of the previous one, and a burst at one instant can be lost
// whole. The same schedule serves gratuitous ARP and unsolicited NA.
inline constexpr int kAnnounceBurst = 3;
inline constexpr int64_t kAnnounceRepeatsMicros[] = {50'000, 200'000, 500'000, 1'000'000, 2'000'000};
inline constexpr int64_t kSplitBrainEventEveryMicros = 10'000'000;
// A VIP address the kernel refused: the node gives the VIP up (FAULT, so a
// backup takes it) and tries again after 5 s, doubling up to 5 min: each try
// preempts the backup for a moment, so a lasting fault must not flap the VIP.
inline constexpr int64_t kAddressRetryFirstMicros = 5'000'000;
inline constexpr int64_t kAddressRetryMaxMicros = 300'000'000;

// What decides the priority besides the RFC: trackers and operator overrides.
struct PriorityInputs {
    uint8_t configured = 100;  // the VIP's priority entry for this node
    uint8_t tracked = 100;     // `configured` adjusted by the trackers' weights
    bool trackerFault = false; // a tracker in fault: give the VIP away
    bool maintenance = false;  // operator override
    bool forceMaster = false;  // operator override
};

struct RouterAction {
    enum class Kind {
        SendAdvert, // priority
        AddAddress,
        RemoveAddress,
        Announce,     // count packets of GARP (IPv4) or unsolicited NA (IPv6), now
        Transition,   // from, to, reason
        SplitBrain,   // reason, otherIp; at most one per kSplitBrainEventEveryMicros
        AddressRetry, // the address fault's wait is over: the node competes again
    } kind;
    uint8_t priority = 0;
    int count = 0;
    State from = State::Initialize, to = State::Initialize;
    std::string reason;
    config::Address otherIp;
};

class VirtualRouter {
public:
    explicit VirtualRouter(RouterConfig config) : m_machine(std::move(config)) {}

    void start(const PriorityInputs &inputs, int64_t now);
    // Trackers or overrides changed. While the crash drill is silent they are
    // kept and applied when it ends.
    void setInputs(const PriorityInputs &inputs, int64_t now);
    // An advert from another router of this vrid (ours and any while silent are ignored).
    void advertReceived(const config::Address &srcIp, uint8_t priority, uint16_t intervalCs, int64_t now);
    // Outcome of an AddAddress. A failure puts the router in FAULT until the
    // retry, drops the announcements still queued for the address and returns
    // the wait before that retry (µs).
    void addressAdded();
    int64_t addressFailed(int64_t now);
    // Drill crash mode: silent and without the VIP for `durationMicros`, then a fresh start.
    void simulateCrash(int64_t durationMicros, int64_t now);
    void shutdown(int64_t now); // graceful: priority-0 advert
    void goSilent(int64_t now); // as after kill -9
    void timersDue(int64_t now);
    int64_t nextDeadline() const; // 0 = none
    // The adapter carries actions out one at a time, in order: the outcome of
    // one (addressFailed) can change the ones after it.
    std::optional<RouterAction> nextAction();
    std::vector<RouterAction> takeActions();

    void setSuccessorOf(std::set<config::Address> senders, bool everyone = false)
    {
        m_machine.setSuccessorOf(std::move(senders), everyone);
    }
    const StateMachine &machine() const { return m_machine; }
    bool fault() const { return m_inputs.trackerFault || m_addressFaultUntil != 0; }
    bool silent() const { return m_silentUntil != 0; }
    bool forced() const { return m_forced; }

private:
    void applyPriority(int64_t now);
    void collect(int64_t now); // state machine actions -> RouterActions

    StateMachine m_machine;
    PriorityInputs m_inputs;
    std::deque<RouterAction> m_actions;
    bool m_forced = false;
    int64_t m_addressFaultUntil = 0; // 0 = no fault
    int64_t m_addressRetryMicros = kAddressRetryFirstMicros;
    int64_t m_silentUntil = 0;
    int64_t m_announceStartedAt = 0;
    int64_t m_announceRepeatAt = 0; // 0 = none
    size_t m_announceRepeatIndex = 0;
    int64_t m_lastSplitBrainEvent = 0;
};

// The senders whose priority-0 advert makes `self` take over at once: those
// whose successor (vrrp/viptiming.h) `self` is.
std::set<config::Address> handoverSenders(const v1::Cluster &cluster, const v1::Vip &vip, const std::string &self);

// Whether `self` is the successor of every other node of the VIP (see RouterConfig::successorOfEveryone).
bool successorOfEveryone(const v1::Cluster &cluster, const v1::Vip &vip, const std::string &self);

// What a router is built from, minus the priorities: a reload that leaves it
// unchanged is applied in place (no handover), anything else rebuilds the router.
std::string routerDefinition(const v1::Vip &vip, const std::string &selfAddress, bool addressOwner);

} // namespace hafront::vrrp
