#include "link/commandfanout.h"

#include <memory>

namespace hafront::link {

void fanOut(const std::vector<FanoutTarget> &targets, const v1::Command &command, int timeoutMs, FanoutDone done,
            const std::string &noLinkReason)
{
    struct Pending {
        std::vector<NodeAnswer> answers;
        size_t answered = 0;
        FanoutDone done;
    };
    auto pending = std::make_shared<Pending>();
    pending->answers.resize(targets.size());
    pending->done = std::move(done);
    if (targets.empty()) {
        pending->done(pending->answers);
        return;
    }
    auto answer = [pending](size_t i, NodeAnswer a) {
        pending->answers[i] = std::move(a);
        if (++pending->answered == pending->answers.size())
            pending->done(pending->answers);
    };
    for (size_t i = 0; i < targets.size(); ++i) {
        const FanoutTarget &t = targets[i];
        if (!t.link) {
            answer(i, {t.node, NodeAnswer::Kind::Unreachable, noLinkReason, {}});
            continue;
        }
        // A node that was not connected when asked did not refuse: it was not there.
        const bool reachable = t.link->state() == AgentLink::State::Connected;
        t.link->send(
            command,
            [answer, i, node = t.node, reachable](const v1::CommandResult &r) {
                const auto kind = r.ok()      ? NodeAnswer::Kind::Done
                                  : reachable ? NodeAnswer::Kind::Refused
                                              : NodeAnswer::Kind::Unreachable;
                answer(i, {node, kind, r.ok() ? r.message() : r.error(), r});
            },
            timeoutMs);
    }
}

} // namespace hafront::link
