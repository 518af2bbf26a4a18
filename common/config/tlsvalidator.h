// The TLS part of the config check: certificates that load and belong to
// their keys, expired ones (warning), route hosts no certificate covers,
// versions, ALPN, the ticket secret, redirects; a pool's TLS to its backends. Files are read through the
// options, so tests and fuzzing need none.
#pragma once

#include "config/clustervalidator.h"
#include "hafront/v1/cluster.pb.h"

#include <string>
#include <vector>

namespace hafront::config {

void checkListenerTls(const v1::Listener &listener, const std::string &path, const ValidateOptions &options,
                      std::vector<Finding> &out);
// A pool's tls { }: HTTP pools only, a CA file holding certificates, a
// client certificate with its key.
void checkPoolTls(const v1::Pool &pool, const std::string &path, const ValidateOptions &options,
                  std::vector<Finding> &out);
void checkRedirect(const v1::Redirect &redirect, const std::string &path, std::vector<Finding> &out);

} // namespace hafront::config
