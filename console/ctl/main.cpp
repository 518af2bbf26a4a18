// hafrontctl: the operator's commands on the command line, JSON for scripts.
// Exit codes: 0 done, 1 refused, 2 usage, 3 unreachable.
#include "config/configloader.h"
#include "config/defaults.h"
#include "ctl/importcli.h"
#include "ctl/nodefanout.h"
#include "ctl/statustable.h"
#include "ctl/viptimers.h"

#if __has_include("drill/drillcli.h")
#include "drill/drillcli.h"
#define HAFRONT_HAVE_DRILL 1
#endif

#include <QCoreApplication>
#include <QFileInfo>
#include <QLocalSocket>
#include <QSocketNotifier>

#include <iostream>
#include <unistd.h>

using namespace hafront;

namespace {

const char *kUsage = "usage: hafrontctl [--socket PATH | --ssh [USER@]HOST[:PORT] | --cluster FILE [--node NAME]]\n"
                     "                  [--accept-new-host-key] [--json] [--timeout MS] [--verbose] COMMAND\n"
                     "  (with --ssh, --socket PATH is the agent's socket on that host)\n"
                     "  status [--json] [--watch [--count N]]   events [--follow [--count N]] [--last N]\n"
                     "  set-weight POOL BACKEND N               set-state POOL BACKEND ready|drain|maint\n"
                     "  vip maintenance VIP on|off              vip force-master VIP      vip release VIP\n"
                     "  drill VIP [--mode graceful|crash] [--probe URL] [--rate N] [--duration S]\n"
                     "            [--no-failback] [--json] [--html FILE]\n"
                     "  check-config FILE                       vip-timers FILE [--json]\n"
                     "  dial-stdio\n"
                     "  import [--nginx FILE] [--keepalived NODE=FILE]... [--node NODE=ADDRESS]... [-o OUT]\n"
                     "         [--report-json FILE]             (hafrontctl import --help for more)\n"
                     "exit codes: 0 done, 1 refused, 2 usage, 3 unreachable\n";

int usage(const std::string &why)
{
    std::cerr << "hafrontctl: " << why << "\n" << kUsage;
    return 2;
}

int checkConfig(const std::string &path)
{
    const auto result = config::loadClusterFile(path);
    for (const auto &e : result.errors)
        std::cout << e.format() << "\n";
    for (const auto &w : result.warnings)
        std::cout << w.format() << "\n";
    if (!result.ok())
        return 1;
    std::cout << path << ": ok: " << config::summarize(result.cluster) << "\n";
    return 0;
}

// Bridges stdin/stdout to the local agent socket: the far end of an SSH exec
// channel when streamlocal forwarding is not allowed.
int dialStdio(const QString &socketPath)
{
    if (!QFileInfo::exists(socketPath)) {
        std::cerr << "hafrontctl: no agent socket at " << socketPath.toStdString() << " (is hafront-agent running?)\n";
        return 3;
    }
    QLocalSocket socket;
    socket.connectToServer(socketPath);
    if (!socket.waitForConnected(3000)) {
        std::cerr << "hafrontctl: cannot reach " << socketPath.toStdString() << ": "
                  << socket.errorString().toStdString() << "\n";
        return 3;
    }
    QSocketNotifier in(STDIN_FILENO, QSocketNotifier::Read);
    QObject::connect(&in, &QSocketNotifier::activated, [&] {
        char buf[65536];
        const ssize_t n = ::read(STDIN_FILENO, buf, sizeof buf);
        if (n <= 0) {
            socket.disconnectFromServer();
            QCoreApplication::quit();
            return;
        }
        socket.write(buf, n);
    });
    QObject::connect(&socket, &QLocalSocket::readyRead, [&] {
        const QByteArray bytes = socket.readAll();
        for (qsizetype done = 0; done < bytes.size();) {
            const ssize_t n =
                ::write(STDOUT_FILENO, bytes.constData() + done, static_cast<size_t>(bytes.size() - done));
            if (n <= 0)
                return QCoreApplication::quit();
            done += n;
        }
    });
    QObject::connect(&socket, &QLocalSocket::disconnected, [] { QCoreApplication::quit(); });
    return QCoreApplication::exec();
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    std::vector<std::string> args(argv + 1, argv + argc);
    ctl::Targeting targeting;
    bool json = false;
    size_t i = 0;
    auto value = [&](std::string &out) {
        if (i + 1 >= args.size())
            return false;
        out = args[++i];
        return true;
    };
    for (; i < args.size() && args[i].rfind("--", 0) == 0; ++i) {
        const std::string &a = args[i];
        std::string v;
        if (a == "--help")
            return std::cout << kUsage, 0;
        if (a == "--json")
            json = true;
        else if (a == "--accept-new-host-key")
            targeting.acceptNewHostKey = true;
        else if (a == "--verbose")
            targeting.verbose = true;
        else if ((a == "--socket" || a == "--ssh" || a == "--cluster" || a == "--node" || a == "--timeout") &&
                 value(v)) {
            if (a == "--socket")
                targeting.socketPath = v;
            if (a == "--ssh")
                targeting.ssh = v;
            if (a == "--cluster")
                targeting.clusterFile = v;
            if (a == "--node")
                targeting.node = v;
            if (a == "--timeout")
                targeting.timeoutMs = std::atoi(v.c_str());
        } else
            return usage("unknown or incomplete option " + a);
    }
    std::vector<std::string> cmd(args.begin() + static_cast<long>(i), args.end());
    if (cmd.empty())
        return usage("no command");
    if (cmd[0] == "import") // its own options (--node NODE=ADDRESS is not the global --node)
        return ctl::runImportCli({cmd.begin() + 1, cmd.end()});
    // Options after the command word apply too (hafrontctl status --json).
    std::vector<std::string> rest;
    for (const auto &a : cmd)
        if (a == "--json")
            json = true;
        else
            rest.push_back(a);
    cmd = rest;
    const std::string &verb = cmd[0];

    if (verb == "check-config")
        return cmd.size() == 2 ? checkConfig(cmd[1]) : usage("check-config takes one FILE");
    if (verb == "vip-timers")
        return cmd.size() == 2 ? ctl::printVipTimers(cmd[1], json) : usage("vip-timers takes one FILE");
    if (verb == "dial-stdio")
        return dialStdio(QString::fromStdString(
            targeting.socketPath.empty() ? std::string(config::kDefaultControlSocket) : targeting.socketPath));
    if (verb == "drill") {
#ifdef HAFRONT_HAVE_DRILL
        QStringList drillArgs;
        for (const auto &a : args)
            drillArgs << QString::fromStdString(a);
        return drill::runDrillCli(drillArgs);
#else
        std::cerr << "hafrontctl: drill is not available in this build\n";
        return 1;
#endif
    }
    ctl::NodeFanout fanout(targeting);
    if (auto ok = fanout.resolve(); !ok)
        return usage(ok.error());
    return fanout.run(cmd, json);
}
