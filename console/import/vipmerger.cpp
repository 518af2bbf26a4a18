#include "import/vipmerger.h"

#include <algorithm>
#include <set>

namespace hafront::import {
namespace {

std::string join(const std::vector<std::string> &v)
{
    std::string out;
    for (const auto &s : v)
        out += (out.empty() ? "" : " ") + s;
    return out.empty() ? "(none)" : out;
}

struct Held {
    const NodeModel *model;
    const Instance *instance;
};

// Where `other` differs from `first` in what hafront keeps once per VIP.
void compare(Report &r, const Held &first, const Held &other)
{
    const Instance &a = *first.instance, &b = *other.instance;
    const auto differs = [&](const char *keyword, const std::string &mine, const std::string &theirs) {
        if (mine == theirs)
            return;
        const auto it = b.at.find(keyword);
        const Directive &at = it != b.at.end() ? *it->second : *b.block;
        r.approximated(at, "the nodes' files disagree: " + other.model->node + "'s says " + theirs + ", " +
                               first.model->node + "'s says " + mine + "; hafront keeps one value per VIP and uses " +
                               first.model->node + "'s");
    };
    differs("virtual_router_id", std::to_string(a.vrid), std::to_string(b.vrid));
    differs("interface", a.interfaceName, b.interfaceName);
    differs("advert_int", std::to_string(a.advertMs) + " ms", std::to_string(b.advertMs) + " ms");
    differs("virtual_ipaddress", join(a.addresses), join(b.addresses));
    differs("nopreempt", a.preempts() ? "preempt" : "nopreempt", b.preempts() ? "preempt" : "nopreempt");
    differs("preempt_delay", std::to_string(a.preemptDelayMs) + " ms", std::to_string(b.preemptDelayMs) + " ms");
    std::vector<std::string> sa, sb;
    for (const auto &t : a.scripts)
        sa.push_back(t.name);
    for (const auto &t : b.scripts)
        sb.push_back(t.name);
    differs("track_script", join(sa), join(sb));
    // The other node's tracker lines: hafront runs one set per VIP, the first node's.
    for (const auto *list : {&b.scripts, &b.interfaces, &b.processes, &b.files})
        for (const auto &ref : *list) {
            const auto &mine = list == &b.scripts      ? a.scripts
                               : list == &b.interfaces ? a.interfaces
                               : list == &b.processes  ? a.processes
                                                       : a.files;
            const bool shared =
                std::any_of(mine.begin(), mine.end(), [&](const TrackRef &t) { return t.name == ref.name; });
            if (shared)
                r.mapped(*ref.at, "one tracker per VIP, as in " + first.model->node + "'s file");
            else
                r.approximated(*ref.at, "only in " + other.model->node +
                                            "'s file; hafront runs one set of trackers "
                                            "per VIP on every node, " +
                                            first.model->node + "'s");
        }
}

class Merger {
public:
    Merger(v1::Cluster &c, Report &r, std::map<std::string, std::vector<Span>> &spans) : m_c(c), m_r(r), m_spans(spans)
    {
    }
    void vip(const std::string &name, const std::vector<Held> &held, const std::vector<NodeModel> &models);

private:
    void trackers(v1::Vip &v, const Held &h);
    v1::Cluster &m_c;
    Report &m_r;
    std::map<std::string, std::vector<Span>> &m_spans;
};

void Merger::trackers(v1::Vip &v, const Held &h)
{
    const Instance &in = *h.instance;
    const NodeModel &m = *h.model;
    const std::string target = "vip:" + v.name();
    for (const auto &ref : in.scripts) {
        const auto it = m.scripts.find(ref.name);
        if (it == m.scripts.end()) {
            m_r.unsupported(*ref.at, "no vrrp_script '" + ref.name + "' in this file", target);
            continue;
        }
        const Script &s = it->second;
        const int weight = ref.weight.value_or(s.weight);
        if (tracksReplacedProxy(s.command)) {
            // After the move nginx no longer runs: its check would hold the node in FAULT.
            if (weight < 0)
                v.mutable_self_track()->set_weight(weight);
            m_r.approximated(*ref.at,
                             "'" + s.command +
                                 "' checks the proxy hafront replaces; hafront's self-tracking "
                                 "(on by default) watches its own proxy instead, with weight " +
                                 std::to_string(weight < 0 ? weight : -100) + "; the script is not carried",
                             target);
            continue;
        }
        auto *t = v.add_track_script();
        t->set_name(s.name);
        t->set_command(s.command);
        t->set_interval_ms(s.intervalMs);
        if (s.timeoutMs)
            t->set_timeout_ms(s.timeoutMs);
        if (s.rise)
            t->set_rise(*s.rise);
        if (s.fall)
            t->set_fall(*s.fall);
        t->set_weight(weight);
        m_r.mapped(*ref.at, "track_script '" + s.name + "' weight " + std::to_string(weight), target);
    }
    for (const auto &ref : in.interfaces) {
        auto *t = v.add_track_interface();
        t->set_name(ref.name);
        t->set_interface(ref.name);
        t->set_weight(ref.weight.value_or(0));
        m_r.mapped(*ref.at, ref.weight.value_or(0) == 0 ? "down means FAULT" : "", target);
    }
    for (const auto &ref : in.processes) {
        const auto it = m.processes.find(ref.name);
        if (it == m.processes.end()) {
            m_r.unsupported(*ref.at, "no vrrp_track_process '" + ref.name + "' in this file", target);
            continue;
        }
        const int weight = ref.weight.value_or(it->second.weight);
        if (tracksReplacedProxy(it->second.process)) {
            if (weight < 0)
                v.mutable_self_track()->set_weight(weight);
            m_r.approximated(*ref.at,
                             "tracks " + it->second.process +
                                 ", which hafront replaces; hafront's "
                                 "self-tracking watches its own proxy instead; not carried",
                             target);
            continue;
        }
        auto *t = v.add_track_process();
        t->set_name(ref.name);
        t->set_process(it->second.process);
        t->set_weight(weight);
        m_r.mapped(*ref.at, "", target);
    }
    for (const auto &ref : in.files) {
        const auto it = m.files.find(ref.name);
        if (it == m.files.end()) {
            m_r.unsupported(*ref.at, "no vrrp_track_file '" + ref.name + "' in this file", target);
            continue;
        }
        auto *t = v.add_track_file();
        t->set_name(ref.name);
        t->set_path(it->second.path);
        t->set_weight(ref.weight.value_or(it->second.weight));
        m_r.mapped(*ref.at, "", target);
    }
}

void Merger::vip(const std::string &name, const std::vector<Held> &held, const std::vector<NodeModel> &models)
{
    const Held &first = held.front();
    const Instance &in = *first.instance;
    v1::Vip v;
    v.set_name(name);
    v.set_vrid(in.vrid);
    v.set_interface(in.interfaceName);
    v.set_address(in.addresses.front());
    v.set_advert_interval_ms(in.advertMs);
    if (!in.preempts())
        v.set_preempt(false);
    v.set_preempt_delay_ms(in.preemptDelayMs);
    if (in.accept)
        v.set_accept(*in.accept);
    std::vector<std::string> peers;
    for (const auto &h : held) {
        auto *p = v.add_priority();
        p->set_node(h.model->node);
        p->set_value(h.instance->priority);
        m_spans["vip:" + name].push_back(spanOf(*h.instance->block));
        for (const auto &a : h.instance->peers)
            if (std::find(peers.begin(), peers.end(), a) == peers.end())
                peers.push_back(a);
        if (&h != &first)
            compare(m_r, first, h);
    }
    for (const auto &h : held) // every node's own address too: one list serves all nodes, self is skipped
        if (!peers.empty() && !h.instance->unicastSrc.empty() &&
            std::find(peers.begin(), peers.end(), h.instance->unicastSrc) == peers.end())
            peers.push_back(h.instance->unicastSrc);
    for (const auto &p : peers)
        v.add_unicast_peer(p);
    trackers(v, first);
    for (const auto &m : models) {
        const bool has = std::any_of(held.begin(), held.end(), [&](const Held &h) { return h.model == &m; });
        if (!has)
            m_r.approximated(*in.block,
                             "node " + m.node + "'s file has no vrrp_instance " + name + ": " + m.node +
                                 " gets no priority for it and never holds it",
                             "vip:" + name);
    }
    *m_c.add_vip() = v;
}

} // namespace

void mergeNodes(const std::vector<NodeModel> &models, const std::vector<NodeAddress> &addresses, v1::Cluster &cluster,
                Report &report, std::map<std::string, std::vector<Span>> &spans)
{
    std::vector<std::string> names;
    for (const auto &m : models)
        names.push_back(m.node);
    for (const auto &a : addresses)
        if (std::find(names.begin(), names.end(), a.node) == names.end())
            names.push_back(a.node);
    for (const auto &name : names) {
        auto *n = cluster.add_node();
        n->set_name(name);
        const auto given =
            std::find_if(addresses.begin(), addresses.end(), [&](const NodeAddress &a) { return a.node == name; });
        if (given != addresses.end())
            n->set_address(given->address);
        for (const auto &m : models)
            for (const auto &in : m.instances) {
                if (m.node != name || in.unicastSrc.empty())
                    continue;
                if (n->address().empty())
                    n->set_address(in.unicastSrc);
                else if (n->address() != in.unicastSrc)
                    report.approximated(
                        *(in.at.count("unicast_src_ip") ? in.at.at("unicast_src_ip") : in.at.at("mcast_src_ip")),
                        "this node's address is " + n->address() + (given != addresses.end() ? " (--node)" : "") +
                            "; hafront has one address per node");
            }
    }
    std::vector<std::string> order;
    std::map<std::string, std::vector<Held>> byName;
    for (const auto &m : models)
        for (const auto &in : m.instances) {
            std::string key = in.name;
            if (!byName.count(key)) // another name for the same router: same vrid on the same interface
                for (const auto &[name, held] : byName)
                    if (held.front().model != &m && held.front().instance->vrid == in.vrid &&
                        held.front().instance->interfaceName == in.interfaceName) {
                        key = name;
                        report.approximated(*in.block, "matched to " + held.front().model->node + "'s instance " +
                                                           name +
                                                           " by virtual_router_id and interface; the VIP is "
                                                           "named " +
                                                           name);
                        break;
                    }
            if (!byName.count(key))
                order.push_back(key);
            byName[key].push_back({&m, &in});
        }
    Merger merger(cluster, report, spans);
    for (const auto &name : order)
        merger.vip(name, byName[name], models);
}

} // namespace hafront::import
