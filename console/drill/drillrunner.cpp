#include "drill/drillrunner.h"

#include "base/clock.h"
#include "config/address.h"
#include "config/defaults.h"
#include "events/eventlog.h"
#include "link/commandfanout.h"

namespace hafront::drill {
namespace {

constexpr int kPingsPerNode = 5;

} // namespace

DrillRunner::DrillRunner(Options options, QObject *parent) : QObject(parent), m_options(std::move(options))
{
    qRegisterMetaType<hafront::drill::PrecheckResult>();
    m_tick.setInterval(10);
    connect(&m_tick, &QTimer::timeout, this, &DrillRunner::tick);
}

DrillRunner::~DrillRunner()
{
    if (m_prober)
        m_prober->stop();
}

const PrecheckResult &DrillRunner::prechecks() const
{
    static const PrecheckResult none;
    return m_plan ? m_plan->prechecks() : none;
}

Result<std::string> DrillRunner::defaultProbeUrl(const v1::Cluster &cluster, const std::string &vip)
{
    const v1::Vip *v = nullptr;
    for (const auto &candidate : cluster.vip())
        if (candidate.name() == vip)
            v = &candidate;
    if (!v)
        return fail("VIP '" + vip + "' is not in the cluster config");
    const auto address = config::hostAddress(v->address());
    for (const auto &l : cluster.listener())
        if (address && config::hostAddress(l.bind()) == address)
            return (l.protocol() == v1::TCP ? "tcp://" : "http://") + l.bind() + (l.protocol() == v1::TCP ? "" : "/");
    return fail("no listener is bound on " + (address ? config::formatAddress(*address) : v->address()) + " (VIP " +
                vip + "): give --probe URL");
}

link::AgentLink *DrillRunner::linkOf(const std::string &node) const
{
    for (const auto &l : m_links)
        if (l->options().node.toStdString() == node)
            return l.get();
    return nullptr;
}

void DrillRunner::start(bool precheckOnly)
{
    PlanOptions po;
    po.cluster = m_options.cluster;
    po.vip = m_options.vip;
    po.mode = m_options.mode;
    po.durationMs = m_options.durationMs;
    po.failback = m_options.failback;
    po.successor = m_options.successor;
    po.connectTimeoutMs = m_options.connectTimeoutMs;
    po.precheckOnly = precheckOnly;
    m_plan = std::make_unique<DrillPlan>(std::move(po));
    m_report = DrillReport{};
    m_report.cluster = m_options.cluster.name();
    m_report.vip = m_options.vip;
    m_report.mode = m_options.mode;
    m_report.rateHz = m_options.rateHz;
    m_report.failback = m_options.failback;
    m_report.startedWallUs = wallMicros();
    m_report.advertMs = m_plan->advertMs();
    const auto &nodes = m_plan->nodes();
    for (auto &o : link::targetsFor(m_options.cluster)) {
        if (std::find(nodes.begin(), nodes.end(), o.node.toStdString()) == nodes.end())
            continue;
        o.subscribe = true;
        o.periodMs = 50; // fresh VIP states while waiting for a move
        auto l = std::make_unique<link::AgentLink>(o);
        connect(l.get(), &link::AgentLink::eventReceived, this, [this](const v1::Event &e) {
            const auto it = e.fields().find("vip");
            if (it == e.fields().end() || it->second != m_options.vip)
                return;
            m_events.push_back({e.node(), e.mono_time_us(), e.wall_time_us(), events::kindName(e.kind()), e.message()});
        });
        m_links.push_back(std::move(l));
    }
    const auto first = m_plan->start(monoMicros());
    if (m_plan->running()) {
        for (auto &l : m_links)
            l->start();
        m_tick.start();
    }
    carryOut(first);
}

Observation DrillRunner::observe()
{
    Observation o;
    for (const auto &l : m_links) {
        NodeView v;
        v.node = l->options().node.toStdString();
        v.reachable = l->state() == link::AgentLink::State::Connected && l->lastStatus();
        v.unreachableReason = l->reason().toStdString();
        if (l->lastStatus())
            v.status = *l->lastStatus();
        o.nodes.push_back(std::move(v));
    }
    o.clocksMeasured = m_clocksMeasured;
    for (const auto &p : m_report.probes)
        p.ok ? ++o.probesOk : (o.lastProbeError = p.error, 0);
    o.replies = std::exchange(m_replies, {});
    return o;
}

void DrillRunner::tick()
{
    if (m_prober) {
        auto fresh = m_prober->takeNew();
        if (!fresh.empty()) {
            m_report.probes.insert(m_report.probes.end(), fresh.begin(), fresh.end());
            emit probesArrived(fresh);
        }
    }
    carryOut(m_plan->step(observe(), monoMicros()));
}

void DrillRunner::abort(const QString &why)
{
    if (m_plan)
        carryOut(m_plan->abort(why, monoMicros()));
}

void DrillRunner::carryOut(const std::vector<PlanCommand> &commands)
{
    for (const auto &c : commands) {
        switch (c.kind) {
        case PlanCommand::Kind::Send: {
            link::fanOut(
                {{c.node, linkOf(c.node)}}, c.command, 5000,
                [this, id = c.id](const std::vector<link::NodeAnswer> &a) {
                    const bool ok = a[0].kind == link::NodeAnswer::Kind::Done;
                    m_replies.push_back({id, ok, ok ? std::string() : a[0].text});
                },
                tr("no link to %1").arg(QString::fromStdString(c.node)).toStdString());
            break;
        }
        case PlanCommand::Kind::Progress:
            emit progress(c.text);
            break;
        case PlanCommand::Kind::Prechecked:
            m_report.checks = m_plan->prechecks().checks;
            m_report.oldMaster = m_plan->oldMaster();
            m_report.successorPriority = m_plan->prechecks().successorPriority;
            emit prechecked(m_plan->prechecks());
            break;
        case PlanCommand::Kind::MeasureClocks:
            pingAll(0, kPingsPerNode);
            break;
        case PlanCommand::Kind::StartProbing:
            if (QString why; !startProbing(&why))
                return carryOut(m_plan->refuse(why));
            emit progress(
                tr("probing %1 at %2/s").arg(QString::fromStdString(m_report.probeUrl)).arg(m_options.rateHz));
            break;
        case PlanCommand::Kind::Finish:
            return finish(c.outcome, c.text);
        }
    }
}

void DrillRunner::pingAll(size_t node, int remaining)
{
    if (!m_plan->running() || m_plan->current() != DrillPlan::Step::Pinging)
        return;
    if (node >= m_links.size()) {
        m_clocksMeasured = true;
        return;
    }
    if (remaining == 0) {
        const std::string name = m_links[node]->options().node.toStdString();
        if (auto o = estimateClockOffset(m_pings[name]))
            m_report.offsets[name] = *o;
        return pingAll(node + 1, kPingsPerNode);
    }
    v1::Command c;
    c.mutable_ping();
    const int64_t sendMono = monoMicros(), sendWall = wallMicros();
    m_links[node]->send(
        c,
        [this, node, remaining, sendMono, sendWall](const v1::CommandResult &r) {
            if (r.ok())
                m_pings[m_links[node]->options().node.toStdString()].push_back(
                    {sendMono, monoMicros(), sendWall, r.agent_mono_time_us(), r.agent_wall_time_us()});
            QTimer::singleShot(0, this, [this, node, remaining] { pingAll(node, remaining - 1); });
        },
        2000);
}

bool DrillRunner::startProbing(QString *why)
{
    std::string url = m_options.probeUrl;
    if (url.empty()) {
        auto d = defaultProbeUrl(m_options.cluster, m_options.vip);
        if (!d)
            return *why = QString::fromStdString(d.error()), false;
        url = d.value();
    }
    auto target = ProbeTarget::parse(url);
    if (!target)
        return *why = QString::fromStdString(target.error()), false;
    m_report.probeUrl = target->url();
    Prober::Options po;
    po.target = target.value();
    po.rateHz = m_options.rateHz;
    po.timeoutMs = m_options.probeTimeoutMs;
    po.maxDurationMs = m_options.durationMs + 60000;
    for (const auto &v : m_options.cluster.vip())
        if (v.name() == m_options.vip)
            if (auto a = config::hostAddress(v.address()))
                po.allowed.push_back(*a);
    m_prober = std::make_unique<Prober>(po);
    m_report.zeroMonoUs = m_plan->zeroUs();
    if (auto s = m_prober->start(); !s)
        return *why = QString::fromStdString(s.error()), false;
    m_report.predictedMs = predictedMs(m_options.mode, m_report.advertMs, m_plan->prechecks().successorPriority,
                                       m_options.rateHz);
    return true;
}

void DrillRunner::finish(Outcome outcome, const QString &failure)
{
    m_tick.stop();
    m_failure = failure;
    if (m_prober) {
        m_prober->stop();
        auto rest = m_prober->takeNew();
        m_report.probes.insert(m_report.probes.end(), rest.begin(), rest.end());
        if (!rest.empty())
            emit probesArrived(rest);
    }
    m_report.completed = outcome == Outcome::Done && failure.isEmpty();
    m_report.abortReason = failure.toStdString();
    m_report.oldMaster = m_plan->oldMaster();
    m_report.newMaster = m_plan->newMaster();
    m_report.finalMaster = m_plan->finalMaster();
    finishReport();
    for (auto &l : m_links)
        l->stop();
    emit finished(outcome);
}

void DrillRunner::finishReport()
{
    DrillReport &r = m_report;
    if (!m_prober)
        return;
    const int64_t end = monoMicros() + 1;
    const int64_t failoverStartUs = m_plan->failoverStartUs(), failbackStartUs = m_plan->failbackStartUs();
    r.phases.clear();
    if (failoverStartUs) {
        PhaseStats over = computePhase(r.probes, failoverStartUs, failbackStartUs ? failbackStartUs : end);
        over.name = "failover";
        over.predictedMs = r.predictedMs;
        r.phases.push_back(over);
        r.downtimeMs = over.downtimeMs;
    }
    if (failbackStartUs) {
        PhaseStats back = computePhase(r.probes, failbackStartUs, end);
        back.name = "failback";
        back.predictedMs = predictedMs(Mode::Graceful, r.advertMs, 0, r.rateHz);
        r.phases.push_back(back);
    }
    r.probesTotal = int(r.probes.size());
    r.probesFailed = int(std::count_if(r.probes.begin(), r.probes.end(), [](const ProbeResult &p) { return !p.ok; }));
    r.timeline = alignTimeline(r.zeroMonoUs, m_plan->actions(), m_events, r.offsets, r.probes);
}

} // namespace hafront::drill
