// Semantic checks of a parsed cluster config. Pure: findings name the field by
// its path ("vip[0].priority[1].value"); the loader turns paths into FILE:LINE:COL.
#pragma once

#include "hafront/v1/cluster.pb.h"
#include "tls/certificateinfo.h"

#include <functional>
#include <string>
#include <vector>

namespace hafront::config {

struct Finding {
    std::string path; // field path; "" = the whole file
    std::string message;
    bool warning = false;
};

struct ValidateOptions {
    // Answers whether a static root exists; the default asks the filesystem.
    std::function<bool(const std::string &path)> directoryExists;
    // Load TLS files; the defaults read them (tls/certificateinfo.h).
    std::function<Result<tls::CertificateInfo>(const std::string &cert, const std::string &key)> loadCertificate;
    std::function<Result<std::string>(const std::string &file)> loadTicketSecret;
    std::function<Result<int>(const std::string &file)> loadCaBundle; // certificates in a pool's ca_file
    std::function<int64_t()> now;                                     // Unix seconds, for expiry; default the clock
};

std::vector<Finding> validateCluster(const v1::Cluster &cluster, const ValidateOptions &options = {});

} // namespace hafront::config
