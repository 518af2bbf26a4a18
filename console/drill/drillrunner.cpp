#include "drill/drillrunner.h"

#include "base/clock.h"
#include "config/address.h"
#include "config/defaults.h"
#include "events/eventlog.h"

#include <QPointer>

namespace hafront::drill {
namespace {

constexpr int kPingsPerNode = 5;

} // namespace

DrillRunner::DrillRunner(Options options, ClusterObserver &observer, QObject *parent)
    : QObject(parent), m_options(std::move(options)), m_observer(observer)
{
    qRegisterMetaType<hafront::drill::PrecheckResult>();
    m_tick.setInterval(10);
    connect(&m_tick, &QTimer::timeout, this, &DrillRunner::tick);
}

DrillRunner::~DrillRunner()
{
    if (m_prober)
        m_prober->stop();
    if (m_opened)
        m_observer.close();
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
    const auto first = m_plan->start(monoMicros());
    if (m_plan->running()) {
        // What the observer already holds happened before this drill.
        m_seqAtStart.clear();
        for (const auto &node : m_plan->nodes())
            m_seqAtStart[node] = m_observer.latestSeq(node);
        m_observer.open(m_plan->nodes());
        m_opened = true;
        m_tick.start();
    }
    carryOut(first);
}

Observation DrillRunner::observe()
{
    Observation o;
    for (const auto &node : m_plan->nodes())
        o.nodes.push_back(m_observer.node(node));
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
            // The observer's links may outlive this runner: a late answer finds it gone.
            m_observer.send(c.node, c.command, 5000, [self = QPointer(this), id = c.id](const CommandAnswer &a) {
                if (self)
                    self->m_replies.push_back({id, a.ok, a.error});
            });
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
    const auto &nodes = m_plan->nodes();
    if (node >= nodes.size()) {
        m_clocksMeasured = true;
        return;
    }
    const std::string name = nodes[node];
    if (remaining == 0) {
        if (auto o = estimateClockOffset(m_pings[name]))
            m_report.offsets[name] = *o;
        return pingAll(node + 1, kPingsPerNode);
    }
    v1::Command c;
    c.mutable_ping();
    const int64_t sendMono = monoMicros(), sendWall = wallMicros();
    m_observer.send(
        name, c, 2000, [self = QPointer(this), name, node, remaining, sendMono, sendWall](const CommandAnswer &a) {
            if (!self)
                return;
            if (a.ok)
                self->m_pings[name].push_back(
                    {sendMono, monoMicros(), sendWall, a.result.agent_mono_time_us(), a.result.agent_wall_time_us()});
            QTimer::singleShot(0, self, [self, node, remaining] {
                if (self)
                    self->pingAll(node, remaining - 1);
            });
        });
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
    m_report.predictedMs =
        predictedMs(m_options.mode, m_report.advertMs, m_plan->prechecks().successorPriority, m_options.rateHz);
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
    if (m_opened)
        m_observer.close();
    m_opened = false;
    emit finished(outcome);
}

std::vector<AgentEvent> DrillRunner::vipEvents() const
{
    std::vector<AgentEvent> out;
    for (const auto &node : m_plan->nodes()) {
        const auto at = m_seqAtStart.find(node);
        for (const auto &e : m_observer.eventsSince(node, at == m_seqAtStart.end() ? 0 : at->second)) {
            const auto it = e.fields().find("vip");
            if (it != e.fields().end() && it->second == m_options.vip)
                out.push_back({e.node(), e.mono_time_us(), e.wall_time_us(), events::kindName(e.kind()), e.message()});
        }
    }
    return out;
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
    r.timeline = alignTimeline(r.zeroMonoUs, m_plan->actions(), vipEvents(), r.offsets, r.probes);
}

} // namespace hafront::drill
