// hafront-agent: the daemon of one front node.
#include "agent.h"

#include "base/log.h"
#include "config/configloader.h"
#include "vip/vipmanager.h"

#include <cstring>
#include <fstream>
#include <unistd.h>
#include <iostream>
#include <string>

namespace {

const char *kUsage =
    "usage: hafront-agent [--config FILE] [--node NAME] [--state-dir DIR] [--socket PATH]\n"
    "                     [--log-format text|json]\n"
    "         (defaults: /etc/hafront/cluster.conf; node from /etc/hafront/node or the host name)\n"
    "       hafront-agent --check-config FILE\n"
    "       hafront-agent --cleanup [--config FILE] [--node NAME]   (remove VIPs a crashed agent left)\n";

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

std::string defaultNodeName()
{
    std::ifstream file("/etc/hafront/node");
    std::string name;
    if (file && std::getline(file, name) && !name.empty())
        return name;
    char host[256] = {};
    if (::gethostname(host, sizeof host - 1) == 0)
        return host;
    return {};
}

} // namespace

int main(int argc, char **argv)
{
    hafront::agent::AgentOptions options;
    std::string checkPath;
    bool cleanup = false;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        auto value = [&](std::string &out) {
            if (i + 1 >= argc) {
                std::cerr << "hafront-agent: " << arg << " needs a value\n" << kUsage;
                std::exit(2);
            }
            out = argv[++i];
        };
        if (arg == "--config")
            value(options.configPath);
        else if (arg == "--node")
            value(options.node);
        else if (arg == "--state-dir")
            value(options.stateDir);
        else if (arg == "--socket")
            value(options.socketPath);
        else if (arg == "--check-config")
            value(checkPath);
        else if (arg == "--cleanup")
            cleanup = true;
        else if (arg == "--log-format") {
            std::string name;
            value(name);
            hafront::log::Format format;
            if (!hafront::log::parseFormat(name, &format)) {
                std::cerr << "hafront-agent: --log-format is text or json, not '" << name << "'\n" << kUsage;
                return 2;
            }
            hafront::log::setFormat(format);
        } else if (arg == "--help" || arg == "-h") {
            std::cout << kUsage;
            return 0;
        } else {
            std::cerr << "hafront-agent: unknown option " << arg << "\n" << kUsage;
            return 2;
        }
    }
    if (!checkPath.empty())
        return checkConfig(checkPath);
    // Packaged defaults: /etc/hafront/cluster.conf, node from /etc/hafront/node or the host name.
    if (options.configPath.empty())
        options.configPath = "/etc/hafront/cluster.conf";
    if (options.node.empty())
        options.node = defaultNodeName();
    if (options.node.empty()) {
        std::cerr << "hafront-agent: no --node, no /etc/hafront/node and no host name\n" << kUsage;
        return 2;
    }
    if (cleanup) {
        const auto loaded = hafront::config::loadClusterFile(options.configPath);
        for (const auto &e : loaded.errors)
            std::cerr << e.format() << "\n";
        if (!loaded.ok())
            return 1;
        const auto ok = hafront::vip::VipManager::cleanup(loaded.cluster, options.node);
        if (!ok) {
            std::cerr << "hafront-agent: cleanup: " << ok.error() << "\n";
            return 1;
        }
        return 0;
    }
    return hafront::agent::runAgent(options);
}
