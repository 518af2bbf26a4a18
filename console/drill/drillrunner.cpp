#include "drill/drillrunner.h"

#include "base/clock.h"
#include "config/address.h"
#include "config/defaults.h"
#include "events/eventlog.h"

namespace hafront::drill {
namespace {

constexpr int kBaselineMs = 1000;
constexpr int kPingsPerNode = 5;

std::string hostOf(const std::string &addr)
{
    const auto cut = addr.find_first_of("/:");
    return cut == std::string::npos ? addr : addr.substr(0, cut);
}

const v1::VipStatus *vipIn(const v1::NodeStatus *s, const std::string &vip)
{
    if (!s)
        return nullptr;
    for (const auto &v : s->vips())
        if (v.name() == vip)
            return &v;
    return nullptr;
}

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

Result<std::string> DrillRunner::defaultProbeUrl(const v1::Cluster &cluster, const std::string &vip)
{
    const v1::Vip *v = nullptr;
    for (const auto &candidate : cluster.vip())
        if (candidate.name() == vip)
            v = &candidate;
    if (!v)
        return fail("VIP '" + vip + "' is not in the cluster config");
    const std::string address = hostOf(v->address());
    for (const auto &l : cluster.listener())
        if (hostOf(l.bind()) == address)
            return (l.protocol() == v1::TCP ? "tcp://" : "http://") + l.bind() + (l.protocol() == v1::TCP ? "" : "/");
    return fail("no listener is bound on " + address + " (VIP " + vip + "): give --probe URL");
}

void DrillRunner::enter(Step step)
{
    m_step = step;
    m_stepStartUs = monoMicros();
}

int64_t DrillRunner::sinceStepMs() const
{
    return (monoMicros() - m_stepStartUs) / 1000;
}

link::AgentLink *DrillRunner::linkOf(const std::string &node) const
{
    for (const auto &l : m_links)
        if (l->options().node.toStdString() == node)
            return l.get();
    return nullptr;
}

std::string DrillRunner::masterNow() const
{
    std::string master;
    for (const auto &l : m_links) {
        const v1::VipStatus *v = vipIn(l->lastStatus(), m_options.vip);
        if (v && v->state() == v1::MASTER) {
            if (!master.empty())
                return {};
            master = l->options().node.toStdString();
        }
    }
    return master;
}

void DrillRunner::start(bool precheckOnly)
{
    m_precheckOnly = precheckOnly;
    m_report = DrillReport{};
    m_report.cluster = m_options.cluster.name();
    m_report.vip = m_options.vip;
    m_report.mode = m_options.mode;
    m_report.rateHz = m_options.rateHz;
    m_report.failback = m_options.failback;
    m_report.startedWallUs = wallMicros();
    const v1::Vip *vip = nullptr;
    for (const auto &v : m_options.cluster.vip())
        if (v.name() == m_options.vip)
            vip = &v;
    if (!vip)
        return finish(Outcome::Refused,
                      tr("VIP '%1' is not in the cluster config").arg(QString::fromStdString(m_options.vip)));
    m_report.advertMs = config::advertIntervalMs(*vip);
    std::vector<std::string> nodes;
    for (const auto &p : vip->priority())
        nodes.push_back(p.node());
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
    emit progress(tr("connecting to %1 nodes").arg(m_links.size()));
    enter(Step::Connecting);
    for (auto &l : m_links)
        l->start();
    m_tick.start();
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
    const int64_t now = monoMicros();
    const int64_t sinceZeroMs = (now - m_report.zeroMonoUs) / 1000;
    const double mdi = masterDownIntervalMs(m_report.advertMs, m_precheck.successorPriority);
    const int moveTimeoutMs = int(2 * mdi) + 3000;
    if (m_step != Step::Restoring && m_report.zeroMonoUs && sinceZeroMs > m_options.durationMs + 30000)
        return abort(tr("timeout: the drill took longer than %1 s").arg(m_options.durationMs / 1000 + 30));
    switch (m_step) {
    case Step::Connecting:
        return onConnectingTick();
    case Step::Baseline: {
        if (sinceStepMs() < kBaselineMs)
            return;
        int okCount = 0;
        std::string lastError;
        for (const auto &p : m_report.probes)
            p.ok ? ++okCount : (lastError = p.error, 0);
        if (okCount == 0)
            return abort(tr("the probe URL gave no successful answer before the move (%1)")
                             .arg(QString::fromStdString(lastError.empty() ? "no answer" : lastError)));
        return makeMove();
    }
    case Step::WaitNewMaster: {
        const std::string master = masterNow();
        if (!master.empty() && master != m_report.oldMaster) {
            m_report.newMaster = master;
            emit progress(tr("%1 is master now").arg(QString::fromStdString(master)));
            if (m_options.mode == Mode::Crash && !m_options.failback) {
                // The node comes back from the crash: keep it from taking the VIP back.
                v1::Command c;
                c.mutable_vip_maintenance()->set_vip(m_options.vip);
                c.mutable_vip_maintenance()->set_on(true);
                send(m_report.oldMaster, c, tr("maintenance on (no failback)"));
            }
            return enter(Step::Hold);
        }
        if (sinceStepMs() > moveTimeoutMs)
            return abort(tr("no backup became master within %1 ms").arg(moveTimeoutMs));
        return;
    }
    case Step::Hold:
        if ((now - m_failoverStartUs) / 1000 >= m_holdMs)
            return startFailback();
        return;
    case Step::WaitFailback: {
        const std::string master = masterNow();
        if (master == m_report.oldMaster && (m_options.mode != Mode::Crash || now >= m_crashEndsUs)) {
            m_report.finalMaster = master;
            emit progress(tr("%1 is master again").arg(QString::fromStdString(master)));
            return enter(Step::Tail);
        }
        if (sinceStepMs() > moveTimeoutMs + (m_crashEndsUs > now ? (m_crashEndsUs - now) / 1000 : 0))
            return abort(tr("%1 did not become master again within %2 ms")
                             .arg(QString::fromStdString(m_report.oldMaster))
                             .arg(moveTimeoutMs));
        return;
    }
    case Step::Tail:
        if (sinceZeroMs >= m_options.durationMs && sinceStepMs() >= 500)
            return finish(Outcome::Done);
        return;
    case Step::Restoring: {
        const std::string master = masterNow();
        const bool crashOver = now >= m_crashEndsUs;
        if ((master == m_report.oldMaster && crashOver && sinceStepMs() > 300) ||
            sinceStepMs() > moveTimeoutMs + 2000) {
            m_report.finalMaster = master;
            return finish(m_abortOutcome, m_failure);
        }
        return;
    }
    case Step::Idle:
    case Step::Pinging:
    case Step::Finished:
        return;
    }
}

void DrillRunner::onConnectingTick()
{
    bool all = true;
    for (const auto &l : m_links)
        all &= l->state() == link::AgentLink::State::Connected && l->lastStatus();
    if (!all && sinceStepMs() < m_options.connectTimeoutMs)
        return;
    runPrechecks();
}

void DrillRunner::runPrechecks()
{
    std::vector<NodeView> views;
    for (const auto &l : m_links) {
        NodeView v;
        v.node = l->options().node.toStdString();
        v.reachable = l->state() == link::AgentLink::State::Connected && l->lastStatus();
        v.unreachableReason =
            l->reason().isEmpty() ? "no status within the connect timeout" : l->reason().toStdString();
        if (l->lastStatus())
            v.status = *l->lastStatus();
        views.push_back(std::move(v));
    }
    m_precheck = precheck(m_options.cluster, m_options.vip, views, m_options.successor);
    m_report.checks = m_precheck.checks;
    m_report.oldMaster = m_precheck.master;
    m_report.successorPriority = m_precheck.successorPriority;
    emit prechecked(m_precheck);
    if (!m_precheck.ok())
        return finish(m_precheck.anyUnreachable ? Outcome::Unreachable : Outcome::Refused,
                      QString::fromStdString(m_precheck.firstFailure()));
    if (m_precheckOnly)
        return finish(Outcome::Done);
    enter(Step::Pinging);
    emit progress(tr("measuring clock offsets"));
    pingAll(0, kPingsPerNode);
}

void DrillRunner::pingAll(size_t node, int remaining)
{
    if (m_step != Step::Pinging)
        return;
    if (node >= m_links.size())
        return startProbing();
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

void DrillRunner::startProbing()
{
    std::string url = m_options.probeUrl;
    if (url.empty()) {
        auto d = defaultProbeUrl(m_options.cluster, m_options.vip);
        if (!d)
            return finish(Outcome::Refused, QString::fromStdString(d.error()));
        url = d.value();
    }
    auto target = ProbeTarget::parse(url);
    if (!target)
        return finish(Outcome::Refused, QString::fromStdString(target.error()));
    m_report.probeUrl = target->url();
    Prober::Options po;
    po.target = target.value();
    po.rateHz = m_options.rateHz;
    po.timeoutMs = m_options.probeTimeoutMs;
    po.maxDurationMs = m_options.durationMs + 60000;
    for (const auto &v : m_options.cluster.vip())
        if (v.name() == m_options.vip)
            if (auto ip = config::parseIPv4(hostOf(v.address())))
                po.allowed.push_back(*ip);
    m_prober = std::make_unique<Prober>(po);
    m_report.zeroMonoUs = monoMicros();
    if (auto s = m_prober->start(); !s)
        return finish(Outcome::Refused, QString::fromStdString(s.error()));
    m_report.predictedMs =
        predictedMs(m_options.mode, m_report.advertMs, m_precheck.successorPriority, m_options.rateHz);
    m_holdMs = std::max<int64_t>(1000, (m_options.durationMs - kBaselineMs) / 2);
    emit progress(tr("probing %1 at %2/s").arg(QString::fromStdString(m_report.probeUrl)).arg(m_options.rateHz));
    enter(Step::Baseline);
}

void DrillRunner::send(const std::string &node, v1::Command command, const QString &what,
                       std::function<void(bool ok, const QString &error)> done)
{
    m_actions.push_back({monoMicros(), what.toStdString() + " -> " + node});
    link::AgentLink *l = linkOf(node);
    if (!l) {
        if (done)
            done(false, tr("no link to %1").arg(QString::fromStdString(node)));
        return;
    }
    l->send(std::move(command), [this, done, what, node](const v1::CommandResult &r) {
        if (!r.ok())
            m_actions.push_back({monoMicros(), what.toStdString() + " refused by " + node + ": " + r.error()});
        if (done)
            done(r.ok(), QString::fromStdString(r.error()));
    });
}

void DrillRunner::makeMove()
{
    auto failed = [this](bool ok, const QString &error) {
        if (!ok)
            abort(tr("the move was refused: %1").arg(error));
    };
    v1::Command c;
    m_failoverStartUs = monoMicros();
    if (m_options.mode == Mode::Crash) {
        c.mutable_vip_simulate_crash()->set_vip(m_options.vip);
        c.mutable_vip_simulate_crash()->set_duration_ms(uint32_t(m_holdMs));
        m_crashEndsUs = m_failoverStartUs + m_holdMs * 1000;
        send(m_report.oldMaster, c, tr("simulate crash for %1 ms").arg(m_holdMs), failed);
    } else if (!m_options.successor.empty()) {
        c.mutable_vip_force_master()->set_vip(m_options.vip);
        m_forceMasterSet = true;
        send(m_precheck.successor, c, tr("force-master"), failed);
    } else {
        c.mutable_vip_maintenance()->set_vip(m_options.vip);
        c.mutable_vip_maintenance()->set_on(true);
        m_maintenanceSet = true;
        send(m_report.oldMaster, c, tr("maintenance on"), failed);
    }
    emit progress(tr("failover: %1 gives VIP %2 away")
                      .arg(QString::fromStdString(m_report.oldMaster), QString::fromStdString(m_options.vip)));
    enter(Step::WaitNewMaster);
}

void DrillRunner::startFailback()
{
    if (!m_options.failback) {
        m_report.finalMaster = m_report.newMaster;
        return enter(Step::Tail);
    }
    v1::Command c;
    if (m_options.mode == Mode::Crash) {
        m_failbackStartUs = std::max(monoMicros(), m_crashEndsUs);
        m_actions.push_back({m_failbackStartUs, "crash of " + m_report.oldMaster + " ends"});
    } else if (m_forceMasterSet) {
        m_failbackStartUs = monoMicros();
        c.mutable_vip_release()->set_vip(m_options.vip);
        m_forceMasterSet = false;
        send(m_precheck.successor, c, tr("release"));
    } else {
        m_failbackStartUs = monoMicros();
        c.mutable_vip_maintenance()->set_vip(m_options.vip);
        c.mutable_vip_maintenance()->set_on(false);
        m_maintenanceSet = false;
        send(m_report.oldMaster, c, tr("maintenance off"));
    }
    emit progress(tr("failback to %1").arg(QString::fromStdString(m_report.oldMaster)));
    enter(Step::WaitFailback);
}

void DrillRunner::abort(const QString &why)
{
    if (m_step == Step::Idle || m_step == Step::Finished || m_step == Step::Restoring)
        return;
    m_actions.push_back({monoMicros(), "abort: " + why.toStdString()});
    if (m_step == Step::Connecting || m_step == Step::Pinging || m_step == Step::Baseline)
        return finish(Outcome::Refused, why); // nothing moved yet
    m_failure = why;
    m_abortOutcome = Outcome::Refused;
    if (m_maintenanceSet) {
        v1::Command c;
        c.mutable_vip_maintenance()->set_vip(m_options.vip);
        c.mutable_vip_maintenance()->set_on(false);
        m_maintenanceSet = false;
        send(m_report.oldMaster, c, tr("restore: maintenance off"));
    }
    if (m_forceMasterSet) {
        v1::Command c;
        c.mutable_vip_release()->set_vip(m_options.vip);
        m_forceMasterSet = false;
        send(m_precheck.successor, c, tr("restore: release"));
    }
    emit progress(tr("aborted (%1): restoring %2 as master").arg(why, QString::fromStdString(m_report.oldMaster)));
    enter(Step::Restoring);
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
    if (m_report.finalMaster.empty())
        m_report.finalMaster = masterNow();
    finishReport();
    for (auto &l : m_links)
        l->stop();
    m_step = Step::Finished;
    emit finished(outcome);
}

void DrillRunner::finishReport()
{
    DrillReport &r = m_report;
    if (!m_prober)
        return;
    const int64_t end = monoMicros() + 1;
    r.phases.clear();
    if (m_failoverStartUs) {
        PhaseStats over = computePhase(r.probes, m_failoverStartUs, m_failbackStartUs ? m_failbackStartUs : end);
        over.name = "failover";
        over.predictedMs = r.predictedMs;
        r.phases.push_back(over);
        r.downtimeMs = over.downtimeMs;
    }
    if (m_failbackStartUs) {
        PhaseStats back = computePhase(r.probes, m_failbackStartUs, end);
        back.name = "failback";
        back.predictedMs = predictedMs(Mode::Graceful, r.advertMs, 0, r.rateHz);
        r.phases.push_back(back);
    }
    r.probesTotal = int(r.probes.size());
    r.probesFailed = int(std::count_if(r.probes.begin(), r.probes.end(), [](const ProbeResult &p) { return !p.ok; }));
    r.timeline = alignTimeline(r.zeroMonoUs, m_actions, m_events, r.offsets, r.probes);
}

} // namespace hafront::drill
