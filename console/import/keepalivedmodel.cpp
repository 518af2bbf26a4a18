// keepalived.conf (keepalived/vrrp/vrrp_parser.c keywords) read per node.
#include "import/keepalivedmodel.h"

#include "import/nginxplan.h" // hasPlaceholder, placeholderNote
#include "import/units.h"

#include "config/address.h"

#include <set>

namespace hafront::import {
namespace {

const char *kNoMail = "hafront sends no mail or notify hooks: follow events with hafrontctl events --follow";
const char *kOwnGarp = "hafront sends its own gratuitous ARP schedule after taking a VIP";

struct Verdict {
    Kind kind;
    const char *why;
};

const std::map<std::string, Verdict> &globalTable()
{
    static const std::map<std::string, Verdict> t = {
        {"router_id",
         {Kind::Approximated, "hafront names nodes by --keepalived NODE=FILE; the router_id is not carried"}},
        {"notification_email", {Kind::Unsupported, kNoMail}},
        {"notification_email_from", {Kind::Unsupported, kNoMail}},
        {"smtp_server", {Kind::Unsupported, kNoMail}},
        {"smtp_connect_timeout", {Kind::Unsupported, kNoMail}},
        {"smtp_helo_name", {Kind::Unsupported, kNoMail}},
        {"enable_script_security", {Kind::Approximated, "hafront runs track scripts as its own user with /bin/sh -c"}},
        {"script_user", {Kind::Approximated, "hafront runs track scripts as its own user with /bin/sh -c"}},
        {"vrrp_skip_check_adv_addr", {Kind::Approximated, "hafront checks adverts as RFC 5798 says"}},
        {"vrrp_strict",
         {Kind::Approximated, "hafront follows RFC 5798 (no authentication, one address family per "
                              "router); it adds no iptables rules"}},
        {"vrrp_iptables", {Kind::Unsupported, "hafront adds no iptables rules"}},
        {"vrrp_garp_interval", {Kind::Approximated, kOwnGarp}},
        {"vrrp_gna_interval", {Kind::Approximated, kOwnGarp}},
        {"vrrp_garp_master_delay", {Kind::Approximated, kOwnGarp}},
        {"vrrp_garp_master_repeat", {Kind::Approximated, kOwnGarp}},
        {"vrrp_garp_master_refresh", {Kind::Approximated, kOwnGarp}},
        {"vrrp_garp_master_refresh_repeat", {Kind::Approximated, kOwnGarp}},
        {"vrrp_garp_lower_prio_delay", {Kind::Approximated, kOwnGarp}},
        {"vrrp_garp_lower_prio_repeat", {Kind::Approximated, kOwnGarp}},
        {"vrrp_mcast_group4", {Kind::Unsupported, "hafront uses the VRRP group 224.0.0.18 or unicast peers"}},
        {"vrrp_priority", {Kind::Approximated, "hafront runs its VRRP thread at normal priority"}},
        {"checker_priority", {Kind::Approximated, "hafront has no LVS checker process"}},
        {"vrrp_no_swap", {Kind::Approximated, "hafront does not lock its memory"}},
        {"dynamic_interfaces", {Kind::Unsupported, "hafront needs the VIP's interface when it starts"}},
        {"max_auto_priority", {Kind::Approximated, "hafront runs its VRRP thread at normal priority"}},
        {"vrrp_check_unicast_src", {Kind::Approximated, "hafront takes adverts from any source on the interface"}},
        {"notify_fifo", {Kind::Unsupported, kNoMail}},
        {"vrrp_notify_fifo", {Kind::Unsupported, kNoMail}},
        {"script_security", {Kind::Approximated, "hafront runs track scripts as its own user with /bin/sh -c"}},
        {"enable_traps", {Kind::Unsupported, "hafront has no SNMP; it exports Prometheus metrics"}},
        {"enable_snmp_vrrp", {Kind::Unsupported, "hafront has no SNMP; it exports Prometheus metrics"}},
    };
    return t;
}

const std::map<std::string, Verdict> &instanceTable()
{
    static const std::map<std::string, Verdict> t = {
        {"notify_master", {Kind::Unsupported, kNoMail}},
        {"notify_backup", {Kind::Unsupported, kNoMail}},
        {"notify_fault", {Kind::Unsupported, kNoMail}},
        {"notify_stop", {Kind::Unsupported, kNoMail}},
        {"notify", {Kind::Unsupported, kNoMail}},
        {"notify_master_rx_lower_pri", {Kind::Unsupported, kNoMail}},
        {"smtp_alert", {Kind::Unsupported, kNoMail}},
        {"garp_master_delay", {Kind::Approximated, kOwnGarp}},
        {"garp_master_repeat", {Kind::Approximated, kOwnGarp}},
        {"garp_master_refresh", {Kind::Approximated, kOwnGarp}},
        {"garp_master_refresh_repeat", {Kind::Approximated, kOwnGarp}},
        {"garp_lower_prio_delay", {Kind::Approximated, kOwnGarp}},
        {"garp_lower_prio_repeat", {Kind::Approximated, kOwnGarp}},
        {"use_vmac", {Kind::Unsupported, "hafront adds the VIP to the interface itself; no VRRP MAC interface"}},
        {"vmac_xmit_base", {Kind::Unsupported, "hafront has no VRRP MAC interface"}},
        {"dont_track_primary",
         {Kind::Approximated, "hafront does not track the VIP's interface unless asked "
                              "(track_interface)"}},
        {"skip_check_adv_addr", {Kind::Approximated, "hafront checks adverts as RFC 5798 says"}},
        {"strict_mode", {Kind::Approximated, "hafront follows RFC 5798"}},
        {"virtual_routes", {Kind::Unsupported, "hafront adds no routes with a VIP"}},
        {"virtual_rules", {Kind::Unsupported, "hafront adds no policy rules with a VIP"}},
        {"virtual_ipaddress_excluded",
         {Kind::Unsupported, "hafront's VIP is one address; excluded addresses are not "
                             "carried"}},
        {"lvs_sync_daemon_interface", {Kind::Unsupported, "LVS is not in hafront"}},
        {"native_ipv6", {Kind::Unsupported, "IPv6 VIPs are not in this build"}},
        {"debug", {Kind::Approximated, "hafront logs every VRRP transition with its reason"}},
        {"unicast_ttl", {Kind::Approximated, "hafront sends with TTL 255 and checks it (RFC 5798)"}},
        {"lower_prio_no_advert", {Kind::Approximated, "hafront answers a lower-priority advert as RFC 5798 says"}},
        {"higher_prio_send_advert", {Kind::Approximated, "hafront answers a higher-priority advert as RFC 5798 says"}},
        {"track_bfd", {Kind::Unsupported, "BFD is not in hafront"}},
    };
    return t;
}

int toWeight(const std::string &s)
{
    return int(parseInteger(s).value_or(0));
}

class NodeReader {
public:
    NodeReader(const std::string &node, Report &report, NodeModel &model) : m_node(node), m_r(report), m_m(model) {}

