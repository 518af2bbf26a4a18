#include "model/failoverwatch.h"

#include <QCoreApplication>

#include <cstdlib>

namespace hafront::model {
namespace {

QString field(const v1::Event &e, const char *key)
{
    const auto it = e.fields().find(key);
    return it == e.fields().end() ? QString() : QString::fromStdString(it->second);
}

bool isVipEvent(const v1::Event &e, const QString &vip)
{
    return e.kind() == v1::VIP_STATE && field(e, "vip") == vip;
}

} // namespace

QString Handover::text() const
{
    const QString ms = QString::number(double(micros) / 1000.0, 'f', micros < 10'000 ? 1 : 0);
    const QString from_ = from.isEmpty() ? QCoreApplication::translate("FailoverWatch", "no owner") : from;
    return measuredByAgents
               ? QCoreApplication::translate("FailoverWatch", "%1 moved %2 → %3 in %4 ms").arg(vip, from_, to, ms)
               : QCoreApplication::translate("FailoverWatch", "%1 moved %2 → %3 in %4 ms (console clock)")
                     .arg(vip, from_, to, ms);
}

std::optional<int64_t> handoverMicros(const std::vector<v1::Event> &events, const QString &vip, const QString &from,
                                      const QString &to)
{
    const v1::Event *left = nullptr;
    const v1::Event *entered = nullptr;
    for (const v1::Event &e : events) {
        if (!isVipEvent(e, vip))
            continue;
        const QString node = QString::fromStdString(e.node());
        if (node == from && field(e, "from") == QLatin1String("MASTER"))
            left = &e;
        if (node == to && field(e, "to") == QLatin1String("MASTER"))
            entered = &e;
    }
    if (!left || !entered)
        return std::nullopt;
    return std::llabs(entered->wall_time_us() - left->wall_time_us());
}

void FailoverWatch::begin(const QString &vip, const QStringList &owners, int64_t nowUs)
{
    m_watches[vip] = Watch{owners, nowUs, -1, {}, {}};
}

void FailoverWatch::observeEvent(const v1::Event &event)
{
    if (event.kind() != v1::VIP_STATE)
        return;
    const auto it = m_watches.find(field(event, "vip"));
    if (it != m_watches.end())
        it->second.events.push_back(event);
}

void FailoverWatch::observeOwners(const QString &vip, const QStringList &owners, int64_t nowUs)
{
    const auto it = m_watches.find(vip);
    if (it == m_watches.end() || it->second.ownerSeenUs >= 0)
        return;
    Watch &w = it->second;
    // One owner, and not the one (or the split) there was before.
    if (owners.size() == 1 && !(w.ownersBefore.size() == 1 && w.ownersBefore.front() == owners.front())) {
        w.ownerSeenUs = nowUs;
        w.newOwner = owners.front();
    }
}

std::vector<Handover> FailoverWatch::poll(int64_t nowUs)
{
    std::vector<Handover> done;
    for (auto it = m_watches.begin(); it != m_watches.end();) {
        const Watch &w = it->second;
        const QString from = w.ownersBefore.size() == 1 ? w.ownersBefore.front() : QString();
        std::optional<Handover> h;
        if (w.ownerSeenUs >= 0) {
            if (const auto agents =
                    from.isEmpty() ? std::nullopt : handoverMicros(w.events, it->first, from, w.newOwner))
                h = Handover{it->first, from, w.newOwner, *agents, true};
            else if (nowUs - w.ownerSeenUs >= kGraceMicros)
                h = Handover{it->first, from, w.newOwner, w.ownerSeenUs - w.beganUs, false};
        }
        if (h)
            done.push_back(*h);
        if (h || (w.ownerSeenUs < 0 && nowUs - w.beganUs >= kGiveUpMicros))
            it = m_watches.erase(it);
        else
            ++it;
    }
    return done;
}

} // namespace hafront::model
