// FailoverWatch: after an operator's VIP action, waits for the agents to report
// a new owner and measures the handover from the agents' own VIP_STATE event
// times (old master leaving, new one entering MASTER), falling back to the
// console's clock. Pure: callers pass every time in.
#pragma once

#include "hafront/v1/control.pb.h"

#include <QString>
#include <QStringList>

#include <map>
#include <optional>
#include <vector>

namespace hafront::model {

struct Handover {
    QString vip;
    QString from; // empty: the VIP had no owner
    QString to;
    int64_t micros = 0;
    bool measuredByAgents = false;

    QString text() const; // "www moved fe1 → fe2 in 38 ms"
};

// The interval between `from` leaving MASTER and `to` entering it, from the
// newest such events of `vip` (either order: a forced node takes over before
// the old one yields). Nothing when one of the two events is missing.
std::optional<int64_t> handoverMicros(const std::vector<v1::Event> &events, const QString &vip, const QString &from,
                                      const QString &to);

class FailoverWatch {
public:
    static constexpr int64_t kGraceMicros = 1'500'000;   // for the old master's event to arrive after the new owner
    static constexpr int64_t kGiveUpMicros = 60'000'000; // an action that moved nothing

    void begin(const QString &vip, const QStringList &owners, int64_t nowUs);
    void observeEvent(const v1::Event &event);
    void observeOwners(const QString &vip, const QStringList &owners, int64_t nowUs);
    std::vector<Handover> poll(int64_t nowUs); // the handovers measured so far, each once
    bool pending() const { return !m_watches.empty(); }

private:
    struct Watch {
        QStringList ownersBefore;
        int64_t beganUs = 0;
        int64_t ownerSeenUs = -1;
        QString newOwner;
        std::vector<v1::Event> events; // this VIP's VIP_STATE events since the action
    };
    std::map<QString, Watch> m_watches;
};

} // namespace hafront::model
