// Why an exchange with a backend failed: one counter each per backend, named
// like this in status (BackendStatus.errors) and /metrics (class label).
#pragma once

#include <array>
#include <cstddef>

namespace hafront::stats {

enum class BackendError : size_t {
    Connect,  // no connection: refused, unreachable, no free connection slot
    Timeout,  // connect or response deadline passed
    Reset,    // a connection that was up ended or failed before the response did
    Protocol, // the response could not be parsed (a bad status line, head or body framing)
    Tls,      // the TLS handshake failed: the certificate did not verify, no shared version or cipher
};
inline constexpr std::array<const char *, 5> kBackendErrorNames = {"connect", "timeout", "reset", "protocol", "tls"};
inline constexpr size_t kBackendErrorKinds = kBackendErrorNames.size();

} // namespace hafront::stats
