#include "ctl/nodefanout.h"

#include "config/configloader.h"
#include "config/defaults.h"
#include "ctl/statustable.h"
#include "link/commandfanout.h"

#include <QCoreApplication>
#include <QFileInfo>
#include <QEventLoop>
#include <QTimer>

#include <google/protobuf/util/json_util.h>

#include <algorithm>
#include <map>
#include <memory>
#include <optional>
#include <iostream>
#include <unistd.h>

namespace hafront::ctl {
namespace {

std::string json(const google::protobuf::Message &m, bool pretty = true)
{
    std::string out;
    google::protobuf::util::JsonPrintOptions o;
    o.add_whitespace = pretty;
    o.preserve_proto_field_names = true;
    google::protobuf::util::MessageToJsonString(m, &out, o);
    return out;
}

std::string jsonString(const std::string &s)
{
    std::string out = "\"";
    for (char c : s)
        out += (c == '"' || c == '\\') ? std::string("\\") + c : std::string(1, c);
    return out + "\"";
}

// Runs the event loop until `done` or the deadline.
void waitUntil(const std::function<bool()> &done, int timeoutMs)
{
    QEventLoop loop;
    QTimer poll;
    QTimer deadline;
    QObject::connect(&poll, &QTimer::timeout, [&] {
        if (done())
            loop.quit();
    });
    QObject::connect(&deadline, &QTimer::timeout, &loop, &QEventLoop::quit);
    poll.start(2);
    deadline.setSingleShot(true);
    deadline.start(timeoutMs);
    if (!done())
        loop.exec();
}

bool settled(link::AgentLink::State s)
{
    return s == link::AgentLink::State::Connected || s == link::AgentLink::State::Unreachable;
}

} // namespace

int exitCodeOf(const std::vector<NodeOutcome> &outcomes)
{
    bool unreachable = false;
    for (const auto &o : outcomes) {
        if (o.kind == NodeOutcome::Kind::Refused)
            return 1;
        unreachable |= o.kind == NodeOutcome::Kind::Unreachable;
    }
    return unreachable ? 3 : 0;
}

std::string summaryOf(const std::vector<NodeOutcome> &outcomes)
{
    const auto done = std::count_if(outcomes.begin(), outcomes.end(),
                                    [](const NodeOutcome &o) { return o.kind == NodeOutcome::Kind::Done; });
    return "applied on " + std::to_string(done) + "/" + std::to_string(outcomes.size()) + " nodes";
}

Status NodeFanout::resolve()
{
    // With --ssh, --socket names the agent's socket on the far host.
    const int ways = (!m_t.socketPath.empty() && m_t.ssh.empty()) + !m_t.ssh.empty() + !m_t.clusterFile.empty();
    if (ways > 1)
        return fail("give one of --socket, --ssh, --cluster (--socket with --ssh is the far host's socket)");
    if (!m_t.clusterFile.empty()) {
        auto loaded = config::loadClusterFile(m_t.clusterFile);
        if (!loaded.ok())
            return fail(loaded.errors[0].format());
        m_clusterMode = true;
        for (auto &o : link::targetsFor(loaded.cluster))
            if (m_t.node.empty() || o.node.toStdString() == m_t.node)
                m_targets.push_back(o);
        if (m_targets.empty())
            return fail("node '" + m_t.node + "' is not in " + m_t.clusterFile);
        return {};
    }
    link::AgentLink::Options o;
    if (!m_t.ssh.empty()) {
        auto target = link::SshTarget::parse(m_t.ssh);
        if (!target)
            return fail(target.error());
        o.ssh = target.value();
        o.node = QString::fromStdString(target->host);
        o.remoteSocketPath =
            QString::fromStdString(m_t.socketPath.empty() ? config::kDefaultControlSocket : m_t.socketPath);
    } else {
        // Qt reads a relative socket name as one under the temp folder; the operator means this folder.
        o.socketPath =
            QFileInfo(QString::fromStdString(m_t.socketPath.empty() ? config::kDefaultControlSocket : m_t.socketPath))
                .absoluteFilePath();
        o.node = o.socketPath;
    }
    m_targets.push_back(o);
    return {};
}

std::vector<std::unique_ptr<link::AgentLink>> NodeFanout::connect(bool subscribe)
{
    std::vector<std::unique_ptr<link::AgentLink>> links;
    for (auto o : m_targets) {
        o.subscribe = subscribe;
        o.reconnect = subscribe; // watchers ride out agent restarts; one-shot commands do not
        o.acceptNewHostKey = m_t.acceptNewHostKey;
        links.push_back(std::make_unique<link::AgentLink>(o));
        links.back()->start();
    }
    waitUntil([&] { return std::all_of(links.begin(), links.end(), [](auto &l) { return settled(l->state()); }); },
              m_t.timeoutMs);
    if (m_t.verbose)
        for (const auto &l : links)
            std::cerr << "hafrontctl: " << l->options().node.toStdString() << ": "
                      << (l->state() == link::AgentLink::State::Connected
                              ? "connected over " + l->transport().toStdString() + ", the agent sees user " +
                                    l->peerUser().toStdString()
                              : "not connected: " + l->reason().toStdString())
                      << "\n";
    return links;
}

std::vector<NodeOutcome> NodeFanout::sendAll(const std::vector<link::AgentLink *> &links, const v1::Command &command,
                                             std::vector<v1::CommandResult> *results)
{
    std::vector<link::FanoutTarget> targets;
    for (auto *l : links)
        targets.push_back({l->options().node.toStdString(), l});
    // Shared: answers that come after the wait gave up land here, not on a dead stack.
    auto answers = std::make_shared<std::optional<std::vector<link::NodeAnswer>>>();
    link::fanOut(targets, command, m_t.timeoutMs, [answers](const std::vector<link::NodeAnswer> &a) { *answers = a; });
    waitUntil([&] { return answers->has_value(); }, m_t.timeoutMs + 1000);
    std::vector<NodeOutcome> outcomes;
    if (results)
        results->assign(links.size(), {});
    for (size_t i = 0; i < targets.size(); ++i) {
        if (!answers->has_value()) {
            outcomes.push_back({targets[i].node, NodeOutcome::Kind::Unreachable, "no answer"});
            continue;
        }
        const link::NodeAnswer &a = (**answers)[i];
        outcomes.push_back({a.node,
                            a.kind == link::NodeAnswer::Kind::Done      ? NodeOutcome::Kind::Done
                            : a.kind == link::NodeAnswer::Kind::Refused ? NodeOutcome::Kind::Refused
                                                                        : NodeOutcome::Kind::Unreachable,
                            a.text});
        if (results)
            (*results)[i] = a.result;
    }
    return outcomes;
}

int NodeFanout::run(const std::vector<std::string> &command, bool asJson)
{
    const std::string &verb = command[0];
    if (verb == "status")
        return runStatus(command, asJson);
    if (verb == "events")
        return runEvents(command, asJson);
    if (verb == "set-weight" || verb == "set-state" || verb == "vip")
        return runChange(command, asJson);
    std::cerr << "hafrontctl: unknown command " << verb << "\n";
    return 2;
}

int NodeFanout::runStatus(const std::vector<std::string> &args, bool asJson)
{
    bool watch = false;
    int count = 0;
    for (size_t i = 1; i < args.size(); ++i) {
        if (args[i] == "--watch")
            watch = true;
        else if (args[i] == "--count" && i + 1 < args.size())
            count = std::atoi(args[++i].c_str());
        else {
            std::cerr << "hafrontctl: status: unknown option " << args[i] << "\n";
            return 2;
        }
    }
    auto links = connect(watch);
    if (!watch) {
        std::vector<link::AgentLink *> raw;
        for (auto &l : links)
            raw.push_back(l.get());
        v1::Command get;
        get.mutable_get_status();
        std::vector<v1::CommandResult> results;
        const auto outcomes = sendAll(raw, get, &results);
        if (asJson && !m_clusterMode && outcomes[0].kind == NodeOutcome::Kind::Done)
            std::cout << json(results[0].status()) << "\n";
        else if (asJson)
            std::cout << "[";
        for (size_t i = 0; i < outcomes.size(); ++i) {
            if (asJson && m_clusterMode)
                std::cout << (i ? ",\n" : "\n")
                          << (outcomes[i].kind == NodeOutcome::Kind::Done
                                  ? json(results[i].status())
                                  : "{\"node\": " + jsonString(outcomes[i].node) +
                                        ", \"unreachable\": " + jsonString(outcomes[i].text) + "}");
            else if (!asJson && outcomes[i].kind == NodeOutcome::Kind::Done)
                std::cout << (i ? "\n" : "") << formatStatus(results[i].status());
            if (outcomes[i].kind != NodeOutcome::Kind::Done)
                std::cerr << "hafrontctl: " << outcomes[i].node << ": unreachable: " << outcomes[i].text << "\n";
        }
        if (asJson && m_clusterMode)
            std::cout << "\n]\n";
        return exitCodeOf(outcomes);
    }
    // --watch: redraw on every status; --count bounds it for scripts and tests.
    int seen = 0;
    const bool tty = ::isatty(STDOUT_FILENO);
    for (auto &l : links) {
        QObject::connect(l.get(), &link::AgentLink::statusReceived, [&](const v1::NodeStatus &st) {
            if (asJson) {
                std::cout << json(st, false) << "\n" << std::flush;
            } else if (tty) {
                // One screen with every node's latest status, in config order.
                std::string screen = "\033[H\033[2J";
                for (const auto &other : links)
                    if (const v1::NodeStatus *last = other->lastStatus())
                        screen += (screen.size() > 7 ? "\n" : "") + formatStatus(*last);
                std::cout << screen << std::flush;
            } else {
                std::cout << "---\n" << formatStatus(st) << std::flush;
            }
            if (count && ++seen >= count)
                QCoreApplication::quit();
        });
        QObject::connect(l.get(), &link::AgentLink::stateChanged, [node = l->options().node](auto, const QString &why) {
            if (!why.isEmpty())
                std::cerr << "hafrontctl: " << node.toStdString() << ": " << why.toStdString() << "\n";
        });
    }
    return QCoreApplication::exec();
}

int NodeFanout::runEvents(const std::vector<std::string> &args, bool asJson)
{
    bool follow = false;
    int count = 0;
    uint32_t last = 50;
    for (size_t i = 1; i < args.size(); ++i) {
        if (args[i] == "--follow")
            follow = true;
        else if (args[i] == "--count" && i + 1 < args.size())
            count = std::atoi(args[++i].c_str());
        else if (args[i] == "--last" && i + 1 < args.size())
            last = static_cast<uint32_t>(std::atoi(args[++i].c_str()));
        else {
            std::cerr << "hafrontctl: events: unknown option " << args[i] << "\n";
            return 2;
        }
    }
    // Flushed per line: a follower is usually piped into another program.
    auto print = [asJson](const v1::Event &e) {
        std::cout << (asJson ? json(e, false) : formatEvent(e)) << "\n" << std::flush;
    };
    // --follow subscribes before it asks for the history, so that no event
    // falls between the two; what arrives twice is told apart by its seq.
    auto links = connect(follow);
    std::vector<link::AgentLink *> raw;
    for (auto &l : links)
        raw.push_back(l.get());
    std::map<std::string, uint64_t> printedUpTo; // node -> highest seq printed
    std::vector<v1::Event> early;                // streamed while the history was on its way
    bool live = false;
    int seen = 0;
    auto emitOnce = [&](const v1::Event &e) {
        uint64_t &upTo = printedUpTo[e.node()];
        if (e.seq() != 0 && e.seq() <= upTo)
            return;
        upTo = std::max<uint64_t>(upTo, e.seq());
        print(e);
        if (live && count && ++seen >= count)
            QCoreApplication::quit();
    };
    for (auto &l : links)
        QObject::connect(l.get(), &link::AgentLink::eventReceived, [&](const v1::Event &e) {
            if (live)
                emitOnce(e);
            else
                early.push_back(e);
        });
    v1::Command history;
    history.mutable_event_history()->set_last(last);
    std::vector<v1::CommandResult> results;
    const auto outcomes = sendAll(raw, history, &results);
    std::vector<v1::Event> merged;
    for (size_t i = 0; i < outcomes.size(); ++i) {
        if (outcomes[i].kind != NodeOutcome::Kind::Done)
            std::cerr << "hafrontctl: " << outcomes[i].node << ": " << outcomes[i].text << "\n";
        merged.insert(merged.end(), results[i].events().begin(), results[i].events().end());
    }
    std::stable_sort(merged.begin(), merged.end(),
                     [](const v1::Event &a, const v1::Event &b) { return a.wall_time_us() < b.wall_time_us(); });
    for (const auto &e : merged)
        emitOnce(e);
    if (!follow)
        return exitCodeOf(outcomes);
    live = true;
    for (const auto &e : std::exchange(early, {}))
        emitOnce(e);
    return QCoreApplication::exec();
}

int NodeFanout::runChange(const std::vector<std::string> &a, bool asJson)
{
    v1::Command command;
    bool onlyMasters = false;
    if (a[0] == "set-weight" && a.size() == 4) {
        auto *c = command.mutable_set_weight();
        c->set_pool(a[1]);
        c->set_backend(a[2]);
        char *end = nullptr;
        const long w = std::strtol(a[3].c_str(), &end, 10);
        if (*end || a[3].empty() || w < 0) {
            std::cerr << "hafrontctl: weight must be a number 0-" << config::kMaxWeight << ", not '" << a[3] << "'\n";
            return 2;
        }
        c->set_weight(static_cast<uint32_t>(w));
    } else if (a[0] == "set-state" && a.size() == 4) {
        v1::BackendState s;
        if (a[3] == "ready")
            s = v1::READY;
        else if (a[3] == "drain")
            s = v1::DRAIN;
        else if (a[3] == "maint")
            s = v1::MAINT;
        else {
            std::cerr << "hafrontctl: state must be ready, drain or maint, not '" << a[3] << "'\n";
            return 2;
        }
        auto *c = command.mutable_set_backend_state();
        c->set_pool(a[1]);
        c->set_backend(a[2]);
        c->set_state(s);
    } else if (a[0] == "vip" && a.size() == 4 && a[1] == "maintenance" && (a[3] == "on" || a[3] == "off")) {
        command.mutable_vip_maintenance()->set_vip(a[2]);
        command.mutable_vip_maintenance()->set_on(a[3] == "on");
        // Across a cluster, maintenance on means: the node that holds the VIP gives it away.
        onlyMasters = m_clusterMode && m_t.node.empty() && a[3] == "on";
    } else if (a[0] == "vip" && a.size() == 3 && a[1] == "force-master") {
        if (m_clusterMode && m_t.node.empty()) {
            std::cerr << "hafrontctl: vip force-master with --cluster needs --node NAME: which node becomes master?\n";
            return 2;
        }
        command.mutable_vip_force_master()->set_vip(a[2]);
    } else if (a[0] == "vip" && a.size() == 3 && a[1] == "release") {
        command.mutable_vip_release()->set_vip(a[2]);
    } else {
        std::cerr << "hafrontctl: cannot understand '" << a[0] << "' with these arguments\n";
        return 2;
    }
    auto links = connect(false);
    std::vector<link::AgentLink *> raw;
    if (onlyMasters) {
        v1::Command get;
        get.mutable_get_status();
        std::vector<v1::CommandResult> st;
        std::vector<link::AgentLink *> all;
        for (auto &l : links)
            all.push_back(l.get());
        sendAll(all, get, &st);
        for (size_t i = 0; i < all.size(); ++i)
            for (const auto &v : st[i].status().vips())
                if (v.name() == a[2] && v.state() == v1::MASTER)
                    raw.push_back(all[i]);
        if (raw.empty()) {
            std::cerr << "hafrontctl: refused: no node reports MASTER for VIP '" << a[2] << "'\n";
            return 1;
        }
    } else {
        for (auto &l : links)
            raw.push_back(l.get());
    }
    const auto outcomes = sendAll(raw, command);
    if (asJson) {
        std::cout << "{\"summary\": " << jsonString(summaryOf(outcomes)) << ", \"nodes\": [";
        for (size_t i = 0; i < outcomes.size(); ++i) {
            const auto &o = outcomes[i];
            const char *kind = o.kind == NodeOutcome::Kind::Done      ? "done"
                               : o.kind == NodeOutcome::Kind::Refused ? "refused"
                                                                      : "unreachable";
            std::cout << (i ? ", " : "") << "{\"node\": " << jsonString(o.node) << ", \"result\": \"" << kind
                      << "\", \"message\": " << jsonString(o.text) << "}";
        }
        std::cout << "]}\n";
    } else {
        for (const auto &o : outcomes) {
            if (o.kind == NodeOutcome::Kind::Done)
                std::cout << o.node << ": " << o.text << "\n";
            else
                std::cerr << o.node << ": " << (o.kind == NodeOutcome::Kind::Refused ? "refused: " : "unreachable: ")
                          << o.text << "\n";
        }
        if (outcomes.size() > 1 || m_clusterMode)
            std::cout << summaryOf(outcomes) << "\n";
    }
    return exitCodeOf(outcomes);
}

} // namespace hafront::ctl
