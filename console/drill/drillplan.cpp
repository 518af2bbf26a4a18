#include "drill/drillplan.h"

#include "config/defaults.h"

#include <algorithm>

namespace hafront::drill {
namespace {

const v1::VipStatus *vipIn(const NodeView &n, const std::string &vip)
{
    if (!n.status)
        return nullptr;
    for (const auto &v : n.status->vips())
        if (v.name() == vip)
            return &v;
    return nullptr;
}

} // namespace

DrillPlan::DrillPlan(PlanOptions options) : m_options(std::move(options))
{
    for (const auto &v : m_options.cluster.vip())
        if (v.name() == m_options.vip) {
            m_advertMs = config::advertIntervalMs(v);
            for (const auto &p : v.priority())
                m_nodes.push_back(p.node());
        }
}

int DrillPlan::moveTimeoutMs() const
{
    return int(2 * masterDownIntervalMs(m_advertMs, m_precheck.successorPriority)) + 3000;
}

void DrillPlan::enter(Step step, int64_t nowUs)
{
    m_step = step;
    m_stepStartUs = nowUs;
}

std::string DrillPlan::masterNow() const
{
    std::string master;
    for (const auto &n : m_seen) {
        const v1::VipStatus *v = vipIn(n, m_options.vip);
        if (v && v->state() == v1::MASTER) {
            if (!master.empty())
                return {};
            master = n.node;
        }
    }
    return master;
}

void DrillPlan::progress(const QString &text, Commands &out)
{
    PlanCommand c;
    c.kind = PlanCommand::Kind::Progress;
    c.text = text;
    out.push_back(std::move(c));
}

uint64_t DrillPlan::send(const std::string &node, v1::Command command, const QString &what, int64_t nowUs,
                         Commands &out)
{
    m_actions.push_back({nowUs, what.toStdString() + " -> " + node});
    PlanCommand c;
    c.kind = PlanCommand::Kind::Send;
    c.id = m_nextId++;
    c.node = node;
    c.command = std::move(command);
    c.text = what;
    m_pending.emplace_back(c.id, what.toStdString() + " refused by " + node);
    out.push_back(std::move(c));
    return m_nextId - 1;
}

void DrillPlan::finish(Outcome outcome, const QString &failure, Commands &out)
{
    m_failure = failure;
    if (m_finalMaster.empty())
        m_finalMaster = masterNow();
    m_step = Step::Finished;
    PlanCommand c;
    c.kind = PlanCommand::Kind::Finish;
    c.outcome = outcome;
    c.text = failure;
    out.push_back(std::move(c));
}

v1::Command DrillPlan::vipCommand(bool maintenanceOn) const
{
    v1::Command c;
    c.mutable_vip_maintenance()->set_vip(m_options.vip);
    c.mutable_vip_maintenance()->set_on(maintenanceOn);
    return c;
}

std::vector<PlanCommand> DrillPlan::start(int64_t nowUs)
{
    Commands out;
    if (m_nodes.empty() && std::none_of(m_options.cluster.vip().begin(), m_options.cluster.vip().end(),
                                        [&](const v1::Vip &v) { return v.name() == m_options.vip; })) {
        finish(Outcome::Refused, tr("VIP '%1' is not in the cluster config").arg(QString::fromStdString(m_options.vip)),
               out);
        return out;
    }
    progress(tr("connecting to %1 nodes").arg(m_nodes.size()), out);
    enter(Step::Connecting, nowUs);
    return out;
}

std::vector<PlanCommand> DrillPlan::refuse(const QString &why)
{
    Commands out;
    if (running())
        finish(Outcome::Refused, why, out);
    return out;
}

void DrillPlan::handleReplies(const Observation &observation, int64_t nowUs, Commands &out)
{
    for (const auto &r : observation.replies) {
        const auto it =
            std::find_if(m_pending.begin(), m_pending.end(), [&](const auto &p) { return p.first == r.id; });
        if (it == m_pending.end())
            continue;
        if (!r.ok)
            m_actions.push_back({nowUs, it->second + ": " + r.error});
        m_pending.erase(it);
        if (!r.ok && r.id == m_moveId) {
            auto more = abort(tr("the move was refused: %1").arg(QString::fromStdString(r.error)), nowUs);
            out.insert(out.end(), more.begin(), more.end());
        }
    }
}

std::vector<PlanCommand> DrillPlan::step(const Observation &observation, int64_t nowUs)
{
    Commands out;
    if (!running())
        return out;
    m_seen = observation.nodes;
    handleReplies(observation, nowUs, out);
    if (!running())
        return out;
    const int64_t sinceZeroMs = (nowUs - m_zeroUs) / 1000;
    const int moveTimeout = moveTimeoutMs();
    if (m_step != Step::Restoring && m_zeroUs && sinceZeroMs > m_options.durationMs + 30000)
        return abort(tr("timeout: the drill took longer than %1 s").arg(m_options.durationMs / 1000 + 30), nowUs);
    switch (m_step) {
    case Step::Connecting: {
        const bool all = std::all_of(observation.nodes.begin(), observation.nodes.end(),
                                     [](const NodeView &n) { return n.reachable && n.status; });
        if (all || sinceStepMs(nowUs) >= m_options.connectTimeoutMs)
            prechecks(nowUs, out);
        return out;
    }
    case Step::Pinging:
        if (observation.clocksMeasured) {
            m_zeroUs = nowUs;
            m_holdMs = std::max<int64_t>(1000, (m_options.durationMs - kBaselineMs) / 2);
            out.push_back({PlanCommand::Kind::StartProbing});
            enter(Step::Baseline, nowUs);
        }
        return out;
    case Step::Baseline:
        if (sinceStepMs(nowUs) < kBaselineMs)
            return out;
        if (observation.probesOk == 0)
            return abort(tr("the probe URL gave no successful answer before the move (%1)")
                             .arg(QString::fromStdString(
                                 observation.lastProbeError.empty() ? "no answer" : observation.lastProbeError)),
                         nowUs);
        makeMove(nowUs, out);
        return out;
    case Step::WaitNewMaster: {
        const std::string master = masterNow();
        if (!master.empty() && master != oldMaster()) {
            m_newMaster = master;
            progress(tr("%1 is master now").arg(QString::fromStdString(master)), out);
            if (m_options.mode == Mode::Crash && !m_options.failback)
                // The node comes back from the crash: keep it from taking the VIP back.
                send(oldMaster(), vipCommand(true), tr("maintenance on (no failback)"), nowUs, out);
            enter(Step::Hold, nowUs);
            return out;
        }
        if (sinceStepMs(nowUs) > moveTimeout)
            return abort(tr("no backup became master within %1 ms").arg(moveTimeout), nowUs);
        return out;
    }
    case Step::Hold:
        if ((nowUs - m_failoverStartUs) / 1000 >= m_holdMs)
            startFailback(nowUs, out);
        return out;
    case Step::WaitFailback: {
        const std::string master = masterNow();
        if (master == oldMaster() && (m_options.mode != Mode::Crash || nowUs >= m_crashEndsUs)) {
            m_finalMaster = master;
            progress(tr("%1 is master again").arg(QString::fromStdString(master)), out);
            enter(Step::Tail, nowUs);
            return out;
        }
        if (sinceStepMs(nowUs) > moveTimeout + (m_crashEndsUs > nowUs ? (m_crashEndsUs - nowUs) / 1000 : 0))
            return abort(tr("%1 did not become master again within %2 ms")
                             .arg(QString::fromStdString(oldMaster()))
                             .arg(moveTimeout),
                         nowUs);
        return out;
    }
    case Step::Tail:
        if (sinceZeroMs >= m_options.durationMs && sinceStepMs(nowUs) >= 500)
            finish(Outcome::Done, {}, out);
        return out;
    case Step::Restoring: {
        const std::string master = masterNow();
        const bool crashOver = nowUs >= m_crashEndsUs;
        if ((master == oldMaster() && crashOver && sinceStepMs(nowUs) > 300) ||
            sinceStepMs(nowUs) > moveTimeout + 2000) {
            m_finalMaster = master;
            finish(Outcome::Refused, m_failure, out);
        }
        return out;
    }
    case Step::Idle:
    case Step::Finished:
        return out;
    }
    return out;
}

void DrillPlan::prechecks(int64_t nowUs, Commands &out)
{
    std::vector<NodeView> views = m_seen;
    for (auto &v : views)
        if (v.unreachableReason.empty())
            v.unreachableReason = "no status within the connect timeout";
    m_precheck = precheck(m_options.cluster, m_options.vip, views, m_options.successor);
    out.push_back({PlanCommand::Kind::Prechecked});
    if (!m_precheck.ok())
        return finish(m_precheck.anyUnreachable ? Outcome::Unreachable : Outcome::Refused,
                      QString::fromStdString(m_precheck.firstFailure()), out);
    if (m_options.precheckOnly)
        return finish(Outcome::Done, {}, out);
    enter(Step::Pinging, nowUs);
    progress(tr("measuring clock offsets"), out);
    out.push_back({PlanCommand::Kind::MeasureClocks});
}

void DrillPlan::makeMove(int64_t nowUs, Commands &out)
{
    m_failoverStartUs = nowUs;
    v1::Command c;
    if (m_options.mode == Mode::Crash) {
        c.mutable_vip_simulate_crash()->set_vip(m_options.vip);
        c.mutable_vip_simulate_crash()->set_duration_ms(uint32_t(m_holdMs));
        m_crashEndsUs = m_failoverStartUs + m_holdMs * 1000;
        m_moveId = send(oldMaster(), c, tr("simulate crash for %1 ms").arg(m_holdMs), nowUs, out);
    } else if (!m_options.successor.empty()) {
        c.mutable_vip_force_master()->set_vip(m_options.vip);
        m_forceMasterSet = true;
        m_moveId = send(m_precheck.successor, c, tr("force-master"), nowUs, out);
    } else {
        m_maintenanceSet = true;
        m_moveId = send(oldMaster(), vipCommand(true), tr("maintenance on"), nowUs, out);
    }
    progress(tr("failover: %1 gives VIP %2 away")
                 .arg(QString::fromStdString(oldMaster()), QString::fromStdString(m_options.vip)),
             out);
    enter(Step::WaitNewMaster, nowUs);
}

void DrillPlan::startFailback(int64_t nowUs, Commands &out)
{
    if (!m_options.failback) {
        m_finalMaster = m_newMaster;
        return enter(Step::Tail, nowUs);
    }
    m_failbackStartUs = nowUs;
    if (m_options.mode == Mode::Crash) {
        m_failbackStartUs = std::max(nowUs, m_crashEndsUs);
        m_actions.push_back({m_failbackStartUs, "crash of " + oldMaster() + " ends"});
    } else if (m_forceMasterSet) {
        v1::Command c;
        c.mutable_vip_release()->set_vip(m_options.vip);
        m_forceMasterSet = false;
        send(m_precheck.successor, c, tr("release"), nowUs, out);
    } else {
        m_maintenanceSet = false;
        send(oldMaster(), vipCommand(false), tr("maintenance off"), nowUs, out);
    }
    progress(tr("failback to %1").arg(QString::fromStdString(oldMaster())), out);
    enter(Step::WaitFailback, nowUs);
}

std::vector<PlanCommand> DrillPlan::abort(const QString &why, int64_t nowUs)
{
    Commands out;
    if (m_step == Step::Idle || m_step == Step::Finished || m_step == Step::Restoring)
        return out;
    m_actions.push_back({nowUs, "abort: " + why.toStdString()});
    if (m_step == Step::Connecting || m_step == Step::Pinging || m_step == Step::Baseline) {
        finish(Outcome::Refused, why, out); // nothing moved yet
        return out;
    }
    m_failure = why;
    if (m_maintenanceSet) {
        m_maintenanceSet = false;
        send(oldMaster(), vipCommand(false), tr("restore: maintenance off"), nowUs, out);
    }
    if (m_forceMasterSet) {
        v1::Command c;
        c.mutable_vip_release()->set_vip(m_options.vip);
        m_forceMasterSet = false;
        send(m_precheck.successor, c, tr("restore: release"), nowUs, out);
    }
    progress(tr("aborted (%1): restoring %2 as master").arg(why, QString::fromStdString(oldMaster())), out);
    enter(Step::Restoring, nowUs);
    return out;
}

} // namespace hafront::drill
