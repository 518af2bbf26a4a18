#include "drill/modelobserver.h"

#include "link/commandfanout.h"

#include <QCoreApplication>

namespace hafront::drill {

ModelObserver::ModelObserver(model::ClusterSession &session) : m_session(&session) {}

ModelObserver::~ModelObserver()
{
    close();
}

void ModelObserver::open(const std::vector<std::string> &nodes)
{
    close();
    for (const auto &n : nodes)
        m_opened << QString::fromStdString(n);
    if (m_session)
        m_session->setStatusPeriod(m_opened, kDrillStatusPeriodMs);
}

void ModelObserver::close()
{
    if (m_session && !m_opened.isEmpty())
        m_session->setStatusPeriod(m_opened, 0); // back to the cluster's status period
    m_opened.clear();
}

NodeView ModelObserver::node(const std::string &name) const
{
    NodeView v;
    v.node = name;
    const model::NodeView *n = m_session ? m_session->model()->node(QString::fromStdString(name)) : nullptr;
    if (!n) {
        v.unreachableReason = QCoreApplication::translate("ClusterSession", "not a node of this cluster").toStdString();
        return v;
    }
    v.reachable = n->link == model::LinkState::Connected && n->status;
    // Connected, the model's reason names the transport (the plan says "no status" if none came);
    // otherwise it says why not, or the link's state ("connecting") when it has no reason yet.
    if (n->link != model::LinkState::Connected)
        v.unreachableReason = (n->reason.isEmpty() ? model::linkText(*n) : n->reason).toStdString();
    v.status = n->status;
    return v;
}

uint64_t ModelObserver::latestSeq(const std::string &node) const
{
    return m_session ? m_session->model()->latestSeq(QString::fromStdString(node)) : 0;
}

std::vector<v1::Event> ModelObserver::eventsSince(const std::string &node, uint64_t seq) const
{
    if (!m_session)
        return {};
    return m_session->model()->eventsSince(QString::fromStdString(node), seq);
}

void ModelObserver::send(const std::string &node, const v1::Command &command, int timeoutMs, Done done)
{
    link::fanOut(
        {{node, m_session ? m_session->link(QString::fromStdString(node)) : nullptr}}, command, timeoutMs,
        [done = std::move(done)](const std::vector<link::NodeAnswer> &a) {
            const bool ok = a[0].kind == link::NodeAnswer::Kind::Done;
            done({ok, ok ? std::string() : a[0].text, a[0].result});
        },
        QCoreApplication::translate("ClusterSession", "not a node of this cluster").toStdString());
}

} // namespace hafront::drill
