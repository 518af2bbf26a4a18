// hafrontctl: the operator's commands on the command line, JSON for scripts.
// Exit codes: 0 done, 1 refused, 2 usage, 3 unreachable.
#include "config/configloader.h"

#include <iostream>
#include <string>
#include <vector>

namespace {

const char *kUsage =
    "usage: hafrontctl [--socket PATH | --ssh [USER@]HOST[:PORT] | --cluster FILE] COMMAND\n"
    "  status [--json] [--watch]      events [--follow]\n"
    "  set-weight POOL BACKEND N      set-state POOL BACKEND ready|drain|maint\n"
    "  vip maintenance VIP on|off     vip force-master VIP     vip release VIP\n"
    "  drill VIP [--mode graceful|crash] [--probe URL] [--rate N] [--duration S]\n"
    "            [--no-failback] [--json] [--html FILE]\n"
    "  check-config FILE              dial-stdio\n";

int checkConfig(const std::string &path)
{
    const auto result = hafront::config::loadClusterFile(path);
    for (const auto &e : result.errors)
        std::cout << e.format() << "\n";
    for (const auto &w : result.warnings)
        std::cout << w.format() << "\n";
    if (!result.ok())
        return 1;
    std::cout << path << ": ok: " << hafront::config::summarize(result.cluster) << "\n";
    return 0;
}

} // namespace

int main(int argc, char **argv)
{
    std::vector<std::string> args(argv + 1, argv + argc);
    if (args.empty() || args[0] == "--help" || args[0] == "-h") {
        (args.empty() ? std::cerr : std::cout) << kUsage;
        return args.empty() ? 2 : 0;
    }
    if (args[0] == "check-config") {
        if (args.size() != 2) {
            std::cerr << kUsage;
            return 2;
        }
        return checkConfig(args[1]);
    }
    std::cerr << "hafrontctl: unknown command " << args[0] << "\n" << kUsage;
    return 2;
}
