#include "ctl/viptimers.h"

#include "config/configloader.h"
#include "vrrp/viptiming.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <cstdio>
#include <iostream>

namespace hafront::ctl {
namespace {

double ms(int64_t micros)
{
    return double(micros) / 1000.0;
}

QJsonObject toJson(const vrrp::VipTiming &t)
{
    QJsonArray nodes;
    for (const auto &n : t.nodes)
        nodes.append(QJsonObject{{"node", QString::fromStdString(n.node)},
                                 {"priority", int(n.priority)},
                                 {"skew_ms", ms(n.skewMicros)},
                                 {"master_down_ms", ms(n.masterDownMicros)},
                                 {"successor", QString::fromStdString(n.successor)}});
    return QJsonObject{{"vip", QString::fromStdString(t.vip)},
                       {"vrid", int(t.vrid)},
                       {"advert_interval_ms", ms(t.advertMicros)},
                       {"nodes", nodes}};
}

void printText(const vrrp::VipTiming &t)
{
    std::printf("VIP %s (vrid %u, adverts every %.0f ms)\n", t.vip.c_str(), t.vrid, ms(t.advertMicros));
    std::printf("  %-12s %8s %10s %14s  %s\n", "node", "priority", "skew", "master down", "if it leaves");
    for (const auto &n : t.nodes) {
        const auto *next = t.find(n.successor);
        std::string leaves = "nobody takes over";
        if (next) {
            char line[256];
            // A crash is noticed Master_Down_Interval after the last advert,
            // which left up to one advert interval before the crash.
            std::snprintf(line, sizeof line, "%s: at once on a planned handover, within %.1f ms after a crash",
                          next->node.c_str(), ms(next->masterDownMicros + t.advertMicros));
            leaves = line;
        }
        std::printf("  %-12s %8u %7.1f ms %11.1f ms  %s\n", n.node.c_str(), unsigned(n.priority), ms(n.skewMicros),
                    ms(n.masterDownMicros), leaves.c_str());
    }
}

} // namespace

int printVipTimers(const std::string &path, bool json)
{
    const auto loaded = config::loadClusterFile(path);
    for (const auto &e : loaded.errors)
        std::cerr << e.format() << "\n";
    if (!loaded.ok())
        return 1;
    QJsonArray all;
    for (const auto &vip : loaded.cluster.vip()) {
        const auto t = vrrp::vipTiming(loaded.cluster, vip);
        if (json)
            all.append(toJson(t));
        else
            printText(t);
    }
    if (json)
        std::cout << QJsonDocument(all).toJson(QJsonDocument::Indented).toStdString();
    return 0;
}

} // namespace hafront::ctl
