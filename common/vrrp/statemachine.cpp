#include "vrrp/statemachine.h"

#include "config/address.h"

#include <utility>

namespace hafront::vrrp {

const char *stateName(State s)
{
    switch (s) {
    case State::Master:
        return "MASTER";
    case State::Backup:
        return "BACKUP";
    default:
        return "INITIALIZE";
    }
}

int64_t StateMachine::skewMicros(uint8_t priority, uint16_t masterAdverCs)
{
    return int64_t(256 - priority) * masterAdverCs * 10000 / 256;
}

int64_t StateMachine::masterDownMicros(uint8_t priority, uint16_t masterAdverCs)
{
    return 3 * int64_t(masterAdverCs) * 10000 + skewMicros(priority, masterAdverCs);
}

int64_t StateMachine::nextDeadline() const
{
    switch (m_state) {
    case State::Master:
        return m_adverTimer;
    case State::Backup:
        return m_masterDownTimer;
    default:
        return 0;
    }
}

void StateMachine::transition(State to, const std::string &reason)
{
    Action a{Action::Kind::Transition};
    a.from = m_state;
    a.to = to;
    a.reason = reason;
    m_state = to;
    m_actions.push_back(std::move(a));
}

void StateMachine::becomeMaster(int64_t now, const std::string &reason)
{
    sendAdvert(m_priority);
    m_actions.push_back({Action::Kind::AddAddress});
    m_actions.push_back({Action::Kind::SendGarp});
    m_adverTimer = now + int64_t(m_config.advertIntervalCs) * 10000;
    m_masterDownTimer = 0;
    m_masterIp = m_config.primaryIp;
    transition(State::Master, reason);
}

void StateMachine::becomeBackup(int64_t now, const std::string &reason)
{
    const bool wasMaster = m_state == State::Master;
    m_adverTimer = 0;
    m_masterDownTimer = now + masterDownMicros(m_priority, m_masterAdverCs);
    if (wasMaster)
        m_actions.push_back({Action::Kind::RemoveAddress});
    transition(State::Backup, reason);
}

void StateMachine::start(uint8_t priority, int64_t now)
{
    m_priority = priority;
    m_startedAt = now;
    m_masterAdverCs = m_config.advertIntervalCs;
    m_masterIp = {};
    if (m_config.addressOwner && priority == 255 && !m_maintenance)
        return becomeMaster(now, "address owner (priority 255)");
    becomeBackup(now, "startup");
}

void StateMachine::advertReceived(const config::Address &src, uint8_t priority, uint16_t intervalCs, int64_t now)
{
    if (m_state == State::Initialize)
        return;
    if (m_state == State::Backup) {
        if (priority == 0) {
            // The master is leaving. A designated successor takes over at once;
            // others wait Skew_Time so the best backup wins (RFC 5798 6.4.2).
            if (!m_maintenance &&
                (m_config.successorOf.count(src) || (m_config.successorOfEveryone && src == m_masterIp)))
                return becomeMaster(now, "received priority 0 from " + config::formatAddress(src) +
                                             ": planned handover to this node");
            m_masterDownTimer = now + skewMicros(m_priority, m_masterAdverCs);
            return;
        }
        const bool inPreemptDelay = now < m_startedAt + m_config.preemptDelayMicros;
        if (!m_config.preempt || priority >= m_priority || inPreemptDelay || m_maintenance) {
            m_masterAdverCs = intervalCs;
            m_masterIp = src;
            m_masterDownTimer = now + masterDownMicros(m_priority, m_masterAdverCs);
        }
        // else: a lower-priority master and we preempt: let the timer run out.
        return;
    }
    // Master.
    if (priority == 0) {
        sendAdvert(m_priority); // answer at once so backups do not take over
        m_adverTimer = now + int64_t(m_config.advertIntervalCs) * 10000;
        return;
    }
    if (src == m_config.primaryIp)
        return;
    Action sb{Action::Kind::SplitBrain};
    sb.otherIp = src;
    sb.reason = "another master for vrid " + std::to_string(m_config.vrid) + " at " + config::formatAddress(src) +
                " priority " + std::to_string(priority);
    m_actions.push_back(sb);
    if (priority > m_priority || (priority == m_priority && src > m_config.primaryIp)) {
        m_masterAdverCs = intervalCs;
        m_masterIp = src;
        becomeBackup(now, "higher priority " + std::to_string(priority) + " from " + config::formatAddress(src));
    }
}

void StateMachine::timersDue(int64_t now)
{
    if (m_state == State::Master && m_adverTimer && now >= m_adverTimer) {
        sendAdvert(m_priority);
        m_adverTimer = now + int64_t(m_config.advertIntervalCs) * 10000;
    } else if (m_state == State::Backup && m_masterDownTimer && now >= m_masterDownTimer) {
        if (m_maintenance) {
            m_masterDownTimer = now + masterDownMicros(m_priority, m_masterAdverCs);
            return;
        }
        becomeMaster(now, "master down timer expired");
    }
}

void StateMachine::setPriority(uint8_t priority, int64_t now)
{
    if (priority == m_priority)
        return;
    m_priority = priority;
    if (m_state == State::Master)
        sendAdvert(m_priority); // peers learn the new priority now; a better backup preempts
    else if (m_state == State::Backup && m_masterDownTimer)
        m_masterDownTimer = std::min(m_masterDownTimer, now + masterDownMicros(m_priority, m_masterAdverCs));
}

void StateMachine::setMaintenance(bool on, int64_t now)
{
    if (on == m_maintenance)
        return;
    m_maintenance = on;
    if (on && m_state == State::Master) {
        sendAdvert(0);
        becomeBackup(now, "maintenance on: VIP given away");
    }
}

void StateMachine::forceMaster(uint8_t priority, int64_t now)
{
    m_maintenance = false;
    m_priority = priority;
    if (m_state == State::Backup)
        becomeMaster(now, "force-master by operator");
    else if (m_state == State::Master)
        sendAdvert(m_priority);
}

void StateMachine::shutdown(int64_t)
{
    if (m_state == State::Master) {
        sendAdvert(0);
        m_actions.push_back({Action::Kind::RemoveAddress});
    }
    m_adverTimer = m_masterDownTimer = 0;
    transition(State::Initialize, "shutdown");
}

void StateMachine::goSilent(int64_t)
{
    if (m_state == State::Master)
        m_actions.push_back({Action::Kind::RemoveAddress});
    m_adverTimer = m_masterDownTimer = 0;
    transition(State::Initialize, "crash drill: silent");
}

} // namespace hafront::vrrp
