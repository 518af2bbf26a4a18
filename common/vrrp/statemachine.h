// One virtual router (RFC 5798 section 6), pure: inputs are received adverts,
// timer expiry, priority changes and operator overrides, each with `now`
// (monotonic µs); outputs are actions for the adapter to carry out.
#pragma once

#include "config/address.h"

#include <cstdint>
#include <set>
#include <utility>
#include <string>
#include <vector>

namespace hafront::vrrp {

enum class State { Initialize, Backup, Master };
const char *stateName(State s);

struct RouterConfig {
    uint8_t vrid = 0;
    config::Address primaryIp; // this node's address (ties, checksum): IPv4, or IPv6 link-local
    uint16_t advertIntervalCs = 100;
    bool preempt = true;
    int64_t preemptDelayMicros = 0;
    bool addressOwner = false; // priority 255
    // Senders whose priority-0 advert makes this node take over at once,
    // without Skew_Time: the planned handover to a designated successor.
    std::set<config::Address> successorOf;
    // The same when the senders' addresses are not known in advance (IPv6
    // multicast: link-local sources) but this node succeeds every other node:
    // a priority 0 from whoever is master is a planned handover to this node.
    bool successorOfEveryone = false;
};

struct Action {
    enum class Kind { SendAdvert, AddAddress, RemoveAddress, SendGarp, Transition, SplitBrain } kind;
    uint8_t priority = 0;                                   // SendAdvert
    State from = State::Initialize, to = State::Initialize; // Transition
    std::string reason;                                     // Transition, SplitBrain
    config::Address otherIp;                                // SplitBrain
};

class StateMachine {
public:
    explicit StateMachine(RouterConfig config) : m_config(std::move(config)) {}

    void start(uint8_t priority, int64_t now);
    void advertReceived(const config::Address &srcIp, uint8_t priority, uint16_t intervalCs, int64_t now);
    void timersDue(int64_t now);
    // Trackers and overrides change the priority; a master that is no longer
    // the best keeps the VIP until a better one claims it (RFC behaviour).
    void setPriority(uint8_t priority, int64_t now);
    // Maintenance: give the VIP away now (priority-0 advert) and never take it.
    void setMaintenance(bool on, int64_t now);
    // Force-master: claim the VIP now; the old master yields to the higher priority.
    void forceMaster(uint8_t priority, int64_t now);
    // Graceful stop: priority-0 advert, VIP removed, Initialize.
    void shutdown(int64_t now);
    // Crash drill: silent and without the VIP, as if the power were cut.
    void goSilent(int64_t now);

    State state() const { return m_state; }
    uint8_t priority() const { return m_priority; }
    const config::Address &masterIp() const { return m_masterIp; }
    uint16_t masterAdvertIntervalCs() const { return m_masterAdverCs; }
    bool maintenance() const { return m_maintenance; }
    int64_t nextDeadline() const; // 0 = none
    std::vector<Action> takeActions() { return std::exchange(m_actions, {}); }
    const RouterConfig &config() const { return m_config; }
    void setSuccessorOf(std::set<config::Address> senders, bool everyone = false)
    {
        m_config.successorOf = std::move(senders);
        m_config.successorOfEveryone = everyone;
    }

    // RFC 5798 6.1, in microseconds.
    static int64_t skewMicros(uint8_t priority, uint16_t masterAdverCs);
    static int64_t masterDownMicros(uint8_t priority, uint16_t masterAdverCs);

private:
    void becomeMaster(int64_t now, const std::string &reason);
    void becomeBackup(int64_t now, const std::string &reason);
    void transition(State to, const std::string &reason);
    void sendAdvert(uint8_t priority) { m_actions.push_back({Action::Kind::SendAdvert, priority}); }

    RouterConfig m_config;
    State m_state = State::Initialize;
    uint8_t m_priority = 100;
    uint16_t m_masterAdverCs = 100;
    config::Address m_masterIp;
    bool m_maintenance = false;
    int64_t m_adverTimer = 0;      // Master: next advert
    int64_t m_masterDownTimer = 0; // Backup: master presumed down
    int64_t m_startedAt = 0;
    std::vector<Action> m_actions;
};

} // namespace hafront::vrrp
