#include "agent.h"

#include "base/clock.h"
#include "base/log.h"
#include "config/configloader.h"
#include "config/defaults.h"
#include "config/snapshotstore.h"
#include "events/eventlog.h"
#include "proxy/proxyengine.h"
#include "vip/vipmanager.h"

#include <QCoreApplication>
#include <QSocketNotifier>

#include <csignal>
#include <iostream>
#include <sys/signalfd.h>
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

} // namespace

int runAgent(const AgentOptions &options)
{
    auto loaded = config::loadClusterFile(options.configPath);
    for (const auto &w : loaded.warnings)
        std::cerr << w.format() << "\n";
    for (const auto &e : loaded.errors)
        std::cerr << e.format() << "\n";
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

    // Blocked before any thread starts so that every thread inherits the mask.
    const int signalFd = blockSignalsIntoFd();
    int argc = 1;
    char name[] = "hafront-agent";
    char *argv[] = {name, nullptr};
    QCoreApplication app(argc, argv);

    config::SnapshotStore store(snapshot);
    events::EventLog events(options.node);
    proxy::ProxyEngine proxy(store, events);
    vip::VipManager vips(store, events, [&proxy] { return proxy.canServe(); });

    if (auto ok = proxy.start(); !ok) {
        std::cerr << "hafront-agent: " << ok.error() << "\n";
        return 1;
    }
    if (auto ok = vips.start(); !ok) {
        std::cerr << "hafront-agent: " << ok.error() << "\n";
        proxy.stop(std::chrono::milliseconds(0));
        return 1;
    }
    events.record(v1::AGENT, "agent", "agent started node=" + options.node, {{"node", options.node}}, wallMicros(),
                monoMicros());

    QSocketNotifier notifier(signalFd, QSocketNotifier::Read);
    QObject::connect(&notifier, &QSocketNotifier::activated, [&] {
        signalfd_siginfo info{};
        while (::read(signalFd, &info, sizeof info) == sizeof info) {
            if (info.ssi_signo == SIGUSR1) {
                proxy.reopenLogs();
            } else if (info.ssi_signo == SIGTERM || info.ssi_signo == SIGINT) {
                log::info("agent", "stopping signal=" + std::to_string(info.ssi_signo));
                app.quit();
            }
        }
    });
    const int code = app.exec();
    vips.stop(true);
    proxy.stop(std::chrono::milliseconds(config::drainTimeoutMs(*store.current()->cluster)));
    ::close(signalFd);
    return code;
}

} // namespace hafront::agent
