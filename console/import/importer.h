// The importer: reads an nginx config and one keepalived config per node,
// and builds one hafront cluster config with a report entry for every
// directive read. Pure: files come through a SourceReader.
#pragma once

#include "import/report.h"
#include "import/sourcereader.h"
#include "import/vipmerger.h"

#include "hafront/v1/cluster.pb.h"

#include <map>
#include <string>
#include <vector>

namespace hafront::import {

struct ImportRequest {
    std::string clusterName = "imported";
    std::string nginxFile;                    // empty: none
    std::string nginxPrefix;                  // nginx -p: where relative roots live
    std::vector<NodeAddress> keepalivedFiles; // node -> file
    std::vector<NodeAddress> nodes;           // node -> address
};

struct ImportResult {
    v1::Cluster cluster;
    std::vector<ReportEntry> report;
    std::map<std::string, std::vector<Span>> spans; // "listener:NAME" -> where it came from
    std::string configText;                         // protobuf text, commented
    std::vector<std::string> problems;              // why the config is not valid; empty = valid

    bool ok() const { return problems.empty(); }
};

ImportResult runImport(const ImportRequest &request, const SourceReader &reader);

// The cluster as protobuf text with a header and, before each element, the
// report lines that concern it (what it approximates or leaves out).
std::string commentedConfig(const ImportResult &result, const ImportRequest &request);

} // namespace hafront::import
