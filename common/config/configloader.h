// Loads a cluster config (protobuf text format, or JSON in the protobuf JSON
// mapping), validates it, and reports every problem as FILE:LINE:COL: message.
#pragma once

#include "hafront/v1/cluster.pb.h"

#include <string>
#include <vector>

namespace hafront::config {

struct Diagnostic {
    std::string file;
    int line = 1;
    int column = 1;
    std::string message;
    bool warning = false;

    std::string format() const; // "FILE:LINE:COL: message" (warnings say so)
};

struct LoadResult {
    v1::Cluster cluster; // static roots made absolute against the file's folder
    std::vector<Diagnostic> errors;
    std::vector<Diagnostic> warnings;

    bool ok() const { return errors.empty(); }
};

LoadResult loadClusterFile(const std::string &path);

// `fileName` names the text in diagnostics; relative static roots resolve
// against `baseDir`.
LoadResult loadClusterText(const std::string &text, const std::string &fileName, const std::string &baseDir);

// "2 nodes, 1 VIP, 2 pools, 5 backends, 2 listeners"
std::string summarize(const v1::Cluster &cluster);

} // namespace hafront::config
