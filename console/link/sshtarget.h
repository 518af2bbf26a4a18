// SshTarget: "[USER@]HOST[:PORT]" as given to --ssh.
#pragma once

#include "base/result.h"

#include <cstdint>
#include <string>

namespace hafront::link {

struct SshTarget {
    std::string user; // empty = the local user
    std::string host;
    uint16_t port = 22;

    static Result<SshTarget> parse(const std::string &text);
};

} // namespace hafront::link
