// Maps a parsed nginx config onto hafront pools and listeners: upstreams to
// pools, servers and locations to listeners and routes, and a report entry
// for every directive read.
#pragma once

#include "import/directive.h"
#include "import/report.h"

#include "hafront/v1/cluster.pb.h"

#include <functional>
#include <map>
#include <string>
#include <vector>

namespace hafront::import {

struct NginxOptions {
    // nginx's -p prefix: relative root/alias paths resolve against it. Empty:
    // unknown, and such routes are reported, not guessed.
    std::string prefix;
    // nginx's configuration folder (that of nginx.conf): relative
    // ssl_certificate paths resolve against it.
    std::string confDir;
    // Whether a file exists on this machine (certificates); unset: unknown.
    std::function<bool(const std::string &path)> fileExists;
};

// `spans` gets, per cluster element ("listener:NAME", "pool:NAME"), the
// blocks it came from.
void mapNginx(const std::vector<Directive> &directives, const NginxOptions &options, v1::Cluster &cluster,
              Report &report, std::map<std::string, std::vector<Span>> &spans);

// Adds an entry for every directive of `directives` (and below) that has
// none: nothing read is dropped without a word. Children of a block
// reported unsupported are covered by its line.
void accountForAll(const std::vector<Directive> &directives, Report &report, const char *why);

} // namespace hafront::import
