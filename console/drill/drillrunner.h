// DrillRunner: carries out a DrillPlan against a live cluster seen through a
// ClusterObserver — the VIP's nodes, clock-offset pings, the prober, the
// plan's commands — and produces a DrillReport. Async on the caller's Qt event
// loop; used by `hafrontctl drill` (LinkObserver) and the console
// (ModelObserver). Every decision is the plan's; it opens no links itself.
#pragma once

#include "drill/clusterobserver.h"
#include "drill/drillplan.h"
#include "drill/drillreport.h"
#include "drill/prober.h"

#include <QObject>
#include <QTimer>

#include <map>
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
    using Outcome = drill::Outcome;

    // `observer` must outlive the runner.
    DrillRunner(Options options, ClusterObserver &observer, QObject *parent = nullptr);
    ~DrillRunner() override;

    // Connects and pre-checks; runs the drill unless `precheckOnly`.
    void start(bool precheckOnly = false);
    // Stops the drill and puts the VIP back where it was (also after a timeout).
    void abort(const QString &why);

    const DrillReport &report() const { return m_report; }
    const PrecheckResult &prechecks() const;
    QString failure() const { return m_failure; }
    bool running() const { return m_plan && m_plan->running(); }

    // The probe URL a drill of `vip` uses by default: the listener on its address.
    static Result<std::string> defaultProbeUrl(const v1::Cluster &cluster, const std::string &vip);

signals:
    void progress(const QString &text);
    void prechecked(const hafront::drill::PrecheckResult &result);
    void probesArrived(const std::vector<hafront::drill::ProbeResult> &probes);
    void finished(hafront::drill::Outcome outcome);

private:
    void tick();
    void carryOut(const std::vector<PlanCommand> &commands);
    Observation observe();
    void pingAll(size_t node, int remaining);
    bool startProbing(QString *why);
    void finish(Outcome outcome, const QString &failure);
    void finishReport();
    std::vector<AgentEvent> vipEvents() const; // the observer's events about the VIP since start()

    Options m_options;
    ClusterObserver &m_observer;
    std::unique_ptr<DrillPlan> m_plan;
    DrillReport m_report;
    QString m_failure;
    bool m_opened = false;
    std::map<std::string, uint64_t> m_seqAtStart; // per node: events after it are this drill's
    std::map<std::string, std::vector<PingSample>> m_pings;
    bool m_clocksMeasured = false;
    std::vector<Observation::Reply> m_replies;
    std::unique_ptr<Prober> m_prober;
    QTimer m_tick;
};

} // namespace hafront::drill

Q_DECLARE_METATYPE(hafront::drill::PrecheckResult)
