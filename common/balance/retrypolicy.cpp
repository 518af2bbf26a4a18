#include "balance/retrypolicy.h"

namespace hafront::balance {

Retry retryAfter(const FailedAttempt &a, uint32_t triesSoFar, uint32_t maxTries)
{
    if (a.responseStarted || !a.replayable)
        return Retry::No;
    if (a.staleKeepAlive && !a.timedOut)
        return Retry::Again;
    if (triesSoFar >= maxTries)
        return Retry::No;
    if (a.neverConnected)
        return Retry::Yes;
    // Connected and then failed: the backend may have acted on the request.
    return a.idempotent && !a.timedOut ? Retry::Yes : Retry::No;
}

} // namespace hafront::balance
