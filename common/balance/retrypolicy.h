// Whether a failed attempt is tried again on another backend; one rule for
// HTTP exchanges and TCP pools. Pure. A request goes to a second backend only
// when the first cannot have acted on it (it never connected, or a kept-alive
// connection turned out closed), or when repeating it is harmless
// (idempotent, RFC 9110 9.2.2) and we still hold all of it — and never once
// the client has part of a response.
#pragma once

#include <cstdint>

namespace hafront::balance {

struct FailedAttempt {
    bool neverConnected = false;  // connect refused or timed out
    bool staleKeepAlive = false;  // a reused idle connection closed before any response
    bool timedOut = false;        // connected, but no response in time
    bool responseStarted = false; // the client already has part of a response
    bool idempotent = false;
    bool replayable = true; // the whole request is still held (bodies over 64 KiB are not)
};

enum class Retry {
    No,    // answer 502/504 (or cut, once a response started)
    Yes,   // the next backend, counted against the pool's retries
    Again, // a stale idle connection is not the backend's fault: not counted
};

Retry retryAfter(const FailedAttempt &attempt, uint32_t triesSoFar, uint32_t maxTries);

} // namespace hafront::balance
