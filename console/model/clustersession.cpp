#include "model/clustersession.h"

#include "config/configloader.h"
#include "link/commandfanout.h"

#include <QCoreApplication>

#include <memory>

namespace hafront::model {
namespace {

LinkState linkState(link::AgentLink::State s)
{
    switch (s) {
    case link::AgentLink::State::Idle:
        return LinkState::Idle;
    case link::AgentLink::State::Connecting:
        return LinkState::Connecting;
    case link::AgentLink::State::Connected:
        return LinkState::Connected;
    case link::AgentLink::State::Reconnecting:
        return LinkState::Reconnecting;
    case link::AgentLink::State::Unreachable:
        return LinkState::Unreachable;
    }
    return LinkState::Idle;
}

std::string s(const QString &text)
{
    return text.toStdString();
}

} // namespace

QString FanoutResult::summary() const
{
    QString text = QCoreApplication::translate("ClusterSession", "applied on %1/%2 nodes").arg(applied).arg(total);
    for (const auto &f : failures)
        text += QLatin1Char('\n') + f;
    return text;
}

ClusterSession::ClusterSession(ClusterModel *model, QObject *parent) : QObject(parent), m_model(model)
{
    m_countdown.setInterval(1000);
    connect(&m_countdown, &QTimer::timeout, this, [this] {
        for (auto &l : m_links)
            refreshLink(l.get());
    });
}

ClusterSession::~ClusterSession()
{
    stop();
}

QString ClusterSession::open(const QString &file)
{
    const auto loaded = config::loadClusterFile(file.toStdString());
    if (!loaded.ok())
        return QString::fromStdString(loaded.errors.front().format());
    m_file = file;
    start(loaded.cluster);
    return {};
}

void ClusterSession::start(const v1::Cluster &cluster)
{
    stop();
    m_model->setCluster(cluster);
    for (auto options : link::targetsFor(cluster)) {
        options.subscribe = true;
        options.reconnect = true;
        if (m_askPassphrase)
            options.askPassphrase = [ask = m_askPassphrase, node = options.node](const QString &prompt, QString *answer,
                                                                                 const std::atomic<bool> &cancelled) {
                return ask(node, prompt, answer, cancelled);
            };
        auto l = std::make_unique<link::AgentLink>(options);
        auto *raw = l.get();
        const QString node = options.node;
        connect(raw, &link::AgentLink::hostKeyUnknown, this,
                [this, node](const QString &host, const QString &fp) { emit hostKeyUnknown(node, host, fp); });
        connect(raw, &link::AgentLink::hostKeyChanged, this,
                [this, node](const QString &host, const QString &fp) { emit hostKeyChanged(node, host, fp); });
        connect(raw, &link::AgentLink::stateChanged, this, [this, raw] { refreshLink(raw); });
        connect(raw, &link::AgentLink::statusReceived, m_model, &ClusterModel::applyStatus);
        connect(raw, &link::AgentLink::eventReceived, m_model, &ClusterModel::applyEvent);
        m_links.push_back(std::move(l));
    }
    for (auto &l : m_links)
        l->start();
    m_countdown.start();
}

void ClusterSession::stop()
{
    m_countdown.stop();
    for (auto &l : m_links) {
        l->disconnect(this);
        l->stop();
    }
    m_links.clear();
}

void ClusterSession::acceptHostKey(const QString &node)
{
    if (auto *l = link(node))
        l->acceptHostKey();
}

link::AgentLink *ClusterSession::link(const QString &node) const
{
    for (const auto &l : m_links)
        if (l->options().node == node)
            return l.get();
    return nullptr;
}

void ClusterSession::setStatusPeriod(const QStringList &nodes, uint32_t periodMs)
{
    for (const QString &node : nodes)
        if (auto *l = link(node))
            l->setStatusPeriod(periodMs);
}

void ClusterSession::refreshLink(link::AgentLink *l)
{
    const auto state = l->state();
    const int retry = state == link::AgentLink::State::Reconnecting ? l->secondsUntilRetry() : -1;
    // Connected over SSH: say so ("connected over SSH (streamlocal)").
    const bool viaSsh = state == link::AgentLink::State::Connected && l->options().ssh;
    m_model->setLink(l->options().node, linkState(state), viaSsh ? l->transport() : l->reason(), retry);
}

void ClusterSession::send(const QStringList &nodes, const v1::Command &command, Done done)
{
    std::vector<link::FanoutTarget> targets;
    for (const QString &node : nodes)
        targets.push_back({s(node), link(node)});
    link::fanOut(
        targets, command, 5000,
        [done = std::move(done)](const std::vector<link::NodeAnswer> &answers) {
            FanoutResult result;
            result.total = static_cast<int>(answers.size());
            for (const auto &a : answers) {
                if (a.kind == link::NodeAnswer::Kind::Done)
                    ++result.applied;
                else
                    result.failures << QString::fromStdString(a.node + ": " + a.text);
            }
            done(result);
        },
        s(QCoreApplication::translate("ClusterSession", "not a node of this cluster")));
}

v1::Command setWeightCommand(const QString &pool, const QString &backend, uint32_t weight)
{
    v1::Command c;
    auto *w = c.mutable_set_weight();
    w->set_pool(s(pool));
    w->set_backend(s(backend));
    w->set_weight(weight);
    return c;
}

v1::Command setBackendStateCommand(const QString &pool, const QString &backend, v1::BackendState state)
{
    v1::Command c;
    auto *b = c.mutable_set_backend_state();
    b->set_pool(s(pool));
    b->set_backend(s(backend));
    b->set_state(state);
    return c;
}

v1::Command vipForceMasterCommand(const QString &vip)
{
    v1::Command c;
    c.mutable_vip_force_master()->set_vip(s(vip));
    return c;
}

v1::Command vipMaintenanceCommand(const QString &vip, bool on)
{
    v1::Command c;
    c.mutable_vip_maintenance()->set_vip(s(vip));
    c.mutable_vip_maintenance()->set_on(on);
    return c;
}

v1::Command vipReleaseCommand(const QString &vip)
{
    v1::Command c;
    c.mutable_vip_release()->set_vip(s(vip));
    return c;
}

} // namespace hafront::model
