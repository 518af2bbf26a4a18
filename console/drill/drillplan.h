// DrillPlan: the steps of one failover drill as a pure plan — pre-checks,
// baseline, the move (graceful handover or simulated crash), hold, failback,
// restore on abort. `step(observation, now)` returns the commands to carry
// out; no I/O, no clock, no links. DrillRunner is its adapter.
#pragma once

#include "drill/downtime.h"
#include "drill/precheck.h"
#include "drill/timeline.h"

#include <QCoreApplication>
#include <QString>

#include <optional>
#include <string>
#include <vector>

namespace hafront::drill {

enum class Outcome { Done = 0, Refused = 1, Unreachable = 3 }; // hafrontctl's exit codes

struct PlanOptions {
    v1::Cluster cluster;
    std::string vip;
    Mode mode = Mode::Graceful;
    int durationMs = 6000; // probing in all, baseline and failback included
    bool failback = true;
    std::string successor; // graceful: force-master on this node instead of maintenance on the master
    int connectTimeoutMs = 3000;
    bool precheckOnly = false;
};

// What the adapter saw since the last step.
struct Observation {
    std::vector<NodeView> nodes; // the VIP's nodes: reachable, last status
    bool clocksMeasured = false; // the ping rounds are over
    int probesOk = 0;            // successful probes so far
    std::string lastProbeError;  // the latest failed probe's reason
    struct Reply {
        uint64_t id = 0; // PlanCommand::id of a Send
        bool ok = false;
        std::string error;
    };
    std::vector<Reply> replies; // answers that arrived since the last step
};

struct PlanCommand {
    enum class Kind {
        Send,          // `command` to `node`; answer with a Reply carrying `id`
        Progress,      // `text` for the operator
        Prechecked,    // precheck() is ready
        MeasureClocks, // ping every node, then set Observation::clocksMeasured
        StartProbing,  // start the prober now (zero of the time axis)
        Finish         // stop probing, write the report: `outcome`, `text` = failure
    };
    Kind kind = Kind::Progress;
    uint64_t id = 0;
    std::string node;
    v1::Command command;
    QString text;
    Outcome outcome = Outcome::Done;
};

class DrillPlan {
    Q_DECLARE_TR_FUNCTIONS(hafront::drill::DrillRunner) // keeps the runner's translations
public:
    enum class Step {
        Idle,
        Connecting,
        Pinging,
        Baseline,
        WaitNewMaster,
        Hold,
        WaitFailback,
        Tail,
        Restoring,
        Finished
    };
    static constexpr int kBaselineMs = 1000;

    explicit DrillPlan(PlanOptions options);

    // The nodes the drill talks to (the VIP's), in config order.
    const std::vector<std::string> &nodes() const { return m_nodes; }

    std::vector<PlanCommand> start(int64_t nowUs);
    std::vector<PlanCommand> step(const Observation &observation, int64_t nowUs);
    // Stops the drill and puts the VIP back where it was.
    std::vector<PlanCommand> abort(const QString &why, int64_t nowUs);
    // Something the adapter could not do before the move (probe URL, prober).
    std::vector<PlanCommand> refuse(const QString &why);

    Step current() const { return m_step; }
    bool running() const { return m_step != Step::Idle && m_step != Step::Finished; }

    // What the report is made of.
    uint32_t advertMs() const { return m_advertMs; }
    const PrecheckResult &prechecks() const { return m_precheck; }
    const std::string &oldMaster() const { return m_precheck.master; }
    const std::string &newMaster() const { return m_newMaster; }
    const std::string &finalMaster() const { return m_finalMaster; }
    int64_t zeroUs() const { return m_zeroUs; }
    int64_t failoverStartUs() const { return m_failoverStartUs; }
    int64_t failbackStartUs() const { return m_failbackStartUs; }
    int64_t holdMs() const { return m_holdMs; }
    const std::vector<RunnerAction> &actions() const { return m_actions; }

    // The move may take twice the backup's Master_Down_Interval, plus slack for links.
    int moveTimeoutMs() const;

private:
    using Commands = std::vector<PlanCommand>;
    void enter(Step step, int64_t nowUs);
    int64_t sinceStepMs(int64_t nowUs) const { return (nowUs - m_stepStartUs) / 1000; }
    std::string masterNow() const;
    void handleReplies(const Observation &observation, int64_t nowUs, Commands &out);
    void prechecks(int64_t nowUs, Commands &out);
    void makeMove(int64_t nowUs, Commands &out);
    void startFailback(int64_t nowUs, Commands &out);
    uint64_t send(const std::string &node, v1::Command command, const QString &what, int64_t nowUs, Commands &out);
    void progress(const QString &text, Commands &out);
    void finish(Outcome outcome, const QString &failure, Commands &out);
    v1::Command vipCommand(bool maintenanceOn) const;

    PlanOptions m_options;
    std::vector<std::string> m_nodes;
    uint32_t m_advertMs = 0;
    Step m_step = Step::Idle;
    int64_t m_stepStartUs = 0;
    std::vector<NodeView> m_seen; // the latest observation's nodes
    PrecheckResult m_precheck;
    std::string m_newMaster;
    std::string m_finalMaster;
    int64_t m_zeroUs = 0;
    int64_t m_failoverStartUs = 0;
    int64_t m_failbackStartUs = 0;
    int64_t m_holdMs = 0;
    int64_t m_crashEndsUs = 0;
    bool m_maintenanceSet = false;
    bool m_forceMasterSet = false;
    uint64_t m_nextId = 1;
    uint64_t m_moveId = 0; // the Send whose refusal aborts the drill
    std::vector<RunnerAction> m_actions;
    std::vector<std::pair<uint64_t, std::string>> m_pending; // id -> "what -> node" of unanswered sends
    QString m_failure;
};

} // namespace hafront::drill
