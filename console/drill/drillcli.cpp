#include "drill/drillcli.h"

#include "config/configloader.h"
#include "drill/drillrunner.h"
#include "drill/linkobserver.h"

#include <QCoreApplication>
#include <QEventLoop>
#include <QFile>
#include <QJsonDocument>
#include <QSocketNotifier>

#include <csignal>
#include <cstdio>
#include <iostream>
#include <sys/socket.h>
#include <unistd.h>

namespace hafront::drill {
namespace {

const char *kDrillUsage =
    "usage: hafrontctl [--cluster FILE] drill VIP [--mode graceful|crash] [--probe URL] [--rate N]\n"
    "                  [--duration S] [--successor NODE] [--no-failback] [--precheck-only]\n"
    "                  [--json] [--json-probes] [--html FILE]\n";

int g_signalPipe[2] = {-1, -1};

void onSignal(int)
{
    const char c = 1;
    [[maybe_unused]] auto n = ::write(g_signalPipe[1], &c, 1);
}

struct CliOptions {
    DrillRunner::Options runner;
    QString clusterFile;
    bool json = false;
    bool jsonProbes = false;
    bool precheckOnly = false;
    QString html;
};

int usage(const QString &why)
{
    std::cerr << "hafrontctl: drill: " << why.toStdString() << "\n" << kDrillUsage;
    return 2;
}

// Returns an error text for usage problems; global hafrontctl options are skipped.
QString parse(const QStringList &args, CliOptions &o)
{
    bool verbSeen = !args.contains("drill");
    for (int i = 0; i < args.size(); ++i) {
        const QString a = args[i];
        auto value = [&](QString &out) {
            if (i + 1 >= args.size())
                return false;
            out = args[++i];
            return true;
        };
        QString v;
        if (a == "drill" && !verbSeen)
            verbSeen = true;
        else if (a == "--json")
            o.json = true;
        else if (a == "--json-probes")
            o.json = o.jsonProbes = true;
        else if (a == "--no-failback")
            o.runner.failback = false;
        else if (a == "--precheck-only")
            o.precheckOnly = true;
        else if (a == "--accept-new-host-key")
            continue;
        else if (a == "--socket" || a == "--ssh" || a == "--node" || a == "--timeout") {
            if (!value(v))
                return "missing value for " + a;
        } else if (a == "--cluster" || a == "--mode" || a == "--probe" || a == "--rate" || a == "--duration" ||
                   a == "--html" || a == "--successor") {
            if (!value(v))
                return "missing value for " + a;
            if (a == "--cluster")
                o.clusterFile = v;
            else if (a == "--mode") {
                if (v != "graceful" && v != "crash")
                    return "--mode is graceful or crash, not " + v;
                o.runner.mode = v == "crash" ? Mode::Crash : Mode::Graceful;
            } else if (a == "--probe")
                o.runner.probeUrl = v.toStdString();
            else if (a == "--rate") {
                o.runner.rateHz = v.toDouble();
                if (o.runner.rateHz < 1 || o.runner.rateHz > 2000)
                    return "--rate must be within 1-2000";
            } else if (a == "--duration") {
                const double s = v.toDouble();
                if (s < 3 || s > 300)
                    return "--duration must be within 3-300 seconds";
                o.runner.durationMs = int(s * 1000);
            } else if (a == "--html")
                o.html = v;
            else
                o.runner.successor = v.toStdString();
        } else if (a.startsWith("--"))
            return "unknown option " + a;
        else if (verbSeen && o.runner.vip.empty())
            o.runner.vip = a.toStdString();
        else
            return "unexpected argument " + a;
    }
    if (o.runner.vip.empty())
        return "which VIP?";
    if (o.clusterFile.isEmpty())
        o.clusterFile = qEnvironmentVariable("HAFRONT_CLUSTER", "/etc/hafront/cluster.conf");
    return {};
}

void printText(const DrillReport &r)
{
    std::printf("drill of VIP %s (%s), probing %s at %.0f/s\n", r.vip.c_str(), modeName(r.mode), r.probeUrl.c_str(),
                r.rateHz);
    if (!r.completed)
        std::printf("ABORTED: %s\n", r.abortReason.c_str());
    std::printf("downtime_ms %.1f   predicted_ms %.1f   probes %d, failed %d\n", r.downtimeMs, r.predictedMs,
                r.probesTotal, r.probesFailed);
    std::printf("master %s -> %s -> %s\n", r.oldMaster.c_str(), r.newMaster.c_str(), r.finalMaster.c_str());
    for (const auto &p : r.phases)
        std::printf("  %-9s downtime %7.1f ms  predicted %7.1f ms  probes %5d  failed %4d%s\n", p.name.c_str(),
                    p.downtimeMs, p.predictedMs, p.probesTotal, p.probesFailed, p.recovered ? "" : "  NOT RECOVERED");
    for (const auto &[node, o] : r.offsets)
        std::printf("  clock %s: offset %.3f ms (rtt %.3f ms)\n", node.c_str(), o.monoOffsetUs / 1000.0,
                    o.rttUs / 1000.0);
    std::printf("timeline:\n");
    for (const auto &t : r.timeline)
        std::printf("  %9.1f ms  %-6s %s\n", t.atMs, t.source.c_str(), t.text.c_str());
}

} // namespace

int runDrillCli(const QStringList &args)
{
    CliOptions o;
    if (args.contains("--help"))
        return std::cout << kDrillUsage, 0;
    if (const QString why = parse(args, o); !why.isEmpty())
        return usage(why);
    const auto loaded = config::loadClusterFile(o.clusterFile.toStdString());
    if (!loaded.ok())
        return usage(QString::fromStdString(loaded.errors[0].format()));
    o.runner.cluster = loaded.cluster;
    std::unique_ptr<QCoreApplication> ownApp;
    static int argc = 1;
    static char name[] = "hafrontctl";
    static char *argv[] = {name, nullptr};
    if (!QCoreApplication::instance())
        ownApp = std::make_unique<QCoreApplication>(argc, argv);

    LinkObserver observer(o.runner.cluster);
    DrillRunner runner(o.runner, observer);
    QEventLoop loop;
    int exitCode = 0;
    QObject::connect(&runner, &DrillRunner::progress,
                     [](const QString &t) { std::cerr << "drill: " << t.toStdString() << std::endl; });
    QObject::connect(&runner, &DrillRunner::finished, [&](DrillRunner::Outcome outcome) {
        exitCode = int(outcome);
        loop.quit();
    });
    ::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, g_signalPipe);
    QSocketNotifier notifier(g_signalPipe[0], QSocketNotifier::Read);
    QObject::connect(&notifier, &QSocketNotifier::activated, [&] {
        char c;
        [[maybe_unused]] auto n = ::read(g_signalPipe[0], &c, 1);
        runner.abort(QObject::tr("interrupted"));
    });
    auto oldInt = std::signal(SIGINT, onSignal);
    auto oldTerm = std::signal(SIGTERM, onSignal);
    runner.start(o.precheckOnly);
    loop.exec();
    std::signal(SIGINT, oldInt);
    std::signal(SIGTERM, oldTerm);
    ::close(g_signalPipe[0]);
    ::close(g_signalPipe[1]);

    const DrillReport &r = runner.report();
    if (!runner.failure().isEmpty())
        std::cerr << "hafrontctl: drill " << (r.completed || r.phases.empty() ? "refused: " : "aborted: ")
                  << runner.failure().toStdString() << "\n";
    if (exitCode == 0 && !r.completed && !o.precheckOnly)
        exitCode = 1;
    if (o.precheckOnly) {
        for (const auto &c : runner.prechecks().checks)
            std::printf("%-20s %s\n", c.name.c_str(), c.ok ? "ok" : c.reason.c_str());
        return exitCode;
    }
    if (r.zeroMonoUs == 0)
        return exitCode; // refused before probing: nothing to report
    if (o.json)
        std::cout << QJsonDocument(toJson(r, o.jsonProbes)).toJson(QJsonDocument::Indented).toStdString();
    else
        printText(r);
    if (!o.html.isEmpty()) {
        QFile f(o.html);
        if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate)) {
            std::cerr << "hafrontctl: drill: cannot write " << o.html.toStdString() << ": "
                      << f.errorString().toStdString() << "\n";
            return exitCode ? exitCode : 1;
        }
        f.write(QByteArray::fromStdString(toHtml(r)));
    }
    return exitCode;
}

} // namespace hafront::drill
