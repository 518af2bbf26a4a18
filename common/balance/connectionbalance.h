// Connection balance across proxy workers, pure. SO_REUSEPORT spreads new
// connections by a hash of the 4-tuple, so a few long-lived connections (wrk's
// 64, an RPC client's pool of 4) can land unevenly: measured 35/29 for 64
// keep-alive connections on 2 workers, and 4 connections all on one worker
// one time in eight. The worker that accepts a connection keeps it unless a
// sibling holds fewer by more than the slack; then the connection is handed
// to the least loaded sibling (like Envoy's exact_balance, without its lock).
#pragma once

#include <cstddef>
#include <vector>

namespace hafront::balance {

// Loads are client connections held plus connections handed over and not yet
// taken; a negative load is a worker that takes no new connections (stopping).
// The accepting worker keeps the connection while it holds no more than the
// least loaded sibling plus a slack of min/16: exact for few connections (4
// end 2/2, never 3/1), and with many short ones counts that only jitter do not
// cause handovers.
inline int connectionTarget(int self, const std::vector<int> &loads)
{
    const int mine = loads[std::size_t(self)];
    int best = self;
    int bestLoad = mine;
    for (int i = 0; i < int(loads.size()); ++i)
        if (i != self && loads[std::size_t(i)] >= 0 && loads[std::size_t(i)] < bestLoad) {
            best = i;
            bestLoad = loads[std::size_t(i)];
        }
    if (best == self || mine - bestLoad <= bestLoad / 16)
        return self;
    return best;
}

} // namespace hafront::balance
