// DrillRunner: runs one failover drill against a live cluster — pre-checks,
// clock offsets, probing, the move (graceful handover or simulated crash),
// failback, and restore on abort — and produces a DrillReport. Async on the
// caller's Qt event loop; used by `hafrontctl drill` and the console.
#pragma once

#include "drill/drillreport.h"
#include "drill/prober.h"
#include "link/agentlink.h"

#include <QElapsedTimer>
#include <QObject>
#include <QTimer>

#include <memory>
#include <vector>

namespace hafront::drill {

class DrillRunner : public QObject {
    Q_OBJECT
public:
    struct Options {
        v1::Cluster cluster;
        std::string vip;
        Mode mode = Mode::Graceful;
        std::string probeUrl; // empty: the listener bound on the VIP's address
        double rateHz = 200;
        int durationMs = 6000; // probing in all, baseline and failback included
        bool failback = true;
        std::string successor; // graceful: force-master on this node instead of maintenance on the master
        int connectTimeoutMs = 3000;
        int probeTimeoutMs = 500;
    };
    enum class Outcome { Done = 0, Refused = 1, Unreachable = 3 };
    Q_ENUM(Outcome)

    explicit DrillRunner(Options options, QObject *parent = nullptr);
    ~DrillRunner() override;

    // Connects and pre-checks; runs the drill unless `precheckOnly`.
    void start(bool precheckOnly = false);
    // Stops the drill and puts the VIP back where it was (also after a timeout).
    void abort(const QString &why);

    const DrillReport &report() const { return m_report; }
    const PrecheckResult &prechecks() const { return m_precheck; }
    QString failure() const { return m_failure; }
    bool running() const { return m_step != Step::Idle && m_step != Step::Finished; }

    // The probe URL a drill of `vip` uses by default: the listener on its address.
    static Result<std::string> defaultProbeUrl(const v1::Cluster &cluster, const std::string &vip);

signals:
    void progress(const QString &text);
    void prechecked(const hafront::drill::PrecheckResult &result);
    void probesArrived(const std::vector<hafront::drill::ProbeResult> &probes);
    void finished(hafront::drill::DrillRunner::Outcome outcome);

private:
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

    void tick();
    void onConnectingTick();
    void runPrechecks();
    void pingAll(size_t node, int remaining);
    void startProbing();
    void makeMove();
    void startFailback();
    void finish(Outcome outcome, const QString &failure = {});
    void finishReport();
    void send(const std::string &node, v1::Command command, const QString &what,
              std::function<void(bool ok, const QString &error)> done = {});
    link::AgentLink *linkOf(const std::string &node) const;
    std::string masterNow() const; // the single master by status, "" if none or several
    void enter(Step step);
    int64_t sinceStepMs() const;

    Options m_options;
    DrillReport m_report;
    PrecheckResult m_precheck;
    QString m_failure;
    Step m_step = Step::Idle;
    bool m_precheckOnly = false;
    std::vector<std::unique_ptr<link::AgentLink>> m_links;
    std::map<std::string, std::vector<PingSample>> m_pings;
    std::unique_ptr<Prober> m_prober;
    std::vector<RunnerAction> m_actions;
    std::vector<AgentEvent> m_events;
    QTimer m_tick;
    int64_t m_stepStartUs = 0;
    int64_t m_failoverStartUs = 0;
    int64_t m_failbackStartUs = 0;
    int64_t m_holdMs = 0;
    bool m_maintenanceSet = false;
    bool m_forceMasterSet = false;
    int64_t m_crashEndsUs = 0;
    Outcome m_abortOutcome = Outcome::Refused;
};

} // namespace hafront::drill

Q_DECLARE_METATYPE(hafront::drill::PrecheckResult)
