// One node's keepalived config read into what hafront can carry: VRRP
// instances with their addresses, priorities and trackers. Reading reports
// every directive; merging the nodes (vipmerger.cpp) reports disagreements.
#pragma once

#include "import/directive.h"
#include "import/report.h"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace hafront::import {

struct TrackRef {
    std::string name;
    std::optional<int> weight; // the instance's override
    const Directive *at = nullptr;
};

struct Instance {
    std::string name;
    const Directive *block = nullptr;
    std::string interfaceName;
    uint32_t vrid = 0;
    uint32_t priority = 100;  // keepalived's default
    uint32_t advertMs = 1000; // advert_int 1
    bool master = false;
    bool nopreempt = false;
    uint32_t preemptDelayMs = 0;
    std::optional<bool> accept;
    std::vector<std::string> addresses; // "A.B.C.D/LEN"; the first is the VIP
    std::string unicastSrc;
    std::vector<std::string> peers;
    std::vector<TrackRef> scripts, interfaces, processes, files;
    std::map<std::string, const Directive *> at; // keyword -> where it was written

    bool preempts() const { return !(nopreempt && !master); } // keepalived ignores nopreempt on MASTER
};

struct Script {
    std::string name;
    std::string command;
    uint32_t intervalMs = 1000;
    uint32_t timeoutMs = 0;
    std::optional<uint32_t> rise, fall;
    int weight = 0;
    const Directive *block = nullptr;
};

struct TrackedProcess {
    std::string name;
    std::string process;
    int weight = 0;
    const Directive *block = nullptr;
};

struct TrackedFile {
    std::string name;
    std::string path;
    int weight = 1;
    const Directive *block = nullptr;
};

struct NodeModel {
    std::string node;
    std::string file;
    std::vector<Instance> instances;
    std::map<std::string, Script> scripts;
    std::map<std::string, TrackedProcess> processes;
    std::map<std::string, TrackedFile> files;
    int vrrpVersion = 2; // keepalived's default
    const Directive *versionAt = nullptr;
    std::vector<std::pair<std::string, std::vector<std::string>>> syncGroups;
};

NodeModel readNode(const std::string &node, const std::string &file, const std::vector<Directive> &directives,
                   Report &report);

// Whether a command tracks nginx (or another proxy hafront replaces).
bool tracksReplacedProxy(const std::string &command);

} // namespace hafront::import
