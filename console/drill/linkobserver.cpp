#include "drill/linkobserver.h"

#include "link/commandfanout.h"

#include <QCoreApplication>

#include <algorithm>

namespace hafront::drill {

LinkObserver::LinkObserver(v1::Cluster cluster) : m_cluster(std::move(cluster)) {}

LinkObserver::~LinkObserver()
{
    close();
}

void LinkObserver::open(const std::vector<std::string> &nodes)
{
    for (auto &o : link::targetsFor(m_cluster)) {
        const std::string name = o.node.toStdString();
        if (std::find(nodes.begin(), nodes.end(), name) == nodes.end() || linkOf(name))
            continue;
        o.subscribe = true;
        o.periodMs = 50; // fresh VIP states while waiting for a move
        auto l = std::make_unique<link::AgentLink>(o);
        QObject::connect(l.get(), &link::AgentLink::eventReceived, l.get(),
                         [this, name](const v1::Event &e) { m_events[name].push_back(e); });
        m_links.push_back(std::move(l));
        m_links.back()->start();
    }
}

void LinkObserver::close()
{
    for (auto &l : m_links)
        l->stop();
}

link::AgentLink *LinkObserver::linkOf(const std::string &node) const
{
    for (const auto &l : m_links)
        if (l->options().node.toStdString() == node)
            return l.get();
    return nullptr;
}

NodeView LinkObserver::node(const std::string &name) const
{
    NodeView v;
    v.node = name;
    const link::AgentLink *l = linkOf(name);
    if (!l) {
        v.unreachableReason = QCoreApplication::translate("hafront::drill::DrillRunner", "no link to %1")
                                  .arg(QString::fromStdString(name))
                                  .toStdString();
        return v;
    }
    v.reachable = l->state() == link::AgentLink::State::Connected && l->lastStatus();
    v.unreachableReason = l->reason().toStdString();
    if (l->lastStatus())
        v.status = *l->lastStatus();
    return v;
}

uint64_t LinkObserver::latestSeq(const std::string &node) const
{
    const auto it = m_events.find(node);
    uint64_t seq = 0;
    if (it != m_events.end())
        for (const auto &e : it->second)
            seq = std::max<uint64_t>(seq, e.seq());
    return seq;
}

std::vector<v1::Event> LinkObserver::eventsSince(const std::string &node, uint64_t seq) const
{
    std::vector<v1::Event> out;
    if (const auto it = m_events.find(node); it != m_events.end())
        std::copy_if(it->second.begin(), it->second.end(), std::back_inserter(out),
                     [seq](const v1::Event &e) { return e.seq() > seq; });
    return out;
}

void LinkObserver::send(const std::string &node, const v1::Command &command, int timeoutMs, Done done)
{
    link::fanOut(
        {{node, linkOf(node)}}, command, timeoutMs,
        [done = std::move(done)](const std::vector<link::NodeAnswer> &a) {
            const bool ok = a[0].kind == link::NodeAnswer::Kind::Done;
            done({ok, ok ? std::string() : a[0].text, a[0].result});
        },
        QCoreApplication::translate("hafront::drill::DrillRunner", "no link to %1")
            .arg(QString::fromStdString(node))
            .toStdString());
}

} // namespace hafront::drill