    // keepalived's "@ID line" applies only under config id ID (-i, default the
    // host name); "@^ID line" everywhere else. Here the node's name is its id.
    bool applies(const Directive &d)
    {
        if (d.condition.empty())
            return true;
        const bool negated = d.condition[0] == '^';
        const std::string id = negated ? d.condition.substr(1) : d.condition;
        const bool on = (id == m_node) != negated;
        m_r.approximated(d, std::string(on ? "applied" : "skipped") + " for node " + m_node +
                                ": keepalived applies '@" + d.condition +
                                "' by its config id (-i, default the host name), taken here as the "
                                "node name");
        return on;
    }

    void top(const Directive &d);

private:
    void global(const Directive &d);
    void script(const Directive &d);
    void trackProcess(const Directive &d);
    void trackFile(const Directive &d);
    void instance(const Directive &d);
    void instanceKeyword(Instance &in, const Directive &c);
    void addresses(Instance &in, const Directive &block);
    void refs(std::vector<TrackRef> &out, const Directive &block, const char *what);
    void table(const std::map<std::string, Verdict> &t, const Directive &d, const char *where);

    std::string m_node;
    Report &m_r;
    NodeModel &m_m;
};

void NodeReader::table(const std::map<std::string, Verdict> &t, const Directive &d, const char *where)
{
    if (const auto it = t.find(d.name); it != t.end())
        return m_r.add({d.file, d.line, d.name, it->second.kind, it->second.why, {}});
    m_r.unsupported(d, std::string("not a ") + where + " keyword hafront knows" +
                           placeholderNote(d.name + " " + d.argText()));
}

void NodeReader::global(const Directive &d)
{
    m_r.mapped(d);
    for (const auto &c : d.children) {
        if (!applies(c))
            continue;
        if (c.name == "vrrp_version") {
            m_m.vrrpVersion = toWeight(c.argText());
            m_m.versionAt = &c;
            if (m_m.vrrpVersion == 3)
                m_r.mapped(c, "hafront speaks VRRPv3");
            else
                m_r.approximated(c, "hafront speaks VRRPv3 only; keepalived nodes left on version 2 do not see "
                                    "hafront nodes: set vrrp_version 3 on them while migrating");
        } else {
            table(globalTable(), c, "global_defs");
        }
    }
}

void NodeReader::script(const Directive &d)
{
    Script s;
    s.name = d.args.empty() ? "" : d.args[0];
    s.block = &d;
    for (const auto &c : d.children) {
        if (!applies(c))
            continue;
        const auto ms = c.args.empty() ? std::nullopt : parseSecondsMs(c.args[0]);
        const auto n = c.args.empty() ? std::nullopt : parseInteger(c.args[0]);
        if (c.name == "script" && !c.args.empty())
            s.command = c.argText(), m_r.mapped(c, "command run with /bin/sh -c");
        else if (c.name == "interval" && ms)
            s.intervalMs = uint32_t(*ms), m_r.mapped(c);
        else if (c.name == "timeout" && ms)
            s.timeoutMs = uint32_t(*ms), m_r.mapped(c);
        else if (c.name == "weight" && n && *n >= -253 && *n <= 253)
            s.weight = int(*n), m_r.mapped(c, *n == 0 ? "0: a failing script puts the node in FAULT" : "");
        else if ((c.name == "rise" || c.name == "fall") && n && *n >= 1)
            (c.name == "rise" ? s.rise : s.fall) = uint32_t(*n), m_r.mapped(c);
        else if (c.name == "user")
            m_r.approximated(c, "hafront runs track scripts as its own user");
        else if (c.name == "init_fail")
            m_r.approximated(c, "hafront starts a tracker as failing until its first result");
        else
            m_r.unsupported(c, "cannot read '" + c.name + " " + c.argText() + "'" + placeholderNote(c.argText()));
    }
    if (s.name.empty() || s.command.empty())
        return m_r.unsupported(d, "a vrrp_script needs a name and a script");
    if (tracksReplacedProxy(s.command))
        m_r.approximated(d, "checks the proxy hafront replaces: not carried as a script (see its track_script "
                            "lines: hafront's self-tracking takes its place)");
    else
        m_r.mapped(d, "track_script '" + s.name + "' where an instance tracks it");
    m_m.scripts[s.name] = s;
}

void NodeReader::trackProcess(const Directive &d)
{
    TrackedProcess p;
    p.name = d.args.empty() ? "" : d.args[0];
    p.block = &d;
    for (const auto &c : d.children) {
        if (!applies(c))
            continue;
        if (c.name == "process" && !c.args.empty())
            p.process = c.args[0], m_r.mapped(c);
        else if (c.name == "weight" && parseInteger(c.argText()))
            p.weight = toWeight(c.argText()), m_r.mapped(c);
        else if (c.name == "quorum" || c.name == "quorum_max" || c.name == "delay" || c.name == "terminate_delay" ||
                 c.name == "fork_delay" || c.name == "full_command" || c.name == "param_match")
            m_r.approximated(c, "hafront checks that one process of that name runs");
        else
            m_r.unsupported(c, "not a vrrp_track_process keyword hafront knows");
    }
    if (p.name.empty() || p.process.empty())
        return m_r.unsupported(d, "a vrrp_track_process needs a name and a process");
    m_r.mapped(d);
    m_m.processes[p.name] = p;
}

void NodeReader::trackFile(const Directive &d)
{
    TrackedFile f;
    f.name = d.args.empty() ? "" : d.args[0];
    f.block = &d;
    for (const auto &c : d.children) {
        if (!applies(c))
            continue;
        if (c.name == "file" && !c.args.empty())
            f.path = c.args[0], m_r.mapped(c);
        else if (c.name == "weight" && parseInteger(c.argText()) && toWeight(c.argText()) != 0)
            f.weight = toWeight(c.argText()), m_r.mapped(c);
        else if (c.name == "weight")
            m_r.unsupported(c, "weight 0 (a non-zero number in the file means FAULT) is not in hafront; weight 1 "
                               "is used");
        else if (c.name == "init_file")
            m_r.approximated(c, "hafront does not create the file; a missing file counts as 0");
        else
            m_r.unsupported(c, "not a vrrp_track_file keyword hafront knows");
    }
    if (f.name.empty() || f.path.empty())
        return m_r.unsupported(d, "a vrrp_track_file needs a name and a file");
    m_r.mapped(d);
    m_m.files[f.name] = f;
}

void NodeReader::addresses(Instance &in, const Directive &block)
{
    m_r.mapped(block);
    for (const auto &c : block.children) {
        if (!applies(c))
            continue;
        std::string address = c.name;
        if (address.find(':') != std::string::npos)
            return m_r.unsupported(c, "IPv6 VIPs are not in this build"), void();
        if (address.find('/') == std::string::npos)
            address += "/32"; // keepalived: an address without a prefix is a /32
        if (!config::parsePrefix(address)) {
            m_r.unsupported(c, "cannot read the address '" + c.name + "'" + placeholderNote(c.name));
            continue;
        }
        std::string dev, extras;
        for (size_t i = 0; i < c.args.size(); ++i) {
            if (c.args[i] == "dev" && i + 1 < c.args.size())
                dev = c.args[++i];
            else if ((c.args[i] == "label" || c.args[i] == "brd" || c.args[i] == "scope") && i + 1 < c.args.size())
                extras += (extras.empty() ? "" : ", ") + c.args[i] + " " + c.args[i + 1], ++i;
            else
                extras += (extras.empty() ? "" : ", ") + c.args[i];
        }
        if (!dev.empty() && !in.interfaceName.empty() && dev != in.interfaceName) {
            m_r.unsupported(c, "on dev " + dev + ", not the instance's interface " + in.interfaceName +
                                   ": a hafront VIP lives on the interface its VRRP runs on; not carried");
            continue;
        }
        if (!in.addresses.empty()) {
            m_r.unsupported(c, "a hafront VIP carries one address; " + address + " (a further address of instance " +
                                   in.name + ") is not carried: give it its own vrrp_instance");
            continue;
        }
        in.addresses.push_back(address);
        const std::string note =
            c.name.find('/') == std::string::npos ? "VIP " + address + " (no prefix: /32)" : "VIP " + address;
        if (!extras.empty())
            m_r.approximated(c, note + "; hafront adds the address without " + extras);
        else
            m_r.mapped(c, note);
    }
}

void NodeReader::refs(std::vector<TrackRef> &out, const Directive &block, const char *what)
{
    m_r.mapped(block);
    for (const auto &c : block.children) {
        if (!applies(c))
            continue;
        TrackRef ref{c.name, std::nullopt, &c};
        for (size_t i = 0; i + 1 < c.args.size(); ++i)
            if (c.args[i] == "weight" && parseInteger(c.args[i + 1]))
                ref.weight = toWeight(c.args[i + 1]);
        if (c.args.size() > (ref.weight ? 2u : 0u)) {
            m_r.unsupported(c,
                            std::string("cannot read this ") + what + " entry ('" + c.name + " " + c.argText() + "')");
            continue;
        }
        out.push_back(ref);
    }
}

void NodeReader::instanceKeyword(Instance &in, const Directive &c)
{
    const std::string &n = c.name;
    const std::string a = c.argText();
    const auto num = parseInteger(a);
    in.at[n] = &c;
    auto bad = [&] { m_r.unsupported(c, "cannot read '" + a + "'" + placeholderNote(a)); };
    if (n == "state") {
        in.master = a == "MASTER";
        if (a != "MASTER" && a != "BACKUP")
            return bad();
        m_r.approximated(c, "hafront has no start state: every node starts as backup and the highest priority "
                            "takes the VIP after the master-down interval (keepalived's MASTER takes it at once)");
    } else if (n == "interface") {
        in.interfaceName = a, m_r.mapped(c);
    } else if (n == "virtual_router_id") {
        if (!num || *num < 1 || *num > 255)
            return bad();
        in.vrid = uint32_t(*num), m_r.mapped(c);
    } else if (n == "priority") {
        if (!num || *num < 1 || *num > 255)
            return bad();
        in.priority = uint32_t(*num), m_r.mapped(c);
    } else if (n == "advert_int") {
        const auto ms = parseSecondsMs(a);
        if (!ms || *ms < 10 || *ms > 40950 || *ms % 10)
            return bad();
        in.advertMs = uint32_t(*ms), m_r.mapped(c, "advert_interval_ms " + std::to_string(*ms));
    } else if (n == "nopreempt") {
        in.nopreempt = true; // judged once the state is known (readInstance)
    } else if (n == "preempt") {
        m_r.mapped(c, "preempt (the default)");
    } else if (n == "preempt_delay") {
        const auto ms = parseSecondsMs(a);
        if (!ms)
            return bad();
        in.preemptDelayMs = uint32_t(*ms), m_r.mapped(c);
    } else if (n == "unicast_src_ip" || n == "mcast_src_ip") {
        if (!config::parseIPv4(a))
            return bad();
        in.unicastSrc = a, m_r.mapped(c, "the node's address");
    } else if (n == "accept" || n == "no_accept") {
        in.accept = n == "accept", m_r.mapped(c);
    } else if (n == "version") {
        m_r.add({c.file,
                 c.line,
                 n,
                 a == "3" ? Kind::Mapped : Kind::Approximated,
                 a == "3" ? "VRRPv3" : "hafront speaks VRRPv3 only: keepalived nodes on version 2 do not see it",
                 {}});
    } else if (n == "authentication") {
        // Never carried, never quoted: the password stays in the old file.
        m_r.unsupported(c, "VRRPv3 has no authentication (RFC 5798) and keepalived ignores it under vrrp_version 3; "
                           "the password is not carried");
    } else {
        table(instanceTable(), c, "vrrp_instance");
    }
}

void NodeReader::instance(const Directive &d)
{
    Instance in;
    in.name = d.args.empty() ? "" : d.args[0];
    in.block = &d;
    for (const auto &c : d.children) // the interface first: addresses are checked against it
        if (c.name == "interface" && applies(c))
            instanceKeyword(in, c);
    for (const auto &c : d.children) {
        if (c.name == "interface" || (!c.condition.empty() && !applies(c)))
            continue;
        if (c.name == "virtual_ipaddress" || c.name == "unicast_peer" || c.name.rfind("track_", 0) == 0)
            in.at[c.name] = &c;
        if (c.name == "virtual_ipaddress")
            addresses(in, c);
        else if (c.name == "unicast_peer") {
            m_r.mapped(c, "unicast_peer of the VIP");
            for (const auto &p : c.children)
                if (!applies(p))
                    continue;
                else if (config::parseIPv4(p.name) && p.args.empty())
                    in.peers.push_back(p.name), m_r.mapped(p);
                else
                    m_r.unsupported(p, "cannot read the peer '" + p.name + "'" + placeholderNote(p.name));
        } else if (c.name == "track_script")
            refs(in.scripts, c, "track_script");
        else if (c.name == "track_interface")
            refs(in.interfaces, c, "track_interface");
        else if (c.name == "track_process")
            refs(in.processes, c, "track_process");
        else if (c.name == "track_file")
            refs(in.files, c, "track_file");
        else
            instanceKeyword(in, c);
    }
    if (in.nopreempt) {
        const Directive &at = *in.at["nopreempt"];
        if (in.master)
            m_r.approximated(at, "keepalived ignores nopreempt with state MASTER, so this node preempts: carried as "
                                 "preempt on");
        else
            m_r.mapped(at, "preempt: false");
    }
    std::string missing = in.name.empty()            ? "name"
                          : in.interfaceName.empty() ? "interface"
                          : in.vrid == 0             ? "virtual_router_id"
                          : in.addresses.empty()     ? "virtual_ipaddress hafront can carry"
                                                     : "";
    if (!missing.empty())
        return m_r.unsupported(d, "this instance has no " + missing + ": not carried");
    m_r.mapped(d, "VIP '" + in.name + "'");
    if (m_m.vrrpVersion != 3 && !in.at.count("version") && !m_m.versionAt)
        m_r.approximated(d, "hafront speaks VRRPv3 (RFC 5798); keepalived defaults to VRRPv2, so keepalived and "
                            "hafront nodes do not see each other during a migration unless vrrp_version 3 is set");
    m_m.instances.push_back(std::move(in));
}

void NodeReader::top(const Directive &d)
{
    if (!applies(d))
        return;
    const std::string &n = d.name;
    if (n == "global_defs")
        return global(d);
    if (n == "vrrp_script")
        return script(d);
    if (n == "vrrp_track_process")
        return trackProcess(d);
    if (n == "vrrp_track_file")
        return trackFile(d);
    if (n == "vrrp_instance")
        return instance(d);
    if (n == "vrrp_sync_group") {
        std::vector<std::string> members;
        for (const auto &c : d.children) {
            if (!applies(c))
                continue;
            if (c.name != "group") {
                table(instanceTable(), c, "vrrp_sync_group");
                continue;
            }
            m_r.mapped(c, "its instances become VIPs of their own");
            for (const auto &g : c.children)
                members.push_back(g.name), m_r.mapped(g);
        }
        m_m.syncGroups.push_back({d.args.empty() ? "" : d.args[0], members});
        return m_r.approximated(d, "hafront moves each VIP on its own: the instances of this group fail over "
                                   "independently (put them on one node's priorities alike to keep them together)");
    }
    if (n == "virtual_server" || n == "virtual_server_group")
        return m_r.unsupported(d, "LVS is not in hafront: a hafront TCP pool and listener do this as a proxy "
                                  "(write them by hand from the real_server entries)");
    if (n == "static_ipaddress" || n == "static_routes" || n == "static_rules")
        return m_r.unsupported(d, "hafront adds no static addresses, routes or rules");
    if (n == "include")
        return m_r.unsupported(d, "a conditional include is not followed");
    m_r.unsupported(d, "not a keepalived keyword hafront knows" + placeholderNote(n + " " + d.argText()));
}

} // namespace

bool tracksReplacedProxy(const std::string &command)
{
    for (const char *name : {"nginx", "haproxy"}) {
        const auto at = command.find(name);
        if (at != std::string::npos)
            return true;
    }
    return false;
}

NodeModel readNode(const std::string &node, const std::string &file, const std::vector<Directive> &directives,
                   Report &report)
{
    NodeModel m;
    m.node = node;
    m.file = file;
    NodeReader reader(node, report, m);
    for (const auto &d : directives) // global_defs first: vrrp_version decides the instances' notes
        if (d.name == "global_defs")
            reader.top(d);
    for (const auto &d : directives)
        if (d.name != "global_defs")
            reader.top(d);
    return m;
}

} // namespace hafront::import
