#include "agent.h"

#include "base/clock.h"
#include "base/liveness.h"
#include "base/log.h"
#include "config/configloader.h"
#include "config/defaults.h"
#include "config/snapshotstore.h"
#include "events/eventlog.h"
#include "control/auditlog.h"
#include "control/commandhandler.h"
#include "control/controlserver.h"
#include "control/statefile.h"
#include "metrics/metricsserver.h"
#include "proxy/proxyengine.h"
#include "vip/vipmanager.h"

#include <QCoreApplication>
#include <QSocketNotifier>
#include <QTimer>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <thread>
#include <sys/signalfd.h>
#include <systemd/sd-daemon.h>
#include <unistd.h>

namespace hafront::agent {
namespace {

// Signals arrive through a signalfd so that the handlers run on the event loop.
int blockSignalsIntoFd()
{
    sigset_t mask;
    sigemptyset(&mask);
    for (int s : {SIGTERM, SIGINT, SIGHUP, SIGUSR1})
        sigaddset(&mask, s);
    pthread_sigmask(SIG_BLOCK, &mask, nullptr);
    return signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
}

void printDiagnostics(const config::LoadResult &loaded)
{
    for (const auto &w : loaded.warnings)
        std::cerr << w.format() << "\n";
    for (const auto &e : loaded.errors)
        std::cerr << e.format() << "\n";
}

// SIGHUP: re-read the config and swap it in; an invalid file is refused with
// its errors and the running config stays.
void reload(const AgentOptions &options, config::SnapshotStore &store, events::EventLog &events)
{
    auto loaded = config::loadClusterFile(options.configPath);
    printDiagnostics(loaded);
    std::map<std::string, std::string> fields{{"file", options.configPath}};
    if (!loaded.ok()) {
        fields["result"] = "refused";
        events.record(v1::CONFIG, "config", "reload refused, keeping the running config: " + loaded.errors[0].format(),
                      fields, wallMicros(), monoMicros());
        return;
    }
    bool present = false;
    for (const auto &n : loaded.cluster.node())
        present |= n.name() == options.node;
    if (!present) {
        fields["result"] = "refused";
        events.record(v1::CONFIG, "config", "reload refused: node " + options.node + " is not in the new config",
                      fields, wallMicros(), monoMicros());
        return;
    }
    const std::string metricsBefore = store.current()->self() ? store.current()->self()->metrics_listen() : "";
    const auto next = store.replaceCluster(std::make_shared<const v1::Cluster>(std::move(loaded.cluster)));
    fields["result"] = "ok";
    events.record(v1::CONFIG, "config", "reloaded " + config::summarize(*next->cluster), fields, wallMicros(),
                  monoMicros());
    // Like the control socket, the metrics address is bound once, at start.
    if (const std::string after = next->self() ? next->self()->metrics_listen() : ""; after != metricsBefore)
        events.record(v1::CONFIG, "config",
                      "metrics_listen changed from '" + metricsBefore + "' to '" + after +
                          "': takes effect when the agent restarts",
                      {{"file", options.configPath}, {"from", metricsBefore}, {"to", after}}, wallMicros(),
                      monoMicros());
}

} // namespace

int runAgent(const AgentOptions &options)
{
    auto loaded = config::loadClusterFile(options.configPath);
    printDiagnostics(loaded);
    if (!loaded.ok())
        return 1;

    auto snapshot = std::make_shared<config::Snapshot>();
    snapshot->cluster = std::make_shared<const v1::Cluster>(std::move(loaded.cluster));
    snapshot->node = options.node;
    if (!snapshot->self()) {
        std::string names;
        for (const auto &n : snapshot->cluster->node())
            names += (names.empty() ? "" : ", ") + n.name();
        std::cerr << "hafront-agent: node '" << options.node << "' is not in " << options.configPath
                  << " (nodes: " << names << ")\n";
        return 1;
    }

    const v1::Node &self = *snapshot->self();
    const std::string stateDir =
        options.stateDir.empty() ? config::stateDirOf(*snapshot->cluster, self) : options.stateDir;
    const std::string socketPath = options.socketPath.empty() ? config::controlSocketOf(self) : options.socketPath;
    std::error_code ec;
    std::filesystem::create_directories(stateDir, ec);
    if (ec) {
        std::cerr << "hafront-agent: cannot create state dir " << stateDir << ": " << ec.message() << "\n";
        return 1;
    }
    control::StateFile stateFile(stateDir + "/state.txtpb");
    auto stateLoaded = stateFile.load();
    snapshot->overrides = stateLoaded.state;
    if (config::pruneOverrides(*snapshot->cluster, snapshot->overrides) > 0)
        log::warning("agent", "dropped overrides that no longer match the config");

    // OpenSSL's socket BIO writes with write(2), not send(MSG_NOSIGNAL): a
    // write to a connection the client reset would raise SIGPIPE, whose
    // default action ends the whole agent. Ignored, as nginx and HAProxy do;
    // every write checks for EPIPE. (Qt's local socket code ignores it too,
    // but only once the control socket first writes.)
    std::signal(SIGPIPE, SIG_IGN);
    // Blocked before any thread starts so that every thread inherits the mask.
    const int signalFd = blockSignalsIntoFd();
    int argc = 1;
    char name[] = "hafront-agent";
    char *argv[] = {name, nullptr};
    QCoreApplication app(argc, argv);

    config::SnapshotStore store(snapshot);
    events::EventLog events(options.node);
    if (!stateLoaded.problem.empty()) {
        log::error("agent", stateLoaded.problem);
        events.record(v1::AGENT, "state", stateLoaded.problem, {{"file", stateFile.path()}}, wallMicros(),
                      monoMicros());
    }
    proxy::ProxyEngine proxy(store, events);
    vip::VipManager vips(store, events, [&proxy] { return proxy.canServe(); });
    Liveness liveness;

    if (auto ok = proxy.start(&liveness); !ok) {
        std::cerr << "hafront-agent: " << ok.error() << "\n";
        return 1;
    }
    if (auto ok = vips.start(&liveness); !ok) {
        std::cerr << "hafront-agent: " << ok.error() << "\n";
        proxy.stop(std::chrono::milliseconds(0));
        return 1;
    }
    const int64_t startedMono = monoMicros();
    const double startedWallSeconds = double(wallMicros()) / 1e6;
    uint64_t statusSeq = 0;
    auto buildStatus = [&]() {
        v1::NodeStatus status;
        const auto snap = store.current();
        status.set_node(snap->node);
        status.set_cluster(snap->cluster->name());
        status.set_address(snap->self() ? snap->self()->address() : "");
        status.set_agent_version(HAFRONT_VERSION);
        status.set_mono_time_us(monoMicros());
        status.set_wall_time_us(wallMicros());
        status.set_uptime_ms(static_cast<uint64_t>((status.mono_time_us() - startedMono) / 1000));
        status.set_status_seq(++statusSeq);
        status.set_last_event_seq(events.lastSeq());
        status.set_config_generation(snap->generation);
        status.set_period_ms(config::statusPeriodMs(*snap->cluster));
        proxy.fillStatus(status);
        vips.fillStatus(status);
        for (const auto &t : liveness.states(monoMicros())) {
            auto *ts = status.add_threads();
            ts->set_name(t.name);
            ts->set_stalled(t.stalled);
            ts->set_since_progress_ms(uint64_t(std::max<int64_t>(0, t.sinceBeatMicros) / 1000));
            ts->set_max_gap_ms(uint64_t(t.maxGapMicros / 1000));
            ts->set_long_gaps(t.longGaps);
        }
        return status;
    };
    // Rates (req/s) are differences between samples; sample every second even
    // when nobody watches, so a one-shot `hafrontctl status` shows real rates.
    QTimer rateSampler;
    QObject::connect(&rateSampler, &QTimer::timeout, [&] {
        v1::NodeStatus discard;
        proxy.fillStatus(discard);
    });
    rateSampler.start(1000);
    control::AuditLog audit(stateDir + "/audit.jsonl");
    control::CommandHandler commands({store, events, vips, stateFile, audit, buildStatus});
    control::ControlServer server(commands, events, buildStatus, config::statusPeriodMs(*snapshot->cluster));
    if (auto ok = server.listen(socketPath, options.node, snapshot->cluster->name()); !ok) {
        std::cerr << "hafront-agent: " << ok.error() << "\n";
        vips.stop(false);
        proxy.stop(std::chrono::milliseconds(0));
        return 1;
    }
    // A metrics address that cannot be bound stops the start, as nginx and
    // haproxy do for their listeners: a silently missing endpoint looks like a dead node.
    metrics::MetricsServer metricsServer(buildStatus, startedWallSeconds);
    const std::string metricsListen = self.metrics_listen();
    if (!metricsListen.empty()) {
        if (auto ok = metricsServer.listen(metricsListen); !ok) {
            std::cerr << "hafront-agent: " << ok.error() << "\n";
            vips.stop(false);
            proxy.stop(std::chrono::milliseconds(0));
            return 1;
        }
    }
    std::map<std::string, std::string> startFields{{"node", options.node}, {"socket", socketPath}};
    if (!metricsListen.empty())
        startFields["metrics"] = metricsListen;
    events.record(v1::AGENT, "agent",
                  "agent started node=" + options.node + " socket=" + socketPath +
                      (metricsListen.empty() ? "" : " metrics=" + metricsListen),
                  startFields, wallMicros(), monoMicros());

    // Every watched thread is checked four times a second. A stalled one is
    // an event; a stalled proxy or health thread fails self-tracking (the VRRP
    // thread lowers the priority and the VIP moves, proxy/proxyengine.cpp).
    QTimer livenessCheck;
    QObject::connect(&livenessCheck, &QTimer::timeout, [&] {
        const int64_t limit = int64_t(config::stallTimeoutMs(*store.current()->cluster)) * 1000;
        for (const auto &c : liveness.check(monoMicros(), limit)) {
            char silent[32];
            std::snprintf(silent, sizeof silent, "%.1f", double(c.silentMicros) / 1e6);
            const std::string what =
                c.stalled
                    ? "thread " + c.thread + " made no progress for " + silent +
                          " s: " + (c.role == Heartbeat::Role::Serving ? "the node stops claiming its VIPs and " : "") +
                          "the systemd watchdog is no longer fed"
                    : "thread " + c.thread + " makes progress again";
            if (c.stalled)
                log::error("agent", what);
            events.record(v1::AGENT, "thread " + c.thread, what,
                          {{"thread", c.thread}, {"state", c.stalled ? "stalled" : "running"}, {"silent_s", silent}},
                          wallMicros(), monoMicros());
        }
    });
    livenessCheck.start(250);

    // systemd: READY once serving; watchdog pings only while every watched
    // thread makes progress (and the event loop runs), so a stuck worker, a
    // stuck VRRP thread or a wedged loop gets the agent restarted.
    sd_notify(0, "READY=1");
    QTimer watchdog;
    uint64_t watchdogUsec = 0;
    if (sd_watchdog_enabled(0, &watchdogUsec) > 0 && watchdogUsec > 0) {
        QObject::connect(&watchdog, &QTimer::timeout, [&liveness] {
            if (liveness.allLive())
                sd_notify(0, "WATCHDOG=1");
        });
        watchdog.start(static_cast<int>(watchdogUsec / 2000));
    }

    QSocketNotifier notifier(signalFd, QSocketNotifier::Read);
    QObject::connect(&notifier, &QSocketNotifier::activated, [&] {
        signalfd_siginfo info{};
        while (::read(signalFd, &info, sizeof info) == sizeof info) {
            if (info.ssi_signo == SIGUSR1) {
                proxy.reopenLogs();
            } else if (info.ssi_signo == SIGHUP) {
                sd_notify(0, "RELOADING=1");
                reload(options, store, events);
                sd_notify(0, "READY=1");
            } else if (info.ssi_signo == SIGTERM || info.ssi_signo == SIGINT) {
                log::info("agent", "stopping signal=" + std::to_string(info.ssi_signo));
                // The stop ends within drain_timeout_ms + 1 s whatever the
                // threads do: a stuck worker never finishes its drain, and a
                // systemctl restart must not wait for the unit's stop timeout.
                const auto limit = std::chrono::milliseconds(config::drainTimeoutMs(*store.current()->cluster) + 1000);
                std::thread([limit] {
                    std::this_thread::sleep_for(limit);
                    log::error("agent",
                               "stop did not finish within drain_timeout_ms + 1 s (a thread is stuck): exiting now");
                    std::_Exit(1);
                }).detach();
                app.quit();
            }
        }
    });
    const int code = app.exec();
    sd_notify(0, "STOPPING=1");
    vips.stop(true);
    proxy.stop(std::chrono::milliseconds(config::drainTimeoutMs(*store.current()->cluster)));
    ::close(signalFd);
    return code;
}

} // namespace hafront::agent
