// One probe of the service under drill: when it was sent (runner's monotonic
// clock), how long it took, whether it succeeded and which node answered.
#pragma once

#include <cstdint>
#include <string>

namespace hafront::drill {

struct ProbeResult {
    int64_t sendUs = 0;    // monotonic micros on the runner's machine
    int64_t latencyUs = 0; // until the answer (or the failure)
    bool ok = false;
    std::string servedBy; // X-Served-By, empty when absent
    std::string error;    // "connect refused", "timeout", "HTTP 502", ...
};

} // namespace hafront::drill
